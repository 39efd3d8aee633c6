"""pm.inspect(): the resources with their statuses and ISO times, as the server's /state gives them."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.inspection import describe_state, iso


def test_inspect_lists_every_live_resource_with_iso_times() -> None:
    with mock_personalize() as pm:
        east = boto3.client("personalize", region_name="us-east-1")
        west = boto3.client("personalize", region_name="us-west-2")
        kept = east.create_dataset_group(name="kept")["datasetGroupArn"]
        west.create_dataset_group(name="west")
        gone = east.create_dataset_group(name="gone")["datasetGroupArn"]
        pm.settle()
        east.delete_dataset_group(datasetGroupArn=gone)
        pm.settle()

        view = pm.inspect()
        assert view == describe_state(pm.state)

    assert view["accountId"] == "123456789012"
    assert [(r["region"], r["kind"], r["name"], r["status"]) for r in view["resources"]] == [
        ("us-east-1", "dataset_group", "kept", "ACTIVE"),
        ("us-west-2", "dataset_group", "west", "ACTIVE"),
    ]
    assert view["resources"][0]["arn"] == kept
    created = datetime.fromisoformat(view["resources"][0]["created"])
    assert created.tzinfo == UTC
    assert created <= datetime.fromisoformat(view["now"])


def test_iso_has_milliseconds_and_utc() -> None:
    assert iso(0.5) == "1970-01-01T00:00:00.500+00:00"


def seed(pm: PersonalizeMock) -> None:
    client = boto3.client("personalize", region_name="us-east-1")
    group = client.create_dataset_group(
        name="g", tags=[{"tagKey": "b", "tagValue": "2"}, {"tagKey": "a", "tagValue": "1"}]
    )
    pm.settle()
    client.create_solution(
        name="s",
        datasetGroupArn=group["datasetGroupArn"],
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
    )
    client.create_event_tracker(name="t", datasetGroupArn=group["datasetGroupArn"])
    boto3.client("personalize", region_name="eu-west-1").create_dataset_group(name="w")
    pm.advance(30)


def test_snapshots_of_the_same_state_are_equal_byte_for_byte() -> None:
    with mock_personalize(freeze=True, require_data=False) as pm:
        seed(pm)
        first, second = pm.snapshot(), pm.snapshot()
    with PersonalizeMock.restore(first) as restored:
        again = restored.snapshot()
        view = restored.inspect()
    with PersonalizeMock.restore(again) as restored_twice:
        assert restored_twice.inspect() == view
        third = restored_twice.snapshot()

    assert first == second == again == third
