"""Asynchronous deletes and their ordering rules (behaviour reference §3.2, §5.3, §11.7-11.8)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]


def _solution_status(client: Any, arn: str) -> str:
    status: str = client.describe_solution(solutionArn=arn)["solution"]["status"]
    return status


def _wait_gone(describe: Callable[[], Any]) -> list[str]:
    """A cleanup loop as AWS code writes it: poll until ResourceNotFoundException."""
    seen: list[str] = []
    while True:
        try:
            response = describe()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return seen
            raise
        status = next(iter(v for k, v in response.items() if k != "ResponseMetadata"))["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        assert len(seen) < 10
        time.sleep(1)


def test_delete_solution_pending_in_progress_then_not_found(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg, performAutoTraining=False)
    keep = make_solution(dsg, name="keep", performAutoTraining=False)
    version = train_version(solution)
    other_version = train_version(keep)
    assert client.delete_solution(solutionArn=solution).keys() == {"ResponseMetadata"}
    assert _solution_status(client, solution) == "DELETE PENDING"
    listed = {s["solutionArn"]: s["status"] for s in client.list_solutions()["solutions"]}
    assert listed == {solution: "DELETE PENDING", keep: "ACTIVE"}
    # The version is still there while its solution is being deleted.
    assert (
        client.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["status"] == "ACTIVE"
    )

    seen = _wait_gone(lambda: client.describe_solution(solutionArn=solution))
    assert seen == ["DELETE PENDING", "DELETE IN_PROGRESS"]
    assert [s["solutionArn"] for s in client.list_solutions()["solutions"]] == [keep]
    assert [s["solutionArn"] for s in client.list_solutions(datasetGroupArn=dsg)["solutions"]] == [keep]

    # Its versions went with it.
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_solution_version(solutionVersionArn=version)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_solution_versions(solutionArn=solution)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_solution_metrics(solutionVersionArn=version)
    all_versions = [v["solutionVersionArn"] for v in client.list_solution_versions()["solutionVersions"]]
    assert all_versions == [other_version]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_solution(solutionArn=solution)


def test_delete_solution_with_a_version_in_flight_is_in_use(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    for _ in range(2):
        with pytest.raises(client.exceptions.ResourceInUseException, match=version):
            client.delete_solution(solutionArn=solution)
        assert _solution_status(client, solution) == "ACTIVE"
        pm.advance(1200)
    pm.settle()
    client.delete_solution(solutionArn=solution)
    assert _solution_status(client, solution) == "DELETE PENDING"


def test_delete_solution_with_only_finished_versions_is_allowed(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    pm.fail_next("solution_version")
    failed = train_version(solution)
    stopped = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.stop_solution_version_creation(solutionVersionArn=stopped)
    active = train_version(solution)
    client.delete_solution(solutionArn=solution)
    pm.settle()
    for arn in (failed, stopped, active):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_solution_version(solutionVersionArn=arn)
    assert client.list_solution_versions()["solutionVersions"] == []


def test_delete_twice_is_in_use(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg)
    client.delete_solution(solutionArn=solution)
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_solution(solutionArn=solution)
    client.delete_dataset_group(datasetGroupArn=dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_dataset_group(datasetGroupArn=dsg)


def test_dataset_group_with_a_live_solution_is_in_use(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match=solution):
        client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "ACTIVE"


def test_dataset_group_delete_right_after_its_solutions_delete(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solutions = [make_solution(dsg, name=f"s{i}") for i in range(3)]
    for arn in solutions:
        client.delete_solution(solutionArn=arn)
    # No wait: children already being deleted do not block the parent (§11.8).
    client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "DELETE PENDING"
    # Dataset groups document DELETE PENDING only.
    assert _wait_gone(lambda: client.describe_dataset_group(datasetGroupArn=dsg)) == ["DELETE PENDING"]
    assert client.list_dataset_groups()["datasetGroups"] == []
    assert client.list_solutions()["solutions"] == []
    for arn in solutions:
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_solution(solutionArn=arn)


def test_one_live_solution_among_deleted_ones_still_blocks(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    gone = make_solution(dsg, name="gone")
    live = make_solution(dsg, name="live")
    client.delete_solution(solutionArn=gone)
    with pytest.raises(client.exceptions.ResourceInUseException, match=live):
        client.delete_dataset_group(datasetGroupArn=dsg)


def test_dataset_group_being_created_cannot_be_deleted(pm: PersonalizeMock, client: Any) -> None:
    dsg = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.delete_dataset_group(datasetGroupArn=dsg)
    pm.advance(5)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE IN_PROGRESS"):
        client.delete_dataset_group(datasetGroupArn=dsg)
    pm.advance(5)
    client.delete_dataset_group(datasetGroupArn=dsg)


def test_failed_dataset_group_and_solution_can_be_deleted(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, recipe_arn: Callable[[str], str]
) -> None:
    pm.fail_next("dataset_group", reason="broken")
    failed = client.create_dataset_group(name="failed")["datasetGroupArn"]
    pm.advance(10)
    described = client.describe_dataset_group(datasetGroupArn=failed)["datasetGroup"]
    assert described["status"] == "CREATE FAILED"
    assert described["failureReason"] == "broken"
    client.delete_dataset_group(datasetGroupArn=failed)

    dsg = make_dataset_group()
    pm.fail_next("solution")
    solution = client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=recipe_arn("aws-sims"))[
        "solutionArn"
    ]
    assert _solution_status(client, solution) == "CREATE FAILED"
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.create_solution_version(solutionArn=solution)
    client.delete_solution(solutionArn=solution)
    pm.settle()
    assert client.list_solutions()["solutions"] == []
    assert [g["datasetGroupArn"] for g in client.list_dataset_groups()["datasetGroups"]] == [dsg]


def test_create_solution_in_a_dataset_group_being_deleted_is_in_use(
    client: Any, make_dataset_group: MakeDatasetGroup, recipe_arn: Callable[[str], str]
) -> None:
    dsg = make_dataset_group()
    client.delete_dataset_group(datasetGroupArn=dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match="DELETE PENDING"):
        client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=recipe_arn("aws-sims"))


def test_delete_unknown_resources_is_not_found(pm: PersonalizeMock, client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_dataset_group(
            datasetGroupArn="arn:aws:personalize:us-east-1:123456789012:dataset-group/x"
        )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_solution(solutionArn="arn:aws:personalize:us-east-1:123456789012:solution/x")


def test_recreated_solution_does_not_inherit_the_old_versions(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    dsg = make_dataset_group()
    old = make_solution(dsg, performAutoTraining=False)
    train_version(old)
    client.delete_solution(solutionArn=old)
    pm.settle()
    new = make_solution(dsg, performAutoTraining=False)
    assert new == old
    described = client.describe_solution(solutionArn=new)["solution"]
    assert "latestSolutionVersion" not in described
    assert client.list_solution_versions(solutionArn=new)["solutionVersions"] == []
    assert client.list_solution_versions()["solutionVersions"] == []
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_solution_version(solutionArn=new, trainingMode="UPDATE")
    fresh = client.create_solution_version(solutionArn=new)["solutionVersionArn"]
    latest = client.describe_solution(solutionArn=new)["solution"]["latestSolutionVersion"]
    assert latest["solutionVersionArn"] == fresh
    assert latest["status"] == "CREATE PENDING"


def test_automatic_training_stops_with_the_solution(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group())
    client.delete_solution(solutionArn=solution)
    pm.advance(30 * 86400)
    assert client.list_solution_versions()["solutionVersions"] == []
