"""Builders shared by the runtime and events tests: a dataset group with datasets, an event
tracker, streamed histories, and deployed campaigns — all through plain boto3 clients.

Imported by ``tests/service/test_runtime*.py`` and ``test_events.py`` as ``runtime_world``
(pytest's default "prepend" import mode puts this directory on ``sys.path``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

REGION = "us-east-1"
RECIPE = "arn:aws:personalize:::recipe/"
#: When the streamed histories happen (sentAt of the first event).
START = datetime(2024, 1, 1, tzinfo=timezone.utc)

FIELDS: dict[str, list[dict[str, Any]]] = {
    "INTERACTIONS": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "EVENT_VALUE", "type": ["null", "float"]},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "DEVICE_TYPE", "type": ["null", "string"], "categorical": True},
    ],
    "ITEMS": [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRE", "type": ["null", "string"], "categorical": True},
        {"name": "PRICE", "type": ["null", "float"]},
        {"name": "TITLE", "type": ["null", "string"]},
    ],
    "USERS": [
        {"name": "USER_ID", "type": "string"},
        {"name": "MEMBERSHIP", "type": ["null", "string"], "categorical": True},
    ],
    "ACTIONS": [
        {"name": "ACTION_ID", "type": "string"},
        {"name": "VALUE", "type": ["null", "float"]},
        {"name": "CHANNEL", "type": ["null", "string"], "categorical": True},
    ],
    "ACTION_INTERACTIONS": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ACTION_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
    ],
}
ALL_TYPES = tuple(FIELDS)


def clients() -> tuple[Any, Any, Any]:
    """(personalize, personalize-runtime, personalize-events) clients."""
    return (
        boto3.client("personalize", region_name=REGION),
        boto3.client("personalize-runtime", region_name=REGION),
        boto3.client("personalize-events", region_name=REGION),
    )


def schema_text(dataset_type: str) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": dataset_type.title().replace("_", ""),
            "namespace": "com.amazonaws.personalize.schema",
            "fields": FIELDS[dataset_type],
            "version": "1.0",
        }
    )


@dataclass
class World:
    """A dataset group and what was made in it."""

    group: str
    datasets: dict[str, str] = field(default_factory=dict)
    tracking_id: str = ""
    tracker: str = ""


def make_world(
    pm: PersonalizeMock,
    client: Any,
    name: str = "shop",
    *,
    types: Sequence[str] = ("INTERACTIONS", "ITEMS", "USERS"),
    tracker: bool = True,
    domain: str | None = None,
    wait: bool = True,
) -> World:
    """A dataset group with datasets of ``types`` and (by default) an event tracker, all ACTIVE."""
    extra = {"domain": domain} if domain else {}
    group = client.create_dataset_group(name=name, **extra)["datasetGroupArn"]
    pm.advance(DEFAULT_DURATIONS["dataset_group"])
    world = World(group)
    for dataset_type in types:
        schema = client.create_schema(
            name=f"{name}-{dataset_type.lower()}", schema=schema_text(dataset_type), **extra
        )["schemaArn"]
        world.datasets[dataset_type] = client.create_dataset(
            name=f"{name}-{dataset_type.lower()}",
            datasetGroupArn=group,
            datasetType=dataset_type,
            schemaArn=schema,
        )["datasetArn"]
    if tracker:
        made = client.create_event_tracker(name=f"{name}-tracker", datasetGroupArn=group)
        world.tracking_id, world.tracker = made["trackingId"], made["eventTrackerArn"]
    if wait:
        pm.advance(max(DEFAULT_DURATIONS["dataset"], DEFAULT_DURATIONS["event_tracker"]))
    return world


def stream(
    events: Any,
    tracking_id: str,
    histories: Mapping[str, Iterable[str]],
    *,
    event_type: str = "click",
    start: datetime = START,
) -> None:
    """PutEvents: each user's items in order, one minute apart, at most 10 per call."""
    for user, items in histories.items():
        batch: list[dict[str, Any]] = []
        for minute, item in enumerate(items):
            batch.append(
                {"eventType": event_type, "itemId": item, "sentAt": start + timedelta(minutes=minute)}
            )
            if len(batch) == 10:
                events.put_events(trackingId=tracking_id, userId=user, sessionId=f"s-{user}", eventList=batch)
                batch = []
        if batch:
            events.put_events(trackingId=tracking_id, userId=user, sessionId=f"s-{user}", eventList=batch)


def put_items(events: Any, dataset: str, items: Mapping[str, Mapping[str, Any]]) -> None:
    """PutItems in calls of 10: ``{itemId: properties}``."""
    entries = [{"itemId": item, "properties": json.dumps(props)} for item, props in items.items()]
    for start in range(0, len(entries), 10):
        events.put_items(datasetArn=dataset, items=entries[start : start + 10])


def train(pm: PersonalizeMock, client: Any, solution: str, mode: str = "FULL") -> str:
    """A solution version trained to the end; returns its ARN."""
    arn: str = client.create_solution_version(solutionArn=solution, trainingMode=mode)["solutionVersionArn"]
    pm.advance(DEFAULT_DURATIONS["solution_version_update" if mode == "UPDATE" else "solution_version"])
    return arn


def deploy(
    pm: PersonalizeMock,
    client: Any,
    group: str,
    recipe: str,
    name: str,
    *,
    campaign_config: Mapping[str, Any] | None = None,
    wait: bool = True,
    **solution: Any,
) -> str:
    """Solution → FULL version → campaign (ACTIVE unless ``wait=False``); returns the campaign ARN."""
    solution_arn = client.create_solution(
        name=name, datasetGroupArn=group, recipeArn=RECIPE + recipe, **solution
    )["solutionArn"]
    version = train(pm, client, solution_arn)
    extra = {"campaignConfig": dict(campaign_config)} if campaign_config else {}
    campaign: str = client.create_campaign(name=name, solutionVersionArn=version, **extra)["campaignArn"]
    if wait:
        pm.advance(DEFAULT_DURATIONS["campaign"])
    return campaign


def make_filter(
    pm: PersonalizeMock, client: Any, group: str, name: str, expression: str, *, wait: bool = True
) -> str:
    arn: str = client.create_filter(name=name, datasetGroupArn=group, filterExpression=expression)[
        "filterArn"
    ]
    if wait:
        pm.advance(DEFAULT_DURATIONS["filter"])
    return arn


def ids(response: Mapping[str, Any], key: str = "itemList", id_key: str = "itemId") -> list[str]:
    return [entry[id_key] for entry in response[key]]


def status_of(error: Any) -> int:
    """The HTTP status of a botocore ClientError."""
    status: int = error.response["ResponseMetadata"]["HTTPStatusCode"]
    return status
