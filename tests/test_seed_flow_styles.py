"""The seed flow through plain boto3 under every activation style.

An interactions import, FULL training polled to ACTIVE with an unchanged ``time.sleep`` loop,
a second (INCREMENTAL) import and an UPDATE version, metrics, a stop, and a delete that ends
in ResourceNotFoundException: the same function runs under each way of switching the mock
on, and the mock is proven undone afterwards. Without moto the imports are not read: they
succeed and count as data, which is all training asks for.
"""

from __future__ import annotations

import asyncio
import json
import time
import unittest
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from helpers import assert_reset

from personalize_mock import PersonalizeMock, mock_personalize

RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
    }
)


def wait_for(describe: Any, key: str, arn: str, field: str, target: str = "ACTIVE") -> list[str]:
    """The unchanged polling loop real pipelines use; returns the statuses seen."""
    seen: list[str] = []
    while True:
        status = describe(**{key: arn})[field]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == target or status.endswith("FAILED"):
            return seen
        time.sleep(60)


def seed_flow(account_id: str = "123456789012") -> dict[str, Any]:
    client = boto3.client("personalize", region_name="us-east-1")
    group = client.create_dataset_group(name="seed")["datasetGroupArn"]
    assert group == f"arn:aws:personalize:us-east-1:{account_id}:dataset-group/seed"
    wait_for(client.describe_dataset_group, "datasetGroupArn", group, "datasetGroup")
    schema = client.create_schema(name="seed", schema=SCHEMA)["schemaArn"]
    dataset = client.create_dataset(
        name="seed", datasetGroupArn=group, datasetType="Interactions", schemaArn=schema
    )["datasetArn"]
    wait_for(client.describe_dataset, "datasetArn", dataset, "dataset")

    def load(name: str, mode: str) -> None:
        job = client.create_dataset_import_job(
            jobName=name,
            datasetArn=dataset,
            dataSource={"dataLocation": f"s3://seed/{name}.csv"},
            importMode=mode,
        )["datasetImportJobArn"]
        seen = wait_for(client.describe_dataset_import_job, "datasetImportJobArn", job, "datasetImportJob")
        assert seen[-1] == "ACTIVE"

    load("history", "FULL")
    solution = client.create_solution(name="seed", datasetGroupArn=group, recipeArn=RECIPE)["solutionArn"]
    full = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    seen = wait_for(client.describe_solution_version, "solutionVersionArn", full, "solutionVersion")
    assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
    load("new-events", "INCREMENTAL")  # UPDATE needs data newer than the last training
    update = client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")["solutionVersionArn"]
    wait_for(client.describe_solution_version, "solutionVersionArn", update, "solutionVersion")
    metrics = client.get_solution_metrics(solutionVersionArn=update)["metrics"]
    assert "precision_at_25" in metrics
    stopped = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.stop_solution_version_creation(solutionVersionArn=stopped)
    assert (
        client.describe_solution_version(solutionVersionArn=stopped)["solutionVersion"]["status"]
        == "CREATE STOPPED"
    )
    client.delete_solution(solutionArn=solution)
    while True:
        try:
            client.describe_solution(solutionArn=solution)
        except client.exceptions.ResourceNotFoundException:
            break
        time.sleep(5)
    return {"metrics": metrics, "versions": [full, update, stopped]}


@mock_personalize
def test_bare_decorator() -> None:
    assert seed_flow()["versions"]


@mock_personalize(account_id="111122223333")
def test_decorator_with_options() -> None:
    seed_flow(account_id="111122223333")


def test_decorated_function_is_undone_afterwards() -> None:
    @mock_personalize
    def run() -> dict[str, Any]:
        return seed_flow()

    assert run()["metrics"]
    assert_reset()


def test_generator_function() -> None:
    @mock_personalize
    def steps() -> Iterator[dict[str, Any]]:
        yield seed_flow()

    assert len(list(steps())) == 1
    assert_reset()


def test_coroutine_function() -> None:
    @mock_personalize
    async def pipeline() -> dict[str, Any]:
        await asyncio.sleep(0)
        # After an await the mock is still on: the whole body runs mocked.
        return seed_flow()

    assert asyncio.run(pipeline())["metrics"]
    assert_reset()


def test_context_manager() -> None:
    with mock_personalize() as pm:
        assert isinstance(pm, PersonalizeMock)
        seed_flow()
    assert_reset()


def test_async_context_manager() -> None:
    async def pipeline() -> None:
        async with mock_personalize():
            seed_flow()

    asyncio.run(pipeline())
    assert_reset()


def test_start_and_stop() -> None:
    pm = mock_personalize()
    pm.start()
    try:
        seed_flow()
    finally:
        pm.stop()
    assert_reset()


def test_fixture(personalize_mock: PersonalizeMock) -> None:
    seed_flow()


@mock_personalize
class TestPlainClass:
    def test_seed_flow(self) -> None:
        seed_flow()


@mock_personalize
class TestUnittestCase(unittest.TestCase):
    def test_seed_flow(self) -> None:
        seed_flow()


def test_classes_are_undone_after_their_tests() -> None:
    # Runs after the class tests above in file order; also holds under xdist on its own.
    assert_reset()


@pytest.mark.parametrize("style", ["context", "decorator"])
def test_each_outermost_activation_starts_empty(style: str) -> None:
    def count() -> int:
        return len(
            boto3.client("personalize", region_name="us-east-1").list_dataset_groups()["datasetGroups"]
        )

    for _ in range(2):
        if style == "context":
            with mock_personalize():
                assert count() == 0
                seed_flow()
        else:
            mock_personalize(lambda: (count() == 0 and seed_flow()) or None)()
    assert_reset()
