"""StopSolutionVersionCreation (behaviour reference §3.3, §11.9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]

STOP_DURATION = DEFAULT_DURATIONS["solution_version_stop"]


@pytest.fixture
def solution(make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution) -> str:
    return make_solution(make_dataset_group(), performAutoTraining=False)


def _version(client: Any, arn: str) -> dict[str, Any]:
    described: dict[str, Any] = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
    return described


def test_stop_from_pending_goes_straight_to_stopped(pm: PersonalizeMock, client: Any, solution: str) -> None:
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    assert _version(client, arn)["status"] == "CREATE PENDING"
    out = client.stop_solution_version_creation(solutionVersionArn=arn)
    assert set(out) == {"ResponseMetadata"}
    stopped = _version(client, arn)
    assert stopped["status"] == "CREATE STOPPED"
    assert "trainingHours" not in stopped
    # It stays stopped (and describable) however much time passes.
    pm.advance(timedelta(days=2))
    assert _version(client, arn)["status"] == "CREATE STOPPED"
    latest = client.describe_solution(solutionArn=solution)["solution"]["latestSolutionVersion"]
    assert latest["status"] == "CREATE STOPPED"
    assert (
        client.list_solution_versions(solutionArn=solution)["solutionVersions"][0]["status"]
        == "CREATE STOPPED"
    )


def test_stop_from_in_progress_goes_through_stopping(pm: PersonalizeMock, client: Any, solution: str) -> None:
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.advance(900)
    assert _version(client, arn)["status"] == "CREATE IN_PROGRESS"
    client.stop_solution_version_creation(solutionVersionArn=arn)
    stopping = _version(client, arn)
    assert stopping["status"] == "CREATE STOPPING"
    latest = client.describe_solution(solutionArn=solution)["solution"]["latestSolutionVersion"]
    assert latest["status"] == "CREATE STOPPING"
    pm.advance(STOP_DURATION / 2)
    assert _version(client, arn)["status"] == "CREATE STOPPING"
    pm.advance(STOP_DURATION / 2)
    stopped = _version(client, arn)
    assert stopped["status"] == "CREATE STOPPED"
    assert stopped["lastUpdatedDateTime"] > stopping["lastUpdatedDateTime"]
    # It never resumes: the original end of training passes without it turning ACTIVE.
    pm.advance(timedelta(hours=2))
    assert _version(client, arn)["status"] == "CREATE STOPPED"


def test_stop_then_settle(pm: PersonalizeMock, client: Any, solution: str) -> None:
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.advance(600)
    client.stop_solution_version_creation(solutionVersionArn=arn)
    pm.settle()
    assert _version(client, arn)["status"] == "CREATE STOPPED"


def test_stopped_solution_can_be_deleted(pm: PersonalizeMock, client: Any, solution: str) -> None:
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.advance(600)
    client.stop_solution_version_creation(solutionVersionArn=arn)
    # While stopping, the version is still in flight and blocks the delete.
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_solution(solutionArn=solution)
    pm.advance(STOP_DURATION)
    client.delete_solution(solutionArn=solution)
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        _version(client, arn)


def test_stop_active_is_in_use(client: Any, solution: str, train_version: TrainVersion) -> None:
    arn = train_version(solution)
    assert _version(client, arn)["status"] == "ACTIVE"
    with pytest.raises(client.exceptions.ResourceInUseException, match="ACTIVE") as caught:
        client.stop_solution_version_creation(solutionVersionArn=arn)
    assert caught.value.response["Error"]["Code"] == "ResourceInUseException"
    assert _version(client, arn)["status"] == "ACTIVE"


def test_stop_failed_is_in_use(
    pm: PersonalizeMock, client: Any, solution: str, train_version: TrainVersion
) -> None:
    pm.fail_next("solution_version")
    arn = train_version(solution)
    assert _version(client, arn)["status"] == "CREATE FAILED"
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE FAILED"):
        client.stop_solution_version_creation(solutionVersionArn=arn)
    assert _version(client, arn)["status"] == "CREATE FAILED"


@pytest.mark.parametrize("wait", [0.0, 600.0])
def test_stop_twice_is_in_use(pm: PersonalizeMock, client: Any, solution: str, wait: float) -> None:
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.advance(wait)
    client.stop_solution_version_creation(solutionVersionArn=arn)
    pm.settle()
    assert _version(client, arn)["status"] == "CREATE STOPPED"
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE STOPPED"):
        client.stop_solution_version_creation(solutionVersionArn=arn)


def test_stop_while_stopping_is_in_use(pm: PersonalizeMock, client: Any, solution: str) -> None:
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.advance(600)
    client.stop_solution_version_creation(solutionVersionArn=arn)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE STOPPING"):
        client.stop_solution_version_creation(solutionVersionArn=arn)
    pm.advance(STOP_DURATION)
    assert _version(client, arn)["status"] == "CREATE STOPPED"


def test_stop_unknown_version_is_not_found(client: Any, solution: str) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.stop_solution_version_creation(solutionVersionArn=f"{solution}/0123abcd")


def test_stopping_frees_the_in_flight_quota_once_stopped(
    pm: PersonalizeMock, client: Any, solution: str
) -> None:
    # Default quota: 20 solution versions in flight per region.
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.stop_solution_version_creation(solutionVersionArn=arn)
    assert _version(client, arn)["status"] == "CREATE STOPPED"
    versions = [client.create_solution_version(solutionArn=solution)["solutionVersionArn"] for _ in range(20)]
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_solution_version(solutionArn=solution)
    pm.advance(600)
    client.stop_solution_version_creation(solutionVersionArn=versions[0])
    # CREATE STOPPING still occupies a slot.
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_solution_version(solutionArn=solution)
    pm.advance(STOP_DURATION)
    client.create_solution_version(solutionArn=solution)
