"""Small infidelities found by hostile use: list summaries carry only their shape's members,
every time is whole milliseconds, None members are omitted (as botocore's serializer omits
them), tag keys are unique per request, exploration values are numbers in range."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import boto3
import fuzzing
import pytest
from botocore import xform_name
from botocore.config import Config

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.model import operation_model
from personalize_mock.model.output_validation import output_problems

REGION = fuzzing.REGION
UNVALIDATED = Config(parameter_validation=False)
LISTINGS = sorted(
    name
    for service, name in fuzzing.implemented()
    if service == "personalize" and name.startswith("List") and name != "ListTagsForResource"
)


def _world_with_failures(pm: PersonalizeMock, client: Any) -> fuzzing.World:
    # A failed solution and import job beside the world's: summaries in failure states too.
    world = fuzzing.build_world(pm, client)
    for operation, kind in (("CreateSolution", "solution"), ("CreateDatasetImportJob", "dataset_import_job")):
        pm.fail_next(kind, reason="failed on purpose")
        params = fuzzing.TEMPLATES[operation](world)
        params["jobName" if "jobName" in params else "name"] = "failing"
        getattr(client, xform_name(operation))(**params)
    return world


def _datetimes(value: Any, where: str = "") -> list[tuple[datetime, str]]:
    if isinstance(value, datetime):
        return [(value, where)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _datetimes(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _datetimes(item, f"{where}[{index}]")]
    return []


def test_every_list_operation_answers_with_its_summary_shape_only() -> None:
    # validate_responses off: the check below must find a stray member, not the mock's guard.
    with mock_personalize(require_data=False) as pm:
        client = boto3.client("personalize", region_name=REGION)
        world = _world_with_failures(pm, client)
        pm.advance(7200)
        checked = 0
        for operation in LISTINGS:
            model = operation_model("personalize", operation)
            assert model.input_shape is not None
            # ListMetricAttributionMetrics needs its (optional in the model) attribution.
            params = {
                member: world.by_member[member][0]
                for member in ("metricAttributionArn",)
                if member in model.input_shape.members
            }
            response = getattr(client, xform_name(operation))(**params)
            response.pop("ResponseMetadata")
            assert output_problems("personalize", operation, response) == [], operation
            checked += 1
        solutions = client.list_solutions()["solutions"]
        assert any(summary["status"] == "CREATE FAILED" for summary in solutions)
        assert all("failureReason" not in summary for summary in solutions)
    assert checked == len(LISTINGS) == 17


def test_every_time_is_whole_milliseconds_after_updates_and_deletions() -> None:
    with mock_personalize(require_data=False) as pm:
        client = boto3.client("personalize", region_name=REGION)
        world = fuzzing.build_world(pm, client)
        campaign = world.by_member["campaignArn"][0]
        recommender = world.by_member["recommenderArn"][0]
        pm.advance(0.0004567)
        client.update_campaign(campaignArn=campaign, minProvisionedTPS=2)
        pm.advance(0.0001234)
        client.delete_campaign(campaignArn=campaign)
        pm.advance(0.0007)
        client.delete_recommender(recommenderArn=recommender)
        pm.advance(0.00031)
        seen = fuzzing.fingerprint(client, world.all_arns)
        described = client.describe_campaign(campaignArn=campaign)["campaign"]
    times = _datetimes(seen) + _datetimes(described)
    assert len(times) > 50
    assert [(time, where) for time, where in times if time.microsecond % 1000] == []
    assert described["latestCampaignUpdate"]["lastUpdatedDateTime"].microsecond % 1000 == 0


@pytest.mark.parametrize("fast", [False, True])
def test_an_optional_member_set_to_none_is_omitted_without_validation(fast: bool) -> None:
    # botocore's serializer skips structure members set to None: the service never sees them.
    with mock_personalize(fast=fast):
        client = boto3.client("personalize", region_name=REGION, config=UNVALIDATED)
        arn = client.create_dataset_group(name="g", roleArn=None, tags=[{"tagKey": "k", "tagValue": "v"}])[
            "datasetGroupArn"
        ]
        described = client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
        assert "roleArn" not in described
        listed = client.list_dataset_groups(maxResults=None, nextToken=None)["datasetGroups"]
        assert [group["datasetGroupArn"] for group in listed] == [arn]
        with pytest.raises(client.exceptions.InvalidInputException) as raised:
            client.create_dataset_group(name=None)
        assert 'Missing required parameter in input: "name"' in str(raised.value)


def test_a_tag_key_given_twice_is_refused_by_tag_resource() -> None:
    with mock_personalize():
        client = boto3.client("personalize", region_name=REGION)
        arn = client.create_dataset_group(name="g")["datasetGroupArn"]
        twice = [{"tagKey": "k", "tagValue": "1"}, {"tagKey": "k", "tagValue": "2"}]
        with pytest.raises(client.exceptions.InvalidInputException, match="Tag key k appears more than once"):
            client.tag_resource(resourceArn=arn, tags=twice)
        assert client.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_exploration_values_are_checked_on_every_resource_that_takes_them() -> None:
    bad = {"itemExplorationConfig": {"explorationWeight": "lots"}}
    with mock_personalize(require_data=False) as pm:
        client = boto3.client("personalize", region_name=REGION)
        world = fuzzing.build_world(pm, client)
        calls = {
            "UpdateCampaign": {"campaignArn": world.by_member["campaignArn"][0], "campaignConfig": bad},
            "UpdateRecommender": {
                "recommenderArn": world.by_member["recommenderArn"][0],
                "recommenderConfig": bad,
            },
            "CreateBatchInferenceJob": {
                **fuzzing.TEMPLATES["CreateBatchInferenceJob"](world),
                "batchInferenceJobConfig": bad,
            },
        }
        for operation, params in calls.items():
            with pytest.raises(client.exceptions.InvalidInputException, match="explorationWeight must be"):
                getattr(client, xform_name(operation))(**params)
