"""Dataset export jobs: CreateDatasetExportJob / DescribeDatasetExportJob / ListDatasetExportJobs.

Behaviour reference §1.1 (IngestionMode, default PUT), §2 (ARN), §3.2 (statuses as imports).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
JOB_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset-export-job/"
ROLE = "arn:aws:iam::123456789012:role/personalize"
OUTPUT = {"s3DataDestination": {"path": "s3://bucket/export/"}}


def new_dataset(pm: PersonalizeMock, client: Any, dsg: str, *, wait: bool = True) -> str:
    schema = client.create_schema(
        name="items",
        schema=json.dumps(
            {"type": "record", "name": "Items", "fields": [{"name": "ITEM_ID", "type": "string"}]}
        ),
    )["schemaArn"]
    arn: str = client.create_dataset(
        name="items", schemaArn=schema, datasetGroupArn=dsg, datasetType="ITEMS"
    )["datasetArn"]
    if wait:
        pm.settle()
    return arn


@pytest.fixture
def dataset(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> str:
    return new_dataset(pm, client, make_dataset_group())


def export(client: Any, dataset: str, name: str = "export", **extra: Any) -> str:
    arn: str = client.create_dataset_export_job(
        jobName=name, datasetArn=dataset, roleArn=ROLE, jobOutput=OUTPUT, **extra
    )["datasetExportJobArn"]
    return arn


def test_export_job_goes_pending_then_active(pm: PersonalizeMock, client: Any, dataset: str) -> None:
    created = client.create_dataset_export_job(
        jobName="export", datasetArn=dataset, roleArn=ROLE, jobOutput=OUTPUT
    )
    assert set(created) - {"ResponseMetadata"} == {"datasetExportJobArn"}
    arn = created["datasetExportJobArn"]
    assert arn == JOB_ARN + "export"
    job = client.describe_dataset_export_job(datasetExportJobArn=arn)["datasetExportJob"]
    assert job == {
        "jobName": "export",
        "datasetExportJobArn": arn,
        "datasetArn": dataset,
        "ingestionMode": "PUT",
        "roleArn": ROLE,
        "status": "CREATE PENDING",
        "jobOutput": OUTPUT,
        "creationDateTime": job["creationDateTime"],
        "lastUpdatedDateTime": job["creationDateTime"],
    }
    pm.advance(120)
    assert client.describe_dataset_export_job(datasetExportJobArn=arn)["datasetExportJob"]["status"] == (
        "CREATE IN_PROGRESS"
    )
    pm.settle()
    done = client.describe_dataset_export_job(datasetExportJobArn=arn)["datasetExportJob"]
    assert done["status"] == "ACTIVE"
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]


def test_ingestion_mode_and_kms_key_are_echoed(client: Any, dataset: str) -> None:
    output = {
        "s3DataDestination": {
            "path": "s3://bucket/bulk/",
            "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abcd",
        }
    }
    arn = client.create_dataset_export_job(
        jobName="bulk", datasetArn=dataset, roleArn=ROLE, jobOutput=output, ingestionMode="BULK"
    )["datasetExportJobArn"]
    job = client.describe_dataset_export_job(datasetExportJobArn=arn)["datasetExportJob"]
    assert (job["ingestionMode"], job["jobOutput"]) == ("BULK", output)


def test_failed_export(pm: PersonalizeMock, client: Any, dataset: str) -> None:
    pm.fail_next("dataset_export_job", "Access denied to the bucket.")
    arn = export(client, dataset)
    pm.settle()
    job = client.describe_dataset_export_job(datasetExportJobArn=arn)["datasetExportJob"]
    assert (job["status"], job["failureReason"]) == ("CREATE FAILED", "Access denied to the bucket.")
    summary = client.list_dataset_export_jobs(datasetArn=dataset)["datasetExportJobs"][0]
    assert summary["failureReason"] == "Access denied to the bucket."


def test_errors(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:dataset/dsg/ITEMS"
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="dataset/dsg/ITEMS"):
        export(client, missing)
    dataset = new_dataset(pm, client, make_dataset_group(), wait=False)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        export(client, dataset)
    pm.settle()
    arn = export(client, dataset)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        export(client, dataset)
    with pytest.raises(client.exceptions.InvalidInputException, match="s3://"):
        client.create_dataset_export_job(
            jobName="http",
            datasetArn=dataset,
            roleArn=ROLE,
            jobOutput={"s3DataDestination": {"path": "https://example.com/out"}},
        )
    with pytest.raises(client.exceptions.InvalidInputException):
        export(client, dataset, "bad-mode", ingestionMode="SOME")
    with pytest.raises(client.exceptions.TooManyTagsException):
        export(client, dataset, "tagged", tags=[{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_export_job(datasetExportJobArn=JOB_ARN + "nope")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_dataset_export_job(datasetExportJobArn="nope")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_dataset_export_jobs(datasetArn="nope")
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_dataset_export_jobs(nextToken="nope")


def test_rate_limit_can_be_simulated(pm: PersonalizeMock, client: Any, dataset: str) -> None:
    # No quota limits export jobs; LimitExceeded stands for the request-rate error here.
    pm.inject_error("CreateDatasetExportJob", "LimitExceededException")
    with pytest.raises(client.exceptions.LimitExceededException):
        export(client, dataset)
    export(client, dataset)


def test_tags(client: Any, dataset: str) -> None:
    tags = [{"tagKey": "owner", "tagValue": "data"}]
    arn = export(client, dataset, tags=tags)
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags


def test_list_export_jobs(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    first = new_dataset(pm, client, make_dataset_group("first"))
    second_group = make_dataset_group("second")
    schema = client.describe_dataset(datasetArn=first)["dataset"]["schemaArn"]
    second = client.create_dataset(
        name="items", schemaArn=schema, datasetGroupArn=second_group, datasetType="ITEMS"
    )["datasetArn"]
    pm.settle()
    a = export(client, first, "a")
    b = export(client, second, "b")
    c = export(client, first, "c")
    assert [j["datasetExportJobArn"] for j in client.list_dataset_export_jobs()["datasetExportJobs"]] == [
        a,
        b,
        c,
    ]
    listed = client.list_dataset_export_jobs(datasetArn=first)["datasetExportJobs"]
    assert [j["jobName"] for j in listed] == ["a", "c"]
    assert set(listed[0]) == {
        "datasetExportJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
    }
    pages = client.get_paginator("list_dataset_export_jobs").paginate(PaginationConfig={"PageSize": 1})
    assert [j["jobName"] for p in pages for j in p["datasetExportJobs"]] == ["a", "b", "c"]
