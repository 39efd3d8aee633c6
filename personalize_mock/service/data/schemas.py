"""Schemas: Create / Describe / List / Delete.

A schema has no status (behaviour reference §3.2): it exists from creation until it is
deleted, and deletion takes ``schema_delete`` seconds (0 by default, so it is gone at once).
The Avro text is parsed at CreateSchema; whether it fits a dataset type is checked when a
dataset uses it (:func:`check_schema_for`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException, ResourceInUseException
from personalize_mock.service.core.common import (
    UNTIL_GONE,
    Blocker,
    check_quota,
    deleter,
    describer,
    lister,
    require_unused_arn,
    time_fields,
)
from personalize_mock.service.core.json_documents import load_json_document
from personalize_mock.service.core.lifecycle import ACTIVE, DELETING, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource

KIND = "schema"
ARN_TYPE = "schema"

#: Fields each dataset type's schema must declare (developer guide, "Schemas" pages).
REQUIRED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "INTERACTIONS": ("USER_ID", "ITEM_ID", "TIMESTAMP"),
    "ITEMS": ("ITEM_ID",),
    "USERS": ("USER_ID",),
    "ACTIONS": ("ACTION_ID",),
    "ACTION_INTERACTIONS": ("USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"),
}


class Schema(Resource):
    __slots__ = ("domain", "fields", "text")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.text = ""
        self.domain: str | None = None
        self.fields: frozenset[str] = frozenset()


def schemas(backend: RegionBackend) -> Collection[Schema]:
    return backend.collection(KIND)


def usable_schema(backend: RegionBackend, arn: str, now: float) -> Schema:
    """The schema ``arn`` for a new dataset or dataset update.

    ``ResourceNotFoundException`` if it does not exist, ``ResourceInUseException`` while it
    is being deleted (only possible with a non-zero ``schema_delete`` duration).
    """
    schema = schemas(backend).get(arn, now)
    if schema.status(now) in DELETING:
        raise ResourceInUseException(f"Schema {arn} is being deleted.")
    return schema


def check_schema_for(schema: Schema, dataset_type: str, group_domain: str | None) -> None:
    """``InvalidInputException`` unless ``schema`` fits a ``dataset_type`` dataset of the group."""
    missing = [field for field in REQUIRED_FIELDS[dataset_type] if field not in schema.fields]
    if missing:
        raise InvalidInputException(
            f"Schema {schema.arn} cannot be used for a dataset of type {dataset_type}: "
            f"required field(s) {', '.join(missing)} missing. A {dataset_type} schema must declare "
            f"{', '.join(REQUIRED_FIELDS[dataset_type])}."
        )
    if schema.domain != group_domain:
        if group_domain is None:
            raise InvalidInputException(
                f"Schema {schema.arn} was created for domain {schema.domain}; it can only be used "
                "in a dataset group of that domain, not in a custom dataset group."
            )
        if schema.domain is None:
            raise InvalidInputException(
                f"Schema {schema.arn} has no domain; a {group_domain} dataset group needs a schema "
                f"created with domain {group_domain}."
            )
        raise InvalidInputException(
            f"Schema {schema.arn} was created for domain {schema.domain}; the dataset group's "
            f"domain is {group_domain}."
        )


# Test suites create the same few schema texts over and over; the parsed field names are
# immutable, so each text is parsed once (exceptions are not cached: a bad text fails each time).
@functools.lru_cache(maxsize=256)
def parse_avro_fields(text: str) -> frozenset[str]:
    """The field names of an Avro record schema; ``InvalidInputException`` if it is not one."""
    document = load_json_document(text, "The schema")
    if not isinstance(document, dict) or document.get("type") != "record":
        raise InvalidInputException('The schema must be an Avro record schema ("type": "record").')
    fields = document.get("fields")
    if not isinstance(fields, list) or not fields:
        raise InvalidInputException('The schema must have a non-empty "fields" list.')
    names: set[str] = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            raise InvalidInputException(f"Field {position} of the schema is not a JSON object.")
        name = field.get("name")
        if not isinstance(name, str) or not name:
            raise InvalidInputException(f'Field {position} of the schema has no "name".')
        if not isinstance(field.get("type"), (str, list, dict)):
            raise InvalidInputException(f'Field {name} of the schema has no valid "type".')
        if name in names:
            raise InvalidInputException(f"Field {name} appears more than once in the schema.")
        names.add(name)
    return frozenset(names)


def create_schema(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = schemas(backend)
    arn = backend.arn(ARN_TYPE, params["name"])
    require_unused_arn(collection, arn, now)
    fields = parse_avro_fields(params["schema"])
    limit = backend.quota("schemas")
    message = f"Cannot create a schema. More than {limit} schemas. Please delete some and try again."
    check_quota(collection.count_undeleted(), limit, message)
    created = backend.clock.stamp_at(now)
    schema = Schema(arn, params["name"], backend.next_seq(), created, Timeline((ACTIVE,), (created,)))
    schema.text = params["schema"]
    schema.domain = params.get("domain")
    schema.fields = fields
    collection.add(schema, now)
    return {"schemaArn": arn}


def _summary(schema: Schema, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"name": schema.name, "schemaArn": schema.arn}
    # A schema has no status (behaviour reference §3.2): its times alone.
    time_fields(summary, schema, now)
    if schema.domain:
        summary["domain"] = schema.domain
    return summary


def _detail(schema: Schema, now: float) -> dict[str, Any]:
    detail = _summary(schema, now)
    detail["schema"] = schema.text
    return detail


describe_schema = describer(KIND, "schemaArn", "schema", _detail)


list_schemas = lister(KIND, "schemas", "ListSchemas", _summary)


def _uses(schema: Schema, dataset: Any, now: float) -> bool:
    return schema.arn in dataset.schema_arns(now)


#: What blocks DeleteSchema. Choice (docs/choices.md): a dataset blocks its schema's deletion
#: until it is gone, even while it is being deleted (AWS cleanup code retries DeleteSchema on
#: exactly this). Datasets sit above schemas (they import this module): named by kind.
BLOCKERS = (
    Blocker(
        "dataset",
        "dataset",
        "uses it; delete the dataset and wait until it is gone first",
        UNTIL_GONE,
        where="region",
        when=_uses,
    ),
)


# A schema is ACTIVE from its creation until its deletion starts, so the shared rule refuses
# it only while it is being deleted ("Schema <arn> is already being deleted.").
delete_schema = deleter(KIND, "schemaArn", "Schema", BLOCKERS)
