"""Reading an import's CSV against its schema (personalize_mock.service.data.dataset_files).

The common cases (header checks, typed values, line numbers) are in test_import_reading.py;
these are the Avro types written as objects, values a float column refuses, and files the
CSV reader itself refuses. Everything goes through an import job reading moto's S3.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import moto
import pytest
from data_world import BUCKET, INTERACTIONS_FIELDS, ITEMS_FIELDS, REGION, World, csv_text, make_world

from personalize_mock import PersonalizeMock
from personalize_mock.service.data.data_store import group_data

pytestmark = pytest.mark.personalize_mock(require_data=True)


@pytest.fixture
def world(pm: PersonalizeMock, client: Any) -> Iterator[World]:
    with moto.mock_aws():
        yield make_world(pm, client, boto3.client("s3", region_name=REGION))


def rows_now(world: World, kind: str) -> list[dict[str, Any]]:
    store = group_data(world.pm.state.backend(REGION), world.group)
    return [dict(record) for record in store.records(world.pm.state.clock.time(), kind)]


def with_field(fields: list[dict[str, Any]], name: str, avro_type: Any) -> list[dict[str, Any]]:
    """``fields`` with ``name``'s type replaced by ``avro_type`` (appended if absent)."""
    changed = [dict(field, type=avro_type) if field["name"] == name else field for field in fields]
    if all(field["name"] != name for field in fields):
        changed.append({"name": name, "type": avro_type})
    return changed


def test_avro_types_written_as_objects_are_read_as_their_inner_type(world: World) -> None:
    fields = with_field(INTERACTIONS_FIELDS, "TIMESTAMP", {"type": "long", "logicalType": "timestamp-millis"})
    fields = with_field(fields, "EVENT_VALUE", {"type": ["null", "float"]})
    dataset = world.dataset(fields=fields)
    body = csv_text(["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_VALUE"], [["u1", "i1", "1700000000", ""]])
    assert world.load(dataset, world.put("ok.csv", body))["status"] == "ACTIVE"
    # The object's "type" decides: a long timestamp, an optional float left empty.
    assert rows_now(world, "INTERACTIONS") == [
        {"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": 1700000000, "EVENT_VALUE": None}
    ]
    bad = csv_text(["USER_ID", "ITEM_ID", "TIMESTAMP"], [["u1", "i1", "soon"]])
    job = world.load(dataset, world.put("bad.csv", bad))
    assert job["failureReason"] == (
        f"Invalid value 'soon' for column TIMESTAMP of type long in line 2 of s3://{BUCKET}/bad.csv."
    )


def test_a_type_the_reader_does_not_know_is_a_required_string(world: World) -> None:
    # CreateSchema only checks that a field's "type" is a string, list or object; an object
    # whose own "type" is none of those is read as a required string column.
    dataset = world.dataset("ITEMS", with_field(ITEMS_FIELDS, "COLOUR", {"type": 7}))
    job = world.load(dataset, world.put("no-colour.csv", csv_text(["ITEM_ID"], [["i1"]])))
    assert job["failureReason"] == (
        f"Input CSV is missing the following columns: [COLOUR] (s3://{BUCKET}/no-colour.csv)."
    )
    body = csv_text(["ITEM_ID", "COLOUR"], [["i1", "7"], ["i2", "red"]])
    assert world.load(dataset, world.put("colour.csv", body))["status"] == "ACTIVE"
    assert [row["COLOUR"] for row in rows_now(world, "ITEMS")] == ["7", "red"]


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_a_float_column_refuses_values_that_are_not_finite(world: World, value: str) -> None:
    body = csv_text(["ITEM_ID", "PRICE"], [["i1", "9.5"], ["i2", value]])
    job = world.load(world.dataset("ITEMS"), world.put("items.csv", body))
    assert job["status"] == "CREATE FAILED"
    assert job["failureReason"] == (
        f"Invalid value {value!r} for column PRICE of type double in line 3 of s3://{BUCKET}/items.csv."
    )
    assert rows_now(world, "ITEMS") == []


def test_a_cell_the_csv_reader_refuses_fails_the_import(world: World) -> None:
    # Python's csv module refuses a field longer than its limit (128 KiB by default).
    body = csv_text(["ITEM_ID", "GENRES"], [["i1", "a"], ["i2", "x" * 200_000]])
    job = world.load(world.dataset("ITEMS"), world.put("huge.csv", body))
    assert job["status"] == "CREATE FAILED"
    assert job["failureReason"] == (
        f"Input CSV s3://{BUCKET}/huge.csv is not valid CSV in line 3: "
        "field larger than field limit (131072)."
    )
    assert rows_now(world, "ITEMS") == []
