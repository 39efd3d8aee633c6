"""Simulated sleep: ``time.sleep`` / ``asyncio.sleep`` move the clock in the activating thread only."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from helpers import ORIGINAL_ASYNCIO_SLEEP, ORIGINAL_TIME_SLEEP, assert_reset, client, run_fresh_interpreter

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.activation import sleep as sleep_module


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record every real ``time.sleep`` the simulated sleep delegates to (and still sleep)."""
    calls: list[float] = []

    def recording_sleep(seconds: float) -> None:
        calls.append(seconds)
        ORIGINAL_TIME_SLEEP(seconds)

    monkeypatch.setattr(sleep_module, "_real_sleep", recording_sleep)
    return calls


@pytest.fixture
def real_async_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record every real ``asyncio.sleep`` the simulated one delegates to."""
    calls: list[float] = []

    async def recording_sleep(delay: float, result: Any = None) -> Any:
        calls.append(delay)
        return await ORIGINAL_ASYNCIO_SLEEP(delay, result)

    monkeypatch.setattr(sleep_module, "_real_asyncio_sleep", recording_sleep)
    return calls


def offset(pm: PersonalizeMock) -> float:
    return pm.state.clock.offset


def run_in_thread(target: Callable[[], Any]) -> Any:
    """Run ``target`` in a new thread; return its result or re-raise its exception."""
    outcome: dict[str, Any] = {}

    def runner() -> None:
        try:
            outcome["result"] = target()
        except BaseException as error:  # re-raised in the caller
            outcome["error"] = error

    thread = threading.Thread(target=runner)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


# -- time.sleep ------------------------------------------------------------------------------------


def test_time_sleep_in_owner_thread_advances_clock_without_sleeping(real_sleeps: list[float]) -> None:
    with mock_personalize() as pm:
        assert time.sleep is not ORIGINAL_TIME_SLEEP
        before = offset(pm)
        time.sleep(3600)
        assert offset(pm) == before + 3600
        time.sleep(0.5)
        assert offset(pm) == before + 3600.5
    assert real_sleeps == []
    assert_reset()


def test_time_sleep_zero_and_negative(real_sleeps: list[float]) -> None:
    with mock_personalize() as pm:
        before = offset(pm)
        time.sleep(0)
        assert offset(pm) == before
        with pytest.raises(ValueError, match="non-negative"):
            time.sleep(-1)
        assert offset(pm) == before
    assert real_sleeps == []
    assert_reset()


def test_time_sleep_nan_raises_like_the_real_one(real_sleeps: list[float]) -> None:
    with pytest.raises(ValueError):
        ORIGINAL_TIME_SLEEP(math.nan)
    with mock_personalize() as pm:
        with pytest.raises(ValueError):
            time.sleep(math.nan)
        # The clock was not corrupted.
        assert offset(pm) == 0
        time.sleep(1)
        assert offset(pm) == 1
    assert real_sleeps == []
    assert_reset()


def test_time_sleep_in_other_thread_sleeps_for_real(real_sleeps: list[float]) -> None:
    with mock_personalize() as pm:
        before = offset(pm)
        run_in_thread(lambda: time.sleep(0.01))
        assert offset(pm) == before
    assert real_sleeps == [0.01]
    assert_reset()


def test_thread_joining_the_mock_still_sleeps_for_real(real_sleeps: list[float]) -> None:
    def worker() -> str:
        with mock_personalize() as inner:
            time.sleep(0.01)
            arn: str = client().create_dataset_group(name="from-thread")["datasetGroupArn"]
            assert inner.active
            return arn

    with mock_personalize() as pm:
        before = offset(pm)
        arn = run_in_thread(worker)
        assert offset(pm) == before
        # The thread joined the outer mock: its work is visible here.
        assert client().describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["name"] == "from-thread"
    assert real_sleeps == [0.01]
    assert_reset()


def test_polling_loop_finishes_in_simulated_time(real_sleeps: list[float]) -> None:
    with mock_personalize(durations={"dataset_group": 3600}) as pm:
        personalize = client()
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        polls = 0
        while personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"] != "ACTIVE":
            polls += 1
            assert polls < 100
            time.sleep(60)
        assert polls == 60
        assert offset(pm) == 3600
    assert real_sleeps == []
    assert_reset()


def test_simulate_sleep_false_leaves_sleep_alone(real_sleeps: list[float]) -> None:
    with mock_personalize(simulate_sleep=False) as pm:
        assert time.sleep is ORIGINAL_TIME_SLEEP
        assert asyncio.sleep is ORIGINAL_ASYNCIO_SLEEP
        time.sleep(0.01)
        assert offset(pm) == 0
    assert_reset()


def test_nested_activation_does_not_reinstall_sleep() -> None:
    with mock_personalize() as pm:
        patched = time.sleep
        with mock_personalize():
            assert time.sleep is patched
            time.sleep(10)
        assert time.sleep is patched
        assert offset(pm) == 10
    assert_reset()


def test_sleep_restored_when_body_raises() -> None:
    with pytest.raises(RuntimeError), mock_personalize():
        time.sleep(1)
        raise RuntimeError("boom")
    assert_reset()


def test_real_sleep_accessor_is_the_original() -> None:
    with mock_personalize():
        assert sleep_module.real_sleep() is ORIGINAL_TIME_SLEEP
    assert_reset()


# -- asyncio.sleep -------------------------------------------------------------------------------------


def test_asyncio_sleep_in_owner_thread_advances_clock(real_async_sleeps: list[float]) -> None:
    async def body(pm: PersonalizeMock) -> tuple[float, Any]:
        before = offset(pm)
        result = await asyncio.sleep(600, result="done")
        return offset(pm) - before, result

    with mock_personalize() as pm:
        moved, result = asyncio.run(body(pm))
    assert moved == 600
    assert result == "done"
    # It still yields to the event loop once (a zero-length real sleep), never waits.
    assert real_async_sleeps == [0]
    assert_reset()


def test_infinite_sleeps_are_refused_and_start_no_polling_watch() -> None:
    async def body() -> None:
        await asyncio.sleep(math.inf)

    with mock_personalize() as pm:
        with pytest.raises(ValueError, match="finite"):
            time.sleep(math.inf)
        with pytest.raises(ValueError, match="finite"):
            asyncio.run(body())
        assert pm.state.polling is None
        assert offset(pm) == 0
    assert_reset()


def test_asyncio_sleep_lets_other_tasks_run() -> None:
    order: list[str] = []

    async def task(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        order.append(name)

    async def body() -> None:
        await asyncio.gather(task("a", 100), task("b", 0), task("c", 50))

    with mock_personalize() as pm:
        asyncio.run(body())
        assert offset(pm) == 150
    assert sorted(order) == ["a", "b", "c"]
    assert_reset()


def test_asyncio_sleep_in_other_thread_is_real(real_async_sleeps: list[float]) -> None:
    async def body() -> str:
        return await asyncio.sleep(0.01, result="slept")

    with mock_personalize() as pm:
        before = offset(pm)
        assert run_in_thread(lambda: asyncio.run(body())) == "slept"
        assert offset(pm) == before
    assert real_async_sleeps == [0.01]
    assert_reset()


def test_async_activation_patches_asyncio_sleep() -> None:
    async def body() -> float:
        async with mock_personalize() as pm:
            assert asyncio.sleep is not ORIGINAL_ASYNCIO_SLEEP
            await asyncio.sleep(30)
            return offset(pm)

    assert asyncio.run(body()) == 30
    assert_reset()


LAZY_ASYNCIO_SCRIPT = """
import sys, time
import personalize_mock
from personalize_mock import mock_personalize
assert "asyncio" not in sys.modules, "import personalize_mock loaded asyncio"
real_time_sleep = time.sleep
with mock_personalize() as pm:
    assert "asyncio" not in sys.modules, "starting a mock loaded asyncio"
    time.sleep(60)
    import asyncio  # first imported while the mock is active: its sleep stays the real one
    real_asyncio_sleep = asyncio.sleep
    asyncio.run(asyncio.sleep(0))
    assert pm.state.clock.offset == 60
assert time.sleep is real_time_sleep and asyncio.sleep is real_asyncio_sleep
with mock_personalize() as pm:  # now loaded before the start: replaced, then restored
    assert asyncio.sleep is not real_asyncio_sleep
    asyncio.run(asyncio.sleep(30))
    assert pm.state.clock.offset == 30
assert asyncio.sleep is real_asyncio_sleep
print("ok")
"""


def test_asyncio_is_patched_only_when_loaded_before_the_mock_starts() -> None:
    # A fresh interpreter: in this process it is loaded already.
    assert run_fresh_interpreter(LAZY_ASYNCIO_SCRIPT) == "ok"
