"""Whole lifecycles through plain boto3, polled with ``time.sleep(60)`` like real pipelines.

``require_data`` is on (the mock's default; this directory's fixture turns it off unless the
marker sets it), so interactions are imported before training. Without moto the import is
opaque (docs/choices.md, "Data awareness"): data known to exist, so training succeeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from test_every_operation import INTERACTIONS_SCHEMA, RECIPE, ROLE

from personalize_mock import PersonalizeMock

pytestmark = pytest.mark.personalize_mock(require_data=True)


def wait_for(read: Callable[[], str], *, until: set[str], limit: int = 500) -> str:
    """Poll ``read`` every 60 (simulated) seconds until its status is in ``until``."""
    for _ in range(limit):
        status = read()
        if status in until:
            return status
        time.sleep(60)
    raise AssertionError(f"still {status} after {limit} polls")


def wait_gone(client: Any, describe: Callable[[], Any], limit: int = 500) -> None:
    """Poll ``describe`` every 60 seconds until it raises ResourceNotFoundException."""
    for _ in range(limit):
        try:
            describe()
        except client.exceptions.ResourceNotFoundException:
            return
        time.sleep(60)
    raise AssertionError("resource still exists")


def assert_not_found(client: Any, describe: Callable[..., Any], **params: str) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        describe(**params)


def import_interactions(client: Any, dataset: str, name: str, mode: str = "FULL") -> str:
    job: str = client.create_dataset_import_job(
        jobName=name,
        datasetArn=dataset,
        dataSource={"dataLocation": f"s3://bucket/{name}.csv"},
        roleArn=ROLE,
        importMode=mode,
    )["datasetImportJobArn"]
    status = wait_for(
        lambda: client.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]["status"],
        until={"ACTIVE", "CREATE FAILED"},
    )
    assert status == "ACTIVE"
    return job


def build_data(client: Any, name: str) -> tuple[str, str, str]:
    """Schema, ACTIVE dataset group and ACTIVE Interactions dataset."""
    schema: str = client.create_schema(name=f"{name}-interactions", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    group: str = client.create_dataset_group(name=name)["datasetGroupArn"]
    wait_for(
        lambda: client.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"],
        until={"ACTIVE"},
    )
    dataset: str = client.create_dataset(
        name=f"{name}-interactions", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    wait_for(lambda: client.describe_dataset(datasetArn=dataset)["dataset"]["status"], until={"ACTIVE"})
    return schema, group, dataset


def version_status(client: Any, arn: str) -> str:
    status: str = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]["status"]
    return status


def train(client: Any, solution: str, mode: str = "FULL") -> str:
    arn: str = client.create_solution_version(solutionArn=solution, trainingMode=mode)["solutionVersionArn"]
    status = wait_for(lambda: version_status(client, arn), until={"ACTIVE", "CREATE FAILED"})
    assert status == "ACTIVE", client.describe_solution_version(solutionVersionArn=arn)
    return arn


def campaign_of(client: Any, arn: str) -> dict[str, Any]:
    campaign: dict[str, Any] = client.describe_campaign(campaignArn=arn)["campaign"]
    return campaign


def test_a_full_pipeline_with_an_update_training_ends_with_every_resource_gone(pm: PersonalizeMock) -> None:
    client = boto3.client("personalize", region_name="us-east-1")
    schema, group, dataset = build_data(client, "pipeline")
    first_import = import_interactions(client, dataset, "bulk")

    solution = client.create_solution(
        name="pipeline-solution", datasetGroupArn=group, recipeArn=RECIPE + "aws-user-personalization"
    )["solutionArn"]
    wait_for(lambda: client.describe_solution(solutionArn=solution)["solution"]["status"], until={"ACTIVE"})
    full = train(client, solution)

    campaign = client.create_campaign(name="pipeline-campaign", solutionVersionArn=full, minProvisionedTPS=1)[
        "campaignArn"
    ]
    wait_for(lambda: campaign_of(client, campaign)["status"], until={"ACTIVE"})
    assert campaign_of(client, campaign)["solutionVersionArn"] == full

    # New data, then an UPDATE training on top of the FULL version.
    second_import = import_interactions(client, dataset, "incremental", mode="INCREMENTAL")
    update = train(client, solution, mode="UPDATE")
    assert client.describe_solution_version(solutionVersionArn=update)["solutionVersion"]["trainingMode"] == (
        "UPDATE"
    )

    client.update_campaign(campaignArn=campaign, solutionVersionArn=update)
    described = campaign_of(client, campaign)
    # An update's own summary runs the creation flow (as CampaignUpdateSummary documents).
    assert described["latestCampaignUpdate"]["status"] in {"CREATE PENDING", "CREATE IN_PROGRESS"}
    assert described["latestCampaignUpdate"]["solutionVersionArn"] == update
    # While the update is in flight the campaign still serves (and reports) the FULL version.
    assert described["status"] == "ACTIVE"
    assert described["solutionVersionArn"] == full
    wait_for(lambda: campaign_of(client, campaign)["latestCampaignUpdate"]["status"], until={"ACTIVE"})
    described = campaign_of(client, campaign)
    assert described["status"] == "ACTIVE"
    assert described["solutionVersionArn"] == update

    batch = client.create_batch_inference_job(
        jobName="pipeline-batch",
        solutionVersionArn=update,
        jobInput={"s3DataSource": {"path": "s3://bucket/users.json"}},
        jobOutput={"s3DataDestination": {"path": "s3://bucket/out/"}},
        roleArn=ROLE,
    )["batchInferenceJobArn"]
    wait_for(
        lambda: client.describe_batch_inference_job(batchInferenceJobArn=batch)["batchInferenceJob"][
            "status"
        ],
        until={"ACTIVE"},
    )

    # Ordered teardown, as AWS's cleanup notebooks do it.
    client.delete_campaign(campaignArn=campaign)
    wait_gone(client, lambda: client.describe_campaign(campaignArn=campaign))
    client.delete_solution(solutionArn=solution)
    wait_gone(client, lambda: client.describe_solution(solutionArn=solution))
    client.delete_dataset(datasetArn=dataset)
    wait_gone(client, lambda: client.describe_dataset(datasetArn=dataset))
    client.delete_schema(schemaArn=schema)
    client.delete_dataset_group(datasetGroupArn=group)
    wait_gone(client, lambda: client.describe_dataset_group(datasetGroupArn=group))

    assert_not_found(client, client.describe_dataset_group, datasetGroupArn=group)
    assert_not_found(client, client.describe_dataset, datasetArn=dataset)
    assert_not_found(client, client.describe_schema, schemaArn=schema)
    assert_not_found(client, client.describe_solution, solutionArn=solution)
    # docs/choices.md: versions disappear together with their solution.
    assert_not_found(client, client.describe_solution_version, solutionVersionArn=full)
    assert_not_found(client, client.describe_solution_version, solutionVersionArn=update)
    assert_not_found(client, client.describe_campaign, campaignArn=campaign)
    # docs/choices.md: import (and export) jobs have no delete API and disappear with their dataset.
    assert_not_found(client, client.describe_dataset_import_job, datasetImportJobArn=first_import)
    assert_not_found(client, client.describe_dataset_import_job, datasetImportJobArn=second_import)
    # Batch inference jobs have no delete API either. docs/choices.md says nothing about them; the
    # mock keeps them (like the job history the service keeps), still describable and ACTIVE,
    # pointing at the deleted version.
    job = client.describe_batch_inference_job(batchInferenceJobArn=batch)["batchInferenceJob"]
    assert (job["status"], job["solutionVersionArn"]) == ("ACTIVE", update)


def test_teardown_of_resources_caught_in_transitional_states(pm: PersonalizeMock) -> None:
    client = boto3.client("personalize", region_name="us-east-1")
    schema, group, dataset = build_data(client, "busy")
    import_interactions(client, dataset, "bulk")
    solution = client.create_solution(
        name="busy-solution", datasetGroupArn=group, recipeArn=RECIPE + "aws-user-personalization"
    )["solutionArn"]
    wait_for(lambda: client.describe_solution(solutionArn=solution)["solution"]["status"], until={"ACTIVE"})
    older = train(client, solution)

    # A campaign on the older version, left CREATE IN_PROGRESS.
    campaign = client.create_campaign(name="busy-campaign", solutionVersionArn=older)["campaignArn"]
    wait_for(lambda: campaign_of(client, campaign)["status"], until={"CREATE IN_PROGRESS"})
    # A FULL version left CREATE IN_PROGRESS, and a second one CREATE PENDING.
    running = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    wait_for(lambda: version_status(client, running), until={"CREATE IN_PROGRESS"})
    pending = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    assert version_status(client, pending) == "CREATE PENDING"
    assert version_status(client, running) == "CREATE IN_PROGRESS"
    assert campaign_of(client, campaign)["status"] == "CREATE IN_PROGRESS"
    # A second dataset group still being created.
    other_group = client.create_dataset_group(name="busy-other")["datasetGroupArn"]
    other_status = client.describe_dataset_group(datasetGroupArn=other_group)["datasetGroup"]["status"]
    assert other_status in {"CREATE PENDING", "CREATE IN_PROGRESS"}

    # Cleanup-script teardown.
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_campaign(campaignArn=campaign)
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_dataset_group(datasetGroupArn=other_group)

    client.stop_solution_version_creation(solutionVersionArn=pending)
    assert version_status(client, pending) == "CREATE STOPPED"
    client.stop_solution_version_creation(solutionVersionArn=running)
    assert version_status(client, running) == "CREATE STOPPING"
    # A version still stopping blocks the solution's delete (IN_FLIGHT includes CREATE STOPPING).
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_solution(solutionArn=solution)

    wait_for(lambda: campaign_of(client, campaign)["status"], until={"ACTIVE"})
    client.delete_campaign(campaignArn=campaign)
    assert campaign_of(client, campaign)["status"] in {"DELETE PENDING", "DELETE IN_PROGRESS"}
    wait_for(lambda: version_status(client, running), until={"CREATE STOPPED"})
    wait_gone(client, lambda: client.describe_campaign(campaignArn=campaign))
    client.delete_solution(solutionArn=solution)
    client.delete_dataset(datasetArn=dataset)
    # The children's Delete* calls returned: children being deleted do not block the group.
    client.delete_dataset_group(datasetGroupArn=group)
    assert client.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"] == "DELETE PENDING"
    wait_for(
        lambda: client.describe_dataset_group(datasetGroupArn=other_group)["datasetGroup"]["status"],
        until={"ACTIVE"},
    )
    client.delete_dataset_group(datasetGroupArn=other_group)
    wait_gone(client, lambda: client.describe_dataset(datasetArn=dataset))
    client.delete_schema(schemaArn=schema)
    wait_gone(client, lambda: client.describe_dataset_group(datasetGroupArn=group))
    wait_gone(client, lambda: client.describe_dataset_group(datasetGroupArn=other_group))

    assert_not_found(client, client.describe_dataset_group, datasetGroupArn=group)
    assert_not_found(client, client.describe_dataset_group, datasetGroupArn=other_group)
    assert_not_found(client, client.describe_dataset, datasetArn=dataset)
    assert_not_found(client, client.describe_schema, schemaArn=schema)
    assert_not_found(client, client.describe_solution, solutionArn=solution)
    for version in (older, running, pending):
        assert_not_found(client, client.describe_solution_version, solutionVersionArn=version)
    assert_not_found(client, client.describe_campaign, campaignArn=campaign)
