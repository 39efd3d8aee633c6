"""Batch inference jobs: Create / Describe / List (no delete API).

Behaviour reference §1.2 (no batch for Trending-Now / Next-Best-Action), §2
(``batch-inference-job/<jobName>``), §3.2 and §10.2 (real statuses are CREATE PENDING →
CREATE IN_PROGRESS → ACTIVE), §5.4 (in-flight quota), Appendix A/B.
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
JOB_INPUT = {"s3DataSource": {"path": "s3://bucket/input.json"}}
JOB_OUTPUT = {
    "s3DataDestination": {
        "path": "s3://bucket/output/",
        "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k",
    }
}


@pytest.fixture
def dsg(make_dataset_group: MakeDatasetGroup) -> str:
    return make_dataset_group()


@pytest.fixture
def make_version(dsg: str, make_solution: MakeSolution, train_version: TrainVersion) -> MakeVersion:
    """Train an ACTIVE solution version of ``recipe`` in the dataset group ``dsg``."""

    def make(recipe: str = "aws-user-personalization", name: str = "sol") -> str:
        return train_version(make_solution(dsg, name=name, recipe=recipe, performAutoTraining=False))

    return make


def _create(client: Any, version: str, name: str = "job", **params: Any) -> str:
    arn: str = client.create_batch_inference_job(
        jobName=name,
        solutionVersionArn=version,
        jobInput=JOB_INPUT,
        jobOutput=JOB_OUTPUT,
        roleArn=ROLE,
        **params,
    )["batchInferenceJobArn"]
    return arn


def _describe(client: Any, arn: str) -> dict[str, Any]:
    detail: dict[str, Any] = client.describe_batch_inference_job(batchInferenceJobArn=arn)[
        "batchInferenceJob"
    ]
    return detail


def test_create_batch_inference_job_statuses_and_echoed_fields(
    pm: PersonalizeMock, client: Any, make_version: MakeVersion
) -> None:
    version = make_version()
    arn = _create(client, version, name="nightly")
    assert arn == "arn:aws:personalize:us-east-1:123456789012:batch-inference-job/nightly"
    detail = _describe(client, arn)
    assert detail["status"] == "CREATE PENDING"
    assert detail["jobName"] == "nightly"
    assert detail["solutionVersionArn"] == version
    assert detail["numResults"] == 25
    assert detail["batchInferenceJobMode"] == "BATCH_INFERENCE"
    assert detail["jobInput"] == JOB_INPUT
    assert detail["jobOutput"] == JOB_OUTPUT
    assert detail["roleArn"] == ROLE
    assert "filterArn" not in detail
    assert "batchInferenceJobConfig" not in detail
    assert "themeGenerationConfig" not in detail
    pm.advance(180)
    assert _describe(client, arn)["status"] == "CREATE IN_PROGRESS"
    pm.advance(30 * 60 - 180)
    done = _describe(client, arn)
    assert done["status"] == "ACTIVE"
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]


def test_optional_fields_are_echoed_exactly(
    pm: PersonalizeMock, client: Any, dsg: str, make_version: MakeVersion
) -> None:
    version = make_version()
    filter_arn = client.create_filter(
        name="no-clicks",
        datasetGroupArn=dsg,
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    )["filterArn"]
    pm.advance(10)
    config = {"itemExplorationConfig": {"explorationWeight": "0.3"}}
    arn = _create(client, version, filterArn=filter_arn, numResults=500, batchInferenceJobConfig=config)
    detail = _describe(client, arn)
    assert detail["filterArn"] == filter_arn
    assert detail["numResults"] == 500
    assert detail["batchInferenceJobConfig"] == config


def test_theme_generation_needs_similar_items_and_a_theme_config(
    client: Any, make_version: MakeVersion
) -> None:
    similar = make_version("aws-similar-items", name="similar")
    personal = make_version(name="personal")
    theme = {"fieldsForThemeGeneration": {"itemName": "TITLE"}}
    arn = _create(client, similar, batchInferenceJobMode="THEME_GENERATION", themeGenerationConfig=theme)
    detail = _describe(client, arn)
    assert detail["batchInferenceJobMode"] == "THEME_GENERATION"
    assert detail["themeGenerationConfig"] == theme
    summary = client.list_batch_inference_jobs()["batchInferenceJobs"][0]
    assert summary["batchInferenceJobMode"] == "THEME_GENERATION"
    with pytest.raises(client.exceptions.InvalidInputException, match="requires themeGenerationConfig"):
        _create(client, similar, name="j2", batchInferenceJobMode="THEME_GENERATION")
    with pytest.raises(client.exceptions.InvalidInputException, match="aws-similar-items"):
        _create(
            client, personal, name="j2", batchInferenceJobMode="THEME_GENERATION", themeGenerationConfig=theme
        )
    with pytest.raises(client.exceptions.InvalidInputException, match="only be given with"):
        _create(client, similar, name="j2", themeGenerationConfig=theme)
    with pytest.raises(client.exceptions.InvalidInputException):
        _create(client, similar, name="j2", batchInferenceJobMode="THEMES")


@pytest.mark.parametrize("recipe", ["aws-trending-now", "aws-next-best-action"])
def test_no_batch_recommendations_for_trending_now_or_next_best_action(
    client: Any, make_version: MakeVersion, recipe: str
) -> None:
    version = make_version(recipe)
    with pytest.raises(client.exceptions.InvalidInputException, match=f"not available for the {recipe}"):
        _create(client, version)


@pytest.mark.parametrize("recipe", ["aws-item-affinity", "aws-item-attribute-affinity"])
def test_user_segmentation_versions_need_batch_segment_jobs(
    client: Any, make_version: MakeVersion, recipe: str
) -> None:
    version = make_version(recipe)
    with pytest.raises(client.exceptions.InvalidInputException, match="CreateBatchSegmentJob"):
        _create(client, version)


@pytest.mark.parametrize("recipe", ["aws-sims", "aws-personalized-ranking", "aws-popularity-count"])
def test_other_recipes_are_accepted(client: Any, make_version: MakeVersion, recipe: str) -> None:
    _create(client, make_version(recipe))


def test_create_needs_an_existing_active_solution_version(
    pm: PersonalizeMock, client: Any, dsg: str, make_solution: MakeSolution
) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:solution/sol/0badc0de"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        _create(client, missing)
    solution = make_solution(dsg, performAutoTraining=False)
    training = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        _create(client, training)
    pm.fail_next("solution_version")
    failed = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.settle()
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE FAILED"):
        _create(client, failed)
    _create(client, training)


def test_filter_must_exist_be_active_and_fit(
    pm: PersonalizeMock,
    client: Any,
    dsg: str,
    make_dataset_group: MakeDatasetGroup,
    make_version: MakeVersion,
) -> None:
    version = make_version()
    other = make_dataset_group("other")
    missing = "arn:aws:personalize:us-east-1:123456789012:filter/nope"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        _create(client, version, filterArn=missing)
    items = client.create_filter(
        name="items", datasetGroupArn=dsg, filterExpression='INCLUDE ItemID WHERE Items.A IN ("x")'
    )["filterArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="must be ACTIVE"):
        _create(client, version, filterArn=items)
    users = client.create_filter(
        name="users", datasetGroupArn=dsg, filterExpression='INCLUDE UserID WHERE Users.A IN ("x")'
    )["filterArn"]
    elsewhere = client.create_filter(
        name="elsewhere", datasetGroupArn=other, filterExpression='INCLUDE ItemID WHERE Items.A IN ("x")'
    )["filterArn"]
    pm.advance(10)
    with pytest.raises(client.exceptions.InvalidInputException, match="filter on ItemID"):
        _create(client, version, filterArn=users)
    with pytest.raises(client.exceptions.InvalidInputException, match="belongs to dataset group"):
        _create(client, version, filterArn=elsewhere)
    _create(client, version, filterArn=items)


def test_num_results_range(client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    for bad in (0, 501):
        with pytest.raises(
            client.exceptions.InvalidInputException, match="numResults must be between 1 and 500"
        ):
            _create(client, version, numResults=bad)
    assert _describe(client, _create(client, version, numResults=1))["numResults"] == 1


def test_job_names_are_unique(client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    arn = _create(client, version)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        _create(client, version)


@pytest.mark.personalize_mock(quotas={"batch_inference_jobs_in_flight": 1})
def test_in_flight_quota(pm: PersonalizeMock, client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    _create(client, version, name="one")
    with pytest.raises(
        client.exceptions.LimitExceededException,
        match="More than 1 resources with PENDING or IN_PROGRESS status",
    ):
        _create(client, version, name="two")
    pm.advance(30 * 60)
    _create(client, version, name="two")


def test_failed_job_reports_its_reason(pm: PersonalizeMock, client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    pm.fail_next("batch_inference_job", reason="Input file not found.")
    arn = _create(client, version)
    pm.settle()
    detail = _describe(client, arn)
    assert detail["status"] == "CREATE FAILED"
    assert detail["failureReason"] == "Input file not found."
    assert (
        client.list_batch_inference_jobs()["batchInferenceJobs"][0]["failureReason"]
        == "Input file not found."
    )


def test_batch_inference_jobs_are_taggable(client: Any, make_version: MakeVersion) -> None:
    version = make_version()
    with pytest.raises(client.exceptions.TooManyTagsException):
        _create(client, version, tags=[{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)])
    arn = _create(client, version, tags=[{"tagKey": "k", "tagValue": "v"}])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "k", "tagValue": "v"}]


def test_describe_errors(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_batch_inference_job(
            batchInferenceJobArn="arn:aws:personalize:us-east-1:123456789012:batch-inference-job/nope"
        )
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_batch_inference_job(batchInferenceJobArn="nope")


def test_list_batch_inference_jobs_by_solution_version(
    pm: PersonalizeMock, client: Any, make_version: MakeVersion
) -> None:
    first_version = make_version(name="a")
    second_version = make_version(name="b")
    a1 = _create(client, first_version, name="a1")
    b1 = _create(client, second_version, name="b1")
    a2 = _create(client, first_version, name="a2")
    listed = client.list_batch_inference_jobs()["batchInferenceJobs"]
    assert [j["batchInferenceJobArn"] for j in listed] == [a1, b1, a2]
    assert set(listed[0]) == {
        "batchInferenceJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "solutionVersionArn",
        "batchInferenceJobMode",
    }
    assert listed[1]["solutionVersionArn"] == second_version
    by_version = client.list_batch_inference_jobs(solutionVersionArn=first_version)["batchInferenceJobs"]
    assert [j["jobName"] for j in by_version] == ["a1", "a2"]
    page = client.list_batch_inference_jobs(solutionVersionArn=first_version, maxResults=1)
    assert [j["jobName"] for j in page["batchInferenceJobs"]] == ["a1"]
    rest = client.list_batch_inference_jobs(solutionVersionArn=first_version, nextToken=page["nextToken"])
    assert [j["jobName"] for j in rest["batchInferenceJobs"]] == ["a2"]
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_batch_inference_jobs(nextToken=page["nextToken"])
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_batch_inference_jobs(maxResults=101)
    pm.settle()
    assert {j["status"] for j in client.list_batch_inference_jobs()["batchInferenceJobs"]} == {"ACTIVE"}
