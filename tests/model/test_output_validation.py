"""Output validation of mocked responses against botocore's parsed output shapes."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from botocore.parsers import create_parser

from personalize_mock.errors import OutputShapeError, PersonalizeMockError
from personalize_mock.model import assert_valid_output, operation_model, output_problems

UTC = datetime.timezone.utc
WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
SOLUTION_ARN = "arn:aws:personalize:us-east-1:123456789012:solution/sol"


def describe_solution(**overrides: Any) -> dict[str, Any]:
    solution = {
        "name": "sol",
        "solutionArn": SOLUTION_ARN,
        "performHPO": False,
        "performAutoML": False,
        "performAutoTraining": True,
        "recipeArn": "arn:aws:personalize:::recipe/aws-user-personalization",
        "datasetGroupArn": "arn:aws:personalize:us-east-1:123456789012:dataset-group/dsg",
        "solutionConfig": {"autoTrainingConfig": {"schedulingExpression": "rate(7 days)"}},
        "status": "ACTIVE",
        "creationDateTime": WHEN,
        "lastUpdatedDateTime": WHEN,
        "latestSolutionVersion": {
            "solutionVersionArn": f"{SOLUTION_ARN}/1a2b3c4d",
            "status": "ACTIVE",
            "trainingMode": "FULL",
            "trainingType": "MANUAL",
            "creationDateTime": WHEN,
            "lastUpdatedDateTime": WHEN,
        },
        **overrides,
    }
    return {
        "solution": solution,
        "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0},
    }


def test_valid_response_passes() -> None:
    assert output_problems("personalize", "DescribeSolution", describe_solution()) == []
    assert_valid_output("personalize", "DescribeSolution", describe_solution())


def test_response_parsed_by_botocore_passes() -> None:
    # The reference for "parsed form": what botocore's own parser makes of wire JSON.
    wire = {
        "solution": {
            "name": "sol",
            "solutionArn": SOLUTION_ARN,
            "status": "ACTIVE",
            "creationDateTime": 1_700_000_000.123,
            "solutionConfig": {"hpoConfig": {"hpoResourceConfig": {"maxNumberOfTrainingJobs": "4"}}},
        }
    }
    shape = operation_model("personalize", "DescribeSolution").output_shape
    response = {"body": json.dumps(wire).encode(), "headers": {}, "status_code": 200}
    parsed = create_parser("json").parse(response, shape)
    assert output_problems("personalize", "DescribeSolution", parsed) == []


def test_naive_datetime() -> None:
    parsed = describe_solution(creationDateTime=WHEN.replace(tzinfo=None))
    problems = output_problems("personalize", "DescribeSolution", parsed)
    assert len(problems) == 1
    assert problems[0].startswith("solution.creationDateTime: datetime is naive")


def test_timestamp_must_be_a_datetime() -> None:
    parsed = describe_solution(lastUpdatedDateTime=1_700_000_000.0)
    assert output_problems("personalize", "DescribeSolution", parsed) == [
        "solution.lastUpdatedDateTime: expected a timezone-aware datetime, got float 1700000000.0"
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", 7, "expected string, got int 7"),
        ("performHPO", "false", "expected boolean, got str 'false'"),
        ("solutionConfig", [], "expected a structure (dict), got list []"),
    ],
)
def test_wrong_type(field: str, value: Any, expected: str) -> None:
    problems = output_problems("personalize", "DescribeSolution", describe_solution(**{field: value}))
    assert problems == [f"solution.{field}: {expected}"]


def test_bool_is_not_an_integer_but_int_is_a_double() -> None:
    metrics = {
        "solutionVersionArn": f"{SOLUTION_ARN}/1a2b3c4d",
        "metrics": {"coverage": 1, "precision_at_5": 0.5},
    }
    assert output_problems("personalize", "GetSolutionMetrics", metrics) == []
    listing = {"datasetGroups": [], "nextToken": "t"}
    assert output_problems("personalize", "ListDatasetGroups", listing) == []
    campaign = {
        "campaignArn": "arn:aws:personalize:us-east-1:123456789012:campaign/c",
        "minProvisionedTPS": True,
    }
    assert output_problems("personalize", "DescribeCampaign", {"campaign": campaign}) == [
        "campaign.minProvisionedTPS: expected integer, got bool True"
    ]
    campaign["minProvisionedTPS"] = 0
    assert output_problems("personalize", "DescribeCampaign", {"campaign": campaign}) == [
        "campaign.minProvisionedTPS: 0 is less than the minimum 1"
    ]


def test_unknown_key() -> None:
    problems = output_problems("personalize", "DescribeSolution", describe_solution(solutionName="sol"))
    assert problems == ["solution.solutionName: unknown member of Solution"]


def test_unknown_top_level_key_but_response_metadata_is_ignored() -> None:
    parsed: dict[str, Any] = {"Filters": [], "filters": [], "ResponseMetadata": {}}
    assert output_problems("personalize", "ListFilters", parsed) == [
        "filters: unknown member of ListFiltersResponse"
    ]


def test_missing_required_member_in_list_item() -> None:
    parsed = {"tags": [{"tagKey": "team", "tagValue": "ml"}, {"tagKey": "env"}]}
    assert output_problems("personalize", "ListTagsForResource", parsed) == [
        "tags[1].tagValue: required member of Tag is missing"
    ]


def test_enum() -> None:
    version = dict(describe_solution()["solution"]["latestSolutionVersion"], trainingMode="PARTIAL")
    problems = output_problems(
        "personalize", "DescribeSolution", describe_solution(latestSolutionVersion=version)
    )
    assert problems == [
        "solution.latestSolutionVersion.trainingMode: 'PARTIAL' is not one of the enum values "
        "['FULL', 'UPDATE', 'AUTOTRAIN']"
    ]


def test_lengths_and_ranges() -> None:
    problems = output_problems("personalize", "DescribeSolution", describe_solution(name="n" * 64))
    assert problems == ["solution.name: has 64 characters, more than the maximum 63"]
    version = {"solutionVersionArn": f"{SOLUTION_ARN}/1a2b3c4d", "trainingHours": -1.0}
    parsed = {"solutionVersion": version}
    assert output_problems("personalize", "DescribeSolutionVersion", parsed) == [
        "solutionVersion.trainingHours: -1.0 is less than the minimum 0"
    ]
    too_many = {"solutions": [{"name": f"s{i}"} for i in range(101)]}
    assert output_problems("personalize", "ListSolutions", too_many) == [
        "solutions: has 101 items, more than the maximum 100"
    ]


def test_map_keys_and_values() -> None:
    parsed = {"solutionVersionArn": "x", "metrics": {"coverage": "high", 5: 0.1}}
    assert output_problems("personalize", "GetSolutionMetrics", parsed) == [
        "metrics['coverage']: expected double, got str 'high'",
        "metrics (key 5): expected string, got int 5",
    ]


def test_none_value_is_reported() -> None:
    problems = output_problems("personalize", "DescribeSolution", describe_solution(recipeArn=None))
    assert problems == ["solution.recipeArn: is None (leave the key out instead); expected string"]


def test_operation_without_output_shape() -> None:
    assert output_problems("personalize", "DeleteCampaign", {"ResponseMetadata": {}}) == []
    assert output_problems("personalize", "DeleteCampaign", {"campaignArn": "x"}) == [
        "campaignArn: DeleteCampaign has no output shape, so no keys are expected"
    ]
    assert output_problems("personalize", "TagResource", {}) == []


def test_runtime_and_events_outputs() -> None:
    parsed = {"itemList": [{"itemId": "i1", "score": 0.5}, {"itemId": "i2"}], "recommendationId": "RID-1"}
    assert output_problems("personalize-runtime", "GetRecommendations", parsed) == []
    assert output_problems("personalize-events", "PutEvents", {}) == []


def test_assert_valid_output_raises_with_all_problems() -> None:
    parsed = describe_solution(name=7, status=None)
    with pytest.raises(OutputShapeError) as info:
        assert_valid_output("personalize", "DescribeSolution", parsed)
    error = info.value
    assert isinstance(error, PersonalizeMockError)
    assert (error.service, error.operation) == ("personalize", "DescribeSolution")
    assert len(error.problems) == 2
    for problem in error.problems:
        assert problem in str(error)
