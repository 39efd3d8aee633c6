"""Activation styles, nesting, options and the control methods of ``PersonalizeMock``."""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.exceptions
import pytest
from helpers import OTHER_ACCOUNT, assert_reset, client, env_snapshot

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.activation.mock import FAILABLE_KINDS
from personalize_mock.interception.dispatch import active
from personalize_mock.options import DEFAULT_ACCOUNT_ID, DEFAULT_DURATIONS


def is_on(pm: PersonalizeMock) -> bool:
    """``pm.active`` (through a call, so that type checkers do not narrow the property)."""
    return pm.active


def group_names(personalize: Any) -> list[str]:
    return [group["name"] for group in personalize.list_dataset_groups()["datasetGroups"]]


def status_of(personalize: Any, arn: str) -> str:
    status: str = personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]
    return status


# -- activation styles ----------------------------------------------------------------------


def test_activations_leave_no_reference_cycles() -> None:
    """All an activation makes is freed as it ends, not left to the garbage collector.

    A cycle (say, the sleep holding a bound method of its activation) would keep every
    state alive until the next collection and make each activation pay for that collection.
    """
    with mock_personalize() as pm:  # whatever is loaded on first use is loaded now
        time.sleep(60)
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for options in ({}, {"wall_clock": False}, {"stall_after": None}):
            with mock_personalize(**options) as pm:
                time.sleep(60)  # starts the polling watch, and the traveller
                time.sleep(60)
                pm.advance(60)
            with mock_personalize():
                pass
        with mock_personalize(simulate_sleep=False) as pm:
            pm.advance(60)
        assert gc.collect() == 0, [type(found).__name__ for found in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert_reset()


def test_context_manager_activates_and_returns_the_mock() -> None:
    with mock_personalize() as pm:
        assert isinstance(pm, PersonalizeMock)
        assert is_on(pm)
        assert active.state is pm.state
        arn = client().create_dataset_group(name="g")["datasetGroupArn"]
        assert arn == f"arn:aws:personalize:us-east-1:{DEFAULT_ACCOUNT_ID}:dataset-group/g"
    assert not is_on(pm)
    assert_reset()


def test_start_and_stop() -> None:
    pm = mock_personalize()
    assert not is_on(pm)
    assert pm.start() is pm
    try:
        assert is_on(pm)
        assert group_names(client()) == []
    finally:
        pm.stop()
    assert not is_on(pm)
    assert_reset()


def test_stop_without_start_raises() -> None:
    pm = mock_personalize()
    with pytest.raises(RuntimeError, match="not started"):
        pm.stop()
    assert_reset()


def test_inactive_mock_refuses_control_methods() -> None:
    pm = mock_personalize()
    with pytest.raises(RuntimeError, match="not active"):
        pm.now()
    with pytest.raises(RuntimeError, match="not active"):
        pm.advance(1)
    with pm:
        pass
    with pytest.raises(RuntimeError, match="not active"):
        pm.reset()
    assert_reset()


def test_async_context_manager() -> None:
    async def body() -> list[str]:
        async with mock_personalize() as pm:
            assert is_on(pm)
            personalize = client()
            personalize.create_dataset_group(name="a")
            await asyncio.sleep(0)
            assert active.state is pm.state
            return group_names(personalize)

    assert asyncio.run(body()) == ["a"]
    assert_reset()


def test_exception_inside_context_propagates_and_resets() -> None:
    with pytest.raises(KeyError, match="boom"), mock_personalize():
        client().create_dataset_group(name="g")
        raise KeyError("boom")
    assert_reset()


def test_calls_after_exit_are_not_mocked() -> None:
    with mock_personalize():
        personalize = client()
        personalize.create_dataset_group(name="g")
    # The handlers are still registered but answer only while a mock is active.
    assert active.state is None
    assert_reset()


def test_each_outermost_activation_starts_empty() -> None:
    with mock_personalize():
        client().create_dataset_group(name="g")
        assert group_names(client()) == ["g"]
    with mock_personalize():
        assert group_names(client()) == []
        # The same name can be used again: nothing was left behind.
        client().create_dataset_group(name="g")
    assert_reset()


def test_same_object_restarted_gets_fresh_state() -> None:
    pm = mock_personalize()
    with pm:
        first = pm.state
        client().create_dataset_group(name="g")
    with pm:
        assert pm.state is not first
        assert group_names(client()) == []
    assert_reset()


# -- nesting ----------------------------------------------------------------------------------


def test_nested_blocks_share_state_and_only_outermost_exit_switches_off() -> None:
    with mock_personalize() as outer:
        personalize = client()
        personalize.create_dataset_group(name="outer")
        with mock_personalize() as inner:
            assert inner.state is outer.state
            personalize.create_dataset_group(name="inner")
            assert group_names(personalize) == ["outer", "inner"]
        assert not is_on(inner)
        assert is_on(outer)
        assert active.state is outer.state
        # Still mocked after the inner exit, with the inner block's work kept.
        assert group_names(personalize) == ["outer", "inner"]
    assert_reset()


def test_same_object_nested_counts_activations() -> None:
    pm = mock_personalize()
    with pm:
        with pm:
            client().create_dataset_group(name="g")
        assert is_on(pm)
        assert group_names(client()) == ["g"]
    assert not is_on(pm)
    assert_reset()


def test_start_stop_nested_inside_context_manager() -> None:
    with mock_personalize() as outer:
        inner = mock_personalize().start()
        assert inner.state is outer.state
        inner.stop()
        assert is_on(outer)
        assert active.state is outer.state
    assert_reset()


def test_non_lifo_stops_still_switch_off_at_last_stop() -> None:
    first = mock_personalize().start()
    second = mock_personalize().start()
    first.stop()
    assert active.state is second.state
    second.stop()
    assert_reset()


def test_nested_with_different_options_warns_and_joins() -> None:
    with mock_personalize() as outer:
        with (
            pytest.warns(UserWarning, match="account_id") as caught,
            mock_personalize(account_id=OTHER_ACCOUNT) as inner,
        ):
            assert inner.state is outer.state
            arn = client().create_dataset_group(name="g")["datasetGroupArn"]
        # The outer mock's options win.
        assert f":{DEFAULT_ACCOUNT_ID}:" in arn
        assert caught[0].filename == __file__
    assert_reset()


def test_nested_with_same_options_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with mock_personalize(account_id=OTHER_ACCOUNT), mock_personalize(account_id=OTHER_ACCOUNT):
            pass
    assert_reset()


def test_failing_inner_block_keeps_outer_active() -> None:
    with mock_personalize() as outer:
        with pytest.raises(ValueError, match="inner"), mock_personalize():
            raise ValueError("inner")
        assert is_on(outer)
        assert group_names(client()) == []
    assert_reset()


# -- options ------------------------------------------------------------------------------------


def test_account_id_option_is_used_in_arns() -> None:
    with mock_personalize(account_id=OTHER_ACCOUNT):
        arn = client().create_dataset_group(name="g")["datasetGroupArn"]
    assert arn == f"arn:aws:personalize:us-east-1:{OTHER_ACCOUNT}:dataset-group/g"
    assert_reset()


@pytest.mark.parametrize("account_id", ["12345678901", "1234567890123", "abcdefghijkl", "", 123456789012])
def test_bad_account_id_is_refused(account_id: Any) -> None:
    with pytest.raises(ValueError, match="account_id"):
        mock_personalize(account_id=account_id)
    assert_reset()


def test_unknown_duration_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown duration key 'solutionversion'"):
        mock_personalize(durations={"solutionversion": 5})
    assert_reset()


def test_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        mock_personalize(durations={"dataset_group": -1})
    assert_reset()


def test_unknown_quota_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown quota key 'datasetgroups'"):
        mock_personalize(quotas={"datasetgroups": 5})
    assert_reset()


@pytest.mark.parametrize("value", [-1, True, 2.5, "3"])
def test_bad_quota_value_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="dataset_groups"):
        mock_personalize(quotas={"dataset_groups": value})
    assert_reset()


def test_unknown_option_is_refused() -> None:
    with pytest.raises(
        ValueError, match="unknown personalize_mock option 'acount_id'; valid options: account_id"
    ):
        mock_personalize(acount_id=OTHER_ACCOUNT)  # type: ignore[call-overload]
    assert_reset()


def test_bare_decorator_with_options_is_a_mock_factory() -> None:
    pm = mock_personalize(account_id=OTHER_ACCOUNT)
    assert isinstance(pm, PersonalizeMock)
    assert pm.options.account_id == OTHER_ACCOUNT
    assert not is_on(pm)
    assert_reset()


def test_durations_option_sets_simulated_duration() -> None:
    with mock_personalize(durations={"dataset_group": timedelta(minutes=5)}) as pm:
        personalize = client()
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.advance(DEFAULT_DURATIONS["dataset_group"])
        assert status_of(personalize, arn) != "ACTIVE"
        pm.advance(timedelta(minutes=5))
        assert status_of(personalize, arn) == "ACTIVE"
    assert_reset()


def test_quotas_option_changes_the_limit() -> None:
    with mock_personalize(quotas={"dataset_groups": 1}):
        personalize = client()
        personalize.create_dataset_group(name="one")
        with pytest.raises(personalize.exceptions.LimitExceededException):
            personalize.create_dataset_group(name="two")
    assert_reset()


# -- the clock: now / advance / settle -----------------------------------------------------------


def test_now_is_timezone_aware_utc() -> None:
    with mock_personalize() as pm:
        now = pm.now()
        assert now.tzinfo is not None
        assert now.utcoffset() == timedelta(0)
        assert abs(now - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert_reset()


def test_advance_accepts_seconds_and_timedelta_and_returns_now() -> None:
    with mock_personalize() as pm:
        offset = pm.state.clock.offset
        returned = pm.advance(90)
        assert pm.state.clock.offset == offset + 90
        assert returned <= pm.now()
        pm.advance(timedelta(hours=1, seconds=0.5))
        assert pm.state.clock.offset == offset + 90 + 3600.5
        # One world: the process's clock moved with it.
        assert abs(pm.now() - datetime.now(timezone.utc)) < timedelta(seconds=1)
    assert_reset()


@pytest.mark.parametrize(("delta", "error"), [(-1, ValueError), (timedelta(seconds=-1), ValueError)])
def test_advance_refuses_going_back(delta: Any, error: type[Exception]) -> None:
    with mock_personalize() as pm, pytest.raises(error):
        pm.advance(delta)
    assert_reset()


@pytest.mark.parametrize("delta", [True, "10", None])
def test_advance_refuses_non_durations(delta: Any) -> None:
    with mock_personalize() as pm, pytest.raises(TypeError):
        pm.advance(delta)
    assert_reset()


def test_advance_moves_resource_status() -> None:
    with mock_personalize() as pm:
        personalize = client()
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        assert status_of(personalize, arn) == "CREATE PENDING"
        pm.advance(DEFAULT_DURATIONS["dataset_group"])
        assert status_of(personalize, arn) == "ACTIVE"
    assert_reset()


def test_settle_finishes_work_in_flight() -> None:
    with mock_personalize(durations={"dataset_group": 600}) as pm:
        personalize = client()
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        created = personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["creationDateTime"]
        pm.advance(590)
        assert status_of(personalize, arn) == "CREATE IN_PROGRESS"
        settled = pm.settle()
        group = personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
        assert group["status"] == "ACTIVE"
        # Creation stamps are rounded to the millisecond; work is timed from the clock.
        assert settled - created >= timedelta(seconds=599.999)
        # lastUpdatedDateTime is reported at millisecond precision, like the service's.
        assert group["lastUpdatedDateTime"] - timedelta(milliseconds=1) <= settled <= pm.now()
    assert_reset()


def test_settle_with_nothing_in_flight_does_not_jump() -> None:
    with mock_personalize() as pm:
        offset = pm.state.clock.offset
        pm.settle()
        assert pm.state.clock.offset == offset
    assert_reset()


# -- fail_next ------------------------------------------------------------------------------------


def test_fail_next_makes_the_next_creation_fail() -> None:
    with mock_personalize(quotas={"dataset_groups": 10}) as pm:
        personalize = client()
        pm.fail_next("dataset_group", reason="disk full", count=2)
        arns = [personalize.create_dataset_group(name=f"g{i}")["datasetGroupArn"] for i in range(3)]
        pm.settle()
        groups = [personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"] for arn in arns]
        assert [group["status"] for group in groups] == ["CREATE FAILED", "CREATE FAILED", "ACTIVE"]
        assert [group.get("failureReason") for group in groups] == ["disk full", "disk full", None]
    assert_reset()


def test_fail_next_default_reason() -> None:
    with mock_personalize() as pm:
        personalize = client()
        pm.fail_next("dataset_group")
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        group = personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
        assert group["status"] == "CREATE FAILED"
        assert "fail_next" in group["failureReason"]
    assert_reset()


def test_fail_next_refuses_unknown_kind_and_bad_count() -> None:
    with mock_personalize() as pm:
        with pytest.raises(ValueError, match="unknown kind 'datasetgroup'"):
            pm.fail_next("datasetgroup")
        for count in (0, -1, True, 1.0):
            with pytest.raises(ValueError, match="count"):
                pm.fail_next("dataset_group", count=count)  # type: ignore[arg-type]
    assert "dataset_group" in FAILABLE_KINDS
    assert_reset()


def test_fail_next_takes_the_kind_in_every_spelling() -> None:
    with mock_personalize() as pm:
        personalize = client()
        for kind in ("dataset_group", "DatasetGroup", "dataset-group"):
            pm.fail_next(kind)
        arns = [personalize.create_dataset_group(name=f"g{n}")["datasetGroupArn"] for n in range(4)]
        pm.settle()
        assert [status_of(personalize, arn) for arn in arns] == ["CREATE FAILED"] * 3 + ["ACTIVE"]
        with pytest.raises(ValueError, match="unknown kind 3"):
            pm.fail_next(3)  # type: ignore[arg-type]
    assert_reset()


# -- inject_error ----------------------------------------------------------------------------------


def test_inject_error_with_modeled_code_raises_botocore_modeled_exception() -> None:
    with mock_personalize() as pm:
        personalize = client()
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.inject_error("DescribeDatasetGroup", "ResourceNotFoundException", message="gone fishing")
        with pytest.raises(personalize.exceptions.ResourceNotFoundException) as caught:
            personalize.describe_dataset_group(datasetGroupArn=arn)
        error = caught.value.response
        assert error["Error"] == {"Code": "ResourceNotFoundException", "Message": "gone fishing"}
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        # Consumed: the next call succeeds.
        assert status_of(personalize, arn) == "CREATE PENDING"
    assert_reset()


def test_inject_error_default_message_and_count() -> None:
    with mock_personalize() as pm:
        personalize = client()
        pm.inject_error("CreateDatasetGroup", "LimitExceededException", count=2)
        for _ in range(2):
            with pytest.raises(personalize.exceptions.LimitExceededException) as caught:
                personalize.create_dataset_group(name="g")
            message = caught.value.response["Error"]["Message"]
            assert "LimitExceededException" in message
            assert "CreateDatasetGroup" in message
        # No group was created by the failed calls.
        assert group_names(personalize) == []
        personalize.create_dataset_group(name="g")
        assert group_names(personalize) == ["g"]
    assert_reset()


def test_inject_error_touches_only_its_operation() -> None:
    with mock_personalize() as pm:
        personalize = client()
        pm.inject_error("DeleteDatasetGroup", "ResourceInUseException")
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        assert group_names(personalize) == ["g"]
        with pytest.raises(personalize.exceptions.ResourceInUseException):
            personalize.delete_dataset_group(datasetGroupArn=arn)
    assert_reset()


def test_inject_throttling_raises_client_error_with_code() -> None:
    with mock_personalize() as pm:
        personalize = client()
        pm.inject_error("ListDatasetGroups", "ThrottlingException", message="Rate exceeded")
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            personalize.list_dataset_groups()
        response = caught.value.response
        assert response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert caught.value.operation_name == "ListDatasetGroups"
        assert group_names(personalize) == []
    assert_reset()


@pytest.mark.parametrize(("code", "status"), [("InternalFailure", 500), ("ServiceUnavailable", 503)])
def test_inject_common_server_errors_use_their_status(code: str, status: int) -> None:
    with mock_personalize() as pm:
        personalize = client()
        pm.inject_error("ListDatasetGroups", code)
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            personalize.list_dataset_groups()
        assert caught.value.response["Error"]["Code"] == code
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert_reset()


def test_inject_error_refuses_code_the_operation_cannot_return() -> None:
    with mock_personalize() as pm:
        # DescribeDatasetGroup's model lists no ResourceInUseException.
        with pytest.raises(ValueError, match="'ResourceInUseException' is not an error") as caught:
            pm.inject_error("DescribeDatasetGroup", "ResourceInUseException")
        assert "ResourceNotFoundException" in str(caught.value)
        with pytest.raises(ValueError, match="not an error"):
            pm.inject_error("DescribeDatasetGroup", "NoSuchBucket")
        # Nothing was queued by the refused calls.
        assert group_names(client()) == []
        personalize = client()
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        assert status_of(personalize, arn) == "CREATE PENDING"
    assert_reset()


def test_inject_error_refuses_unknown_operation_and_bad_count() -> None:
    with mock_personalize() as pm:
        with pytest.raises(ValueError, match=r"docs/coverage\.md"):
            pm.inject_error("DescribeDatasetGroups", "ResourceNotFoundException")
        with pytest.raises(ValueError, match="count"):
            pm.inject_error("DescribeDatasetGroup", "ResourceNotFoundException", count=0)
    assert_reset()


def test_inject_error_takes_the_operation_in_either_spelling() -> None:
    with mock_personalize() as pm:
        personalize = client()
        pm.inject_error("list_dataset_groups", "ThrottlingException")
        pm.inject_error("ListDatasetGroups", "ThrottlingException")
        for _ in range(2):
            with pytest.raises(botocore.exceptions.ClientError, match="Injected ThrottlingException"):
                personalize.list_dataset_groups()
        assert personalize.list_dataset_groups()["datasetGroups"] == []
    assert_reset()


# -- reset -----------------------------------------------------------------------------------------


def test_reset_empties_backends_and_faults_but_stays_active() -> None:
    with mock_personalize() as pm:
        personalize = client()
        east_arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        client(region="eu-west-1").create_dataset_group(name="g")
        pm.inject_error("ListDatasetGroups", "ThrottlingException")
        pm.fail_next("dataset_group")
        pm.reset()
        assert is_on(pm)
        assert group_names(personalize) == []
        assert group_names(client(region="eu-west-1")) == []
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_dataset_group(datasetGroupArn=east_arn)
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        assert status_of(personalize, arn) == "ACTIVE"
    assert_reset()


def test_assert_reset_sees_env_snapshot() -> None:
    before = env_snapshot()
    with mock_personalize():
        assert env_snapshot() != before or all(value == "testing" for value in before.values())
    assert_reset(before)
