"""CreateRecommender, DescribeRecommender, ListRecommenders, UpdateRecommender, DeleteRecommender,
StartRecommender, StopRecommender."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.metrics import solution_metrics

CREATE = DEFAULT_DURATIONS["recommender"]
UPDATE = DEFAULT_DURATIONS["recommender_update"]
STOP = DEFAULT_DURATIONS["recommender_stop"]
START = DEFAULT_DURATIONS["recommender_start"]
DELETE = DEFAULT_DURATIONS["recommender_delete"]
# The PENDING share of each phase is 10 %: these moments fall inside each phase.
INTO_PENDING = 0.05
INTO_IN_PROGRESS = 0.5
RECIPE = "arn:aws:personalize:::recipe/"
FOR_YOU = RECIPE + "aws-ecomm-recommended-for-you"
ALSO_VIEWED = RECIPE + "aws-ecomm-customers-who-viewed-x-also-viewed"
MISSING = "arn:aws:personalize:us-east-1:123456789012:recommender/missing"

MakeDatasetGroup = Callable[..., str]


class World:
    """An ACTIVE ECOMMERCE dataset group, plus helpers."""

    def __init__(self, pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
        self.pm = pm
        self.client = client
        self.make_dataset_group = make_dataset_group
        self.group = make_dataset_group("shop", domain="ECOMMERCE")

    def recommender(self, name: str = "for-you", *, wait: bool = True, **params: Any) -> str:
        params.setdefault("datasetGroupArn", self.group)
        params.setdefault("recipeArn", FOR_YOU)
        arn: str = self.client.create_recommender(name=name, **params)["recommenderArn"]
        if wait:
            self.pm.advance(CREATE)
        return arn

    def describe(self, arn: str) -> dict[str, Any]:
        recommender: dict[str, Any] = self.client.describe_recommender(recommenderArn=arn)["recommender"]
        return recommender

    def status(self, arn: str) -> str:
        return str(self.describe(arn)["status"])


@pytest.fixture
def world(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> World:
    return World(pm, client, make_dataset_group)


# -- CreateRecommender / DescribeRecommender --------------------------------------------------------


def test_create_recommender_runs_pending_in_progress_active(world: World) -> None:
    output = world.client.create_recommender(name="for-you", datasetGroupArn=world.group, recipeArn=FOR_YOU)
    arn = output["recommenderArn"]
    assert arn == "arn:aws:personalize:us-east-1:123456789012:recommender/for-you"
    del output["ResponseMetadata"]
    assert json.loads(json.dumps(output)) == {"recommenderArn": arn}

    first = world.describe(arn)
    assert first["status"] == "CREATE PENDING"
    assert first["datasetGroupArn"] == world.group
    assert first["recipeArn"] == FOR_YOU
    assert "recommenderConfig" not in first
    assert "modelMetrics" not in first  # null while creating
    assert "latestRecommenderUpdate" not in first
    world.pm.advance(CREATE * INTO_IN_PROGRESS)
    assert world.status(arn) == "CREATE IN_PROGRESS"
    assert "modelMetrics" not in world.describe(arn)
    world.pm.advance(CREATE)
    active = world.describe(arn)
    assert active["status"] == "ACTIVE"
    assert active["lastUpdatedDateTime"] > active["creationDateTime"]


def test_model_metrics_are_deterministic_once_active(world: World) -> None:
    arn = world.recommender()
    metrics = world.describe(arn)["modelMetrics"]
    assert metrics == solution_metrics(
        "USER_PERSONALIZATION", arn, recipe_name="aws-ecomm-recommended-for-you"
    )
    assert world.describe(arn)["modelMetrics"] == metrics
    related = world.recommender("also-viewed", recipeArn=ALSO_VIEWED)
    assert set(world.describe(related)["modelMetrics"]) >= {"coverage", "precision_at_5"}


def test_recommender_config_is_echoed_exactly_as_given(world: World) -> None:
    config = {
        "minRecommendationRequestsPerSecond": 3,
        "trainingDataConfig": {"excludedDatasetColumns": {"ITEMS": ["PRICE"]}},
    }
    given = json.loads(json.dumps(config))
    arn = world.recommender(recommenderConfig=given)
    given["minRecommendationRequestsPerSecond"] = 99
    assert world.describe(arn)["recommenderConfig"] == config
    summary = world.client.list_recommenders()["recommenders"][0]
    assert summary["recommenderConfig"] == config


def test_create_recommender_needs_a_domain_dataset_group(world: World) -> None:
    custom = world.make_dataset_group("custom")
    with pytest.raises(world.client.exceptions.InvalidInputException) as info:
        world.recommender(datasetGroupArn=custom, wait=False)
    assert info.value.response["Error"]["Message"] == (
        "Please use a domains-specific Dataset Group to create the Recommender"
    )


def test_create_recommender_needs_a_use_case_of_the_same_domain(world: World) -> None:
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.recommender(recipeArn=RECIPE + "aws-vod-top-picks", wait=False)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.recommender(recipeArn=RECIPE + "aws-user-personalization", wait=False)
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.recommender(recipeArn=RECIPE + "aws-ecomm-no-such-use-case", wait=False)


def test_create_recommender_needs_an_active_dataset_group(world: World) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:dataset-group/missing"
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.recommender(datasetGroupArn=missing, wait=False)
    pending = world.make_dataset_group("pending", domain="ECOMMERCE", wait=False)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.recommender(datasetGroupArn=pending, wait=False)


def test_create_recommender_with_an_existing_name_is_refused(world: World) -> None:
    arn = world.recommender(wait=False)
    with pytest.raises(world.client.exceptions.ResourceAlreadyExistsException) as info:
        world.recommender(wait=False)
    assert info.value.response["Error"]["Message"] == f"Another resource with Arn {arn} already exists."


def test_create_recommender_with_too_many_tags_is_refused(world: World) -> None:
    tags = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
    with pytest.raises(world.client.exceptions.TooManyTagsException):
        world.recommender(tags=tags, wait=False)
    arn = world.recommender(tags=[{"tagKey": "team", "tagValue": "recs"}], wait=False)
    assert world.client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"tagKey": "team", "tagValue": "recs"}
    ]


@pytest.mark.personalize_mock(quotas={"recommenders_per_dataset_group": 2})
def test_recommender_quota_counts_live_recommenders_of_the_dataset_group(world: World) -> None:
    first = world.recommender("one")
    world.recommender("two", recipeArn=ALSO_VIEWED, wait=False)
    with pytest.raises(world.client.exceptions.LimitExceededException) as info:
        world.recommender("three", wait=False)
    assert "More than 2 resources" in info.value.response["Error"]["Message"]
    other = world.make_dataset_group("other-shop", domain="ECOMMERCE")
    world.recommender("elsewhere", datasetGroupArn=other, wait=False)
    world.client.delete_recommender(recommenderArn=first)
    world.recommender("three", wait=False)


def test_create_failed_recommender_has_a_reason_and_no_metrics(world: World) -> None:
    world.pm.fail_next("recommender", reason="Not enough interactions.")
    arn = world.recommender()
    described = world.describe(arn)
    assert described["status"] == "CREATE FAILED"
    assert described["failureReason"] == "Not enough interactions."
    assert "modelMetrics" not in described
    world.client.delete_recommender(recommenderArn=arn)
    assert world.status(arn) == "DELETE PENDING"


def test_describe_recommender_errors(world: World) -> None:
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_recommender(recommenderArn=MISSING)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.describe_recommender(recommenderArn="not-an-arn")


# -- ListRecommenders -------------------------------------------------------------------------------


def test_list_recommenders_filters_by_dataset_group_and_pages(world: World) -> None:
    other = world.make_dataset_group("other-shop", domain="ECOMMERCE")
    a = world.recommender("a", wait=False)
    b = world.recommender("b", recipeArn=ALSO_VIEWED, wait=False)
    c = world.recommender("c", datasetGroupArn=other, wait=False)
    everything = world.client.list_recommenders()["recommenders"]
    assert [s["recommenderArn"] for s in everything] == [a, b, c]
    assert set(everything[0]) == {
        "name",
        "recommenderArn",
        "datasetGroupArn",
        "recipeArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
    }
    only_other = world.client.list_recommenders(datasetGroupArn=other)["recommenders"]
    assert [s["recommenderArn"] for s in only_other] == [c]
    page = world.client.list_recommenders(datasetGroupArn=world.group, maxResults=1)
    assert [s["recommenderArn"] for s in page["recommenders"]] == [a]
    rest = world.client.list_recommenders(datasetGroupArn=world.group, nextToken=page["nextToken"])
    assert [s["recommenderArn"] for s in rest["recommenders"]] == [b]


def test_list_recommenders_errors(world: World) -> None:
    world.recommender("a", wait=False)
    world.recommender("b", recipeArn=ALSO_VIEWED, wait=False)
    page = world.client.list_recommenders(maxResults=1)
    with pytest.raises(world.client.exceptions.InvalidNextTokenException):
        world.client.list_recommenders(datasetGroupArn=world.group, nextToken=page["nextToken"])
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.list_recommenders(datasetGroupArn="not-an-arn")


# -- StopRecommender / StartRecommender ----------------------------------------------------------


def test_stop_and_start_recommender(world: World) -> None:
    arn = world.recommender()
    assert world.client.stop_recommender(recommenderArn=arn)["recommenderArn"] == arn
    stopping = world.describe(arn)
    assert stopping["status"] == "STOP PENDING"
    assert "modelMetrics" in stopping
    world.pm.advance(STOP * INTO_IN_PROGRESS)
    assert world.status(arn) == "STOP IN_PROGRESS"
    world.pm.advance(STOP)
    inactive = world.describe(arn)
    assert inactive["status"] == "INACTIVE"
    assert "modelMetrics" in inactive

    assert world.client.start_recommender(recommenderArn=arn)["recommenderArn"] == arn
    assert world.status(arn) == "START PENDING"
    world.pm.advance(START * INTO_IN_PROGRESS)
    assert world.status(arn) == "START IN_PROGRESS"
    world.pm.advance(START)
    active = world.describe(arn)
    assert active["status"] == "ACTIVE"
    assert active["lastUpdatedDateTime"] > inactive["lastUpdatedDateTime"]


def test_stop_and_start_from_the_wrong_state_are_refused(world: World) -> None:
    arn = world.recommender(wait=False)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.stop_recommender(recommenderArn=arn)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.start_recommender(recommenderArn=arn)
    world.pm.advance(CREATE)
    with pytest.raises(world.client.exceptions.ResourceInUseException) as info:
        world.client.start_recommender(recommenderArn=arn)
    assert "INACTIVE" in info.value.response["Error"]["Message"]
    world.client.stop_recommender(recommenderArn=arn)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.stop_recommender(recommenderArn=arn)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.start_recommender(recommenderArn=arn)


def test_stop_during_an_update_is_refused(world: World) -> None:
    arn = world.recommender()
    world.client.update_recommender(
        recommenderArn=arn, recommenderConfig={"minRecommendationRequestsPerSecond": 2}
    )
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.stop_recommender(recommenderArn=arn)


def test_stop_and_start_unknown_or_malformed_arns(world: World) -> None:
    for call in (world.client.stop_recommender, world.client.start_recommender):
        with pytest.raises(world.client.exceptions.ResourceNotFoundException):
            call(recommenderArn=MISSING)
        with pytest.raises(world.client.exceptions.InvalidInputException):
            call(recommenderArn="not-an-arn")


# -- UpdateRecommender ---------------------------------------------------------------------------


def test_update_recommender_switches_config_when_the_update_is_active(world: World) -> None:
    arn = world.recommender(recommenderConfig={"minRecommendationRequestsPerSecond": 1})
    before = world.describe(arn)
    new_config = {"minRecommendationRequestsPerSecond": 4, "enableMetadataWithRecommendations": True}
    output = world.client.update_recommender(recommenderArn=arn, recommenderConfig=new_config)
    assert output["recommenderArn"] == arn

    pending = world.describe(arn)
    assert pending["status"] == "ACTIVE"
    assert pending["recommenderConfig"] == {"minRecommendationRequestsPerSecond": 1}
    assert pending["latestRecommenderUpdate"]["status"] == "CREATE PENDING"
    assert pending["latestRecommenderUpdate"]["recommenderConfig"] == new_config
    assert pending["lastUpdatedDateTime"] == before["lastUpdatedDateTime"]
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.update_recommender(recommenderArn=arn, recommenderConfig=new_config)

    world.pm.advance(UPDATE * INTO_IN_PROGRESS)
    assert world.describe(arn)["latestRecommenderUpdate"]["status"] == "CREATE IN_PROGRESS"
    world.pm.advance(UPDATE)
    done = world.describe(arn)
    assert done["status"] == "ACTIVE"
    assert done["latestRecommenderUpdate"]["status"] == "ACTIVE"
    assert done["recommenderConfig"] == new_config
    assert done["lastUpdatedDateTime"] == done["latestRecommenderUpdate"]["lastUpdatedDateTime"]
    assert world.client.list_recommenders()["recommenders"][0]["recommenderConfig"] == new_config


def test_failed_recommender_update_keeps_the_old_config(world: World) -> None:
    arn = world.recommender(recommenderConfig={"minRecommendationRequestsPerSecond": 1})
    world.pm.fail_next("recommender_update", reason="Update failed.")
    world.client.update_recommender(
        recommenderArn=arn, recommenderConfig={"minRecommendationRequestsPerSecond": 8}
    )
    world.pm.settle()
    described = world.describe(arn)
    assert described["recommenderConfig"] == {"minRecommendationRequestsPerSecond": 1}
    assert described["latestRecommenderUpdate"]["status"] == "CREATE FAILED"
    assert described["latestRecommenderUpdate"]["failureReason"] == "Update failed."


def test_second_recommender_update_starts_from_the_first_ones_config(world: World) -> None:
    arn = world.recommender()
    world.client.update_recommender(
        recommenderArn=arn, recommenderConfig={"minRecommendationRequestsPerSecond": 2}
    )
    world.pm.settle()
    world.client.update_recommender(
        recommenderArn=arn, recommenderConfig={"minRecommendationRequestsPerSecond": 3}
    )
    assert world.describe(arn)["recommenderConfig"] == {"minRecommendationRequestsPerSecond": 2}
    world.pm.settle()
    assert world.describe(arn)["recommenderConfig"] == {"minRecommendationRequestsPerSecond": 3}


def test_update_recommender_refusals(world: World) -> None:
    config = {"minRecommendationRequestsPerSecond": 2}
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.update_recommender(recommenderArn=MISSING, recommenderConfig=config)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.update_recommender(recommenderArn="not-an-arn", recommenderConfig=config)
    arn = world.recommender(wait=False)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.update_recommender(recommenderArn=arn, recommenderConfig=config)
    world.pm.advance(CREATE)
    world.client.stop_recommender(recommenderArn=arn)
    world.pm.advance(STOP)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.update_recommender(recommenderArn=arn, recommenderConfig=config)


# -- DeleteRecommender ---------------------------------------------------------------------------


def test_delete_recommender_runs_to_not_found(world: World) -> None:
    arn = world.recommender()
    world.client.delete_recommender(recommenderArn=arn)
    deleting = world.describe(arn)
    assert deleting["status"] == "DELETE PENDING"
    assert "modelMetrics" not in deleting
    world.pm.advance(DELETE * INTO_IN_PROGRESS)
    assert world.status(arn) == "DELETE IN_PROGRESS"
    world.pm.advance(DELETE)
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_recommender(recommenderArn=arn)
    assert world.client.list_recommenders()["recommenders"] == []


def test_inactive_recommender_can_be_deleted(world: World) -> None:
    arn = world.recommender()
    world.client.stop_recommender(recommenderArn=arn)
    world.pm.advance(STOP)
    world.client.delete_recommender(recommenderArn=arn)
    world.pm.settle()
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_recommender(recommenderArn=arn)


def test_delete_recommender_refusals(world: World) -> None:
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.delete_recommender(recommenderArn=MISSING)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.delete_recommender(recommenderArn="not-an-arn")
    arn = world.recommender(wait=False)
    world.pm.advance(CREATE * INTO_PENDING)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.delete_recommender(recommenderArn=arn)
    world.pm.advance(CREATE)
    world.client.stop_recommender(recommenderArn=arn)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.delete_recommender(recommenderArn=arn)
    world.pm.advance(STOP)
    world.client.start_recommender(recommenderArn=arn)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.delete_recommender(recommenderArn=arn)
    world.pm.advance(START)
    world.client.delete_recommender(recommenderArn=arn)
    with pytest.raises(world.client.exceptions.ResourceInUseException) as info:
        world.client.delete_recommender(recommenderArn=arn)
    assert "already being deleted" in info.value.response["Error"]["Message"]


def test_delete_during_an_update_abandons_the_update(world: World) -> None:
    arn = world.recommender()
    world.client.update_recommender(
        recommenderArn=arn, recommenderConfig={"minRecommendationRequestsPerSecond": 5}
    )
    world.client.delete_recommender(recommenderArn=arn)
    deleting = world.describe(arn)
    assert deleting["status"] == "DELETE PENDING"
    assert "recommenderConfig" not in deleting
    assert deleting["latestRecommenderUpdate"]["status"] == "CREATE PENDING"
    world.pm.settle()
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_recommender(recommenderArn=arn)


def test_recommender_blocks_its_dataset_group_deletion(world: World) -> None:
    arn = world.recommender()
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.delete_dataset_group(datasetGroupArn=world.group)
    world.client.delete_recommender(recommenderArn=arn)
    # A child already being deleted no longer blocks its parent (§11.8).
    world.client.delete_dataset_group(datasetGroupArn=world.group)
    world.pm.settle()
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_dataset_group(datasetGroupArn=world.group)
