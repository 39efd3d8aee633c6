"""Schemas: CreateSchema / DescribeSchema / ListSchemas / DeleteSchema.

Behaviour reference §2 (ARN), §3.2 (no status), §5.1/5.3/5.4 (errors, delete ordering, quota).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

SCHEMA_ARN = "arn:aws:personalize:us-east-1:123456789012:schema/"
MakeDatasetGroup = Any


def avro(*fields: str, name: str = "Interactions") -> str:
    """An Avro record schema with string fields (TIMESTAMP as long), as Personalize expects."""
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "namespace": "com.amazonaws.personalize.schema",
            "fields": [{"name": f, "type": "long" if f == "TIMESTAMP" else "string"} for f in fields],
            "version": "1.0",
        }
    )


INTERACTIONS = avro("USER_ID", "ITEM_ID", "TIMESTAMP")


def test_create_and_describe_schema(client: Any) -> None:
    created = client.create_schema(name="interactions", schema=INTERACTIONS)
    assert set(created) - {"ResponseMetadata"} == {"schemaArn"}
    arn = created["schemaArn"]
    assert arn == SCHEMA_ARN + "interactions"
    schema = client.describe_schema(schemaArn=arn)["schema"]
    assert schema["name"] == "interactions"
    assert schema["schemaArn"] == arn
    assert schema["schema"] == INTERACTIONS
    assert schema["creationDateTime"] == schema["lastUpdatedDateTime"]
    assert schema["creationDateTime"].tzinfo is not None
    assert "domain" not in schema
    assert "status" not in schema


def test_domain_schema_reports_its_domain(client: Any) -> None:
    text = avro("USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE")
    arn = client.create_schema(name="ecomm", schema=text, domain="ECOMMERCE")["schemaArn"]
    assert client.describe_schema(schemaArn=arn)["schema"]["domain"] == "ECOMMERCE"
    summary = client.list_schemas()["schemas"][0]
    assert summary["domain"] == "ECOMMERCE"
    assert "schema" not in summary


def test_list_schemas_in_creation_order_with_pages(client: Any) -> None:
    arns = [client.create_schema(name=f"s{i}", schema=INTERACTIONS)["schemaArn"] for i in range(5)]
    listed = client.list_schemas()["schemas"]
    assert [s["schemaArn"] for s in listed] == arns
    assert {tuple(sorted(s)) for s in listed} == {
        ("creationDateTime", "lastUpdatedDateTime", "name", "schemaArn")
    }
    assert listed[0]["creationDateTime"] < listed[1]["creationDateTime"]
    first = client.list_schemas(maxResults=2)
    assert [s["name"] for s in first["schemas"]] == ["s0", "s1"]
    second = client.list_schemas(maxResults=2, nextToken=first["nextToken"])
    assert [s["name"] for s in second["schemas"]] == ["s2", "s3"]
    pages = client.get_paginator("list_schemas").paginate(PaginationConfig={"PageSize": 2})
    assert [s["name"] for page in pages for s in page["schemas"]] == [f"s{i}" for i in range(5)]


def test_list_schemas_rejects_a_foreign_token(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_schemas(nextToken="not-a-token")


def test_duplicate_schema_name_already_exists(client: Any) -> None:
    arn = client.create_schema(name="s", schema=INTERACTIONS)["schemaArn"]
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException) as error:
        client.create_schema(name="s", schema=avro("ITEM_ID"))
    assert error.value.response["Error"]["Message"] == f"Another resource with Arn {arn} already exists."


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("{not json", "not valid JSON"),
        ('["record"]', "record"),
        ('{"type": "enum", "name": "x", "symbols": ["A"]}', "record"),
        ('{"type": "record", "name": "x"}', "fields"),
        ('{"type": "record", "name": "x", "fields": []}', "fields"),
        ('{"type": "record", "name": "x", "fields": ["USER_ID"]}', "not a JSON object"),
        ('{"type": "record", "name": "x", "fields": [{"type": "string"}]}', 'no \\"name\\"'),
        ('{"type": "record", "name": "x", "fields": [{"name": "USER_ID"}]}', "USER_ID"),
        (
            '{"type": "record", "name": "x", "fields": '
            '[{"name": "USER_ID", "type": "string"}, {"name": "USER_ID", "type": "string"}]}',
            "more than once",
        ),
    ],
)
def test_invalid_avro_is_invalid_input(client: Any, text: str, complaint: str) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match=complaint):
        client.create_schema(name="bad", schema=text)
    assert client.list_schemas()["schemas"] == []


def test_union_and_nested_field_types_are_accepted(client: Any) -> None:
    text = json.dumps(
        {
            "type": "record",
            "name": "Items",
            "fields": [
                {"name": "ITEM_ID", "type": "string"},
                {"name": "GENRE", "type": ["null", "string"], "categorical": True},
                {"name": "TAGS", "type": {"type": "array", "items": "string"}},
            ],
        }
    )
    assert client.create_schema(name="items", schema=text)["schemaArn"].endswith("schema/items")


def test_input_validation_rejects_an_unknown_domain(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_schema(name="s", schema=INTERACTIONS, domain="RETAIL")


@pytest.mark.personalize_mock(quotas={"schemas": 2})
def test_schema_quota(client: Any) -> None:
    first = client.create_schema(name="a", schema=INTERACTIONS)["schemaArn"]
    client.create_schema(name="b", schema=INTERACTIONS)
    with pytest.raises(client.exceptions.LimitExceededException, match="More than 2 schemas"):
        client.create_schema(name="c", schema=INTERACTIONS)
    client.delete_schema(schemaArn=first)
    client.create_schema(name="c", schema=INTERACTIONS)


def test_describe_unknown_schema_is_not_found(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="nope does not exist"):
        client.describe_schema(schemaArn=SCHEMA_ARN + "nope")


def test_malformed_schema_arn_is_invalid_input(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_schema(schemaArn="not-an-arn")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.delete_schema(schemaArn="not-an-arn")


def test_delete_schema_is_immediate(client: Any) -> None:
    arn = client.create_schema(name="s", schema=INTERACTIONS)["schemaArn"]
    assert set(client.delete_schema(schemaArn=arn)) == {"ResponseMetadata"}
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_schema(schemaArn=arn)
    assert client.list_schemas()["schemas"] == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_schema(schemaArn=arn)
    # The name is free again.
    assert client.create_schema(name="s", schema=INTERACTIONS)["schemaArn"] == arn


@pytest.mark.personalize_mock(durations={"schema_delete": 30})
def test_slow_schema_delete_keeps_it_describable_but_unusable(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    arn = client.create_schema(name="s", schema=INTERACTIONS)["schemaArn"]
    client.delete_schema(schemaArn=arn)
    assert client.describe_schema(schemaArn=arn)["schema"]["name"] == "s"
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_schema(schemaArn=arn)
    with pytest.raises(client.exceptions.ResourceInUseException, match="being deleted"):
        client.create_dataset(name="d", schemaArn=arn, datasetGroupArn=dsg, datasetType="INTERACTIONS")
    pm.advance(31)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_schema(schemaArn=arn)


def test_delete_schema_in_use_by_a_dataset(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    arn = client.create_schema(name="s", schema=INTERACTIONS)["schemaArn"]
    dataset = client.create_dataset(name="d", schemaArn=arn, datasetGroupArn=dsg, datasetType="INTERACTIONS")[
        "datasetArn"
    ]
    with pytest.raises(client.exceptions.ResourceInUseException, match=dataset):
        client.delete_schema(schemaArn=arn)
    pm.settle()
    client.delete_dataset(datasetArn=dataset)
    # A dataset that is still being deleted still holds its schema.
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_schema(schemaArn=arn)
    pm.settle()
    client.delete_schema(schemaArn=arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_schema(schemaArn=arn)


def test_dataset_update_holds_both_schemas_until_it_is_done(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    old = client.create_schema(name="old", schema=INTERACTIONS)["schemaArn"]
    new = client.create_schema(name="new", schema=avro("USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"))[
        "schemaArn"
    ]
    dataset = client.create_dataset(name="d", schemaArn=old, datasetGroupArn=dsg, datasetType="INTERACTIONS")[
        "datasetArn"
    ]
    pm.settle()
    client.update_dataset(datasetArn=dataset, schemaArn=new)
    for arn in (old, new):
        with pytest.raises(client.exceptions.ResourceInUseException):
            client.delete_schema(schemaArn=arn)
    pm.settle()
    client.delete_schema(schemaArn=old)
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_schema(schemaArn=new)
