"""End to end, as a real pipeline runs it: schema → dataset group → dataset → import → solution →
FULL version, then the ordered teardown, polling with ``time.sleep`` like client code does.

Behaviour reference §3 (statuses), §5.3 (delete ordering), §11.7 (deletes end in NotFound),
§11.13 (polling with time.sleep).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from personalize_mock import PersonalizeMock

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
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)


def wait_for(describe: Callable[[], dict[str, Any]], *, until: str, poll: float = 30) -> list[str]:
    """Poll like client code (sleeping between reads) until ``status`` is ``until``; statuses seen."""
    seen: list[str] = []
    for _ in range(1000):
        status = describe()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == until:
            return seen
        time.sleep(poll)
    raise AssertionError(f"never reached {until}; saw {seen}")


def wait_gone(client: Any, describe: Callable[[], Any], *, poll: float = 5) -> None:
    """Poll a deleted resource until Describe raises ResourceNotFoundException (cleanup loops)."""
    for _ in range(1000):
        try:
            describe()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            return
        time.sleep(poll)
    raise AssertionError("the resource never went away")


def test_data_to_trained_model_and_ordered_teardown(pm: PersonalizeMock, client: Any) -> None:
    schema = client.create_schema(name="flow-interactions", schema=SCHEMA)["schemaArn"]
    dsg = client.create_dataset_group(name="flow")["datasetGroupArn"]
    wait_for(
        lambda: client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"], until="ACTIVE", poll=1
    )

    dataset = client.create_dataset(
        name="flow-interactions", schemaArn=schema, datasetGroupArn=dsg, datasetType="Interactions"
    )["datasetArn"]
    assert dataset.endswith(":dataset/flow/INTERACTIONS")
    seen = wait_for(lambda: client.describe_dataset(datasetArn=dataset)["dataset"], until="ACTIVE", poll=1)
    assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]

    job = client.create_dataset_import_job(
        jobName="flow-import",
        datasetArn=dataset,
        dataSource={"dataLocation": "s3://bucket/interactions.csv"},
        roleArn=ROLE,
    )["datasetImportJobArn"]
    seen = wait_for(
        lambda: client.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"],
        until="ACTIVE",
    )
    assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
    assert [
        j["status"] for j in client.list_dataset_import_jobs(datasetArn=dataset)["datasetImportJobs"]
    ] == ["ACTIVE"]

    solution = client.create_solution(name="flow-solution", datasetGroupArn=dsg, recipeArn=RECIPE)[
        "solutionArn"
    ]
    first = client.create_solution_version(solutionArn=solution, trainingMode="FULL")["solutionVersionArn"]
    seen = wait_for(
        lambda: client.describe_solution_version(solutionVersionArn=first)["solutionVersion"],
        until="ACTIVE",
        poll=60,
    )
    assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]

    # A retraining reads the data: the dataset cannot go while it runs.
    second = client.create_solution_version(solutionArn=solution, trainingMode="FULL")["solutionVersionArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match=second):
        client.delete_dataset(datasetArn=dataset)
    wait_for(
        lambda: client.describe_solution_version(solutionVersionArn=second)["solutionVersion"],
        until="ACTIVE",
        poll=60,
    )

    # Teardown in the documented order: solution, dataset, schema, dataset group.
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_dataset_group(datasetGroupArn=dsg)
    client.delete_solution(solutionArn=solution)
    wait_gone(client, lambda: client.describe_solution(solutionArn=solution))
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_solution_version(solutionVersionArn=first)

    client.delete_dataset(datasetArn=dataset)
    assert client.describe_dataset(datasetArn=dataset)["dataset"]["status"] == "DELETE PENDING"
    with pytest.raises(client.exceptions.ResourceInUseException, match=dataset):
        client.delete_schema(schemaArn=schema)
    wait_gone(client, lambda: client.describe_dataset(datasetArn=dataset))
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_import_job(datasetImportJobArn=job)

    client.delete_schema(schemaArn=schema)
    wait_gone(client, lambda: client.describe_schema(schemaArn=schema))

    client.delete_dataset_group(datasetGroupArn=dsg)
    wait_gone(client, lambda: client.describe_dataset_group(datasetGroupArn=dsg))

    for describe in (
        lambda: client.describe_dataset(datasetArn=dataset),
        lambda: client.describe_schema(schemaArn=schema),
        lambda: client.describe_dataset_group(datasetGroupArn=dsg),
    ):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            describe()
    assert client.list_datasets()["datasets"] == []
    assert client.list_schemas()["schemas"] == []
    assert client.list_dataset_groups()["datasetGroups"] == []
