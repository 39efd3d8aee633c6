"""ServerApp: saving the state file, and the last-resort answer when a response cannot be written."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from server_helpers import Live

from personalize_mock.interception.operations import CONTROL_PLANE, RUNTIME
from personalize_mock.server import ServerApp

NAN = float("nan")


def test_save_without_a_state_file_is_refused() -> None:
    app = ServerApp.create()

    with pytest.raises(ValueError, match="no state file was given"):
        app.save()


def test_a_failed_save_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    # The target is a directory: the final rename fails after the temporary file was written.
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)  # writes the first snapshot and the journal
    state_file.unlink()
    state_file.mkdir()

    with pytest.raises(OSError):
        app.save()
    app.close(save=False)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["state.bin", "state.bin.journal"]
    assert state_file.is_dir() and not any(state_file.iterdir())


def test_a_control_plane_answer_json_cannot_carry_is_a_500_in_json_1_1(
    live: Live, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # NaN is a valid double for the output shape, so it gets past validate_responses and
    # only fails when the body is written.
    def nan_metrics(backend: Any, params: Any) -> dict[str, Any]:
        return {"solutionVersionArn": params["solutionVersionArn"], "metrics": {"coverage": NAN}}

    monkeypatch.setitem(CONTROL_PLANE, "GetSolutionMetrics", nan_metrics)
    arn = "arn:aws:personalize:us-east-1:123456789012:solution/s/aaaaaaaa"

    with caplog.at_level(logging.ERROR, logger="personalize_mock.server"):
        response = live.call("GetSolutionMetrics", {"solutionVersionArn": arn})

    assert response.status == 500
    assert response.header("Content-Type") == "application/x-amz-json-1.1"
    assert response.header("x-amzn-ErrorType") is None
    assert response.header("Connection") == "close"
    assert response.json() == {
        "__type": "InternalFailure",
        "message": "personalize_mock failed: ValueError: Out of range float values are not JSON compliant"
        " (see the server log)",
    }
    assert any(
        record.exc_info and record.getMessage() == "personalize_mock server failed on POST /"
        for record in caplog.records
    )


def test_a_runtime_answer_json_cannot_carry_is_a_500_in_rest_json(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        RUNTIME, "GetRecommendations", lambda backend, params: {"itemList": [{"itemId": "i", "score": NAN}]}
    )

    response = live.raw(
        "POST", "/recommendations?x=1", {"campaignArn": "arn:aws:personalize:us-east-1:1:campaign/c"}
    )

    assert response.status == 500
    assert response.header("Content-Type") == "application/json"
    assert response.header("x-amzn-ErrorType") == "InternalFailure"
    assert response.header("Connection") == "close"
    assert response.json()["__type"] == "InternalFailure"
    assert "ValueError: Out of range float values" in response.json()["message"]
