"""Dataset import jobs: CreateDatasetImportJob / DescribeDatasetImportJob / ListDatasetImportJobs.

Behaviour reference §2 (ARN), §3.2 (statuses, no delete), §5.4 (in-flight quota and its real
message).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
JOB_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset-import-job/"
S3 = {"dataLocation": "s3://bucket/interactions.csv"}
ROLE = "arn:aws:iam::123456789012:role/personalize"


def avro(*fields: str) -> str:
    return json.dumps(
        {"type": "record", "name": "Data", "fields": [{"name": f, "type": "string"} for f in fields]}
    )


def active_dataset(
    pm: PersonalizeMock, client: Any, dsg: str, dataset_type: str = "INTERACTIONS", *, wait: bool = True
) -> str:
    fields = {"INTERACTIONS": ("USER_ID", "ITEM_ID", "TIMESTAMP"), "ITEMS": ("ITEM_ID",)}[dataset_type]
    schema = client.create_schema(name=f"{dataset_type.lower()}-schema", schema=avro(*fields))["schemaArn"]
    arn: str = client.create_dataset(
        name=dataset_type.lower(), schemaArn=schema, datasetGroupArn=dsg, datasetType=dataset_type
    )["datasetArn"]
    if wait:
        pm.settle()
    return arn


@pytest.fixture
def dataset(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> str:
    return active_dataset(pm, client, make_dataset_group())


def test_import_job_goes_pending_then_active(pm: PersonalizeMock, client: Any, dataset: str) -> None:
    created = client.create_dataset_import_job(
        jobName="import-1", datasetArn=dataset, dataSource=S3, roleArn=ROLE
    )
    assert set(created) - {"ResponseMetadata"} == {"datasetImportJobArn"}
    arn = created["datasetImportJobArn"]
    assert arn == JOB_ARN + "import-1"
    job = client.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
    assert job == {
        "jobName": "import-1",
        "datasetImportJobArn": arn,
        "datasetArn": dataset,
        "dataSource": S3,
        "roleArn": ROLE,
        "status": "CREATE PENDING",
        "creationDateTime": job["creationDateTime"],
        "lastUpdatedDateTime": job["creationDateTime"],
        "importMode": "FULL",
    }
    pm.advance(120)
    assert client.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]["status"] == (
        "CREATE IN_PROGRESS"
    )
    pm.settle()
    done = client.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
    assert done["status"] == "ACTIVE"
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]
    assert "failureReason" not in done


def test_options_are_echoed(client: Any, dataset: str) -> None:
    arn = client.create_dataset_import_job(
        jobName="incremental",
        datasetArn=dataset,
        dataSource=S3,
        importMode="INCREMENTAL",
        publishAttributionMetricsToS3=True,
    )["datasetImportJobArn"]
    job = client.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
    assert job["importMode"] == "INCREMENTAL"
    assert job["publishAttributionMetricsToS3"] is True
    assert "roleArn" not in job
    summary = client.list_dataset_import_jobs(datasetArn=dataset)["datasetImportJobs"][0]
    assert summary["importMode"] == "INCREMENTAL"


def test_failed_import(pm: PersonalizeMock, client: Any, dataset: str) -> None:
    pm.fail_next("dataset_import_job", "Input CSV is missing the header row.")
    arn = client.create_dataset_import_job(jobName="bad", datasetArn=dataset, dataSource=S3)[
        "datasetImportJobArn"
    ]
    assert (
        "failureReason" not in client.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
    )
    pm.settle()
    job = client.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
    assert job["status"] == "CREATE FAILED"
    assert job["failureReason"] == "Input CSV is missing the header row."
    summary = client.list_dataset_import_jobs()["datasetImportJobs"][0]
    assert (summary["status"], summary["failureReason"]) == (
        "CREATE FAILED",
        "Input CSV is missing the header row.",
    )


def test_duplicate_job_name_already_exists(pm: PersonalizeMock, client: Any, dataset: str) -> None:
    arn = client.create_dataset_import_job(jobName="job", datasetArn=dataset, dataSource=S3)[
        "datasetImportJobArn"
    ]
    pm.settle()
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        client.create_dataset_import_job(jobName="job", datasetArn=dataset, dataSource=S3)


def test_dataset_must_exist_and_be_active(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="dataset/dsg/INTERACTIONS"):
        client.create_dataset_import_job(
            jobName="job",
            datasetArn="arn:aws:personalize:us-east-1:123456789012:dataset/dsg/INTERACTIONS",
            dataSource=S3,
        )
    dataset = active_dataset(pm, client, dsg, wait=False)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.create_dataset_import_job(jobName="job", datasetArn=dataset, dataSource=S3)
    pm.settle()
    client.create_dataset_import_job(jobName="job", datasetArn=dataset, dataSource=S3)


@pytest.mark.parametrize(
    ("source", "complaint"),
    [({}, "dataLocation is required"), ({"dataLocation": "https://example.com/data.csv"}, "s3://")],
)
def test_data_source_must_be_an_s3_path(
    client: Any, dataset: str, source: dict[str, str], complaint: str
) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match=complaint):
        client.create_dataset_import_job(jobName="job", datasetArn=dataset, dataSource=source)
    assert client.list_dataset_import_jobs()["datasetImportJobs"] == []


def test_input_validation(client: Any, dataset: str) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_dataset_import_job(
            jobName="job", datasetArn=dataset, dataSource=S3, importMode="PARTIAL"
        )
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_dataset_import_job(datasetImportJobArn="not-an-arn")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_dataset_import_jobs(datasetArn="not-an-arn")


def test_describe_unknown_job_is_not_found(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_import_job(datasetImportJobArn=JOB_ARN + "nope")


def test_in_flight_quota_with_the_real_message(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    first = active_dataset(pm, client, make_dataset_group("first"))
    second = active_dataset(pm, client, make_dataset_group("second"), "ITEMS")
    for i in range(5):
        client.create_dataset_import_job(
            jobName=f"job-{i}", datasetArn=first if i % 2 else second, dataSource=S3
        )
    # The quota is per region, across datasets and dataset groups.
    with pytest.raises(client.exceptions.LimitExceededException) as error:
        client.create_dataset_import_job(jobName="job-5", datasetArn=first, dataSource=S3)
    assert (
        error.value.response["Error"]["Message"]
        == "More than 5 resources with PENDING or IN_PROGRESS status."
    )
    pm.settle()
    client.create_dataset_import_job(jobName="job-5", datasetArn=first, dataSource=S3)


def test_tags(client: Any, dataset: str) -> None:
    tags = [{"tagKey": "k", "tagValue": "v"}]
    arn = client.create_dataset_import_job(jobName="job", datasetArn=dataset, dataSource=S3, tags=tags)[
        "datasetImportJobArn"
    ]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    with pytest.raises(client.exceptions.TooManyTagsException):
        client.create_dataset_import_job(
            jobName="job-2",
            datasetArn=dataset,
            dataSource=S3,
            tags=[{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)],
        )


def test_list_import_jobs(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    interactions = active_dataset(pm, client, dsg)
    items = active_dataset(pm, client, dsg, "ITEMS")
    a = client.create_dataset_import_job(jobName="a", datasetArn=interactions, dataSource=S3)[
        "datasetImportJobArn"
    ]
    b = client.create_dataset_import_job(jobName="b", datasetArn=items, dataSource=S3)["datasetImportJobArn"]
    c = client.create_dataset_import_job(jobName="c", datasetArn=interactions, dataSource=S3)[
        "datasetImportJobArn"
    ]
    everything = client.list_dataset_import_jobs()["datasetImportJobs"]
    assert [j["datasetImportJobArn"] for j in everything] == [a, b, c]
    assert set(everything[0]) == {
        "datasetImportJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "importMode",
    }
    listed = client.list_dataset_import_jobs(datasetArn=interactions)["datasetImportJobs"]
    assert [j["jobName"] for j in listed] == ["a", "c"]
    assert {j["status"] for j in listed} == {"CREATE PENDING"}
    page = client.list_dataset_import_jobs(datasetArn=interactions, maxResults=1)
    assert [j["jobName"] for j in page["datasetImportJobs"]] == ["a"]
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_dataset_import_jobs(datasetArn=items, nextToken=page["nextToken"])
    rest = client.list_dataset_import_jobs(datasetArn=interactions, maxResults=1, nextToken=page["nextToken"])
    assert [j["jobName"] for j in rest["datasetImportJobs"]] == ["c"]
    pages = client.get_paginator("list_dataset_import_jobs").paginate(PaginationConfig={"PageSize": 2})
    assert [j["jobName"] for p in pages for j in p["datasetImportJobs"]] == ["a", "b", "c"]
    unknown = "arn:aws:personalize:us-east-1:123456789012:dataset/nope/ITEMS"
    assert client.list_dataset_import_jobs(datasetArn=unknown)["datasetImportJobs"] == []
