"""Data deletion jobs: CreateDataDeletionJob / DescribeDataDeletionJob / ListDataDeletionJobs.

Behaviour reference §2 (ARN, INFERRED), §3.2 (PENDING → IN_PROGRESS → COMPLETED / FAILED),
§5.4 (5 PENDING jobs per dataset group), §7 (newest first; no botocore paginator).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
JOB_ARN = "arn:aws:personalize:us-east-1:123456789012:data-deletion-job/"
USERS = {"dataLocation": "s3://bucket/users-to-delete.csv"}
ROLE = "arn:aws:iam::123456789012:role/personalize"


def delete_users(client: Any, dsg: str, name: str = "forget", **extra: Any) -> str:
    arn: str = client.create_data_deletion_job(
        jobName=name, datasetGroupArn=dsg, dataSource=USERS, roleArn=ROLE, **extra
    )["dataDeletionJobArn"]
    return arn


def test_job_goes_pending_in_progress_completed(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    created = client.create_data_deletion_job(
        jobName="forget", datasetGroupArn=dsg, dataSource=USERS, roleArn=ROLE
    )
    assert set(created) - {"ResponseMetadata"} == {"dataDeletionJobArn"}
    arn = created["dataDeletionJobArn"]
    assert arn == JOB_ARN + "forget"
    job = client.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]
    assert job == {
        "jobName": "forget",
        "dataDeletionJobArn": arn,
        "datasetGroupArn": dsg,
        "dataSource": USERS,
        "roleArn": ROLE,
        "status": "PENDING",
        "creationDateTime": job["creationDateTime"],
        "lastUpdatedDateTime": job["creationDateTime"],
    }
    pm.advance(120)
    running = client.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]
    assert running["status"] == "IN_PROGRESS"
    assert "numDeleted" not in running
    pm.settle()
    done = client.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]
    assert done["status"] == "COMPLETED"
    assert done["numDeleted"] == 0
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]
    assert "failureReason" not in done


def test_failed_job(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    pm.fail_next("data_deletion_job", "The input file has no USER_ID column.")
    arn = delete_users(client, dsg)
    pm.settle()
    job = client.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]
    assert (job["status"], job["failureReason"]) == ("FAILED", "The input file has no USER_ID column.")
    assert "numDeleted" not in job
    summary = client.list_data_deletion_jobs()["dataDeletionJobs"][0]
    assert (summary["status"], summary["failureReason"]) == (
        "FAILED",
        "The input file has no USER_ID column.",
    )


def test_list_is_newest_first_without_a_paginator(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    first = make_dataset_group("first")
    second = make_dataset_group("second")
    a = delete_users(client, first, "a")
    b = delete_users(client, second, "b")
    c = delete_users(client, first, "c")
    everything = client.list_data_deletion_jobs()["dataDeletionJobs"]
    assert [j["dataDeletionJobArn"] for j in everything] == [c, b, a]
    assert set(everything[0]) == {
        "dataDeletionJobArn",
        "datasetGroupArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
    }
    assert everything[0]["creationDateTime"] > everything[1]["creationDateTime"]
    assert [
        j["jobName"] for j in client.list_data_deletion_jobs(datasetGroupArn=first)["dataDeletionJobs"]
    ] == [
        "c",
        "a",
    ]
    page = client.list_data_deletion_jobs(maxResults=2)
    assert [j["jobName"] for j in page["dataDeletionJobs"]] == ["c", "b"]
    rest = client.list_data_deletion_jobs(maxResults=2, nextToken=page["nextToken"])
    assert [j["jobName"] for j in rest["dataDeletionJobs"]] == ["a"]
    assert "nextToken" not in rest
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_data_deletion_jobs(datasetGroupArn=first, nextToken=page["nextToken"])
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_data_deletion_jobs(datasetGroupArn="bad-arn")
    assert not client.can_paginate("list_data_deletion_jobs")


def test_pending_quota_per_dataset_group(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group("dsg")
    other = make_dataset_group("other")
    for i in range(5):
        delete_users(client, dsg, f"job-{i}")
    with pytest.raises(client.exceptions.LimitExceededException, match="PENDING"):
        delete_users(client, dsg, "job-5")
    # Another dataset group has its own allowance.
    delete_users(client, other, "elsewhere")
    # Only PENDING jobs count: once they run, new ones may queue.
    pm.advance(120)
    delete_users(client, dsg, "job-5")


def test_errors(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="dataset-group/nope"):
        delete_users(client, "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope")
    pending = client.create_dataset_group(name="slow")["datasetGroupArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        delete_users(client, pending)
    pm.settle()
    arn = delete_users(client, pending)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        delete_users(client, pending)
    with pytest.raises(client.exceptions.InvalidInputException, match="dataLocation"):
        client.create_data_deletion_job(jobName="x", datasetGroupArn=pending, dataSource={}, roleArn=ROLE)
    with pytest.raises(client.exceptions.TooManyTagsException):
        delete_users(
            client, pending, "tagged", tags=[{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
        )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_data_deletion_job(dataDeletionJobArn=JOB_ARN + "nope")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_data_deletion_job(dataDeletionJobArn="nope")


def test_tags(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    tags = [{"tagKey": "ticket", "tagValue": "GDPR-42"}]
    arn = delete_users(client, make_dataset_group(), tags=tags)
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags


def test_jobs_go_with_their_dataset_group(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group("dsg")
    arn = delete_users(client, dsg)
    pm.settle()
    client.delete_dataset_group(datasetGroupArn=dsg)
    assert (
        client.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]["status"] == "COMPLETED"
    )
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_data_deletion_job(dataDeletionJobArn=arn)
    assert client.list_data_deletion_jobs()["dataDeletionJobs"] == []
    # A new group of the same name starts with no jobs, and the job name is free again.
    again = make_dataset_group("dsg")
    assert again == dsg
    assert client.list_data_deletion_jobs(datasetGroupArn=again)["dataDeletionJobs"] == []
    assert delete_users(client, again) == arn
