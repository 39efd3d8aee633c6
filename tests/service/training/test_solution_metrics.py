"""GetSolutionMetrics through boto3 (behaviour reference §4.4, §11.2, §11.6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]

STANDARD_KEYS = [
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "precision_at_10",
    "precision_at_25",
    "precision_at_5",
]
SEGMENTATION_KEYS = ["coverage", "hits_at_1_percent", "recall_at_1_percent"]


@pytest.fixture
def dsg(make_dataset_group: MakeDatasetGroup) -> str:
    return make_dataset_group()


def test_not_active_is_in_use_never_not_found(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg, performAutoTraining=False)
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    for expected in ("CREATE PENDING", "CREATE IN_PROGRESS"):
        status = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]["status"]
        assert status == expected
        with pytest.raises(client.exceptions.ResourceInUseException, match=expected) as caught:
            client.get_solution_metrics(solutionVersionArn=arn)
        assert caught.value.response["Error"]["Code"] == "ResourceInUseException"
        pm.advance(600)
    pm.settle()
    assert client.get_solution_metrics(solutionVersionArn=arn)["solutionVersionArn"] == arn


def test_failed_and_stopped_versions_are_in_use(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution, train_version: TrainVersion
) -> None:
    solution = make_solution(dsg, performAutoTraining=False)
    pm.fail_next("solution_version")
    failed = train_version(solution)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE FAILED"):
        client.get_solution_metrics(solutionVersionArn=failed)
    stopped = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.stop_solution_version_creation(solutionVersionArn=stopped)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE STOPPED"):
        client.get_solution_metrics(solutionVersionArn=stopped)


def test_unknown_version_is_not_found(client: Any, dsg: str, make_solution: MakeSolution) -> None:
    solution = make_solution(dsg)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_solution_metrics(solutionVersionArn=f"{solution}/deadbeef")


def test_user_personalization_metrics_are_deterministic(
    client: Any, dsg: str, make_solution: MakeSolution, train_version: TrainVersion
) -> None:
    solution = make_solution(dsg, performAutoTraining=False)
    arn = train_version(solution)
    first = client.get_solution_metrics(solutionVersionArn=arn)
    second = client.get_solution_metrics(solutionVersionArn=arn)
    assert first["solutionVersionArn"] == arn
    assert list(first["metrics"]) == STANDARD_KEYS
    assert first["metrics"] == second["metrics"]
    for key, value in first["metrics"].items():
        assert isinstance(value, float)
        assert 0.0 < value < 1.0, key
        assert round(value, 4) == value
    other = train_version(solution)
    assert client.get_solution_metrics(solutionVersionArn=other)["metrics"] != first["metrics"]


@pytest.mark.parametrize("recipe", ["aws-item-affinity", "aws-item-attribute-affinity"])
def test_segmentation_recipes_report_segmentation_keys(
    client: Any, dsg: str, make_solution: MakeSolution, train_version: TrainVersion, recipe: str
) -> None:
    solution = make_solution(dsg, recipe=recipe, performAutoTraining=False)
    arn = train_version(solution)
    metrics = client.get_solution_metrics(solutionVersionArn=arn)["metrics"]
    assert sorted(metrics) == SEGMENTATION_KEYS
    assert metrics == client.get_solution_metrics(solutionVersionArn=arn)["metrics"]
    assert all(value > 0 for value in metrics.values())


@pytest.mark.parametrize("recipe", ["aws-sims", "aws-personalized-ranking", "aws-popularity-count"])
def test_other_recommending_recipes_report_the_standard_keys(
    client: Any, dsg: str, make_solution: MakeSolution, train_version: TrainVersion, recipe: str
) -> None:
    solution = make_solution(dsg, recipe=recipe, performAutoTraining=False)
    arn = train_version(solution)
    assert list(client.get_solution_metrics(solutionVersionArn=arn)["metrics"]) == STANDARD_KEYS


def test_response_is_json_serializable_without_default(
    client: Any, dsg: str, make_solution: MakeSolution, train_version: TrainVersion
) -> None:
    solution = make_solution(dsg, performAutoTraining=False)
    arn = train_version(solution)
    response = client.get_solution_metrics(solutionVersionArn=arn)
    # Sample code json.dumps the whole response (ResponseMetadata included), no default=.
    decoded = json.loads(json.dumps(response))
    assert decoded["metrics"] == response["metrics"]
    assert decoded["solutionVersionArn"] == arn


def test_metrics_of_an_automatic_version(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    solution = make_solution(dsg)
    pm.advance(3600)
    (automatic,) = client.list_solution_versions(solutionArn=solution)["solutionVersions"]
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.get_solution_metrics(solutionVersionArn=automatic["solutionVersionArn"])
    pm.settle()
    metrics = client.get_solution_metrics(solutionVersionArn=automatic["solutionVersionArn"])["metrics"]
    assert list(metrics) == STANDARD_KEYS
