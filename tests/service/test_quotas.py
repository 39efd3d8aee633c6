"""Service quotas → LimitExceededException, and the ``quotas=`` option (behaviour reference §5.4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from personalize_mock import PersonalizeMock, mock_personalize

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]


def test_sixth_dataset_group_is_refused(pm: PersonalizeMock, client: Any) -> None:
    arns = [client.create_dataset_group(name=f"dsg{i}")["datasetGroupArn"] for i in range(5)]
    with pytest.raises(client.exceptions.LimitExceededException) as caught:
        client.create_dataset_group(name="dsg5")
    assert caught.value.response["Error"]["Message"] == (
        "Cannot create a dataset group. More than 5 resources in ACTIVE state. "
        "Please delete some and try again."
    )
    assert len(client.list_dataset_groups()["datasetGroups"]) == 5
    # A group being deleted no longer counts, even before it is gone.
    pm.advance(10)
    client.delete_dataset_group(datasetGroupArn=arns[0])
    client.create_dataset_group(name="dsg5")
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_dataset_group(name="dsg6")


def test_dataset_group_quota_is_per_region(pm: PersonalizeMock, client: Any) -> None:
    for i in range(5):
        client.create_dataset_group(name=f"dsg{i}")
    eu = boto3.client("personalize", region_name="eu-west-1")
    for i in range(5):
        eu.create_dataset_group(name=f"dsg{i}")
    with pytest.raises(eu.exceptions.LimitExceededException):
        eu.create_dataset_group(name="dsg5")


def test_eleventh_solution_in_a_dataset_group_is_refused(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group("a")
    other = make_dataset_group("b")
    solutions = [make_solution(dsg, name=f"s{i}") for i in range(10)]
    with pytest.raises(client.exceptions.LimitExceededException, match="More than 10 solutions") as caught:
        make_solution(dsg, name="s10")
    assert dsg in caught.value.response["Error"]["Message"]
    assert len(client.list_solutions(datasetGroupArn=dsg)["solutions"]) == 10
    # The quota is per dataset group.
    make_solution(other, name="elsewhere")
    # A solution being deleted frees its slot at once.
    client.delete_solution(solutionArn=solutions[3])
    make_solution(dsg, name="s10")
    with pytest.raises(client.exceptions.LimitExceededException):
        make_solution(dsg, name="s11")


def test_twenty_first_version_in_flight_across_the_region_is_refused(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    first = make_dataset_group("a")
    second = make_dataset_group("b")
    solutions = [make_solution(first, name="s1", performAutoTraining=False)]
    solutions.append(make_solution(second, name="s2", performAutoTraining=False))
    for i in range(20):
        client.create_solution_version(solutionArn=solutions[i % 2])
    with pytest.raises(client.exceptions.LimitExceededException) as caught:
        client.create_solution_version(solutionArn=solutions[0])
    assert (
        caught.value.response["Error"]["Message"]
        == "More than 20 resources with PENDING or IN_PROGRESS status."
    )
    assert len(client.list_solution_versions()["solutionVersions"]) == 20
    # Another region has its own quota.
    eu = boto3.client("personalize", region_name="eu-west-1")
    eu_dsg = eu.create_dataset_group(name="a")["datasetGroupArn"]
    pm.advance(10)
    # (the us-east-1 versions are still in flight: 10 s of a one-hour training)
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_solution_version(solutionArn=solutions[1])
    eu_solution = eu.create_solution(
        name="s", datasetGroupArn=eu_dsg, recipeArn="arn:aws:personalize:::recipe/aws-sims"
    )["solutionArn"]
    eu.create_solution_version(solutionArn=eu_solution)
    # Finished versions free their slots.
    pm.settle()
    for _ in range(20):
        client.create_solution_version(solutionArn=solutions[0])


@pytest.mark.personalize_mock(
    quotas={"dataset_groups": 2, "solutions_per_dataset_group": 1, "solution_versions_in_flight": 3}
)
def test_quotas_option_lowers_the_limits(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group("a")
    make_dataset_group("b")
    with pytest.raises(client.exceptions.LimitExceededException, match="More than 2 resources"):
        client.create_dataset_group(name="c")
    solution = make_solution(dsg, name="s1", performAutoTraining=False)
    with pytest.raises(client.exceptions.LimitExceededException, match="More than 1 solutions"):
        make_solution(dsg, name="s2")
    for _ in range(3):
        client.create_solution_version(solutionArn=solution)
    with pytest.raises(client.exceptions.LimitExceededException, match="More than 3 resources"):
        client.create_solution_version(solutionArn=solution)


@pytest.mark.personalize_mock(quotas={"dataset_groups": 0})
def test_zero_quota_refuses_the_first(pm: PersonalizeMock, client: Any) -> None:
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_dataset_group(name="a")
    assert client.list_dataset_groups()["datasetGroups"] == []


@pytest.mark.personalize_mock(quotas={"solution_versions_in_flight": 1})
def test_automatic_training_respects_the_in_flight_quota(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    busy = make_solution(dsg, name="busy", performAutoTraining=False)
    auto = make_solution(dsg, name="auto")
    pm.advance(1800)
    client.create_solution_version(solutionArn=busy)  # in flight when "auto" would train
    pm.advance(3600)
    assert client.list_solution_versions(solutionArn=auto)["solutionVersions"] == []
    pm.advance(7 * 86400)
    (version,) = client.list_solution_versions(solutionArn=auto)["solutionVersions"]
    assert version["trainingType"] == "AUTOMATIC"


@pytest.mark.parametrize(
    "quotas",
    [{"datasetgroups": 1}, {"dataset_groups": -1}, {"dataset_groups": 1.5}, {"dataset_groups": True}],
)
def test_bad_quota_options_fail_loudly(quotas: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="quota"):
        mock_personalize(quotas=quotas)
