"""Builders shared by the data-awareness tests: datasets, CSV files in a moto bucket, imports.

Imported by ``test_training_data.py``, ``test_import_reading.py`` and ``test_batch_output.py``
as ``data_world`` (pytest's default "prepend" import mode puts this directory on ``sys.path``).
Everything goes through plain boto3 clients; S3 is moto's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from helpers import NetworkAttempt, no_network

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

__all__ = ["NetworkAttempt", "no_network"]  # re-exported for the data tests

REGION = "us-east-1"
BUCKET = "personalize-data"
RECIPE_PREFIX = "arn:aws:personalize:::recipe/"
ROLE_ARN = "arn:aws:iam::123456789012:role/PersonalizeS3"
START = 1_700_000_000

INTERACTIONS_FIELDS: list[dict[str, Any]] = [
    {"name": "USER_ID", "type": "string"},
    {"name": "ITEM_ID", "type": "string"},
    {"name": "TIMESTAMP", "type": "long"},
    {"name": "EVENT_TYPE", "type": ["null", "string"]},
    {"name": "EVENT_VALUE", "type": ["null", "float"]},
]
ITEMS_FIELDS: list[dict[str, Any]] = [
    {"name": "ITEM_ID", "type": "string"},
    {"name": "PRICE", "type": ["null", "double"]},
    {"name": "YEAR", "type": ["null", "int"]},
    {"name": "IN_STOCK", "type": ["null", "boolean"]},
    {"name": "GENRES", "type": ["null", "string"], "categorical": True},
]
USERS_FIELDS: list[dict[str, Any]] = [
    {"name": "USER_ID", "type": "string"},
    {"name": "AGE", "type": "long"},
]
FIELDS = {"INTERACTIONS": INTERACTIONS_FIELDS, "ITEMS": ITEMS_FIELDS, "USERS": USERS_FIELDS}


def schema_json(fields: Sequence[dict[str, Any]]) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": "Data",
            "namespace": "com.amazonaws.personalize.schema",
            "fields": list(fields),
            "version": "1.0",
        }
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = [",".join(header)] + [",".join(str(value) for value in row) for row in rows]
    return "\n".join(lines) + "\n"


def interaction_rows(
    users: int, per_user: int, *, items: int = 50, event_type: str = "click", first_user: int = 0
) -> list[list[Any]]:
    """``users`` users with ``per_user`` interactions each (USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE)."""
    rows: list[list[Any]] = []
    for user in range(first_user, first_user + users):
        for n in range(per_user):
            rows.append([f"user-{user}", f"item-{(user * 7 + n) % items}", START + len(rows), event_type])
    return rows


def interactions_csv(users: int, per_user: int, **options: Any) -> str:
    return csv_text(
        ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"], interaction_rows(users, per_user, **options)
    )


#: Enough for training: 1000 interactions, 50 users with 20 each.
ENOUGH = interactions_csv(50, 20)


@dataclass
class World:
    """A dataset group and the clients that build on it."""

    pm: PersonalizeMock
    client: Any
    s3: Any
    group: str
    counter: int = 0

    def put(self, key: str, body: str | bytes) -> str:
        """Store ``body`` in the bucket; returns its ``s3://`` location."""
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode() if isinstance(body, str) else body)
        return f"s3://{BUCKET}/{key}"

    def dataset(
        self, dataset_type: str = "INTERACTIONS", fields: Sequence[dict[str, Any]] | None = None
    ) -> str:
        """An ACTIVE dataset of ``dataset_type`` (schema from :data:`FIELDS` unless given)."""
        self.counter += 1
        schema = self.client.create_schema(
            name=f"schema-{self.counter}", schema=schema_json(fields or FIELDS[dataset_type])
        )["schemaArn"]
        arn: str = self.client.create_dataset(
            name=f"{dataset_type.lower()}-{self.counter}",
            datasetGroupArn=self.group,
            datasetType=dataset_type,
            schemaArn=schema,
        )["datasetArn"]
        self.pm.advance(DEFAULT_DURATIONS["dataset"])
        return arn

    def start_import(self, dataset: str, location: str, mode: str = "FULL") -> str:
        self.counter += 1
        arn: str = self.client.create_dataset_import_job(
            jobName=f"import-{self.counter}",
            datasetArn=dataset,
            dataSource={"dataLocation": location},
            roleArn=ROLE_ARN,
            importMode=mode,
        )["datasetImportJobArn"]
        return arn

    def load(self, dataset: str, location: str, mode: str = "FULL") -> dict[str, Any]:
        """Import ``location`` and wait for the job to finish; returns the described job."""
        arn = self.start_import(dataset, location, mode)
        self.pm.advance(DEFAULT_DURATIONS["dataset_import_job"])
        job: dict[str, Any] = self.client.describe_dataset_import_job(datasetImportJobArn=arn)[
            "datasetImportJob"
        ]
        assert job["status"] in ("ACTIVE", "CREATE FAILED")
        return job

    def solution(self, recipe: str = "aws-user-personalization", **params: Any) -> str:
        self.counter += 1
        params.setdefault("performAutoTraining", False)
        arn: str = self.client.create_solution(
            name=f"solution-{self.counter}",
            datasetGroupArn=self.group,
            recipeArn=RECIPE_PREFIX + recipe,
            **params,
        )["solutionArn"]
        return arn

    def train(self, solution: str, mode: str = "FULL") -> dict[str, Any]:
        """Create a version and wait until training is over; returns the described version."""
        arn = self.client.create_solution_version(solutionArn=solution, trainingMode=mode)[
            "solutionVersionArn"
        ]
        key = "solution_version_update" if mode == "UPDATE" else "solution_version"
        self.pm.advance(DEFAULT_DURATIONS[key])
        version: dict[str, Any] = self.client.describe_solution_version(solutionVersionArn=arn)[
            "solutionVersion"
        ]
        assert version["status"] in ("ACTIVE", "CREATE FAILED")
        return version


def make_world(pm: PersonalizeMock, client: Any, s3: Any, name: str = "data") -> World:
    """An ACTIVE dataset group, and (when ``s3`` is given) the bucket."""
    if s3 is not None:
        s3.create_bucket(Bucket=BUCKET)
    group: str = client.create_dataset_group(name=name)["datasetGroupArn"]
    pm.advance(DEFAULT_DURATIONS["dataset_group"])
    return World(pm, client, s3, group)
