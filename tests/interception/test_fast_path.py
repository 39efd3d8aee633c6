"""Fast mode: the same answers and errors as the normal path, without botocore's per-call work."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiobotocore.session
import boto3
import botocore.client
import botocore.config
import botocore.exceptions
import pytest
from helpers import REGION, assert_reset, client

from personalize_mock import NotImplementedOperation, mock_personalize
from personalize_mock.interception import dispatch, fast_path
from personalize_mock.interception.fast_path import FastPathClient, add_fast_path

SCHEMA = (
    '{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema",'
    '"fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},'
    '{"name":"TIMESTAMP","type":"long"}],"version":"1.0"}'
)
RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"


def control_flow(personalize: Any) -> dict[str, Any]:
    """A short pipeline whose observable results do not depend on ids or times."""
    group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
    statuses = [personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"]]
    while statuses[-1] != "ACTIVE":
        time.sleep(15)
        statuses.append(personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"])
    solution = personalize.create_solution(name="recs", datasetGroupArn=group, recipeArn=RECIPE)[
        "solutionArn"
    ]
    version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    polls = 0
    while personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"][
        "status"
    ] not in (
        "ACTIVE",
        "CREATE FAILED",
    ):
        time.sleep(60)
        polls += 1
    described = personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"]
    pages = personalize.get_paginator("list_solutions").paginate(
        datasetGroupArn=group, PaginationConfig={"PageSize": 1}
    )
    return {
        "group_statuses": [status for index, status in enumerate(statuses) if status not in statuses[:index]],
        "version": {key: described[key] for key in ("status", "trainingMode", "trainingType")},
        "polled": polls > 0,
        "listed": [summary["name"] for page in pages for summary in page["solutions"]],
        "arn_suffixes": (group.split(":")[-1], solution.split(":")[-1]),
    }


def test_fast_mode_answers_a_pipeline_exactly_like_the_normal_path() -> None:
    results = []
    for fast in (False, True):
        with mock_personalize(fast=fast, validate_responses=True, require_data=False):
            results.append(control_flow(client()))
    assert results[0] == results[1]
    assert results[1]["version"]["status"] == "ACTIVE"
    assert results[1]["group_statuses"][0] == "CREATE PENDING"
    assert results[1]["group_statuses"][-1] == "ACTIVE"
    assert results[1]["listed"] == ["recs"]
    assert_reset()


def test_fast_mode_skips_botocore_events_and_keeps_response_metadata() -> None:
    personalize = client()
    seen: list[str] = []
    personalize.meta.events.register("before-parameter-build.personalize", lambda **_: seen.append("hook"))
    with mock_personalize(fast=True):
        response = personalize.list_dataset_groups()
        assert response["datasetGroups"] == []
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert len(response["ResponseMetadata"]["RequestId"]) == 36
        assert seen == []  # the documented trade-off: client event hooks do not run
    with mock_personalize():
        personalize.list_dataset_groups()
        assert seen == ["hook"]


def test_fast_mode_keeps_botocore_parameter_validation() -> None:
    with mock_personalize(fast=True):
        personalize = client()
        with pytest.raises(botocore.exceptions.ParamValidationError, match="Missing required parameter"):
            personalize.create_dataset_group()
        with pytest.raises(botocore.exceptions.ParamValidationError, match="Invalid type for parameter name"):
            personalize.create_dataset_group(name=5)
        assert personalize.list_dataset_groups()["datasetGroups"] == []  # nothing was created


def test_fast_mode_validates_a_repeated_read_once_and_every_error_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    validated: list[str] = []
    real_validate = fast_path.validate_parameters

    def counting(params: dict[str, Any], shape: Any) -> None:
        validated.append(shape.name)
        real_validate(params, shape)

    monkeypatch.setattr(fast_path, "validate_parameters", counting)
    monkeypatch.setattr(fast_path, "_VALID_READS", {})
    with mock_personalize(fast=True):
        personalize = client()
        group = personalize.create_dataset_group(name="shop")["datasetGroupArn"]
        for _ in range(3):  # a polling loop: validated the first time only
            personalize.describe_dataset_group(datasetGroupArn=group)
        for _ in range(2):  # int values are remembered too; creates never are
            personalize.list_dataset_groups(maxResults=5)
        personalize.create_dataset_group(name="other")
        assert validated == [
            "CreateDatasetGroupRequest",
            "DescribeDatasetGroupRequest",
            "ListDatasetGroupsRequest",
            "CreateDatasetGroupRequest",
        ]
        for _ in range(2):  # failures are botocore's own, every time
            with pytest.raises(botocore.exceptions.ParamValidationError, match="Invalid type"):
                personalize.list_dataset_groups(maxResults="5")
            # botocore takes a bool for an integer but not an int for a boolean, and True == 1:
            # bools are never remembered, so the two can't be confused.
            personalize.list_dataset_groups(maxResults=True)
        assert validated[4:] == ["ListDatasetGroupsRequest"] * 4
        del validated[:]
        runtime = client("personalize-runtime")
        for _ in range(2):  # nested values are not remembered: validated each time
            with pytest.raises(runtime.exceptions.ResourceNotFoundException):
                runtime.get_recommendations(
                    campaignArn=group.replace("dataset-group", "campaign"), userId="u", context={"k": "v"}
                )
        assert validated == ["GetRecommendationsRequest"] * 2


def test_fast_mode_forgets_remembered_reads_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_path, "_VALID_READS", {})
    monkeypatch.setattr(fast_path, "VALID_READS_LIMIT", 2)
    with mock_personalize(fast=True):
        personalize = client()
        for size in (1, 2, 3):
            personalize.list_dataset_groups(maxResults=size)
        assert [key[2] for key in fast_path._VALID_READS] == [(("maxResults", 3),)]


def test_fast_mode_checks_model_constraints_and_raises_modeled_exceptions() -> None:
    with mock_personalize(fast=True):
        personalize = client()
        with pytest.raises(personalize.exceptions.InvalidInputException) as too_long:
            personalize.create_dataset_group(name="x" * 64)
        assert too_long.value.response["Error"]["Code"] == "InvalidInputException"
        assert too_long.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        missing = f"arn:aws:personalize:{REGION}:123456789012:dataset-group/none"
        with pytest.raises(personalize.exceptions.ResourceNotFoundException) as not_found:
            personalize.describe_dataset_group(datasetGroupArn=missing)
        assert not_found.value.operation_name == "DescribeDatasetGroup"
        assert missing in not_found.value.response["Error"]["Message"]
        # The status botocore's model gives the error (the JSON protocol's default, 400).
        assert not_found.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_fast_mode_serves_injected_errors_and_every_service() -> None:
    with mock_personalize(fast=True, require_data=False) as pm:
        personalize = client()
        pm.inject_error("ListSchemas", "ThrottlingException", "slow down")
        with pytest.raises(botocore.exceptions.ClientError, match="slow down"):
            personalize.list_schemas()
        assert personalize.list_schemas()["schemas"] == []
        events = client("personalize-events")
        with pytest.raises(events.exceptions.ResourceNotFoundException):
            events.put_items(
                datasetArn=f"arn:aws:personalize:{REGION}:123456789012:dataset/none/ITEMS",
                items=[{"itemId": "i1"}],
            )
        runtime = client("personalize-runtime")
        with pytest.raises(runtime.exceptions.ResourceNotFoundException):
            runtime.get_recommendations(
                campaignArn=f"arn:aws:personalize:{REGION}:123456789012:campaign/none", userId="u"
            )


def test_fast_mode_without_parameter_validation_still_answers() -> None:
    session = boto3.session.Session()
    quiet = session.client(
        "personalize", region_name=REGION, config=botocore.config.Config(parameter_validation=False)
    )
    assert FastPathClient in type(quiet).__mro__
    with mock_personalize(fast=True):
        assert quiet.create_schema(name="s", schema=SCHEMA)["schemaArn"].endswith(":schema/s")
        # Unchecked by botocore, as on the normal path: the unknown member is not refused.
        assert quiet.list_schemas(maxResults=5, unknownMember=1)["schemas"][0]["name"] == "s"


def test_an_operation_without_a_handler_is_refused_in_fast_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    personalize = client()
    with mock_personalize(fast=True):
        personalize.list_schemas()  # loads the table, so the patch below is not undone by it
        monkeypatch.setattr(dispatch, "lookup_handler", lambda service, operation: None)
        with pytest.raises(NotImplementedOperation) as refused:
            personalize.list_schemas()
        assert (refused.value.service, refused.value.operation) == ("personalize", "ListSchemas")


def test_without_fast_mode_the_call_goes_through_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def recording(self: Any, operation_name: str, api_params: dict[str, Any]) -> dict[str, Any]:
        calls.append((operation_name, api_params))
        return {"schemas": []}

    personalize = client()
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    assert personalize.list_schemas(maxResults=5) == {"schemas": []}  # no mock active
    with mock_personalize():
        personalize.list_schemas()
    assert calls == [("ListSchemas", {"maxResults": 5}), ("ListSchemas", {})]


def test_the_fast_path_is_added_once_and_never_to_async_clients() -> None:
    bases: list[type] = [botocore.client.BaseClient]
    add_fast_path(class_attributes={}, base_classes=bases)
    add_fast_path(class_attributes={}, base_classes=bases)
    assert bases == [FastPathClient, botocore.client.BaseClient]

    async def body() -> list[str]:
        session = aiobotocore.session.get_session()
        async with session.create_client("personalize", region_name=REGION) as personalize:
            assert FastPathClient not in type(personalize).__mro__
            with mock_personalize(fast=True):
                group = await personalize.create_dataset_group(name="async")
                listed = await personalize.list_dataset_groups()
        assert group["datasetGroupArn"].endswith(":dataset-group/async")
        return [summary["name"] for summary in listed["datasetGroups"]]

    assert asyncio.run(body()) == ["async"]
    assert_reset()
