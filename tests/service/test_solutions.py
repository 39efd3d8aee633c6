"""Solutions: what CreateSolution / UpdateSolution keep and DescribeSolution reports
(behaviour reference §4.1, §7; the AutoML and update rules are in test_update_training.py and
test_auto_training.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
RecipeArn = Callable[[str], str]

EVENTS_CONFIG = {
    "eventParametersList": [{"eventType": "purchase", "eventValueThreshold": 1.5, "weight": 0.7}]
}


@pytest.fixture
def dsg(make_dataset_group: MakeDatasetGroup) -> str:
    return make_dataset_group()


def _solution(client: Any, arn: str) -> dict[str, Any]:
    solution: dict[str, Any] = client.describe_solution(solutionArn=arn)["solution"]
    return solution


def _finish_update(pm: PersonalizeMock, client: Any, arn: str) -> dict[str, Any]:
    pm.settle()
    solution = _solution(client, arn)
    assert solution["latestSolutionUpdate"]["status"] == "ACTIVE"
    return solution


# -- CreateSolution: AutoML ----------------------------------------------------------------------


def test_automl_uses_the_first_listed_recipe(client: Any, dsg: str, recipe_arn: RecipeArn) -> None:
    listed = [recipe_arn("aws-hrnn-coldstart"), recipe_arn("aws-user-personalization")]
    config = {"autoMLConfig": {"metricName": "precision_at_25", "recipeList": listed}}
    arn = client.create_solution(name="auto", datasetGroupArn=dsg, performAutoML=True, solutionConfig=config)[
        "solutionArn"
    ]
    solution = _solution(client, arn)
    assert solution["autoMLResult"] == {"bestRecipeArn": listed[0]}
    assert solution["recipeArn"] == listed[0]
    assert solution["solutionConfig"] == config
    assert solution["performAutoML"] is True and solution["performHPO"] is True


def test_automl_refuses_a_listed_recipe_of_another_type(client: Any, dsg: str, recipe_arn: RecipeArn) -> None:
    listed = [recipe_arn("aws-user-personalization"), recipe_arn("aws-similar-items")]
    with pytest.raises(client.exceptions.InvalidInputException) as caught:
        client.create_solution(
            name="auto",
            datasetGroupArn=dsg,
            performAutoML=True,
            solutionConfig={"autoMLConfig": {"recipeList": listed}},
        )
    assert caught.value.response["Error"]["Message"] == (
        "AutoML chooses among USER_PERSONALIZATION recipes; aws-similar-items is RELATED_ITEMS."
    )
    assert client.list_solutions()["solutions"] == []


# -- DescribeSolution -----------------------------------------------------------------------------


def test_event_type_is_kept_and_described(client: Any, dsg: str, make_solution: MakeSolution) -> None:
    with_event = make_solution(dsg, name="clicks", eventType="click")
    without = make_solution(dsg, name="all")
    assert _solution(client, with_event)["eventType"] == "click"
    assert "eventType" not in _solution(client, without)


# -- UpdateSolution -------------------------------------------------------------------------------


def test_incremental_update_setting_takes_effect_when_the_update_is_active(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    arn = make_solution(dsg, recipe="aws-semantic-similarity", performAutoTraining=False)
    assert _solution(client, arn)["performIncrementalUpdate"] is False
    client.update_solution(solutionArn=arn, performIncrementalUpdate=True)
    pending = _solution(client, arn)
    assert pending["latestSolutionUpdate"]["status"] == "CREATE PENDING"
    assert pending["latestSolutionUpdate"]["performIncrementalUpdate"] is True
    assert "performAutoTraining" not in pending["latestSolutionUpdate"]
    assert pending["performIncrementalUpdate"] is False
    done = _finish_update(pm, client, arn)
    assert done["performIncrementalUpdate"] is True
    assert done["performAutoTraining"] is False


def test_an_events_config_update_keeps_the_training_schedule(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    schedule = {"schedulingExpression": "rate(3 days)"}
    arn = make_solution(dsg, solutionConfig={"autoTrainingConfig": schedule, "eventValueThreshold": "0.5"})
    client.update_solution(solutionArn=arn, solutionUpdateConfig={"eventsConfig": EVENTS_CONFIG})
    pending = _solution(client, arn)
    assert pending["latestSolutionUpdate"]["solutionUpdateConfig"] == {"eventsConfig": EVENTS_CONFIG}
    assert "eventsConfig" not in pending["solutionConfig"]
    done = _finish_update(pm, client, arn)
    assert done["solutionConfig"] == {
        "autoTrainingConfig": schedule,
        "eventValueThreshold": "0.5",
        "eventsConfig": EVENTS_CONFIG,
    }
