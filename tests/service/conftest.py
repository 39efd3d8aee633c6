"""Fixtures of the service tests: an active mock that checks every response's shape, a client,
and small factories for the resources most tests need.

Options of the mock come from the ``personalize_mock`` marker (the plugin's marker), e.g.
``@pytest.mark.personalize_mock(quotas={"dataset_groups": 2})``; ``validate_responses`` is
always on, so every call of every test also proves that its response fits botocore's
output shape. ``require_data`` defaults to False here, so tests of training control flow
need no imports; tests of the data rules set ``require_data=True`` in the marker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.options import DEFAULT_DURATIONS

RECIPE_PREFIX = "arn:aws:personalize:::recipe/"

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]


@pytest.fixture
def pm(request: pytest.FixtureRequest) -> Iterator[PersonalizeMock]:
    """An active, empty mock with ``validate_responses=True`` (options from the marker).

    ``require_data`` is False unless the marker sets it.
    """
    marker = request.node.get_closest_marker("personalize_mock")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    options["validate_responses"] = True
    options.setdefault("require_data", False)
    with mock_personalize(**options) as mock:
        yield mock


@pytest.fixture
def personalize_mock(pm: PersonalizeMock) -> PersonalizeMock:
    """The plugin's fixture, here the same mock as :func:`pm`.

    The plugin switches its fixture on for every test with the ``personalize_mock`` marker;
    without this, such a test would run the plugin's mock (marker options only) with ``pm``
    nested inside it, whose ``require_data`` and ``validate_responses`` would be ignored.
    """
    return pm


@pytest.fixture
def client(pm: PersonalizeMock) -> Any:
    """A plain boto3 Personalize client in us-east-1."""
    return boto3.client("personalize", region_name="us-east-1")


@pytest.fixture
def make_dataset_group(pm: PersonalizeMock, client: Any) -> MakeDatasetGroup:
    """Create a dataset group and (by default) wait until it is ACTIVE; returns its ARN."""

    def make(name: str = "dsg", *, wait: bool = True, **params: Any) -> str:
        arn: str = client.create_dataset_group(name=name, **params)["datasetGroupArn"]
        if wait:
            pm.advance(DEFAULT_DURATIONS["dataset_group"])
            assert client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"] == "ACTIVE"
        return arn

    return make


@pytest.fixture
def make_solution(client: Any) -> MakeSolution:
    """Create a solution (ACTIVE at once); ``recipe`` is a recipe name."""

    def make(
        dataset_group_arn: str, name: str = "sol", recipe: str = "aws-user-personalization", **params: Any
    ) -> str:
        arn: str = client.create_solution(
            name=name, datasetGroupArn=dataset_group_arn, recipeArn=RECIPE_PREFIX + recipe, **params
        )["solutionArn"]
        return arn

    return make


@pytest.fixture
def train_version(pm: PersonalizeMock, client: Any) -> TrainVersion:
    """Create a solution version and advance until it is no longer in flight; returns its ARN."""

    def train(solution_arn: str, **params: Any) -> str:
        arn: str = client.create_solution_version(solutionArn=solution_arn, **params)["solutionVersionArn"]
        mode = params.get("trainingMode", "FULL")
        key = "solution_version_update" if mode == "UPDATE" else "solution_version"
        pm.advance(DEFAULT_DURATIONS[key])
        return arn

    return train


def recipe(name: str) -> str:
    """The ARN of the recipe ``name`` (also available to tests through the fixture below)."""
    return RECIPE_PREFIX + name


@pytest.fixture
def recipe_arn() -> Callable[[str], str]:
    return recipe
