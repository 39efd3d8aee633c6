"""Batch segment jobs: Create / Describe / List (no delete API).

Behaviour reference §1.2 (USER_SEGMENTATION recipes produce segments), §2
(``batch-segment-job/<jobName>``), §3.2 and §10.2 (real statuses), §5.4, Appendix A/B.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]
MakeVersion = Callable[..., str]

ROLE = "arn:aws:iam::123456789012:role/PersonalizeRole"
JOB_INPUT = {"s3DataSource": {"path": "s3://bucket/items.json"}}
JOB_OUTPUT = {"s3DataDestination": {"path": "s3://bucket/segments/"}}
AFFINITY = "aws-item-affinity"


@pytest.fixture
def dsg(make_dataset_group: MakeDatasetGroup) -> str:
    return make_dataset_group()


@pytest.fixture
def make_version(dsg: str, make_solution: MakeSolution, train_version: TrainVersion) -> MakeVersion:
    def make(recipe: str = AFFINITY, name: str = "sol") -> str:
        return train_version(make_solution(dsg, name=name, recipe=recipe, performAutoTraining=False))

    return make


def _create(client: Any, version: str, name: str = "job", **params: Any) -> str:
    arn: str = client.create_batch_segment_job(
        jobName=name,
        solutionVersionArn=version,
        jobInput=JOB_INPUT,
        jobOutput=JOB_OUTPUT,
        roleArn=ROLE,
        **params,
    )["batchSegmentJobArn"]
    return arn


def _describe(client: Any, arn: str) -> dict[str, Any]:
    detail: dict[str, Any] = client.describe_batch_segment_job(batchSegmentJobArn=arn)["batchSegmentJob"]
    return detail


@pytest.mark.parametrize("recipe", ["aws-item-affinity", "aws-item-attribute-affinity"])
def test_create_batch_segment_job_statuses_and_fields(
    pm: PersonalizeMock, client: Any, make_version: MakeVersion, recipe: str
) -> None:
    version = make_version(recipe)
    arn = _create(client, version, name="amazon-grocery-attribute-demo")
    assert arn == "arn:aws:personalize:us-east-1:123456789012:batch-segment-job/amazon-grocery-attribute-demo"
    detail = _describe(client, arn)
    assert detail["status"] == "CREATE PENDING"
    assert detail["jobName"] == "amazon-grocery-attribute-demo"
    assert detail["solutionVersionArn"] == version
    assert detail["numResults"] == 25
    assert detail["jobInput"] == JOB_INPUT
    assert detail["jobOutput"] == JOB_OUTPUT
    assert detail["roleArn"] == ROLE
    assert "filterArn" not in detail
    pm.advance(180)
    assert _describe(client, arn)["status"] == "CREATE IN_PROGRESS"
    pm.advance(30 * 60 - 180)
    assert _describe(client, arn)["status"] == "ACTIVE"


@pytest.mark.parametrize("recipe", ["aws-user-personalization", "aws-sims", "aws-trending-now"])
def test_only_user_segmentation_recipes(client: Any, make_version: MakeVersion, recipe: str) -> None:
    version = make_version(recipe)
    with pytest.raises(client.exceptions.InvalidInputException, match="USER_SEGMENTATION"):
        _create(client, version)
    assert client.list_batch_segment_jobs()["batchSegmentJobs"] == []


def test_create_needs_an_existing_active_solution_version(
    client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        _create(client, "arn:aws:personalize:us-east-1:123456789012:solution/sol/0badc0de")
    solution = make_solution(dsg, recipe=AFFINITY, performAutoTraining=False)
    training = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="ACTIVE solution version"):
        _create(client, training)


def test_filter_must_be_an_active_user_filter_of_the_group(
    pm: PersonalizeMock, client: Any, dsg: str, make_version: MakeVersion
) -> None:
    version = make_version()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        _create(client, version, filterArn="arn:aws:personalize:us-east-1:123456789012:filter/nope")
    users = client.create_filter(
        name="gold", datasetGroupArn=dsg, filterExpression='INCLUDE UserID WHERE Users.TIER IN ("gold")'
    )["filterArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        _create(client, version, filterArn=users)
    items = client.create_filter(
        name="items", datasetGroupArn=dsg, filterExpression='INCLUDE ItemID WHERE Items.A IN ("x")'
    )["filterArn"]
    pm.advance(10)
    with pytest.raises(client.exceptions.InvalidInputException, match="filter on UserID"):
        _create(client, version, filterArn=items)
    arn = _create(client, version, filterArn=users, numResults=1000)
    detail = _describe(client, arn)
    assert detail["filterArn"] == users
    assert detail["numResults"] == 1000


def test_num_results_range(client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    for bad in (0, 5_000_001):
        with pytest.raises(client.exceptions.InvalidInputException, match="numResults"):
            _create(client, version, numResults=bad)
    _create(client, version, numResults=5_000_000)


def test_job_names_are_unique(client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    arn = _create(client, version)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        _create(client, version)


@pytest.mark.personalize_mock(quotas={"batch_segment_jobs_in_flight": 2})
def test_in_flight_quota(pm: PersonalizeMock, client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    _create(client, version, name="one")
    _create(client, version, name="two")
    with pytest.raises(client.exceptions.LimitExceededException, match="More than 2 resources"):
        _create(client, version, name="three")
    pm.settle()
    _create(client, version, name="three")


def test_failed_job_and_tags(pm: PersonalizeMock, client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    with pytest.raises(client.exceptions.TooManyTagsException):
        _create(client, version, tags=[{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)])
    pm.fail_next("batch_segment_job", reason="Bad input.")
    arn = _create(client, version, tags=[{"tagKey": "k", "tagValue": "v"}])
    pm.settle()
    detail = _describe(client, arn)
    assert (detail["status"], detail["failureReason"]) == ("CREATE FAILED", "Bad input.")
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "k", "tagValue": "v"}]


def test_describe_errors(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_batch_segment_job(
            batchSegmentJobArn="arn:aws:personalize:us-east-1:123456789012:batch-segment-job/nope"
        )
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_batch_segment_job(batchSegmentJobArn="nope")


def test_list_batch_segment_jobs_by_solution_version(client: Any, make_version: MakeVersion) -> None:
    first_version = make_version(name="a")
    second_version = make_version("aws-item-attribute-affinity", name="b")
    _create(client, first_version, name="a1")
    _create(client, second_version, name="b1")
    _create(client, first_version, name="a2")
    listed = client.list_batch_segment_jobs()["batchSegmentJobs"]
    assert [j["jobName"] for j in listed] == ["a1", "b1", "a2"]
    assert set(listed[0]) == {
        "batchSegmentJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "solutionVersionArn",
    }
    assert [
        j["jobName"]
        for j in client.list_batch_segment_jobs(solutionVersionArn=second_version)["batchSegmentJobs"]
    ] == ["b1"]
    page = client.list_batch_segment_jobs(maxResults=2)
    rest = client.list_batch_segment_jobs(maxResults=2, nextToken=page["nextToken"])
    assert [j["jobName"] for j in page["batchSegmentJobs"] + rest["batchSegmentJobs"]] == ["a1", "b1", "a2"]
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_batch_segment_jobs(nextToken="not a token")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_batch_segment_jobs(solutionVersionArn="bad")
