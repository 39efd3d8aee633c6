"""The simulated clock: conversions, advance, creation stamps and freezegun integration."""

from __future__ import annotations

import itertools
import math
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import freezegun
import freezegun.api
import pytest
from helpers import assert_reset, client

from personalize_mock import clock as clock_module
from personalize_mock import mock_personalize
from personalize_mock.clock import SimulatedClock, active_freezegun_factory, to_datetime, to_seconds
from personalize_mock.options import DEFAULT_DURATIONS

FROZEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


# -- conversions -----------------------------------------------------------------------------------


def test_to_seconds() -> None:
    assert to_seconds(5) == 5.0
    assert isinstance(to_seconds(5), float)
    assert to_seconds(1.5) == 1.5
    assert to_seconds(timedelta(minutes=2, milliseconds=250)) == 120.25


@pytest.mark.parametrize("value", [True, False, "5", None, [1]])
def test_to_seconds_refuses_non_durations(value: Any) -> None:
    with pytest.raises(TypeError):
        to_seconds(value)


def test_to_datetime_memo_stays_bounded_and_exact() -> None:
    base = 1_700_000_000.0
    limit = clock_module.DATETIME_MEMO_LIMIT
    for step in range(limit + 10):
        moment = base + step / 1000
        assert to_datetime(moment) == datetime.fromtimestamp(moment, timezone.utc)
    assert len(clock_module.DATETIMES) <= limit
    # Repeated reads hand out one (immutable) object.
    assert to_datetime(base) is to_datetime(base)


def test_to_datetime_is_aware_utc() -> None:
    moment = to_datetime(FROZEN.timestamp())
    assert moment == FROZEN
    assert moment.tzinfo is timezone.utc


# -- SimulatedClock -----------------------------------------------------------------------------------


def test_clock_advance_moves_offset_only_forward() -> None:
    clock = SimulatedClock()
    clock.advance(10)
    clock.advance(0)
    assert clock.offset == 10
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-0.001)
    assert clock.offset == 10


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_clock_refuses_non_finite_advance_and_stays_usable(value: float) -> None:
    clock = SimulatedClock()
    clock.advance(5)
    with pytest.raises(ValueError):
        clock.advance(value)
    assert clock.offset == 5
    assert clock.now().tzinfo is timezone.utc


def test_pm_advance_nan_leaves_the_mock_usable() -> None:
    with mock_personalize() as pm:
        with pytest.raises(ValueError, match="finite"):
            pm.advance(math.nan)
        assert pm.state.clock.offset == 0
        assert pm.now().tzinfo is not None
        client().create_dataset_group(name="g")
    assert_reset()


def test_clock_now_follows_process_time_plus_offset() -> None:
    with freezegun.freeze_time(FROZEN):
        clock = SimulatedClock()
        assert clock.now() == FROZEN
        clock.offset = 90
        assert clock.now() == FROZEN + timedelta(seconds=90)
        assert clock.time() == FROZEN.timestamp() + 90


def test_stamps_strictly_increase_when_time_stands_still() -> None:
    with freezegun.freeze_time(FROZEN):
        clock = SimulatedClock()
        stamps = [clock.stamp() for _ in range(50)]
    assert stamps[0] == round(FROZEN.timestamp(), 3)
    assert all(later > earlier for earlier, later in itertools.pairwise(stamps))
    assert all(round(stamp, 3) == stamp for stamp in stamps)


def test_stamps_strictly_increase_even_if_time_steps_back() -> None:
    clock = SimulatedClock()
    late = clock.stamp_at(2_000_000_000.0)
    earlier = clock.stamp_at(1_000_000_000.0)
    assert earlier > late
    assert earlier == pytest.approx(late + 0.001)


def test_no_freezegun_factory_without_freezegun() -> None:
    assert active_freezegun_factory() is None
    with freezegun.freeze_time(FROZEN) as frozen:
        assert active_freezegun_factory() is frozen
    assert active_freezegun_factory() is None


# -- creation timestamps through the API ----------------------------------------------------------------


def test_creation_timestamps_strictly_increase() -> None:
    with mock_personalize(quotas={"dataset_groups": 30}):
        personalize = client()
        arns = [personalize.create_dataset_group(name=f"g{index}")["datasetGroupArn"] for index in range(25)]
        created = [
            personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["creationDateTime"]
            for arn in arns
        ]
    assert all(later > earlier for earlier, later in itertools.pairwise(created))
    assert all(moment.tzinfo is not None for moment in created)
    assert_reset()


def test_creation_timestamps_strictly_increase_under_frozen_time() -> None:
    with freezegun.freeze_time(FROZEN), mock_personalize(quotas={"dataset_groups": 30}):
        personalize = client()
        arns = [personalize.create_dataset_group(name=f"g{index}")["datasetGroupArn"] for index in range(10)]
        created = [
            personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["creationDateTime"]
            for arn in arns
        ]
    assert created[0] == FROZEN
    assert all(later > earlier for earlier, later in itertools.pairwise(created))
    assert_reset()


# -- freezegun ------------------------------------------------------------------------------------------


def test_now_follows_freezegun() -> None:
    with freezegun.freeze_time(FROZEN), mock_personalize() as pm:
        assert pm.now() == FROZEN
        assert datetime.now(timezone.utc) == pm.now()
    assert_reset()


def test_advance_ticks_active_freezegun() -> None:
    with freezegun.freeze_time(FROZEN), mock_personalize() as pm:
        returned = pm.advance(timedelta(hours=2))
        assert returned == FROZEN + timedelta(hours=2)
        assert datetime.now(timezone.utc) == pm.now() == returned
        assert time.time() == pytest.approx(returned.timestamp())
        # The offset is not used while freezegun drives the clock (no double counting).
        assert pm.state.clock.offset == 0
    assert_reset()


def test_time_sleep_ticks_active_freezegun() -> None:
    with freezegun.freeze_time(FROZEN), mock_personalize() as pm:
        time.sleep(90)
        assert datetime.now(timezone.utc) == pm.now() == FROZEN + timedelta(seconds=90)
    assert_reset()


def test_settle_under_freezegun_lands_exactly_on_completion() -> None:
    with freezegun.freeze_time(FROZEN), mock_personalize() as pm:
        personalize = client()
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        settled = pm.settle()
        assert settled == FROZEN + timedelta(seconds=DEFAULT_DURATIONS["dataset_group"])
        assert datetime.now(timezone.utc) == settled
        group = personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
        assert group["status"] == "ACTIVE"
        assert group["lastUpdatedDateTime"] == settled
        # Nothing left in flight: settling again does not move time.
        assert pm.settle() == settled
    assert_reset()


def test_freezegun_with_tick_is_ticked_too() -> None:
    with freezegun.freeze_time(FROZEN, tick=True), mock_personalize() as pm:
        pm.advance(3600)
        assert pm.now() >= FROZEN + timedelta(hours=1)
        assert abs(datetime.now(timezone.utc) - pm.now()) < timedelta(minutes=1)
    assert_reset()


def test_freeze_option_starts_and_stops_freezegun() -> None:
    assert not freezegun.api.freeze_factories
    with mock_personalize(freeze=True) as pm:
        assert freezegun.api.freeze_factories
        start = pm.now()
        assert datetime.now(timezone.utc) == start
        # Time stands still until the mock moves it.
        assert pm.now() == start
        pm.advance(60)
        assert datetime.now(timezone.utc) == pm.now() == start + timedelta(seconds=60)
        time.sleep(30)
        assert datetime.now(timezone.utc) == start + timedelta(seconds=90)
    assert not freezegun.api.freeze_factories
    assert_reset()


def test_freeze_option_stops_freezegun_when_body_raises() -> None:
    with pytest.raises(ZeroDivisionError), mock_personalize(freeze=True):
        _ = 1 / 0
    assert_reset()


def test_freeze_option_inside_outer_freezegun_leaves_outer_running() -> None:
    with freezegun.freeze_time(FROZEN) as outer:
        with mock_personalize(freeze=True) as pm:
            assert pm.now() == FROZEN
            pm.advance(10)
            assert datetime.now(timezone.utc) == FROZEN + timedelta(seconds=10)
        assert freezegun.api.freeze_factories == [outer]
    assert_reset()
