"""Training depends on data (behaviour reference §4.2; personalize_mock.service.training.training_data).

With moto active the imported CSV files are read, so the training minimums are checked on
real rows; without moto an ACTIVE import is opaque and counts as enough. UPDATE needs data
newer than the last ACTIVE version; automatic runs need interactions (new ones, after the
first training). ``require_data=False`` switches every rule off.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from data_world import (
    ENOUGH,
    REGION,
    World,
    csv_text,
    interaction_rows,
    interactions_csv,
    make_world,
    no_network,
)

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.data.data_store import PUT, Batch, group_data
from personalize_mock.service.training.training_data import FEW_INTERACTIONS, FEW_USERS, NO_NEW_DATA

pytestmark = pytest.mark.personalize_mock(require_data=True)

NO_INTERACTIONS_DATASET = (
    "Create failed. The dataset group has no interactions dataset: create one and import interactions "
    "before training."
)
NO_INTERACTIONS = (
    "Create failed. The dataset group has no interactions data: import interactions before training."
)
NO_ITEMS_DATASET = (
    "Create failed. The dataset group has no items dataset: create one and import items before training."
)
HOUR = DEFAULT_DURATIONS["solution_version"]
DAY = 86400.0


@pytest.fixture
def s3(pm: PersonalizeMock) -> Iterator[Any]:
    """moto's S3, started inside the Personalize mock."""
    with moto.mock_aws():
        yield boto3.client("s3", region_name=REGION)


@pytest.fixture
def world(pm: PersonalizeMock, client: Any, s3: Any) -> World:
    """A dataset group whose imports are read from moto's S3."""
    return make_world(pm, client, s3)


@pytest.fixture
def bare(pm: PersonalizeMock, client: Any) -> World:
    """A dataset group without moto: imports succeed unread (opaque)."""
    return make_world(pm, client, None)


def _failure(version: dict[str, Any]) -> str | None:
    assert version["status"] in ("ACTIVE", "CREATE FAILED")
    return version.get("failureReason")


# -- missing data -------------------------------------------------------------------------------


def test_no_interactions_dataset_is_accepted_then_fails(pm: PersonalizeMock, bare: World) -> None:
    solution = bare.solution()
    arn = bare.client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    described = bare.client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
    assert described["status"] == "CREATE PENDING"
    assert "failureReason" not in described
    pm.advance(HOUR)
    described = bare.client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
    assert described["status"] == "CREATE FAILED"
    assert described["failureReason"] == NO_INTERACTIONS_DATASET
    summary = bare.client.list_solution_versions(solutionArn=solution)["solutionVersions"][0]
    assert summary["failureReason"] == NO_INTERACTIONS_DATASET


def test_dataset_without_import_fails(bare: World) -> None:
    bare.dataset()
    assert _failure(bare.train(bare.solution())) == NO_INTERACTIONS


def test_other_data_without_interactions_fails(bare: World) -> None:
    bare.dataset()
    bare.load(bare.dataset("ITEMS"), "s3://anywhere/items.csv")
    assert _failure(bare.train(bare.solution())) == NO_INTERACTIONS


def test_the_needed_dataset_is_found_among_others(bare: World) -> None:
    # An items dataset created first is looked at and passed over before the interactions one.
    bare.load(bare.dataset("ITEMS"), "s3://anywhere/items.csv")
    interactions = bare.dataset()
    assert _failure(bare.train(bare.solution())) == NO_INTERACTIONS  # found, but no data yet
    bare.load(interactions, "s3://anywhere/interactions.csv")
    assert _failure(bare.train(bare.solution())) is None


def test_an_import_still_running_is_not_data(pm: PersonalizeMock, bare: World) -> None:
    dataset = bare.dataset()
    job = bare.start_import(dataset, "s3://anywhere/interactions.csv")
    solution = bare.solution()
    version = bare.train(solution)  # the import turns ACTIVE during this training
    assert (
        bare.client.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]["status"]
        == "ACTIVE"
    )
    assert _failure(version) == NO_INTERACTIONS
    # Decided when the version was created: a version created now trains.
    assert _failure(bare.train(solution)) is None


def test_a_failed_import_is_not_data(pm: PersonalizeMock, bare: World) -> None:
    dataset = bare.dataset()
    pm.fail_next("dataset_import_job")
    assert bare.load(dataset, "s3://anywhere/interactions.csv")["status"] == "CREATE FAILED"
    assert _failure(bare.train(bare.solution())) == NO_INTERACTIONS


def test_an_opaque_import_is_enough(bare: World, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = bare.dataset()
    with no_network(monkeypatch) as attempts:
        job = bare.load(dataset, "s3://not-readable-here/interactions.csv")
        version = bare.train(bare.solution())
    assert attempts == []
    assert job["status"] == "ACTIVE"
    assert version["status"] == "ACTIVE"


def test_deleting_the_interactions_dataset_takes_its_data(pm: PersonalizeMock, bare: World) -> None:
    dataset = bare.dataset()
    bare.load(dataset, "s3://anywhere/interactions.csv")
    solution = bare.solution()
    before = bare.train(solution)
    assert before["status"] == "ACTIVE"
    bare.client.delete_dataset(datasetArn=dataset)
    pm.advance(DEFAULT_DURATIONS["dataset_delete"])
    assert _failure(bare.train(solution)) == NO_INTERACTIONS_DATASET
    # A new Interactions dataset starts empty.
    fresh = bare.dataset()
    assert _failure(bare.train(solution)) == NO_INTERACTIONS
    bare.load(fresh, "s3://anywhere/interactions.csv")
    assert _failure(bare.train(solution)) is None
    # The version trained before the delete is untouched.
    described = bare.client.describe_solution_version(solutionVersionArn=before["solutionVersionArn"])
    assert described["solutionVersion"]["status"] == "ACTIVE"


def test_semantic_similarity_trains_on_items(bare: World) -> None:
    solution = bare.solution("aws-semantic-similarity")
    assert _failure(bare.train(solution)) == NO_ITEMS_DATASET
    bare.load(bare.dataset("ITEMS"), "s3://anywhere/items.csv")
    assert _failure(bare.train(solution)) is None


# -- minimums on readable data (moto) -------------------------------------------------------------


def test_enough_readable_interactions_train(world: World) -> None:
    assert world.load(world.dataset(), world.put("interactions.csv", ENOUGH))["status"] == "ACTIVE"
    assert _failure(world.train(world.solution())) is None


def test_fewer_than_1000_interactions(world: World) -> None:
    world.load(world.dataset(), world.put("interactions.csv", interactions_csv(50, 19)))  # 950
    assert _failure(world.train(world.solution())) == FEW_INTERACTIONS


def test_fewer_than_25_users_with_two_interactions(world: World) -> None:
    rows = interaction_rows(24, 40) + interaction_rows(200, 1, first_user=100)  # 1160 interactions
    world.load(
        world.dataset(),
        world.put("interactions.csv", csv_text(["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"], rows)),
    )
    version = world.train(world.solution())
    assert (
        _failure(version)
        == FEW_USERS
        == "Create failed. Dataset has fewer than 25 users with at least 2 interactions each."
    )


def test_event_type_counts_only_that_type(world: World) -> None:
    rows = interaction_rows(50, 20, event_type="click") + interaction_rows(30, 10, event_type="purchase")
    world.load(
        world.dataset(),
        world.put("interactions.csv", csv_text(["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"], rows)),
    )
    assert _failure(world.train(world.solution(eventType="purchase"))) == FEW_INTERACTIONS
    assert _failure(world.train(world.solution(eventType="click"))) is None
    assert _failure(world.train(world.solution())) is None


def test_event_value_threshold_filters(world: World) -> None:
    rows = [[*row, 2.0 if index % 5 else 0.5] for index, row in enumerate(interaction_rows(50, 24))]  # 1200
    header = ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE"]
    world.load(world.dataset(), world.put("interactions.csv", csv_text(header, rows)))
    low = world.solution(solutionConfig={"eventValueThreshold": "0.1"})
    high = world.solution(solutionConfig={"eventValueThreshold": "1.0"})  # keeps 960
    assert _failure(world.train(low)) is None
    assert _failure(world.train(high)) == FEW_INTERACTIONS


def test_an_event_value_threshold_filters_and_must_be_a_number(world: World) -> None:
    # The model types eventValueThreshold as a string: "1.0" drops the 0.5-valued fifth of
    # the 1000 interactions below the training minimum; text that is no number is refused.
    rows = [[*row, 2.0 if index % 5 else 0.5] for index, row in enumerate(interaction_rows(50, 20))]
    header = ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE"]
    world.load(world.dataset(), world.put("interactions.csv", csv_text(header, rows)))
    assert _failure(world.train(world.solution(solutionConfig={"eventValueThreshold": "1.0"}))) == (
        FEW_INTERACTIONS
    )
    for text in ("high", "nan", "inf"):
        with pytest.raises(ClientError) as refused:
            world.solution(solutionConfig={"eventValueThreshold": text})
        assert refused.value.response["Error"]["Code"] == "InvalidInputException"
        assert f"eventValueThreshold {text!r} is not a number" in refused.value.response["Error"]["Message"]


VALUED = ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE"]


def test_an_event_without_a_value_does_not_reach_a_threshold(world: World) -> None:
    # 1000 clicks, none with a value: "only events with a value greater than or equal to this
    # threshold are used", so even a threshold of 0 leaves nothing to train on.
    rows = [[*row, ""] for row in interaction_rows(50, 20)]
    world.load(world.dataset(), world.put("interactions.csv", csv_text(VALUED, rows)))
    assert _failure(world.train(world.solution())) is None
    assert (
        _failure(world.train(world.solution(solutionConfig={"eventValueThreshold": "0"}))) == FEW_INTERACTIONS
    )


def test_the_events_config_decides_which_interactions_count(world: World) -> None:
    # 1000 clicks valued 2.0, and 200 purchases valued 0.5.
    rows = [[*row, 2.0] for row in interaction_rows(50, 20)]
    rows += [[*row, 0.5] for row in interaction_rows(50, 4, event_type="purchase")]
    world.load(world.dataset(), world.put("interactions.csv", csv_text(VALUED, rows)))

    def failure(*entries: dict[str, Any]) -> str | None:
        config = {"eventsConfig": {"eventParametersList": list(entries)}}
        return _failure(world.train(world.solution("aws-user-personalization-v2", solutionConfig=config)))

    assert failure({"eventType": "click", "weight": 0.2}, {"eventType": "purchase", "weight": 1.0}) is None
    # Types the configuration does not list are not used: 200 purchases are too few.
    assert failure({"eventType": "purchase"}) == FEW_INTERACTIONS
    # A threshold of its own drops a type's events below it...
    assert (
        failure({"eventType": "click", "eventValueThreshold": 2.5}, {"eventType": "purchase"})
        == FEW_INTERACTIONS
    )
    # ...and a type weighted 0 is not used.
    assert (
        failure({"eventType": "click", "weight": 0.0}, {"eventType": "purchase", "weight": 1.0})
        == FEW_INTERACTIONS
    )


def test_automl_does_not_evaluate_the_event_value_threshold(world: World) -> None:
    # "When performAutoML is set to true, Amazon Personalize only evaluates the autoMLConfig
    # section": the threshold that would leave 960 of 1000 interactions is not applied.
    rows = [[*row, 2.0 if index % 5 else 0.5] for index, row in enumerate(interaction_rows(50, 20))]
    world.load(world.dataset(), world.put("interactions.csv", csv_text(VALUED, rows)))
    solution = world.client.create_solution(
        name="automl",
        datasetGroupArn=world.group,
        performAutoML=True,
        performAutoTraining=False,
        solutionConfig={"eventValueThreshold": "1.0"},
    )["solutionArn"]
    assert _failure(world.train(solution)) is None


def test_streamed_interactions_count_and_survive_a_full_import(pm: PersonalizeMock, world: World) -> None:
    # What the events API writes (PutEvents): records of the PUT source, visible at once.
    dataset = world.dataset()
    store = group_data(pm.state.backend(REGION), world.group)
    now = pm.state.clock.time()
    records = tuple(
        {"USER_ID": user, "ITEM_ID": item, "TIMESTAMP": ts, "EVENT_TYPE": kind}
        for user, item, ts, kind in interaction_rows(50, 10)
    )
    store.add(Batch(kind="INTERACTIONS", visible_at=now, source=PUT, records=records))
    world.load(dataset, world.put("a.csv", interactions_csv(50, 10, first_user=500)))  # 500 bulk
    assert _failure(world.train(world.solution())) is None  # 500 streamed + 500 bulk
    # A FULL import replaces the bulk data only: 500 streamed + 100 new bulk.
    world.load(dataset, world.put("b.csv", interactions_csv(10, 10)))
    assert _failure(world.train(world.solution())) == FEW_INTERACTIONS


def test_moto_started_around_the_mock_is_read_too() -> None:
    with moto.mock_aws(), mock_personalize(require_data=True, validate_responses=True) as pm:
        s3 = boto3.client("s3", region_name=REGION)
        world = make_world(pm, boto3.client("personalize", region_name=REGION), s3)
        world.load(world.dataset(), world.put("few.csv", interactions_csv(5, 5)))
        assert _failure(world.train(world.solution())) == FEW_INTERACTIONS


def test_import_made_before_moto_started_stays_opaque(pm: PersonalizeMock, client: Any) -> None:
    world = make_world(pm, client, None)
    dataset = world.dataset()
    world.load(dataset, "s3://personalize-data/few.csv")
    with moto.mock_aws():
        # The file is readable now, but the import was read (not) at its creation.
        assert _failure(world.train(world.solution())) is None


# -- UPDATE needs new data -----------------------------------------------------------------------


def test_update_needs_data_newer_than_the_last_active_version(bare: World) -> None:
    dataset = bare.dataset()
    bare.load(dataset, "s3://anywhere/history.csv")
    solution = bare.solution()
    assert bare.train(solution)["status"] == "ACTIVE"
    with pytest.raises(bare.client.exceptions.InvalidInputException) as caught:
        bare.client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
    assert caught.value.response["Error"]["Message"] == NO_NEW_DATA
    assert len(bare.client.list_solution_versions(solutionArn=solution)["solutionVersions"]) == 1
    bare.load(dataset, "s3://anywhere/new.csv", mode="INCREMENTAL")
    update = bare.train(solution, "UPDATE")
    assert (update["trainingMode"], update["status"]) == ("UPDATE", "ACTIVE")
    # The UPDATE version is now the last ACTIVE one: nothing new since.
    with pytest.raises(bare.client.exceptions.InvalidInputException, match="There should be updates"):
        bare.client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")


def test_update_counts_data_of_any_type(bare: World) -> None:
    bare.load(bare.dataset(), "s3://anywhere/history.csv")
    solution = bare.solution()
    bare.train(solution)
    bare.load(bare.dataset("ITEMS"), "s3://anywhere/items.csv")
    assert bare.train(solution, "UPDATE")["status"] == "ACTIVE"


def test_update_counts_an_import_that_finished_after_the_version_started(bare: World) -> None:
    dataset = bare.dataset()
    bare.load(dataset, "s3://anywhere/history.csv")
    solution = bare.solution()
    bare.start_import(dataset, "s3://anywhere/late.csv", mode="INCREMENTAL")  # ACTIVE in 10 min
    bare.train(solution)  # created while the import ran: it did not train on it
    assert bare.train(solution, "UPDATE")["status"] == "ACTIVE"


def test_a_failed_newer_version_does_not_reset_the_reference(bare: World, pm: PersonalizeMock) -> None:
    dataset = bare.dataset()
    bare.load(dataset, "s3://anywhere/history.csv")
    solution = bare.solution()
    bare.train(solution)
    bare.load(dataset, "s3://anywhere/new.csv", mode="INCREMENTAL")
    pm.fail_next("solution_version")
    assert bare.train(solution)["status"] == "CREATE FAILED"
    # The last ACTIVE version is still the first one, and data arrived after it.
    assert bare.train(solution, "UPDATE")["status"] == "ACTIVE"


# -- automatic training -------------------------------------------------------------------------


def _automatic(world: World, solution: str) -> list[dict[str, Any]]:
    versions = world.client.list_solution_versions(solutionArn=solution)["solutionVersions"]
    return [version for version in versions if version["trainingType"] == "AUTOMATIC"]


def test_first_automatic_run_needs_interactions(pm: PersonalizeMock, bare: World) -> None:
    dataset = bare.dataset()
    solution = bare.solution(performAutoTraining=True)
    pm.advance(timedelta(hours=2))
    assert _automatic(bare, solution) == []  # skipped: no interactions
    bare.load(dataset, "s3://anywhere/interactions.csv")
    pm.advance(timedelta(days=7))
    runs = _automatic(bare, solution)
    assert len(runs) == 1  # the next scheduled run trains
    assert runs[0]["trainingMode"] == "AUTOTRAIN"


def test_first_automatic_run_with_data_trains(pm: PersonalizeMock, bare: World) -> None:
    bare.load(bare.dataset(), "s3://anywhere/interactions.csv")
    solution = bare.solution(performAutoTraining=True)
    pm.advance(timedelta(hours=1))
    assert len(_automatic(bare, solution)) == 1


def test_later_automatic_runs_need_new_interactions(pm: PersonalizeMock, bare: World) -> None:
    dataset = bare.dataset()
    bare.load(dataset, "s3://anywhere/interactions.csv")
    solution = bare.solution(
        performAutoTraining=True,
        solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(1 day)"}},
    )
    pm.advance(timedelta(hours=1))
    assert len(_automatic(bare, solution)) == 1
    pm.advance(timedelta(days=3))
    assert len(_automatic(bare, solution)) == 1  # nothing new: three runs skipped
    bare.load(bare.dataset("ITEMS"), "s3://anywhere/items.csv")
    pm.advance(timedelta(days=1))
    assert len(_automatic(bare, solution)) == 1  # items are not interactions
    bare.load(dataset, "s3://anywhere/more.csv", mode="INCREMENTAL")
    pm.advance(timedelta(days=1))
    assert len(_automatic(bare, solution)) == 2


def test_a_manual_version_counts_as_the_last_training(pm: PersonalizeMock, bare: World) -> None:
    dataset = bare.dataset()
    bare.load(dataset, "s3://anywhere/interactions.csv")
    solution = bare.solution(performAutoTraining=True)
    bare.train(solution)  # within the first hour: the first automatic run is skipped
    pm.advance(timedelta(days=8))
    assert _automatic(bare, solution) == []  # no interactions since the manual version
    bare.load(dataset, "s3://anywhere/more.csv", mode="INCREMENTAL")
    pm.advance(timedelta(days=7))
    assert len(_automatic(bare, solution)) == 1


# -- require_data=False ---------------------------------------------------------------------------


@pytest.mark.personalize_mock(require_data=False)
def test_require_data_false_trains_without_data(pm: PersonalizeMock, bare: World) -> None:
    solution = bare.solution(performAutoTraining=True)
    assert bare.train(solution)["status"] == "ACTIVE"
    assert bare.train(solution, "UPDATE")["status"] == "ACTIVE"  # no new data needed
    pm.advance(timedelta(days=7))
    assert len(_automatic(bare, solution)) == 1  # automatic runs need none either


@pytest.mark.personalize_mock(require_data=False)
def test_require_data_false_ignores_the_minimums(world: World) -> None:
    world.load(world.dataset(), world.put("few.csv", interactions_csv(2, 2)))
    assert world.train(world.solution())["status"] == "ACTIVE"


def test_require_data_is_an_option() -> None:
    assert mock_personalize().options.require_data is True
    assert mock_personalize(require_data=False).options.require_data is False
    outer, inner = mock_personalize(), mock_personalize(require_data=False)
    assert outer.options.differences(inner.options) == ["require_data"]
