"""The call log (pm.calls) and the personalize_mock logger, on the hook path and in fast mode."""

from __future__ import annotations

import logging
from datetime import UTC

import boto3
import pytest
from botocore.exceptions import ClientError

from personalize_mock import mock_personalize
from personalize_mock.calls import Call, CallLog, snake_name
from personalize_mock.errors import ResourceNotFoundException


@pytest.mark.parametrize("fast", [False, True])
def test_every_call_is_recorded_with_its_outcome_and_time(fast: bool) -> None:
    with mock_personalize(fast=fast) as pm:
        client = boto3.client("personalize", region_name="us-east-1")
        assert not pm.calls.called
        arn = client.create_dataset_group(name="g")["datasetGroupArn"]
        with pytest.raises(ClientError):
            client.describe_solution(solutionArn=arn.replace("dataset-group/g", "solution/nope"))
        now = pm.now()

        calls = list(pm.calls)

    assert [(call.service, call.operation, call.ok) for call in calls] == [
        ("personalize", "CreateDatasetGroup", True),
        ("personalize", "DescribeSolution", False),
    ]
    created, failed = calls
    assert created.params == {"name": "g"}
    assert created.response is not None and created.response["datasetGroupArn"] == arn
    assert created.error_code is None and created.error_message is None
    assert failed.response is None
    assert failed.error_code == "ResourceNotFoundException"
    assert failed.error_message is not None and "solution/nope" in failed.error_message
    assert failed.at.tzinfo == UTC
    assert created.time <= failed.time <= now.timestamp()


def test_the_runtime_and_events_services_are_recorded_too() -> None:
    with mock_personalize() as pm:
        events = boto3.client("personalize-events", region_name="us-east-1")
        with pytest.raises(ClientError):
            events.put_users(
                datasetArn="arn:aws:personalize:us-east-1:123456789012:dataset/g/USERS",
                users=[{"userId": "u"}],
            )

        assert pm.calls.last.service == "personalize-events"
        assert pm.calls.last.operation == "PutUsers"


def test_helpers_filter_count_index_and_clear() -> None:
    with mock_personalize() as pm:
        client = boto3.client("personalize", region_name="us-east-1")
        client.create_dataset_group(name="a")
        client.list_dataset_groups()
        client.create_dataset_group(name="b")
        with pytest.raises(ClientError):
            client.create_dataset_group(name="a")
        log = pm.calls

        assert len(log) == log.call_count == 4
        assert [call.params["name"] for call in log.filter("create_dataset_group", ok=True)] == ["a", "b"]
        assert log.filter("CreateDatasetGroup") == log.filter("create_dataset_group")
        assert [call.error_code for call in log.filter(ok=False)] == ["ResourceAlreadyExistsException"]
        assert log.filter(service="personalize-runtime") == []
        assert log.count("ListDatasetGroups") == log.count("list_dataset_groups") == 1
        assert log[1].operation == "ListDatasetGroups"
        assert [call.operation for call in log[-2:]] == ["CreateDatasetGroup", "CreateDatasetGroup"]
        assert log.last == log[-1]
        assert repr(log) == "<CallLog of 4 calls>"

        log.clear()
        assert not log.called and len(log) == 0
        with pytest.raises(IndexError, match="no call"):
            _ = log.last


def test_reset_forgets_the_calls_and_a_new_activation_starts_empty() -> None:
    with mock_personalize() as pm:
        boto3.client("personalize", region_name="us-east-1").list_dataset_groups()
        pm.reset()
        assert not pm.calls.called
        boto3.client("personalize", region_name="us-east-1").list_dataset_groups()
    with mock_personalize() as pm:
        assert len(pm.calls) == 0


def test_the_log_keeps_the_most_recent_calls_up_to_its_limit() -> None:
    log = CallLog(limit=2)
    for number in range(3):
        log.append(("personalize", "ListRecipes", {"n": number}, {}, None, float(number)))

    assert [call.params["n"] for call in log] == [1, 2]
    assert log.reset == log.clear


def test_a_call_is_built_from_an_entry() -> None:
    error = ResourceNotFoundException("gone")
    call = Call.from_entry(("personalize", "DescribeSolution", {}, None, error, 0.0))

    assert (call.ok, call.error_code, call.error_message) == (False, "ResourceNotFoundException", "gone")
    assert call.at.year == 1970


def test_snake_name_takes_either_spelling() -> None:
    assert (
        snake_name("DescribeSolutionVersion")
        == snake_name("describe_solution_version")
        == "describe_solution_version"
    )


@pytest.mark.parametrize("fast", [False, True])
def test_the_logger_writes_one_debug_line_per_call(fast: bool, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="personalize_mock")
    with mock_personalize(fast=fast):
        client = boto3.client("personalize", region_name="us-east-1")
        arn = client.create_dataset_group(name="g")["datasetGroupArn"]
        client.describe_dataset_group(datasetGroupArn=arn)
        client.list_dataset_groups()
        with pytest.raises(ClientError):
            client.describe_dataset_group(datasetGroupArn=arn + "x")

    lines = [record.getMessage() for record in caplog.records if record.name == "personalize_mock"]
    assert lines == [
        f"CreateDatasetGroup {arn} OK",
        f"DescribeDatasetGroup {arn} OK",
        "ListDatasetGroups - OK",
        f"DescribeDatasetGroup {arn}x ResourceNotFoundException",
    ]


def test_the_logger_is_silent_unless_debug_is_on(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="personalize_mock")
    with mock_personalize():
        boto3.client("personalize", region_name="us-east-1").list_dataset_groups()

    assert [record for record in caplog.records if record.name == "personalize_mock"] == []
