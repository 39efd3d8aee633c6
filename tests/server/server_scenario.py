"""A pipeline run through any front end: the same calls in-process and against the server.

``run`` records every answer (or error) under a label; ``normalise`` removes what differs by
nature between two runs (random ids, absolute times, request metadata) so two records can be
compared field by field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
ROLE = "arn:aws:iam::123456789012:role/personalize"
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "EVENT_TYPE", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)

ClientFactory = Callable[[str], Any]
Step = Callable[[], None]


class Recorder:
    def __init__(self) -> None:
        self.steps: list[tuple[str, Any]] = []

    def __call__(self, label: str, call: Callable[..., Any], **params: Any) -> Any:
        try:
            result = call(**params)
        except ClientError as error:
            self.steps.append(
                (
                    label,
                    {
                        "Error": error.response["Error"],
                        "HTTPStatusCode": error.response["ResponseMetadata"]["HTTPStatusCode"],
                    },
                )
            )
            return None
        self.steps.append((label, result))
        return result


def run(client: ClientFactory, advance: Callable[[float], None], settle: Step) -> list[tuple[str, Any]]:
    """The scenario; ``client(service)`` makes a client, ``advance``/``settle`` move the clock."""
    personalize = client("personalize")
    runtime = client("personalize-runtime")
    events = client("personalize-events")
    record = Recorder()

    created = record("create schema", personalize.create_schema, name="interactions", schema=SCHEMA)
    schema = created["schemaArn"]
    group = record("create group", personalize.create_dataset_group, name="shop")["datasetGroupArn"]
    record("group pending", personalize.describe_dataset_group, datasetGroupArn=group)
    advance(120)
    record("group in progress", personalize.describe_dataset_group, datasetGroupArn=group)
    settle()
    record("group active", personalize.describe_dataset_group, datasetGroupArn=group)
    record("duplicate group", personalize.create_dataset_group, name="shop")
    record("name too long", personalize.create_dataset_group, name="n" * 64)
    record("bad pattern", personalize.describe_dataset_group, datasetGroupArn="not-an-arn")

    dataset = record(
        "create dataset",
        personalize.create_dataset,
        name="interactions",
        schemaArn=schema,
        datasetGroupArn=group,
        datasetType="Interactions",
    )["datasetArn"]
    settle()
    job = record(
        "create import",
        personalize.create_dataset_import_job,
        jobName="import",
        datasetArn=dataset,
        dataSource={"dataLocation": "s3://bucket/interactions.csv"},
        roleArn=ROLE,
    )["datasetImportJobArn"]
    record("import pending", personalize.describe_dataset_import_job, datasetImportJobArn=job)
    settle()
    record("import active", personalize.describe_dataset_import_job, datasetImportJobArn=job)

    solution = record(
        "create solution", personalize.create_solution, name="up", datasetGroupArn=group, recipeArn=RECIPE
    )["solutionArn"]
    record("solution", personalize.describe_solution, solutionArn=solution)
    train = personalize.create_solution_version
    full = record("train full", train, solutionArn=solution, trainingMode="FULL")["solutionVersionArn"]
    record("full pending", personalize.describe_solution_version, solutionVersionArn=full)
    record("metrics too early", personalize.get_solution_metrics, solutionVersionArn=full)
    settle()
    record("full active", personalize.describe_solution_version, solutionVersionArn=full)
    tracker = record("create tracker", personalize.create_event_tracker, name="clicks", datasetGroupArn=group)
    settle()
    sent = datetime(2024, 1, 1, tzinfo=timezone.utc)
    record(
        "put events",
        events.put_events,
        trackingId=tracker["trackingId"],
        userId="u1",
        sessionId="s1",
        eventList=[{"eventType": "click", "itemId": "i1", "sentAt": sent}],
    )
    event = {"eventType": "click", "sentAt": sent}
    record("put events no tracker", events.put_events, trackingId="nope", sessionId="s", eventList=[event])

    update = record(
        "train update", personalize.create_solution_version, solutionArn=solution, trainingMode="UPDATE"
    )["solutionVersionArn"]
    settle()
    record("update active", personalize.describe_solution_version, solutionVersionArn=update)
    record("metrics", personalize.get_solution_metrics, solutionVersionArn=update)
    stopped = record("train to stop", personalize.create_solution_version, solutionArn=solution)[
        "solutionVersionArn"
    ]
    advance(600)  # past CREATE PENDING (a tenth of the hour), so the stop goes through CREATE STOPPING
    record("stop", personalize.stop_solution_version_creation, solutionVersionArn=stopped)
    record("stopping", personalize.describe_solution_version, solutionVersionArn=stopped)
    settle()
    record("stopped", personalize.describe_solution_version, solutionVersionArn=stopped)
    record("versions", personalize.list_solution_versions, solutionArn=solution)
    versions = personalize.list_solution_versions
    first_page = record("versions page 1", versions, solutionArn=solution, maxResults=2)
    record(
        "versions page 2",
        personalize.list_solution_versions,
        solutionArn=solution,
        maxResults=2,
        nextToken=first_page["nextToken"],
    )

    campaign = record("create campaign", personalize.create_campaign, name="shop", solutionVersionArn=full)[
        "campaignArn"
    ]
    settle()
    record("campaign", personalize.describe_campaign, campaignArn=campaign)
    record("recommend", runtime.get_recommendations, campaignArn=campaign, userId="u1", numResults=5)
    record("recommend missing", runtime.get_recommendations, campaignArn=campaign + "-gone", userId="u1")
    record("recommend no user", runtime.get_recommendations, campaignArn=campaign)

    record("tag", personalize.tag_resource, resourceArn=group, tags=[{"tagKey": "team", "tagValue": "ml"}])
    record("tags", personalize.list_tags_for_resource, resourceArn=group)
    record("delete campaign", personalize.delete_campaign, campaignArn=campaign)
    record("campaign deleting", personalize.describe_campaign, campaignArn=campaign)
    settle()
    record("campaign gone", personalize.describe_campaign, campaignArn=campaign)
    record("groups", personalize.list_dataset_groups)
    return record.steps


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX_ID = re.compile(r"(?<=/)[0-9a-f]{8}\b")


def normalise(value: Any) -> Any:
    """``value`` without ResponseMetadata, random ids and absolute times (kept: their type)."""
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, datetime):
        assert value.tzinfo is not None, "timestamps are timezone-aware"
        return "<datetime>"
    if isinstance(value, str):
        return _HEX_ID.sub("<id>", _UUID.sub("<uuid>", value))
    return value
