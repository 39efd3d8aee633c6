"""Server-side validation botocore does not do, and name uniqueness (behaviour reference §1.1, §5.1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ParamValidationError

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]

UP = "arn:aws:personalize:::recipe/aws-user-personalization"
BAD_NAMES = [
    "x" * 64,
    "-leading-dash",
    "_leading_underscore",
    "has space",
    "dot.name",
    "ünicode",
    "slash/name",
]


def _state(client: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """Everything the listings show, to prove a refused call changed nothing."""
    return (
        client.list_dataset_groups()["datasetGroups"],
        client.list_solutions()["solutions"],
        client.list_solution_versions()["solutionVersions"],
    )


@pytest.fixture
def seeded(client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution) -> dict[str, str]:
    dsg = make_dataset_group()
    solution = make_solution(dsg, performAutoTraining=False)
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    return {"dsg": dsg, "solution": solution, "version": version}


def test_63_char_names_are_fine(pm: PersonalizeMock, client: Any) -> None:
    name = "a" * 63
    arn = client.create_dataset_group(name=name)["datasetGroupArn"]
    assert arn.endswith("/" + name)
    client.create_dataset_group(name="A1-b_2")


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_dataset_group_names(client: Any, seeded: dict[str, str], name: str) -> None:
    before = _state(client)
    with pytest.raises(client.exceptions.InvalidInputException, match="name"):
        client.create_dataset_group(name=name)
    assert _state(client) == before


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_solution_names(client: Any, seeded: dict[str, str], name: str) -> None:
    before = _state(client)
    with pytest.raises(client.exceptions.InvalidInputException, match="name"):
        client.create_solution(name=name, datasetGroupArn=seeded["dsg"], recipeArn=UP)
    assert _state(client) == before


@pytest.mark.parametrize("name", ["x" * 64, "bad name"])
def test_bad_solution_version_names(client: Any, seeded: dict[str, str], name: str) -> None:
    before = _state(client)
    with pytest.raises(client.exceptions.InvalidInputException, match="name"):
        client.create_solution_version(solutionArn=seeded["solution"], name=name)
    assert _state(client) == before


@pytest.mark.parametrize("mode", ["PARTIAL", "full", "Update", ""])
def test_bad_training_mode(client: Any, seeded: dict[str, str], mode: str) -> None:
    before = _state(client)
    with pytest.raises(client.exceptions.InvalidInputException, match="trainingMode"):
        client.create_solution_version(solutionArn=seeded["solution"], trainingMode=mode)
    assert _state(client) == before


@pytest.mark.parametrize("arn", ["bad-arn", "arn:aws:s3:::bucket", "arn:aws:personalize:" + "x" * 300])
def test_bad_arns(client: Any, seeded: dict[str, str], arn: str) -> None:
    before = _state(client)
    invalid = client.exceptions.InvalidInputException
    with pytest.raises(invalid):
        client.create_solution(name="new", datasetGroupArn=arn, recipeArn=UP)
    with pytest.raises(invalid):
        client.create_solution(name="new", datasetGroupArn=seeded["dsg"], recipeArn=arn)
    with pytest.raises(invalid):
        client.create_solution_version(solutionArn=arn)
    with pytest.raises(invalid):
        client.describe_solution(solutionArn=arn)
    with pytest.raises(invalid):
        client.describe_dataset_group(datasetGroupArn=arn)
    with pytest.raises(invalid):
        client.describe_solution_version(solutionVersionArn=arn)
    with pytest.raises(invalid):
        client.list_solutions(datasetGroupArn=arn)
    with pytest.raises(invalid):
        client.list_solution_versions(solutionArn=arn)
    with pytest.raises(invalid):
        client.delete_solution(solutionArn=arn)
    with pytest.raises(invalid):
        client.delete_dataset_group(datasetGroupArn=arn)
    with pytest.raises(invalid):
        client.stop_solution_version_creation(solutionVersionArn=arn)
    with pytest.raises(invalid):
        client.get_solution_metrics(solutionVersionArn=arn)
    with pytest.raises(invalid):
        client.list_tags_for_resource(resourceArn=arn)
    assert _state(client) == before


def test_bad_enums(client: Any, seeded: dict[str, str]) -> None:
    before = _state(client)
    with pytest.raises(client.exceptions.InvalidInputException, match="domain"):
        client.create_dataset_group(name="new", domain="RETAIL")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_recipes(domain="RETAIL")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_recipes(recipeProvider="CUSTOM")
    assert _state(client) == before


def test_scheduling_expression_too_long(client: Any, seeded: dict[str, str]) -> None:
    before = _state(client)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_solution(
            name="new",
            datasetGroupArn=seeded["dsg"],
            recipeArn=UP,
            solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(100000 days)"}},
        )
    assert _state(client) == before


def test_kms_key_without_role_is_invalid(pm: PersonalizeMock, client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match="roleArn"):
        client.create_dataset_group(name="dsg", kmsKeyArn="arn:aws:kms:us-east-1:123456789012:key/abc")
    assert client.list_dataset_groups()["datasetGroups"] == []


def test_what_botocore_checks_itself_never_reaches_the_mock(pm: PersonalizeMock, client: Any) -> None:
    with pytest.raises(ParamValidationError):
        client.create_dataset_group(name="")
    with pytest.raises(ParamValidationError):
        client.list_dataset_groups(maxResults=0)
    with pytest.raises(ParamValidationError):
        client.create_solution(name="s")  # datasetGroupArn is required
    assert client.list_dataset_groups()["datasetGroups"] == []


# -- Uniqueness -------------------------------------------------------------------------------


def test_dataset_group_name_taken(pm: PersonalizeMock, client: Any) -> None:
    arn = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException) as caught:
        client.create_dataset_group(name="dsg")
    assert caught.value.response["Error"]["Message"] == f"Another resource with Arn {arn} already exists."
    assert len(client.list_dataset_groups()["datasetGroups"]) == 1
    # Names are case-sensitive.
    client.create_dataset_group(name="DSG")


def test_solution_name_is_unique_in_the_region_not_per_dataset_group(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    first = make_dataset_group("a")
    second = make_dataset_group("b")
    arn = make_solution(first, name="sol")
    for dsg in (first, second):
        with pytest.raises(client.exceptions.ResourceAlreadyExistsException) as caught:
            make_solution(dsg, name="sol")
        assert caught.value.response["Error"]["Message"] == f"Another resource with Arn {arn} already exists."
    assert len(client.list_solutions()["solutions"]) == 1


def test_names_reusable_once_gone_but_not_while_being_deleted(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg, name="sol")
    client.delete_solution(solutionArn=solution)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException):
        make_solution(dsg, name="sol")
    pm.settle()
    assert make_solution(dsg, name="sol") == solution
    assert client.describe_solution(solutionArn=solution)["solution"]["status"] == "ACTIVE"

    client.delete_solution(solutionArn=solution)
    client.delete_dataset_group(datasetGroupArn=dsg)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException):
        client.create_dataset_group(name="dsg")
    pm.settle()
    assert client.create_dataset_group(name="dsg")["datasetGroupArn"] == dsg
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "CREATE PENDING"


def test_same_name_in_another_region_or_account_is_fine(pm: PersonalizeMock, client: Any) -> None:
    client.create_dataset_group(name="dsg")
    boto3.client("personalize", region_name="us-west-2").create_dataset_group(name="dsg")


def test_solution_version_names_may_repeat(client: Any, seeded: dict[str, str]) -> None:
    first = client.create_solution_version(solutionArn=seeded["solution"], name="v1")["solutionVersionArn"]
    second = client.create_solution_version(solutionArn=seeded["solution"], name="v1")["solutionVersionArn"]
    assert first != second
