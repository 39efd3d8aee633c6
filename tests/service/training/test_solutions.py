"""Solutions: what CreateSolution / UpdateSolution keep and DescribeSolution reports
(behaviour reference §4.1, §7; the AutoML and update rules are in test_update_training.py and
test_auto_training.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.service.training import solutions

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


def test_incremental_updates_are_refused_on_recipes_other_than_semantic_similarity(
    client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    message = _refused(client, lambda: make_solution(dsg, performIncrementalUpdate=True))
    assert message == (
        "performIncrementalUpdate is supported only for solutions that use the aws-semantic-similarity "
        "recipe; this solution uses aws-user-personalization."
    )
    assert client.list_solutions()["solutions"] == []


def test_an_update_that_is_no_longer_the_solutions_own_changes_nothing(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    # DeleteSolution and a second UpdateSolution are refused while an update runs, so the
    # service cannot reach this through the API; the guard keeps a stale scheduled update
    # from applying if that ever changes.
    arn = make_solution(dsg, performAutoTraining=False)
    backend = pm.state.backend("us-east-1")
    solution = solutions.get_solution(backend, arn, backend.clock.time())
    stale = solutions.SolutionUpdate(0.0, solution.timeline, None)
    stale.perform_auto_training = True
    solutions._apply_update(backend, solution, stale, backend.clock.time())
    assert _solution(client, arn)["performAutoTraining"] is False


def test_an_events_config_update_keeps_the_training_schedule(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    schedule = {"schedulingExpression": "rate(3 days)"}
    arn = make_solution(
        dsg,
        recipe="aws-user-personalization-v2",
        solutionConfig={"autoTrainingConfig": schedule, "eventValueThreshold": "0.5"},
    )
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


# -- CreateSolution / UpdateSolution: what solutionConfig may hold ------------------------------


def _refused(client: Any, call: Callable[[], Any]) -> str:
    """The message of the InvalidInputException ``call`` raises."""
    with pytest.raises(client.exceptions.InvalidInputException) as caught:
        call()
    message: str = caught.value.response["Error"]["Message"]
    return message


@pytest.mark.parametrize("recipe", ["aws-user-personalization-v2", "aws-personalized-ranking-v2"])
def test_events_config_is_accepted_on_the_v2_recipes(
    client: Any, dsg: str, make_solution: MakeSolution, recipe: str
) -> None:
    arn = make_solution(dsg, recipe=recipe, solutionConfig={"eventsConfig": EVENTS_CONFIG})
    assert _solution(client, arn)["solutionConfig"] == {"eventsConfig": EVENTS_CONFIG}


@pytest.mark.parametrize("recipe", ["aws-user-personalization", "aws-personalized-ranking", "aws-sims"])
def test_events_config_is_refused_on_other_recipes(
    client: Any, dsg: str, make_solution: MakeSolution, recipe: str
) -> None:
    # The developer guide offers an events configuration only with User-Personalization-v2
    # and Personalized-Ranking-v2 (optimizing-solution-events-config.html).
    message = _refused(
        client, lambda: make_solution(dsg, recipe=recipe, solutionConfig={"eventsConfig": EVENTS_CONFIG})
    )
    assert message == (
        "solutionConfig.eventsConfig is supported only for solutions that use the "
        f"aws-personalized-ranking-v2 or aws-user-personalization-v2 recipe; this solution uses {recipe}."
    )
    assert client.list_solutions()["solutions"] == []


def test_an_events_config_update_is_refused_on_other_recipes(
    client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    arn = make_solution(dsg, performAutoTraining=False)
    message = _refused(
        client,
        lambda: client.update_solution(solutionArn=arn, solutionUpdateConfig={"eventsConfig": EVENTS_CONFIG}),
    )
    assert message.startswith("solutionUpdateConfig.eventsConfig is supported only for solutions that use")
    # Nothing was started.
    assert "latestSolutionUpdate" not in _solution(client, arn)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            [{"weight": 0.5}],
            "Every entry of solutionConfig.eventsConfig.eventParametersList needs an eventType.",
        ),
        (
            [{"eventType": "click"}, {"eventType": "click", "weight": 0.1}],
            "solutionConfig.eventsConfig.eventParametersList lists event type 'click' more than once.",
        ),
    ],
)
def test_events_config_entries_name_distinct_event_types(
    client: Any, dsg: str, make_solution: MakeSolution, entries: list[dict[str, Any]], message: str
) -> None:
    config = {"eventsConfig": {"eventParametersList": entries}}
    assert (
        _refused(
            client, lambda: make_solution(dsg, recipe="aws-user-personalization-v2", solutionConfig=config)
        )
        == message
    )


OBJECTIVE = {"itemAttribute": "PRICE", "objectiveSensitivity": "HIGH"}


@pytest.mark.parametrize("recipe", ["aws-user-personalization", "aws-personalized-ranking"])
def test_an_optimization_objective_is_accepted_on_user_personalization_and_ranking(
    client: Any, dsg: str, make_solution: MakeSolution, recipe: str
) -> None:
    arn = make_solution(dsg, recipe=recipe, solutionConfig={"optimizationObjective": OBJECTIVE})
    assert _solution(client, arn)["solutionConfig"] == {"optimizationObjective": OBJECTIVE}


@pytest.mark.parametrize(
    "recipe", ["aws-user-personalization-v2", "aws-personalized-ranking-v2", "aws-sims", "aws-hrnn"]
)
def test_an_optimization_objective_is_refused_on_other_recipes(
    client: Any, dsg: str, make_solution: MakeSolution, recipe: str
) -> None:
    # "If you use the User-Personalization recipe or Personalized-Ranking recipe, you can
    # optimize [...] for an objective" (optimizing-solution-for-objective.html).
    config = {"optimizationObjective": OBJECTIVE}
    message = _refused(client, lambda: make_solution(dsg, recipe=recipe, solutionConfig=config))
    assert message == (
        "solutionConfig.optimizationObjective is supported only for solutions that use the "
        f"aws-personalized-ranking or aws-user-personalization recipe; this solution uses {recipe}."
    )
    assert client.list_solutions()["solutions"] == []


def test_an_optimization_objective_names_its_item_attribute(
    client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    config = {"optimizationObjective": {"objectiveSensitivity": "LOW"}}
    assert (
        _refused(client, lambda: make_solution(dsg, solutionConfig=config))
        == "solutionConfig.optimizationObjective needs an itemAttribute."
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("maxNumberOfTrainingJobs", "41"),
        ("maxNumberOfTrainingJobs", "0"),
        ("maxNumberOfTrainingJobs", "abc"),
        ("maxNumberOfTrainingJobs", "4.5"),
        ("maxParallelTrainingJobs", "11"),
        ("maxParallelTrainingJobs", "-1"),
        ("maxParallelTrainingJobs", ""),
    ],
)
def test_hpo_resource_config_beyond_its_maxima_is_refused(
    client: Any, dsg: str, make_solution: MakeSolution, key: str, value: str
) -> None:
    # The HPOResourceConfig reference: at most 40 training jobs, 10 in parallel; the model
    # types both as strings.
    limit = {"maxNumberOfTrainingJobs": 40, "maxParallelTrainingJobs": 10}[key]
    config = {"hpoConfig": {"hpoResourceConfig": {key: value}}}
    message = _refused(client, lambda: make_solution(dsg, performHPO=True, solutionConfig=config))
    assert message == (
        f"hpoConfig.hpoResourceConfig.{key} {value!r} is not valid: use a whole number from 1 to {limit}."
    )
    assert client.list_solutions()["solutions"] == []


def test_hpo_resource_config_at_its_maxima_is_accepted(
    client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    resources = {"maxNumberOfTrainingJobs": "40", "maxParallelTrainingJobs": "10"}
    arn = make_solution(dsg, performHPO=True, solutionConfig={"hpoConfig": {"hpoResourceConfig": resources}})
    assert _solution(client, arn)["solutionConfig"]["hpoConfig"]["hpoResourceConfig"] == resources


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {
                "hpoConfig": {
                    "algorithmHyperParameterRanges": {
                        "integerHyperParameterRanges": [{"minValue": 1, "maxValue": 2}]
                    }
                }
            },
            "Every range of hpoConfig.algorithmHyperParameterRanges.integerHyperParameterRanges "
            "needs a name.",
        ),
        (
            {
                "hpoConfig": {
                    "algorithmHyperParameterRanges": {
                        "integerHyperParameterRanges": [{"name": "bptt", "minValue": 40, "maxValue": 20}]
                    }
                }
            },
            "The range of hyperparameter 'bptt' is not valid: minValue 40 exceeds maxValue 20.",
        ),
        (
            {
                "hpoConfig": {
                    "algorithmHyperParameterRanges": {
                        "integerHyperParameterRanges": [{"name": "bptt", "minValue": 20}]
                    }
                }
            },
            "The range of hyperparameter 'bptt' needs minValue and maxValue.",
        ),
        (
            {
                "hpoConfig": {
                    "algorithmHyperParameterRanges": {
                        "continuousHyperParameterRanges": [
                            {"name": "w", "minValue": 0.0, "maxValue": float("inf")}
                        ]
                    }
                }
            },
            "The range of hyperparameter 'w' needs finite minValue and maxValue.",
        ),
        (
            {
                "hpoConfig": {
                    "algorithmHyperParameterRanges": {
                        "categoricalHyperParameterRanges": [{"name": "recency_mask", "values": []}]
                    }
                }
            },
            "The categorical range of hyperparameter 'recency_mask' lists no values.",
        ),
        (
            {
                "hpoConfig": {
                    "algorithmHyperParameterRanges": {
                        "integerHyperParameterRanges": [{"name": "bptt", "minValue": 20, "maxValue": 40}],
                        "categoricalHyperParameterRanges": [{"name": "bptt", "values": ["20"]}],
                    }
                }
            },
            "Hyperparameter 'bptt' has more than one range in hpoConfig.",
        ),
        (
            {
                "algorithmHyperParameters": {"bptt": "30"},
                "hpoConfig": {
                    "algorithmHyperParameterRanges": {
                        "integerHyperParameterRanges": [{"name": "bptt", "minValue": 20, "maxValue": 40}]
                    }
                },
            },
            "Hyperparameter 'bptt' is both fixed in algorithmHyperParameters and given a range in hpoConfig; "
            "give one or the other.",
        ),
    ],
)
def test_hyperparameter_ranges_no_search_could_use_are_refused(
    client: Any, dsg: str, make_solution: MakeSolution, config: dict[str, Any], message: str
) -> None:
    assert _refused(client, lambda: make_solution(dsg, performHPO=True, solutionConfig=config)) == message
    assert client.list_solutions()["solutions"] == []


def test_an_hpo_objective_is_accepted_and_kept(client: Any, dsg: str, make_solution: MakeSolution) -> None:
    # Choice (docs/choices.md): the reference says configuring hpoObjective is "not supported
    # at this time" without naming an error, and the guide's own example passes one: it is
    # accepted and kept, and does not change what HPO picks.
    objective = {"metricName": "precision_at_25", "type": "Maximize", "metricRegex": ".*"}
    arn = make_solution(dsg, performHPO=True, solutionConfig={"hpoConfig": {"hpoObjective": objective}})
    assert _solution(client, arn)["solutionConfig"]["hpoConfig"]["hpoObjective"] == objective


def test_automl_evaluates_only_the_automl_config(client: Any, dsg: str, recipe_arn: RecipeArn) -> None:
    # "When performAutoML is set to true, Amazon Personalize only evaluates the autoMLConfig
    # section": what depends on the recipe is not checked (it is not used either), values are.
    config = {
        "autoMLConfig": {"recipeList": [recipe_arn("aws-user-personalization")]},
        "eventsConfig": EVENTS_CONFIG,
        "optimizationObjective": OBJECTIVE,
    }
    arn = client.create_solution(
        name="auto", datasetGroupArn=dsg, performAutoML=True, performHPO=False, solutionConfig=config
    )["solutionArn"]
    solution = _solution(client, arn)
    assert solution["solutionConfig"] == config
    # "When performing AutoML, this parameter is always true."
    assert solution["performHPO"] is True
    bad = dict(config, hpoConfig={"hpoResourceConfig": {"maxNumberOfTrainingJobs": "41"}})
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_solution(name="auto2", datasetGroupArn=dsg, performAutoML=True, solutionConfig=bad)
