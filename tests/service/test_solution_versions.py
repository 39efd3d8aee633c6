"""Solution versions: what DescribeSolutionVersion reports (behaviour reference §4.2, §7; training
modes are in test_update_training.py, automatic versions in test_auto_training.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]


def _version(client: Any, arn: str) -> dict[str, Any]:
    version: dict[str, Any] = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
    return version


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
    assert set(tuned) == {"hidden_dimension", "bptt"}
    assert 32 <= int(tuned["hidden_dimension"]) <= 256 and 2 <= int(tuned["bptt"]) <= 32
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
