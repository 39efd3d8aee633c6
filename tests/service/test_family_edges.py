"""Paths of the resource families that the family tests leave out: encryption settings shown
on describe, an event-tracker ARN clash, IF conditions joined by AND, and a dataset being
deleted while a filter names its columns.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.inference import filter_expressions
from personalize_mock.service.inference.filter_expressions import CURRENT_USER, Condition

ROLE = "arn:aws:iam::123456789012:role/personalize"
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_describe_shows_the_role_and_kms_key(client: Any, pm: PersonalizeMock) -> None:
    arn = client.create_dataset_group(name="sealed", roleArn=ROLE, kmsKeyArn=KMS)["datasetGroupArn"]
    detail = client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
    assert (detail["roleArn"], detail["kmsKeyArn"]) == (ROLE, KMS)


def test_event_tracker_ids_that_clash_are_drawn_again(
    client: Any, make_dataset_group: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_group, second_group = make_dataset_group("a"), make_dataset_group("b")
    ids = iter(["0000000a", "0000000a", "0000000b"])
    monkeypatch.setattr(RegionBackend, "hex_id", lambda self: next(ids))
    first = client.create_event_tracker(name="one", datasetGroupArn=first_group)["eventTrackerArn"]
    second = client.create_event_tracker(name="two", datasetGroupArn=second_group)["eventTrackerArn"]
    assert first.endswith("event-tracker/0000000a")
    assert second.endswith("event-tracker/0000000b")


def test_if_conditions_joined_by_and() -> None:
    parsed = filter_expressions.parse(
        'EXCLUDE ItemID WHERE Items.RATING IN ("R") IF CurrentUser.AGE < 18 AND CurrentUser.TIER = "free"'
    )
    assert parsed.clauses[0].when == (
        Condition(CURRENT_USER, "AGE", "<", (18.0,)),
        Condition(CURRENT_USER, "TIER", "=", ("free",)),
    )
    with pytest.raises(InvalidInputException, match=r"CurrentUser\.<column>"):
        filter_expressions.parse('EXCLUDE ItemID WHERE Items.RATING IN ("R") IF Items.AGE < 18')


ITEMS_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Items",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [{"name": "ITEM_ID", "type": "string"}, {"name": "GENRE", "type": "string"}],
        "version": "1.0",
    }
)


def test_a_dataset_being_deleted_no_longer_constrains_filter_columns(
    client: Any, pm: PersonalizeMock, make_dataset_group: Any
) -> None:
    """Columns are checked against the datasets a group has; one being deleted counts as gone."""
    group = make_dataset_group("g")
    schema = client.create_schema(name="items", schema=ITEMS_SCHEMA)["schemaArn"]
    items = client.create_dataset(name="items", schemaArn=schema, datasetGroupArn=group, datasetType="Items")[
        "datasetArn"
    ]
    pm.settle()
    expression = 'INCLUDE ItemID WHERE Items.MOOD IN ("calm")'
    with pytest.raises(client.exceptions.InvalidInputException, match="MOOD"):
        client.create_filter(name="calm", datasetGroupArn=group, filterExpression=expression)
    client.delete_dataset(datasetArn=items)
    arn = client.create_filter(name="calm", datasetGroupArn=group, filterExpression=expression)["filterArn"]
    assert client.describe_filter(filterArn=arn)["filter"]["filterExpression"] == expression
