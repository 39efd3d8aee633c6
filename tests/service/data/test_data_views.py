"""What the runtime sees of a dataset group's records (personalize_mock.service.data.data_views).

Metadata values are read as the text a CSV cell would hold (booleans ``true``/``false``,
whole floats without ``.0``); an event without an item is no interaction with any item; a
metadata row without its id is not an item. Each is observed through the runtime: metadata
in GetRecommendations, filters, and the catalogue a popularity campaign ranks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import boto3
import moto
import pytest
from runtime_world import REGION, clients, deploy, ids, make_filter, schema_text

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.data.data_views import number, text

ITEM_FIELDS: list[dict[str, Any]] = [
    {"name": "ITEM_ID", "type": "string"},
    {"name": "IN_STOCK", "type": ["null", "boolean"]},
    {"name": "PRICE", "type": ["null", "double"]},
    {"name": "GENRE", "type": ["null", "string"], "categorical": True},
]
METADATA = {"enableMetadataWithRecommendations": True}


def items_schema(fields: Sequence[dict[str, Any]]) -> str:
    document = {"type": "record", "name": "Items", "namespace": "com.amazonaws.personalize.schema"}
    return json.dumps({**document, "fields": list(fields), "version": "1.0"})


def make_group(pm: PersonalizeMock, client: Any, item_fields: Sequence[dict[str, Any]]) -> dict[str, str]:
    """An ACTIVE group with Interactions and Items datasets and an event tracker."""
    group = client.create_dataset_group(name="views")["datasetGroupArn"]
    pm.advance(DEFAULT_DURATIONS["dataset_group"])
    made = {"group": group}
    for dataset_type, schema in (
        ("INTERACTIONS", schema_text("INTERACTIONS")),
        ("ITEMS", items_schema(item_fields)),
    ):
        schema_arn = client.create_schema(name=f"views-{dataset_type.lower()}", schema=schema)["schemaArn"]
        made[dataset_type] = client.create_dataset(
            name=f"views-{dataset_type.lower()}",
            datasetGroupArn=group,
            datasetType=dataset_type,
            schemaArn=schema_arn,
        )["datasetArn"]
    made["tracking_id"] = client.create_event_tracker(name="views-tracker", datasetGroupArn=group)[
        "trackingId"
    ]
    pm.advance(max(DEFAULT_DURATIONS["dataset"], DEFAULT_DURATIONS["event_tracker"]))
    return made


def test_metadata_values_read_as_csv_text(pm: PersonalizeMock) -> None:
    client, runtime, events = clients()
    made = make_group(pm, client, ITEM_FIELDS)
    events.put_items(
        datasetArn=made["ITEMS"],
        items=[
            {"itemId": "lamp", "properties": json.dumps({"inStock": True, "price": 10.0, "genre": "home"})},
            {"itemId": "sofa", "properties": json.dumps({"inStock": False, "price": 499.5})},
        ],
    )
    campaign = deploy(pm, client, made["group"], "aws-popularity-count", "popular", campaign_config=METADATA)
    answer = runtime.get_recommendations(
        campaignArn=campaign, numResults=2, metadataColumns={"ITEMS": ["IN_STOCK", "PRICE", "GENRE"]}
    )
    metadata = {entry["itemId"]: entry["metadata"] for entry in answer["itemList"]}
    assert metadata == {
        "lamp": {"IN_STOCK": "true", "PRICE": "10", "GENRE": "home"},
        "sofa": {"IN_STOCK": "false", "PRICE": "499.5"},
    }
    # Filters compare the same text: a boolean column matches "true" / "false".
    in_stock = make_filter(
        pm, client, made["group"], "stock", 'INCLUDE ItemID WHERE Items.IN_STOCK IN ("true")'
    )
    assert ids(runtime.get_recommendations(campaignArn=campaign, filterArn=in_stock)) == ["lamp"]


def test_an_event_without_an_item_is_no_interaction_with_an_item(pm: PersonalizeMock) -> None:
    client, runtime, events = clients()
    made = make_group(pm, client, ITEM_FIELDS)
    events.put_items(datasetArn=made["ITEMS"], items=[{"itemId": "lamp"}, {"itemId": "sofa"}])

    def purchase(**item: str) -> None:
        event = {"eventType": "purchase", "sentAt": pm.now(), **item}
        events.put_events(trackingId=made["tracking_id"], userId="u1", sessionId="s1", eventList=[event])

    purchase()  # PutEvents allows an event without itemId: it concerns no item
    campaign = deploy(pm, client, made["group"], "aws-popularity-count", "popular")
    bought = make_filter(
        pm, client, made["group"], "bought", 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")'
    )

    def recommended(**params: str) -> list[str]:
        answer = runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=10, **params)
        return sorted(ids(answer))

    # Training learned no item from it, and the filter finds no purchased item.
    assert recommended() == ["lamp", "sofa"]
    assert recommended(filterArn=bought) == ["lamp", "sofa"]
    purchase(itemId="sofa")
    assert recommended(filterArn=bought) == ["lamp"]


@pytest.fixture
def s3(pm: PersonalizeMock) -> Iterator[Any]:
    with moto.mock_aws():
        yield boto3.client("s3", region_name=REGION)


def test_an_item_row_without_its_id_is_not_an_item(pm: PersonalizeMock, s3: Any) -> None:
    # CreateSchema lets ITEM_ID be optional, so an import may hold a row with an empty id:
    # the row is kept in the data, but it names no item.
    client, runtime, _ = clients()
    optional_id = [{"name": "ITEM_ID", "type": ["null", "string"]}, *ITEM_FIELDS[1:]]
    made = make_group(pm, client, optional_id)
    s3.create_bucket(Bucket="views-data")
    s3.put_object(
        Bucket="views-data", Key="items.csv", Body=b"ITEM_ID,GENRE\nlamp,home\n,garden\nsofa,home\n"
    )
    job = client.create_dataset_import_job(
        jobName="items", datasetArn=made["ITEMS"], dataSource={"dataLocation": "s3://views-data/items.csv"}
    )["datasetImportJobArn"]
    pm.advance(DEFAULT_DURATIONS["dataset_import_job"])
    assert (
        client.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]["status"] == "ACTIVE"
    )
    campaign = deploy(pm, client, made["group"], "aws-popularity-count", "popular")
    assert sorted(ids(runtime.get_recommendations(campaignArn=campaign, numResults=10))) == ["lamp", "sofa"]
    garden = make_filter(
        pm, client, made["group"], "garden", 'INCLUDE ItemID WHERE Items.GENRE IN ("garden")'
    )
    assert ids(runtime.get_recommendations(campaignArn=campaign, filterArn=garden)) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "true"), (False, "false"), (10.0, "10"), (2.5, "2.5"), (7, "7"), ("a|b", "a|b")],
)
def test_text_is_what_a_csv_cell_would_hold(value: Any, expected: str) -> None:
    assert text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.5", 2.5), (3, 3.0), (" 4 ", 4.0), (True, None), (None, None), ("cheap", None), ("", None)],
)
def test_number_is_none_for_what_is_not_a_number(value: Any, expected: float | None) -> None:
    # Booleans are not numbers here, although Python would read True as 1.
    assert number(value) == expected
