"""The control API under /_personalize_mock/: clock, faults, reset, state, save."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_helpers import Live

from personalize_mock.server import MockServer, ServerApp, server_options

PREFIX = "/_personalize_mock/"


def group_status(client: Any, arn: str) -> str:
    status: str = client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]
    return status


def test_advance_moves_the_clock_and_the_statuses(live: Live) -> None:
    client = live.client()
    arn = client.create_dataset_group(name="g")["datasetGroupArn"]
    before = time.time()

    answer = live.control("advance", {"seconds": 120})

    assert answer["now"] >= before + 120
    assert group_status(client, arn) == "CREATE IN_PROGRESS"
    live.control("advance", {"seconds": 600.5})
    assert group_status(client, arn) == "ACTIVE"


def test_server_durations_keep_a_new_resource_pending_for_a_minute(live: Live) -> None:
    client = live.client()
    arn = client.create_dataset_group(name="g")["datasetGroupArn"]

    live.control("advance", {"seconds": 50})

    assert group_status(client, arn) == "CREATE PENDING"


def test_settle_finishes_everything_in_flight(live: Live) -> None:
    client = live.client()
    arns = [client.create_dataset_group(name=f"g{n}")["datasetGroupArn"] for n in range(3)]

    answer = live.control("settle")

    assert [group_status(client, arn) for arn in arns] == ["ACTIVE"] * 3
    assert answer["now"] >= time.time() + 600 - 5


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "'seconds' is required"),
        ({"seconds": "soon"}, "'seconds' must be a number"),
        ({"seconds": True}, "'seconds' must be a number"),
        ({"seconds": -1}, "only moves forward"),
    ],
)
def test_advance_refuses_what_is_not_a_duration(live: Live, body: dict[str, Any], message: str) -> None:
    response = live.raw("POST", PREFIX + "advance", body)

    assert response.status == 400
    assert message in response.json()["error"]


def test_reset_empties_every_region_and_forgets_faults(live: Live) -> None:
    live.client().create_dataset_group(name="east")
    live.client(region="us-west-2").create_dataset_group(name="west")
    live.control("inject-error", {"operation": "ListDatasetGroups", "code": "ThrottlingException"})

    live.control("reset")

    assert live.client().list_dataset_groups()["datasetGroups"] == []
    assert live.client(region="us-west-2").list_dataset_groups()["datasetGroups"] == []


def test_fail_next_makes_creations_end_failed(live: Live) -> None:
    client = live.client()
    live.control("fail-next", {"kind": "dataset_group", "reason": "no luck", "count": 2})

    arns = [client.create_dataset_group(name=f"g{n}")["datasetGroupArn"] for n in range(3)]
    live.control("settle")

    groups = [client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"] for arn in arns]
    assert [group["status"] for group in groups] == ["CREATE FAILED", "CREATE FAILED", "ACTIVE"]
    assert groups[0]["failureReason"] == "no luck"


def test_fail_next_has_a_default_reason(live: Live) -> None:
    client = live.client()
    live.control("fail-next", {"kind": "dataset_group"})

    arn = client.create_dataset_group(name="g")["datasetGroupArn"]
    live.control("settle")

    assert "fail_next" in client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["failureReason"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "'kind' is required"),
        ({"kind": "spaceship"}, "unknown kind 'spaceship'"),
        ({"kind": "dataset_group", "count": 0}, "count must be a positive int"),
        ({"kind": "dataset_group", "count": "2"}, "'count' must be a int"),
        ({"kind": "dataset_group", "reason": 5}, "'reason' must be a str"),
    ],
)
def test_fail_next_refuses_bad_requests(live: Live, body: dict[str, Any], message: str) -> None:
    response = live.raw("POST", PREFIX + "fail-next", body)

    assert response.status == 400
    assert message in response.json()["error"]


def test_inject_error_fails_the_next_calls_with_a_modeled_error(live: Live) -> None:
    client = live.client()
    live.control(
        "inject-error",
        {
            "operation": "ListDatasetGroups",
            "code": "InvalidNextTokenException",
            "message": "bad token",
            "count": 2,
        },
    )

    for _ in range(2):
        with pytest.raises(client.exceptions.InvalidNextTokenException, match="bad token"):
            client.list_dataset_groups()
    assert client.list_dataset_groups()["datasetGroups"] == []


@pytest.mark.parametrize(("code", "status"), [("ThrottlingException", 400), ("InternalFailure", 500)])
def test_inject_error_with_common_errors_uses_their_status(live: Live, code: str, status: int) -> None:
    live.control("inject-error", {"operation": "ListRecipes", "code": code})

    with pytest.raises(ClientError) as caught:
        live.client().list_recipes()

    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_inject_error_reaches_the_runtime_too(live: Live) -> None:
    live.control("inject-error", {"operation": "GetRecommendations", "code": "ResourceNotFoundException"})

    response = live.raw(
        "POST", "/recommendations", {"campaignArn": "arn:aws:personalize:us-east-1:1:campaign/c"}
    )

    assert response.status == 404
    assert response.header("x-amzn-ErrorType") == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"code": "ThrottlingException"}, "'operation' is required"),
        ({"operation": "ListRecipes"}, "'code' is required"),
        ({"operation": "FlyToTheMoon", "code": "ThrottlingException"}, "is not an operation"),
        ({"operation": "ListRecipes", "code": "ResourceInUseException"}, "is not an error this operation"),
    ],
)
def test_inject_error_refuses_bad_requests(live: Live, body: dict[str, Any], message: str) -> None:
    response = live.raw("POST", PREFIX + "inject-error", body)

    assert response.status == 400
    assert message in response.json()["error"]


def test_state_lists_every_resource_of_every_region_with_its_status(live: Live) -> None:
    east = live.client().create_dataset_group(name="east")["datasetGroupArn"]
    west = live.client(region="us-west-2").create_dataset_group(name="west")["datasetGroupArn"]
    gone = live.client().create_dataset_group(name="gone")["datasetGroupArn"]
    live.control("settle")
    live.client().delete_dataset_group(datasetGroupArn=gone)
    live.control("settle")

    for method in ("GET", "POST"):
        state = live.control("state", method=method)
        assert state["accountId"] == "123456789012"
        assert datetime.fromisoformat(state["now"]).tzinfo == UTC
        listed = {(r["region"], r["kind"], r["arn"], r["name"], r["status"]) for r in state["resources"]}
        assert listed == {
            ("us-east-1", "dataset_group", east, "east", "ACTIVE"),
            ("us-west-2", "dataset_group", west, "west", "ACTIVE"),
        }


def test_state_gives_iso_times(live: Live) -> None:
    live.client().create_dataset_group(name="g")

    state = live.control("state")

    created = datetime.fromisoformat(state["resources"][0]["created"])
    assert created.tzinfo == UTC
    assert created <= datetime.fromisoformat(state["now"])


def test_control_endpoints_take_the_python_names_and_both_operation_spellings(live: Live) -> None:
    client = live.client()
    live.control("inject_error", {"operation": "list_dataset_groups", "code": "ThrottlingException"})
    live.control("fail_next", {"kind": "DatasetGroup"})

    with pytest.raises(ClientError) as caught:
        client.list_dataset_groups()
    arn = client.create_dataset_group(name="g")["datasetGroupArn"]
    live.control("settle")

    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert group_status(client, arn) == "CREATE FAILED"


def test_save_needs_a_state_file(live: Live) -> None:
    response = live.raw("POST", PREFIX + "save")

    assert response.status == 400
    assert "--state-file" in response.json()["error"]


def test_save_writes_the_state_file_that_a_new_server_restores(tmp_path: Path) -> None:
    state_file = tmp_path / "nested" / "state.bin"
    with MockServer(state_file=state_file) as server:
        live = Live(server)
        arn = live.client().create_dataset_group(name="kept")["datasetGroupArn"]
        answer = live.control("save")
        assert answer == {"path": str(state_file), "bytes": state_file.stat().st_size}
        server.stop(save=False)

    restored = ServerApp.create(state_file=state_file)

    groups = restored.state.backends["us-east-1"].collections["dataset_group"]
    assert list(groups.by_arn) == [arn]


def test_unknown_endpoints_and_methods_are_refused(live: Live) -> None:
    unknown = live.raw("POST", PREFIX + "teleport", {})
    wrong_method = live.raw("GET", PREFIX + "advance")
    malformed = live.raw("POST", PREFIX + "advance", "{oops")

    assert unknown.status == 404
    assert PREFIX + "advance" in unknown.json()["error"]
    assert wrong_method.status == 405
    assert wrong_method.header("Allow") == "POST"
    assert malformed.status == 400
    assert "not valid JSON" in malformed.json()["error"]


def test_control_calls_take_the_state_lock(live: Live) -> None:
    lock = live.server.app.state.lock
    done = threading.Event()

    def advance() -> None:
        live.control("advance", {"seconds": 1})
        done.set()

    with lock:
        worker = threading.Thread(target=advance)
        worker.start()
        assert not done.wait(0.3)  # blocked behind the lock this test holds
    worker.join(10)
    assert done.is_set()


def test_server_options_start_from_the_server_durations() -> None:
    options = server_options(durations={"dataset_group": 5}, account_id="111122223333")

    assert options.durations["dataset_group"] == 5
    assert options.durations["campaign"] == 600
    assert options.simulate_sleep is False
    assert options.account_id == "111122223333"
