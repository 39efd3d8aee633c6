"""Solution versions: what DescribeSolutionVersion reports (behaviour reference §4.2, §7; training
modes are in test_update_training.py, automatic versions in test_auto_training.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.service.training.catalogue import (
    ALGORITHMS_BY_NAME,
    Algorithm,
    CategoricalRange,
    ContinuousRange,
    IntegerRange,
)
from personalize_mock.service.training.hyperparameters import default_ranges, tuned_hyperparameters

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]


def _version(client: Any, arn: str) -> dict[str, Any]:
    version: dict[str, Any] = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
    return version


def _algorithm(client: Any, recipe: str) -> dict[str, Any]:
    """DescribeAlgorithm of the algorithm ``recipe`` trains with."""
    algorithm_arn = client.describe_recipe(recipeArn=f"arn:aws:personalize:::recipe/{recipe}")["recipe"][
        "algorithmArn"
    ]
    algorithm: dict[str, Any] = client.describe_algorithm(algorithmArn=algorithm_arn)["algorithm"]
    return algorithm


def _tuned(client: Any, arn: str) -> dict[str, str]:
    tuned: dict[str, str] = _version(client, arn)["tunedHPOParams"]["algorithmHyperParameters"]
    return tuned


def test_tuned_hyperparameters_appear_once_an_hpo_version_is_active(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg, performHPO=True, performAutoTraining=False)
    arn = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    training = _version(client, arn)
    assert training["performHPO"] is True
    assert "tunedHPOParams" not in training and "trainingHours" not in training
    pm.settle()
    active = _version(client, arn)
    assert active["status"] == "ACTIVE"
    tuned = active["tunedHPOParams"]["algorithmHyperParameters"]
    # Every hyperparameter of aws-user-personalization, the tunable ones inside their defaults.
    assert set(tuned) == set(_algorithm(client, "aws-user-personalization")["defaultHyperParameters"])
    assert 32 <= int(tuned["hidden_dimension"]) <= 256 and 2 <= int(tuned["bptt"]) <= 32
    assert tuned["recency_mask"] in ("true", "false")
    # HPO's pick is fixed once training is over.
    assert _version(client, arn)["tunedHPOParams"] == active["tunedHPOParams"]


def test_no_tuned_hyperparameters_without_hpo(
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    active = _version(client, train_version(solution))
    assert active["status"] == "ACTIVE" and active["performHPO"] is False
    assert "tunedHPOParams" not in active


# The guide's HPO example (customizing-solution-config-hpo.html), with a continuous range added.
HPO_CONFIG = {
    "algorithmHyperParameters": {"hidden_dimension": "100"},
    "hpoConfig": {
        "algorithmHyperParameterRanges": {
            "integerHyperParameterRanges": [{"name": "bptt", "minValue": 20, "maxValue": 40}],
            "continuousHyperParameterRanges": [
                {"name": "exploration_weight", "minValue": 0.1, "maxValue": 0.2}
            ],
            "categoricalHyperParameterRanges": [{"name": "recency_mask", "values": ["false"]}],
        },
        "hpoResourceConfig": {"maxNumberOfTrainingJobs": "4", "maxParallelTrainingJobs": "2"},
    },
}


def test_tuned_values_stay_inside_the_callers_ranges_and_keep_fixed_values(
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    solution = make_solution(
        make_dataset_group(), performHPO=True, performAutoTraining=False, solutionConfig=HPO_CONFIG
    )
    defaults = _algorithm(client, "aws-user-personalization")["defaultHyperParameters"]
    for _ in range(6):
        tuned = _tuned(client, train_version(solution))
        assert set(tuned) == set(defaults)
        # Fixed: kept. Ranged: drawn inside the caller's range, even where it leaves the
        # default range (bptt's default range is 2-32).
        assert tuned["hidden_dimension"] == "100"
        assert 20 <= int(tuned["bptt"]) <= 40
        assert 0.1 <= float(tuned["exploration_weight"]) <= 0.2
        assert tuned["recency_mask"] == "false"
        # Neither fixed nor tunable: the default.
        assert tuned["max_user_history_length_percentile"] == defaults["max_user_history_length_percentile"]


@pytest.mark.parametrize(
    "recipe",
    ["aws-sims", "aws-similar-items", "aws-popularity-count", "aws-user-personalization-v2", "aws-hrnn"],
)
def test_tuned_hyperparameters_are_those_describe_algorithm_lists(
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
    recipe: str,
) -> None:
    solution = make_solution(make_dataset_group(), recipe=recipe, performHPO=True, performAutoTraining=False)
    tuned = _tuned(client, train_version(solution))
    algorithm = _algorithm(client, recipe)
    assert set(tuned) == set(algorithm["defaultHyperParameters"])
    ranges = algorithm["defaultHyperParameterRanges"]
    for found in ranges["integerHyperParameterRanges"] + ranges["continuousHyperParameterRanges"]:
        if found["isTunable"]:
            assert found["minValue"] <= float(tuned[found["name"]]) <= found["maxValue"]
        else:
            assert tuned[found["name"]] == algorithm["defaultHyperParameters"][found["name"]]
    for found in ranges["categoricalHyperParameterRanges"]:
        assert tuned[found["name"]] in found["values"]


def test_tuned_hyperparameters_of_sims_and_popularity_count(
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    dsg = make_dataset_group()
    sims = make_solution(dsg, name="sims", recipe="aws-sims", performHPO=True, performAutoTraining=False)
    tuned = _tuned(client, train_version(sims))
    assert "hidden_dimension" not in tuned and "bptt" not in tuned
    assert 0 <= int(tuned["min_cointeraction_count"]) <= 10
    assert 0.0 <= float(tuned["popularity_discount_factor"]) <= 1.0
    # Popularity-Count has no hyperparameters: HPO reports none.
    popular = make_solution(
        dsg, name="popular", recipe="aws-popularity-count", performHPO=True, performAutoTraining=False
    )
    assert _version(client, train_version(popular))["tunedHPOParams"] == {"algorithmHyperParameters": {}}


def test_an_update_version_keeps_the_tuned_values_of_its_full_version(
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    solution = make_solution(
        make_dataset_group(), performHPO=True, performAutoTraining=False, solutionConfig=HPO_CONFIG
    )
    full = train_version(solution)
    # UPDATE is not a retraining: it reports the model it updated.
    first = train_version(solution, trainingMode="UPDATE")
    second = train_version(solution, trainingMode="UPDATE")
    assert _tuned(client, first) == _tuned(client, second) == _tuned(client, full)
    # A new FULL version is tuned again; the UPDATE after it follows it.
    newer = train_version(solution)
    assert _tuned(client, train_version(solution, trainingMode="UPDATE")) == _tuned(client, newer)


def test_automl_tunes_the_default_ranges_of_the_recipe_it_picks(
    client: Any, make_dataset_group: MakeDatasetGroup, train_version: TrainVersion, recipe_arn: Any
) -> None:
    # With AutoML only autoMLConfig is evaluated: the caller's ranges and fixed values are not.
    config = dict(HPO_CONFIG, autoMLConfig={"recipeList": [recipe_arn("aws-hrnn")]})
    solution = client.create_solution(
        name="auto",
        datasetGroupArn=make_dataset_group(),
        performAutoML=True,
        performAutoTraining=False,
        solutionConfig=config,
    )["solutionArn"]
    tuned = _tuned(client, train_version(solution))
    assert set(tuned) == set(_algorithm(client, "aws-hrnn")["defaultHyperParameters"])
    assert 32 <= int(tuned["hidden_dimension"]) <= 256 and 2 <= int(tuned["bptt"]) <= 32


def test_what_hpo_picks_depends_only_on_the_version() -> None:
    # Drawn from BLAKE2b of the version ARN (never the salted hash()), so every process
    # reports the same values for the same version.
    algorithm = ALGORITHMS_BY_NAME["aws-user-personalization"]
    seed = "arn:aws:personalize:us-east-1:123456789012:solution/s/0a1b2c3d"
    tuned = tuned_hyperparameters(algorithm, HPO_CONFIG, seed)
    assert tuned == tuned_hyperparameters(algorithm, HPO_CONFIG, seed)
    assert tuned == {
        "bptt": "20",
        "exploration_item_age_cut_off": "30.0",
        "exploration_weight": "0.126446",
        "hidden_dimension": "100",
        "max_user_history_length_percentile": "0.99",
        "min_user_history_length_percentile": "0.0",
        "recency_mask": "false",
    }
    assert tuned_hyperparameters(algorithm, HPO_CONFIG, seed + "x") != tuned


def test_only_tunable_default_ranges_are_searched() -> None:
    algorithm = Algorithm(
        name="made-up",
        created=0.0,
        hyper_parameters=(("layers", "2"), ("rate", "0.5"), ("mode", "a")),
        integer_ranges=(IntegerRange("layers", 1, 4, False), IntegerRange("width", 8, 8, True)),
        continuous_ranges=(ContinuousRange("rate", 0.0, 1.0, False),),
        categorical_ranges=(
            CategoricalRange("mode", ("a", "b"), False),
            CategoricalRange("kind", ("x",), True),
        ),
    )
    assert default_ranges(algorithm) == {"width": ("integer", 8, 8), "kind": ("categorical", ("x",), None)}
    # Not tunable: the default stays.
    assert tuned_hyperparameters(algorithm, None, "seed") == {
        "kind": "x",
        "layers": "2",
        "mode": "a",
        "rate": "0.5",
        "width": "8",
    }
