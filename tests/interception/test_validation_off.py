"""Clients with ``Config(parameter_validation=False)`` get the service's error, never a crash.

botocore then sends whatever the caller passed; the service refuses wrong types, missing
members and out-of-range numbers with ``InvalidInputException``, and so does the mock, on
both in-process paths and through the server, before anything changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.config
import pytest
from helpers import REGION, assert_reset

from personalize_mock import mock_personalize
from personalize_mock.server import MockServer

UNVALIDATED = botocore.config.Config(parameter_validation=False)
GROUP = f"arn:aws:personalize:{REGION}:123456789012:dataset-group/g"
CAMPAIGN = f"arn:aws:personalize:{REGION}:123456789012:campaign/c"
DATASET = f"arn:aws:personalize:{REGION}:123456789012:dataset/g/ITEMS"
SIMS = "arn:aws:personalize:::recipe/aws-sims"
SOLUTION = {"name": "s", "datasetGroupArn": GROUP, "recipeArn": SIMS}
RECOMMEND = {"campaignArn": CAMPAIGN, "userId": "u"}

#: (service, operation, kwargs): each is refused by the service before it changes anything.
HOSTILE: list[tuple[str, str, dict[str, Any]]] = [
    ("personalize", "create_dataset_group", {"name": None}),
    ("personalize", "create_dataset_group", {"name": 5}),
    ("personalize", "create_dataset_group", {"name": ["g"]}),
    ("personalize", "create_dataset_group", {"name": "g", "tags": [{"tagKey": "a"}]}),
    ("personalize", "create_dataset_group", {"name": "g", "tags": {"a": "b"}}),
    (
        "personalize",
        "create_solution",
        {**SOLUTION, "performAutoTraining": "false"},
    ),
    (
        "personalize",
        "create_solution",
        {**SOLUTION, "solutionConfig": "x"},
    ),
    ("personalize", "create_campaign", {"name": "c", "solutionVersionArn": GROUP, "minProvisionedTPS": "2"}),
    ("personalize", "list_dataset_groups", {"maxResults": "5"}),
    ("personalize", "list_dataset_groups", {"maxResults": 0}),
    ("personalize", "tag_resource", {"resourceArn": GROUP, "tags": [{"tagKey": "a"}]}),
    ("personalize", "describe_dataset_group", {}),
    (
        "personalize-runtime",
        "get_recommendations",
        {**RECOMMEND, "numResults": "5"},
    ),
    ("personalize-runtime", "get_recommendations", {"campaignArn": CAMPAIGN, "userId": 7}),
    ("personalize-events", "put_items", {"datasetArn": DATASET, "items": None}),
    (
        "personalize-events",
        "put_items",
        {"datasetArn": DATASET, "items": [{"itemId": "i", "properties": {"a": 1}}]},
    ),
    ("personalize-events", "put_events", {"trackingId": "t", "sessionId": "s", "eventList": "nope"}),
]


def refuse(call: Callable[[], Any], client: Any) -> str:
    with pytest.raises(client.exceptions.InvalidInputException) as raised:
        call()
    return str(raised.value)


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(("service", "operation", "kwargs"), HOSTILE)
def test_wrong_types_get_invalid_input_and_change_nothing(
    fast: bool, service: str, operation: str, kwargs: dict[str, Any]
) -> None:
    with mock_personalize(fast=fast) as pm:
        client = boto3.client(service, region_name=REGION, config=UNVALIDATED)
        refuse(lambda: getattr(client, operation)(**kwargs), client)
        assert all(
            len(collection) == 0
            for backend in pm.state.backends.values()
            for collection in backend.collections.values()
        )
    assert_reset()


@pytest.mark.parametrize("fast", [False, True])
def test_a_valid_request_still_works_without_validation(fast: bool) -> None:
    with mock_personalize(fast=fast):
        client = boto3.client("personalize", region_name=REGION, config=UNVALIDATED)
        assert client.create_dataset_group(name="g")["datasetGroupArn"] == GROUP


@pytest.fixture
def server() -> Iterator[MockServer]:
    running = MockServer().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("validation", [True, False])
def test_an_int32_member_beyond_its_range_is_refused_in_process_and_by_the_server(
    server: MockServer, validation: bool
) -> None:
    config = botocore.config.Config(parameter_validation=validation)
    kwargs = {"name": "c", "solutionVersionArn": f"{GROUP}/x", "minProvisionedTPS": 2**31}
    with mock_personalize():
        in_process = boto3.client("personalize", region_name=REGION, config=config)
        remote = boto3.client("personalize", region_name=REGION, config=config, endpoint_url=server.url)
        local_message = refuse(lambda: in_process.create_campaign(**kwargs), in_process)
        remote_message = refuse(lambda: remote.create_campaign(**kwargs), remote)
    assert "minProvisionedTPS" in local_message
    assert local_message.split(": ", 1)[1] == remote_message.split(": ", 1)[1]


def test_unknown_members_are_not_refused_and_several_problems_are_counted() -> None:
    # Fast mode: no serializer runs (botocore's own serializer raises KeyError on an unknown
    # member when validation is off, before any request exists, mock or not).
    with mock_personalize(fast=True):
        client = boto3.client("personalize", region_name=REGION, config=UNVALIDATED)
        assert client.list_dataset_groups(unknownMember=1)["datasetGroups"] == []
        message = refuse(lambda: client.create_dataset_group(name=5, roleArn=6, unknownMember=1), client)
        assert "2 validation errors detected: Invalid type for parameter name" in message
