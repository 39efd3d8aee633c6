"""Automatic training and UpdateSolution (behaviour reference §4.1, §4.3; our choices in
personalize_mock.service.training.auto_training)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MS = timedelta(milliseconds=1)


@pytest.fixture
def dsg(make_dataset_group: MakeDatasetGroup) -> str:
    return make_dataset_group()


def _versions(client: Any, solution: str) -> list[dict[str, Any]]:
    versions: list[dict[str, Any]] = client.list_solution_versions(solutionArn=solution)["solutionVersions"]
    return versions


def _automatic(client: Any, solution: str) -> list[dict[str, Any]]:
    return [v for v in _versions(client, solution) if v["trainingType"] == "AUTOMATIC"]


def _active_at(client: Any, solution: str) -> datetime:
    described = client.describe_solution(solutionArn=solution)["solution"]
    assert described["status"] == "ACTIVE"
    active: datetime = described["lastUpdatedDateTime"]
    return active


def _offsets(versions: list[dict[str, Any]], origin: datetime) -> list[timedelta]:
    return [v["creationDateTime"] - origin for v in versions]


def _close(actual: list[timedelta], expected: list[timedelta]) -> bool:
    return len(actual) == len(expected) and all(
        abs(a - e) <= MS for a, e in zip(actual, expected, strict=True)
    )


def test_first_automatic_version_one_hour_after_active(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    active = _active_at(client, solution)
    assert client.describe_solution(solutionArn=solution)["solution"]["performAutoTraining"] is True
    pm.advance(3599)
    assert _versions(client, solution) == []
    pm.advance(1)
    (version,) = _versions(client, solution)
    assert version["trainingType"] == "AUTOMATIC"
    assert version["trainingMode"] == "AUTOTRAIN"
    assert version["status"] == "CREATE PENDING"
    assert abs(version["creationDateTime"] - active - HOUR) <= MS
    described = client.describe_solution_version(solutionVersionArn=version["solutionVersionArn"])[
        "solutionVersion"
    ]
    assert described["trainingType"] == "AUTOMATIC"
    latest = client.describe_solution(solutionArn=solution)["solution"]["latestSolutionVersion"]
    assert latest["solutionVersionArn"] == version["solutionVersionArn"]


def test_a_long_jump_materializes_the_runs_at_their_own_times(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    active = _active_at(client, solution)
    pm.advance(15 * DAY)  # one jump, nobody looking in between
    automatic = _automatic(client, solution)
    assert _close(_offsets(automatic, active), [HOUR, HOUR + 7 * DAY, HOUR + 14 * DAY])
    assert [v["status"] for v in automatic] == ["ACTIVE", "ACTIVE", "ACTIVE"]


def test_every_seven_days_by_default(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    active = _active_at(client, solution)
    seen = []
    for _ in range(15 * 24):
        pm.advance(HOUR)
        seen.append(len(_automatic(client, solution)))
    automatic = _automatic(client, solution)
    assert _close(_offsets(automatic, active), [HOUR, HOUR + 7 * DAY, HOUR + 14 * DAY])
    assert sorted(set(seen)) == [1, 2, 3]


def test_scheduling_expression_sets_the_interval(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(
        dsg, solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(3 days)"}}
    )
    active = _active_at(client, solution)
    pm.advance(7 * DAY)
    automatic = _automatic(client, solution)
    assert _close(_offsets(automatic, active), [HOUR, HOUR + 3 * DAY, HOUR + 6 * DAY])
    config = client.describe_solution(solutionArn=solution)["solution"]["solutionConfig"]
    assert config == {"autoTrainingConfig": {"schedulingExpression": "rate(3 days)"}}


def test_singular_day(pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution) -> None:
    solution = make_solution(
        dsg, solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(1 day)"}}
    )
    active = _active_at(client, solution)
    pm.advance(3 * DAY)
    assert _close(_offsets(_automatic(client, solution), active), [HOUR, HOUR + DAY, HOUR + 2 * DAY])


def test_manual_version_in_the_first_hour_skips_the_first_run(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    active = _active_at(client, solution)
    pm.advance(1800)
    manual = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.advance(2 * HOUR)
    versions = _versions(client, solution)
    assert [v["solutionVersionArn"] for v in versions] == [manual]
    assert versions[0]["trainingType"] == "MANUAL"
    # The schedule goes on: the next run is seven days after the skipped one.
    pm.advance(7 * DAY)
    assert _close(_offsets(_automatic(client, solution), active), [HOUR + 7 * DAY])


def test_manual_version_still_training_blocks_a_later_run(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(
        dsg, solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(1 day)"}}
    )
    pm.advance(2 * HOUR)
    assert len(_automatic(client, solution)) == 1
    # A manual version whose training spans the next run's time: that run is skipped.
    pm.advance(DAY - timedelta(minutes=90))  # half an hour before the run of day 1
    client.create_solution_version(solutionArn=solution)
    pm.advance(2 * HOUR)
    assert len(_automatic(client, solution)) == 1
    pm.advance(DAY)
    assert len(_automatic(client, solution)) == 2


def test_no_automatic_training_when_off(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg, performAutoTraining=False)
    assert client.describe_solution(solutionArn=solution)["solution"]["performAutoTraining"] is False
    pm.advance(30 * DAY)
    assert _versions(client, solution) == []


@pytest.mark.parametrize(
    "expression", ["rate(31 days)", "rate(0 days)", "cron(x)", "rate(3 weeks)", "rate(3days)"]
)
def test_bad_scheduling_expression_is_invalid_on_create(
    client: Any, dsg: str, make_solution: MakeSolution, expression: str
) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        make_solution(dsg, solutionConfig={"autoTrainingConfig": {"schedulingExpression": expression}})
    assert client.list_solutions()["solutions"] == []


@pytest.mark.parametrize("expression", ["rate(31 days)", "cron(x)"])
def test_bad_scheduling_expression_is_invalid_on_update(
    client: Any, dsg: str, make_solution: MakeSolution, expression: str
) -> None:
    solution = make_solution(dsg)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.update_solution(
            solutionArn=solution,
            solutionUpdateConfig={"autoTrainingConfig": {"schedulingExpression": expression}},
        )
    assert "latestSolutionUpdate" not in client.describe_solution(solutionArn=solution)["solution"]


def test_thirty_days_is_the_longest_interval(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(
        dsg, solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(30 days)"}}
    )
    active = _active_at(client, solution)
    pm.advance(31 * DAY)
    assert _close(_offsets(_automatic(client, solution), active), [HOUR, HOUR + 30 * DAY])


def test_update_solution_lifecycle_and_settings_take_effect_when_active(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    pm.advance(2 * HOUR)
    assert len(_automatic(client, solution)) == 1
    out = client.update_solution(solutionArn=solution, performAutoTraining=False)
    assert out["solutionArn"] == solution
    described = client.describe_solution(solutionArn=solution)["solution"]
    update = described["latestSolutionUpdate"]
    assert update["status"] == "CREATE PENDING"
    assert update["performAutoTraining"] is False
    assert update["creationDateTime"] == update["lastUpdatedDateTime"]
    # The top-level setting switches only when the update is ACTIVE.
    assert described["performAutoTraining"] is True
    assert described["status"] == "ACTIVE"

    with pytest.raises(client.exceptions.ResourceInUseException, match="update"):
        client.update_solution(solutionArn=solution, performAutoTraining=True)

    statuses = []
    while (
        status := client.describe_solution(solutionArn=solution)["solution"]["latestSolutionUpdate"]["status"]
    ) != "ACTIVE":
        statuses.append(status)
        assert client.describe_solution(solutionArn=solution)["solution"]["performAutoTraining"] is True
        pm.advance(5)
    assert statuses[0] == "CREATE PENDING"
    assert "CREATE IN_PROGRESS" in statuses
    described = client.describe_solution(solutionArn=solution)["solution"]
    assert described["performAutoTraining"] is False
    assert (
        described["latestSolutionUpdate"]["lastUpdatedDateTime"]
        > described["latestSolutionUpdate"]["creationDateTime"]
    )

    # No new automatic versions from now on.
    pm.advance(30 * DAY)
    assert len(_automatic(client, solution)) == 1
    # A second update is accepted once the first is ACTIVE.
    client.update_solution(solutionArn=solution, performAutoTraining=True)


def test_update_schedule_takes_effect_when_active(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    pm.advance(2 * HOUR)
    client.update_solution(
        solutionArn=solution,
        solutionUpdateConfig={"autoTrainingConfig": {"schedulingExpression": "rate(2 days)"}},
    )
    pm.advance(60)
    described = client.describe_solution(solutionArn=solution)["solution"]
    assert described["latestSolutionUpdate"]["status"] == "ACTIVE"
    assert described["latestSolutionUpdate"]["solutionUpdateConfig"] == {
        "autoTrainingConfig": {"schedulingExpression": "rate(2 days)"}
    }
    assert described["solutionConfig"]["autoTrainingConfig"] == {"schedulingExpression": "rate(2 days)"}
    update_active = described["latestSolutionUpdate"]["lastUpdatedDateTime"]
    pm.advance(5 * DAY)
    later = [v for v in _automatic(client, solution) if v["creationDateTime"] > update_active]
    assert _close(_offsets(later, update_active), [2 * DAY, 4 * DAY])


def test_turning_auto_training_on_later(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg, performAutoTraining=False)
    client.update_solution(solutionArn=solution, performAutoTraining=True)
    pm.advance(8 * DAY)
    assert len(_automatic(client, solution)) >= 1
    assert client.describe_solution(solutionArn=solution)["solution"]["performAutoTraining"] is True


def test_failed_update_changes_nothing(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    pm.fail_next("solution_update", reason="nope")
    client.update_solution(solutionArn=solution, performAutoTraining=False)
    pm.advance(60)
    described = client.describe_solution(solutionArn=solution)["solution"]
    assert described["latestSolutionUpdate"]["status"] == "CREATE FAILED"
    assert described["latestSolutionUpdate"]["failureReason"] == "nope"
    assert described["performAutoTraining"] is True
    pm.advance(2 * HOUR)
    assert len(_automatic(client, solution)) == 1
    # A failed update is finished: another one may start.
    client.update_solution(solutionArn=solution, performAutoTraining=False)


def test_update_of_unknown_or_deleting_solution(client: Any, dsg: str, make_solution: MakeSolution) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.update_solution(solutionArn="arn:aws:personalize:us-east-1:123456789012:solution/none")
    solution = make_solution(dsg)
    client.delete_solution(solutionArn=solution)
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.update_solution(solutionArn=solution, performAutoTraining=False)


def test_settle_does_not_wait_for_future_automatic_trainings(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    before = pm.now()
    after = pm.settle()
    # Only the process's own (real) time passes: far less than any simulated duration.
    assert after - before < timedelta(minutes=1)
    assert _versions(client, solution) == []
    # Once a run has started, settle waits for it to finish (and not for the next one).
    pm.advance(HOUR)
    (running,) = _automatic(client, solution)
    assert running["status"] == "CREATE PENDING"
    start = pm.now()
    end = pm.settle()
    assert HOUR - timedelta(minutes=1) < end - start <= HOUR + MS
    assert [v["status"] for v in _versions(client, solution)] == ["ACTIVE"]


def test_automatic_version_time_is_exact_when_another_region_was_called_first(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    active = _active_at(client, solution)
    pm.advance(2 * HOUR)
    boto3.client("personalize", region_name="eu-west-1").create_dataset_group(name="elsewhere")
    (version,) = _automatic(client, solution)
    assert abs(version["creationDateTime"] - active - HOUR) <= MS
