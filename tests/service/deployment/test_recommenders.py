"""CreateRecommender, DescribeRecommender, ListRecommenders, UpdateRecommender, DeleteRecommender,
StartRecommender, StopRecommender.

Most tests exercise the control flow and run without the data rules (``require_data`` is off
by default in the service tests); the last section trains recommenders on data read from
moto's S3 with the data rules on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import moto
import pytest
from data_world import BUCKET, REGION, ROLE_ARN, csv_text
from data_world import START as EPOCH

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.training.metrics import solution_metrics

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


# -- Training data (require_data on) ----------------------------------------------------------------

DATA_RULES = pytest.mark.personalize_mock(require_data=True)
MOST_VIEWED = RECIPE + "aws-ecomm-popular-items-by-views"
MORE_LIKE_X = RECIPE + "aws-vod-more-like-x"
INTERACTION_FIELDS = [
    {"name": "USER_ID", "type": "string"},
    {"name": "ITEM_ID", "type": "string"},
    {"name": "TIMESTAMP", "type": "long"},
    {"name": "EVENT_TYPE", "type": "string"},
]
ITEM_FIELDS = [
    {"name": "ITEM_ID", "type": "string"},
    {"name": "GENRES", "type": "string", "categorical": True},
    {"name": "CREATION_TIMESTAMP", "type": "long"},
]
#: The solution version's wording, which recommenders share.
NO_INTERACTIONS_DATASET = (
    "Create failed. The dataset group has no interactions dataset: create one and import "
    "interactions before training."
)
NO_INTERACTIONS = (
    "Create failed. The dataset group has no interactions data: import interactions before training."
)


def rows(users: int, per_user: int, event_type: str = "View") -> list[list[Any]]:
    """``users`` users with ``per_user`` interactions each on ``sku-*`` items.

    The ids differ from the synthetic catalogue's ``item-*``, so answers show where they came from.
    """
    made: list[list[Any]] = []
    for user in range(users):
        for n in range(per_user):
            made.append([f"u{user}", f"sku-{(user * 3 + n) % 40}", EPOCH + len(made), event_type])
    return made


class DataShop:
    """A domain dataset group whose data is imported from moto's S3, and the clients around it."""

    def __init__(self, pm: PersonalizeMock, client: Any, s3: Any, domain: str = "ECOMMERCE") -> None:
        self.pm, self.client, self.s3, self.domain = pm, client, s3, domain
        self.group: str = client.create_dataset_group(name=f"data-{domain.lower()}", domain=domain)[
            "datasetGroupArn"
        ]
        pm.advance(DEFAULT_DURATIONS["dataset_group"])
        self.counter = 0

    def dataset(self, dataset_type: str = "INTERACTIONS") -> str:
        self.counter += 1
        fields = INTERACTION_FIELDS if dataset_type == "INTERACTIONS" else ITEM_FIELDS
        schema = self.client.create_schema(
            name=f"schema-{self.domain}-{self.counter}",
            schema=json.dumps({"type": "record", "name": "Data", "fields": fields, "version": "1.0"}),
            domain=self.domain,
        )["schemaArn"]
        arn: str = self.client.create_dataset(
            name=f"{dataset_type.lower()}-{self.counter}",
            datasetGroupArn=self.group,
            datasetType=dataset_type,
            schemaArn=schema,
        )["datasetArn"]
        self.pm.advance(DEFAULT_DURATIONS["dataset"])
        return arn

    def start_import(self, dataset: str, header: list[str], body: list[list[Any]] | None) -> str:
        """Import ``body`` (``None``: an object that does not exist) into ``dataset``."""
        self.counter += 1
        key = f"import-{self.counter}.csv"
        if body is not None:
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=csv_text(header, body).encode())
        arn: str = self.client.create_dataset_import_job(
            jobName=f"import-{self.counter}",
            datasetArn=dataset,
            dataSource={"dataLocation": f"s3://{BUCKET}/{key}"},
            roleArn=ROLE_ARN,
        )["datasetImportJobArn"]
        return arn

    def load(self, dataset: str, body: list[list[Any]] | None, header: list[str] | None = None) -> str:
        """Import and wait for the job to end; returns its status."""
        arn = self.start_import(dataset, header or ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"], body)
        self.pm.advance(DEFAULT_DURATIONS["dataset_import_job"])
        job = self.client.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
        status: str = job["status"]
        return status

    def recommender(self, recipe: str = MOST_VIEWED) -> dict[str, Any]:
        """Create a recommender, wait for its creation to end; returns it described."""
        self.counter += 1
        arn = self.client.create_recommender(
            name=f"recommender-{self.counter}", datasetGroupArn=self.group, recipeArn=recipe
        )["recommenderArn"]
        self.pm.advance(CREATE)
        described: dict[str, Any] = self.client.describe_recommender(recommenderArn=arn)["recommender"]
        return described


@pytest.fixture
def shop(pm: PersonalizeMock, client: Any) -> Iterator[DataShop]:
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        yield DataShop(pm, client, s3)


def served(recommender_arn: str, **params: Any) -> list[str]:
    runtime = boto3.client("personalize-runtime", region_name=REGION)
    answer = runtime.get_recommendations(recommenderArn=recommender_arn, **params)
    return [entry["itemId"] for entry in answer["itemList"]]


@DATA_RULES
def test_recommender_without_an_interactions_dataset_fails(shop: DataShop) -> None:
    first = shop.client.describe_recommender(
        recommenderArn=shop.client.create_recommender(
            name="early", datasetGroupArn=shop.group, recipeArn=MOST_VIEWED
        )["recommenderArn"]
    )["recommender"]
    # The call is accepted; the failure shows once creation has run its course.
    assert first["status"] == "CREATE PENDING"
    assert "failureReason" not in first
    shop.pm.advance(CREATE)
    failed = shop.client.describe_recommender(recommenderArn=first["recommenderArn"])["recommender"]
    assert (failed["status"], failed["failureReason"]) == ("CREATE FAILED", NO_INTERACTIONS_DATASET)
    assert "modelMetrics" not in failed
    summary = shop.client.list_recommenders(datasetGroupArn=shop.group)["recommenders"][0]
    assert summary["status"] == "CREATE FAILED"
    runtime = boto3.client("personalize-runtime", region_name=REGION)
    with pytest.raises(runtime.exceptions.InvalidInputException, match="CREATE FAILED"):
        runtime.get_recommendations(recommenderArn=first["recommenderArn"], userId="u1")
    # DeleteRecommender accepts a CREATE FAILED recommender, so cleanup code works unchanged.
    shop.client.delete_recommender(recommenderArn=first["recommenderArn"])
    assert (
        shop.client.describe_recommender(recommenderArn=first["recommenderArn"])["recommender"]["status"]
        == "DELETE PENDING"
    )


@DATA_RULES
def test_recommender_whose_imports_all_failed_fails_like_a_solution_version(shop: DataShop) -> None:
    interactions = shop.dataset()
    assert shop.load(interactions, None) == "CREATE FAILED"  # the object does not exist
    recommender = shop.recommender()
    assert (recommender["status"], recommender["failureReason"]) == ("CREATE FAILED", NO_INTERACTIONS)
    # A solution version trained on the same data fails with the same reason.
    solution = shop.client.create_solution(
        name="custom", datasetGroupArn=shop.group, recipeArn=RECIPE + "aws-user-personalization"
    )["solutionArn"]
    version = shop.client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    shop.pm.advance(DEFAULT_DURATIONS["solution_version"])
    described = shop.client.describe_solution_version(solutionVersionArn=version)["solutionVersion"]
    assert described["failureReason"] == recommender["failureReason"]


@DATA_RULES
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (rows(40, 20)[:999], "Create failed. Dataset has fewer than 1000 interactions."),
        # 1000 interactions, but only 24 users with two or more.
        (
            rows(24, 41)[:984] + [[f"once-{n}", "sku-1", EPOCH, "View"] for n in range(16)],
            "Create failed. Dataset has fewer than 25 users with at least 2 interactions each.",
        ),
        (
            rows(50, 20, event_type="click"),
            "Create failed. Dataset has fewer than 1000 View events, "
            "which the aws-ecomm-popular-items-by-views use case needs.",
        ),
    ],
    ids=["few-interactions", "few-users", "no-view-events"],
)
def test_recommender_with_too_little_data_fails(shop: DataShop, body: list[list[Any]], reason: str) -> None:
    assert shop.load(shop.dataset(), body) == "ACTIVE"
    recommender = shop.recommender()
    assert (recommender["status"], recommender["failureReason"]) == ("CREATE FAILED", reason)


@DATA_RULES
def test_recommender_with_enough_data_is_active_and_serves_what_it_learned(shop: DataShop) -> None:
    # The use case's event type is matched without regard to case.
    assert shop.load(shop.dataset(), rows(50, 20, event_type="view")) == "ACTIVE"
    recommender = shop.recommender()
    assert recommender["status"] == "ACTIVE"
    assert "failureReason" not in recommender
    top = served(recommender["recommenderArn"], userId="u1", numResults=100)
    # Learned from the imported data: its 40 items, never the synthetic item-1 … item-100.
    assert sorted(top) == sorted({f"sku-{n}" for n in range(40)})


@DATA_RULES
def test_data_is_judged_when_training_starts(shop: DataShop) -> None:
    interactions = shop.dataset()
    shop.start_import(interactions, ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"], rows(50, 20))
    # The import is still running when the recommender starts training: its rows do not count,
    # even though they become visible before the recommender's creation ends.
    recommender = shop.recommender()
    assert (recommender["status"], recommender["failureReason"]) == ("CREATE FAILED", NO_INTERACTIONS)
    assert shop.recommender()["status"] == "ACTIVE"


@DATA_RULES
def test_more_like_x_needs_item_data(pm: PersonalizeMock, client: Any) -> None:
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        videos = DataShop(pm, client, s3, domain="VIDEO_ON_DEMAND")
        # Events of any type count for this use case.
        assert videos.load(videos.dataset(), rows(50, 20, event_type="Click")) == "ACTIVE"
        assert videos.recommender(MORE_LIKE_X)["failureReason"] == (
            "Create failed. The dataset group has no items dataset: "
            "create one and import items before training."
        )
        items = videos.dataset("ITEMS")
        assert videos.recommender(MORE_LIKE_X)["failureReason"] == (
            "Create failed. The dataset group has no items data: import items before training."
        )
        header = ["ITEM_ID", "GENRES", "CREATION_TIMESTAMP"]
        assert videos.load(items, [[f"sku-{n}", "Drama", EPOCH] for n in range(40)], header) == "ACTIVE"
        assert videos.recommender(MORE_LIKE_X)["status"] == "ACTIVE"


@DATA_RULES
def test_opaque_data_counts_as_enough(pm: PersonalizeMock, client: Any) -> None:
    # Without moto the import cannot be read: it succeeds, and its data counts as enough (as
    # for solution versions); the recommender then answers from the synthetic catalogue.
    shop = DataShop(pm, client, None)
    assert shop.load(shop.dataset(), None) == "ACTIVE"
    recommender = shop.recommender()
    assert recommender["status"] == "ACTIVE"
    assert all(item.startswith("item-") for item in served(recommender["recommenderArn"], userId="u1"))


@DATA_RULES
def test_an_injected_failure_wins_over_the_data_rules(shop: DataShop) -> None:
    shop.pm.fail_next("recommender", reason="Injected.")
    assert shop.recommender()["failureReason"] == "Injected."


@pytest.mark.personalize_mock(require_data=False)
def test_without_the_data_rules_a_recommender_needs_no_data(shop: DataShop) -> None:
    recommender = shop.recommender()
    assert recommender["status"] == "ACTIVE"
    # Nothing to learn from: the synthetic catalogue answers.
    assert served(recommender["recommenderArn"], userId="u1", numResults=3) == served(
        recommender["recommenderArn"], userId="u1", numResults=3
    )
    assert all(item.startswith("item-") for item in served(recommender["recommenderArn"], userId="u1"))
