"""trainingMode UPDATE and the CreateSolution recipe rules (behaviour reference §4.1, §4.2, §9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]

UPDATE_RULE = "trainingMode UPDATE"


def _status(client: Any, arn: str) -> str:
    status: str = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]["status"]
    return status


@pytest.mark.parametrize("recipe", ["aws-user-personalization", "aws-hrnn-coldstart"])
def test_update_accepted_after_an_active_full_version(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
    recipe: str,
) -> None:
    solution = make_solution(make_dataset_group(), recipe=recipe, performAutoTraining=False)
    full = train_version(solution)
    assert _status(client, full) == "ACTIVE"
    update = client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")["solutionVersionArn"]
    described = client.describe_solution_version(solutionVersionArn=update)["solutionVersion"]
    assert described["trainingMode"] == "UPDATE"
    assert described["trainingType"] == "MANUAL"
    assert described["status"] == "CREATE PENDING"
    pm.advance(600)  # solution_version_update: ten simulated minutes
    assert _status(client, update) == "ACTIVE"
    summaries = client.list_solution_versions(solutionArn=solution)["solutionVersions"]
    assert [(s["solutionVersionArn"], s["trainingMode"]) for s in summaries] == [
        (full, "FULL"),
        (update, "UPDATE"),
    ]
    # An UPDATE on top of an UPDATE is fine as long as a FULL version is ACTIVE.
    client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")


def test_update_refused_without_any_version(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    with pytest.raises(client.exceptions.InvalidInputException, match=UPDATE_RULE) as caught:
        client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
    assert "FULL" in caught.value.response["Error"]["Message"]
    assert caught.value.response["Error"]["Code"] == "InvalidInputException"
    assert client.list_solution_versions(solutionArn=solution)["solutionVersions"] == []


def test_update_refused_while_the_full_version_is_in_flight(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    full = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    for _ in range(2):
        assert _status(client, full) in ("CREATE PENDING", "CREATE IN_PROGRESS")
        with pytest.raises(client.exceptions.InvalidInputException, match=UPDATE_RULE):
            client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
        pm.advance(1200)
    pm.settle()
    client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")


def test_update_refused_with_only_a_failed_full_version(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    pm.fail_next("solution_version", reason="Create failed. Not enough data.")
    failed = train_version(solution)
    described = client.describe_solution_version(solutionVersionArn=failed)["solutionVersion"]
    assert described["status"] == "CREATE FAILED"
    assert described["failureReason"] == "Create failed. Not enough data."
    assert "trainingHours" not in described
    with pytest.raises(client.exceptions.InvalidInputException, match=UPDATE_RULE):
        client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
    # fail_next was consumed: the next FULL version trains fine and unlocks UPDATE.
    ok = train_version(solution)
    assert _status(client, ok) == "ACTIVE"
    client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")


def test_update_refused_with_only_a_stopped_full_version(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    full = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.stop_solution_version_creation(solutionVersionArn=full)
    pm.settle()
    assert _status(client, full) == "CREATE STOPPED"
    with pytest.raises(client.exceptions.InvalidInputException, match=UPDATE_RULE):
        client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")


@pytest.mark.parametrize("recipe", ["aws-sims", "aws-user-personalization-v2", "aws-personalized-ranking"])
def test_update_refused_for_other_recipes_even_with_an_active_full_version(
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
    recipe: str,
) -> None:
    solution = make_solution(make_dataset_group(), recipe=recipe, performAutoTraining=False)
    full = train_version(solution)
    assert _status(client, full) == "ACTIVE"
    with pytest.raises(client.exceptions.InvalidInputException, match=UPDATE_RULE) as caught:
        client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
    message = caught.value.response["Error"]["Message"]
    assert "aws-user-personalization" in message
    assert "aws-hrnn-coldstart" in message
    assert recipe in message
    assert len(client.list_solution_versions(solutionArn=solution)["solutionVersions"]) == 1


def test_an_active_automatic_version_satisfies_the_update_rule(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group())
    with pytest.raises(client.exceptions.InvalidInputException, match=UPDATE_RULE):
        client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
    pm.advance(3600)  # automatic training starts one hour after the solution is ACTIVE
    (automatic,) = client.list_solution_versions(solutionArn=solution)["solutionVersions"]
    assert automatic["trainingType"] == "AUTOMATIC"
    assert automatic["trainingMode"] == "AUTOTRAIN"
    with pytest.raises(client.exceptions.InvalidInputException, match=UPDATE_RULE):
        client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
    pm.settle()
    assert _status(client, automatic["solutionVersionArn"]) == "ACTIVE"
    update = client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")["solutionVersionArn"]
    assert (
        client.describe_solution_version(solutionVersionArn=update)["solutionVersion"]["trainingMode"]
        == "UPDATE"
    )


def test_manual_autotrain_mode_is_invalid(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    with pytest.raises(client.exceptions.InvalidInputException, match="AUTOTRAIN"):
        client.create_solution_version(solutionArn=solution, trainingMode="AUTOTRAIN")
    assert client.list_solution_versions(solutionArn=solution)["solutionVersions"] == []


def test_create_version_of_unknown_solution_is_not_found(pm: PersonalizeMock, client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="ghost"):
        client.create_solution_version(
            solutionArn="arn:aws:personalize:us-east-1:123456789012:solution/ghost"
        )


def test_create_version_of_a_solution_being_deleted_is_in_use(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group())
    client.delete_solution(solutionArn=solution)
    with pytest.raises(client.exceptions.ResourceInUseException, match="DELETE PENDING"):
        client.create_solution_version(solutionArn=solution)


@pytest.mark.personalize_mock(durations={"solution": 30})
def test_create_version_of_a_solution_still_being_created_is_in_use(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group())
    assert client.describe_solution(solutionArn=solution)["solution"]["status"] == "CREATE PENDING"
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.create_solution_version(solutionArn=solution)
    pm.advance(30)
    assert client.describe_solution(solutionArn=solution)["solution"]["status"] == "ACTIVE"
    client.create_solution_version(solutionArn=solution)


# -- CreateSolution: recipe and AutoML rules ------------------------------------------------


def test_automl_with_a_recipe_is_invalid(
    client: Any, make_dataset_group: MakeDatasetGroup, recipe_arn: Callable[[str], str]
) -> None:
    dsg = make_dataset_group()
    with pytest.raises(client.exceptions.InvalidInputException, match="performAutoML"):
        client.create_solution(
            name="s",
            datasetGroupArn=dsg,
            performAutoML=True,
            recipeArn=recipe_arn("aws-user-personalization"),
        )
    assert client.list_solutions()["solutions"] == []


def test_neither_automl_nor_recipe_is_invalid(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    with pytest.raises(client.exceptions.InvalidInputException, match="recipeArn is required"):
        client.create_solution(name="s", datasetGroupArn=dsg)
    with pytest.raises(client.exceptions.InvalidInputException, match="recipeArn is required"):
        client.create_solution(name="s", datasetGroupArn=dsg, performAutoML=False)
    assert client.list_solutions()["solutions"] == []


def test_automl_without_recipe_is_accepted(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    arn = client.create_solution(name="s", datasetGroupArn=dsg, performAutoML=True)["solutionArn"]
    solution = client.describe_solution(solutionArn=arn)["solution"]
    assert solution["performAutoML"] is True
    assert solution["performHPO"] is True
    assert solution["autoMLResult"]["bestRecipeArn"].startswith("arn:aws:personalize:::recipe/")


def test_unknown_recipe_is_not_found(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    unknown = "arn:aws:personalize:::recipe/aws-does-not-exist"
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="aws-does-not-exist"):
        client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=unknown)
    assert client.list_solutions()["solutions"] == []


@pytest.mark.parametrize("use_case", ["aws-ecomm-recommended-for-you", "aws-vod-top-picks"])
def test_domain_recipe_is_invalid_for_a_solution(
    client: Any, make_dataset_group: MakeDatasetGroup, recipe_arn: Callable[[str], str], use_case: str
) -> None:
    dsg = make_dataset_group()
    with pytest.raises(client.exceptions.InvalidInputException, match="domain recipe"):
        client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=recipe_arn(use_case))
    assert client.list_solutions()["solutions"] == []
