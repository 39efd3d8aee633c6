"""Isolation: nothing leaks between tests, and every activation style puts everything back.

* An inner test suite (run with pytester in a subprocess, under pytest-xdist with two workers
  when it is installed, and once more without it) leaves resources, queued faults, injected
  errors and a far-advanced clock behind in one test, raises inside the mock in another, and
  checks in the following tests that each starts from empty state at the current time and
  that nothing the mock patched is left behind.
* Every activation style (context manager, async context manager, start/stop, each kind of
  decorator, nesting), with and without ``freeze``, exiting normally or by an exception,
  restores interception, the credential variables (set to real-looking values, or unset),
  ``time.sleep`` / ``asyncio.sleep``, the send guard and freezegun (``helpers.assert_reset``).
"""

from __future__ import annotations

import asyncio
import datetime as datetime_module
import importlib.util
import time
import unittest
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from helpers import assert_reset, env_snapshot

from personalize_mock import mock_personalize

TESTS_DIR = Path(__file__).parent
REAL_DATETIME = datetime_module.datetime
REAL_TIME = time.time

INNER_TESTS = """
from __future__ import annotations

import datetime
import unittest

import boto3
import pytest
from helpers import assert_reset

from personalize_mock import mock_personalize

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/leak"


def client():
    return boto3.client("personalize", region_name="us-east-1")


def assert_fresh(pm):
    personalize = client()
    assert personalize.list_dataset_groups()["datasetGroups"] == []
    assert personalize.list_schemas()["schemas"] == []
    # No injected error is waiting, and the name is free again.
    assert personalize.create_dataset_group(name="leak")["datasetGroupArn"] == GROUP
    pm.settle()
    # No fail_next was waiting either.
    assert personalize.describe_dataset_group(datasetGroupArn=GROUP)["datasetGroup"]["status"] == "ACTIVE"
    # The clock starts at real time again (settle moved it by seconds, not a year).
    real = datetime.datetime.now(datetime.timezone.utc)
    assert abs((pm.now() - real).total_seconds()) < 3600


def leave_everything_behind(pm):
    personalize = client()
    personalize.create_dataset_group(name="leak")
    personalize.create_schema(
        name="leak",
        schema='{"type": "record", "name": "I", "fields": [{"name": "ITEM_ID", "type": "string"}]}',
    )
    pm.fail_next("dataset_group", count=3)
    pm.inject_error("ListDatasetGroups", "ThrottlingException", count=3)
    pm.advance(365 * 86400)


def test_1_fixture_leaves_state_behind(personalize_mock):
    leave_everything_behind(personalize_mock)


def test_2_fresh_after_the_fixture(personalize_mock):
    assert_fresh(personalize_mock)


@pytest.mark.xfail(raises=RuntimeError, strict=True)
def test_3_raises_inside_the_mock():
    with mock_personalize() as pm:
        leave_everything_behind(pm)
        raise RuntimeError("boom inside the mock")


def test_4_fresh_after_the_raise():
    assert_reset()
    with mock_personalize() as pm:
        assert_fresh(pm)
    assert_reset()


@pytest.mark.xfail(raises=ValueError, strict=True)
@mock_personalize
def test_5_decorated_test_raises():
    with mock_personalize() as pm:  # joins the decorator's mock
        leave_everything_behind(pm)
    raise ValueError("boom in a decorated test")


@pytest.mark.personalize_mock(freeze=True)
def test_6_fresh_after_the_decorated_raise(personalize_mock):
    assert_fresh(personalize_mock)


@mock_personalize
class TestCaseLeaks(unittest.TestCase):
    def test_a_leaks(self):
        with mock_personalize() as pm:
            leave_everything_behind(pm)

    def test_b_fresh(self):
        with mock_personalize() as pm:
            assert_fresh(pm)


def test_7_everything_restored_at_the_end():
    assert_reset()
"""


def run_inner(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_leaks=INNER_TESTS)
    pytester.makepyfile(test_leaks_again=INNER_TESTS)
    # The inner tests import ``helpers`` (assert_reset) from this directory.
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--rootdir", str(pytester.path), *args)


def test_no_state_leaks_between_tests_under_xdist(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    if importlib.util.find_spec("xdist") is None:
        pytest.skip("pytest-xdist is not installed; the plain run below still checks isolation")
    result = run_inner(pytester, "-p", "xdist", "-n", "2", "--dist", "loadfile")
    result.assert_outcomes(passed=14, xfailed=4)


def test_no_state_leaks_between_tests_in_one_process(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    result = run_inner(pytester, "-p", "no:xdist")
    result.assert_outcomes(passed=14, xfailed=4)


# --------------------------------------------------------------------------------------------
# Every activation style restores everything
# --------------------------------------------------------------------------------------------


class Boom(Exception):
    pass


def work(raise_inside: bool) -> None:
    """What a test does inside the mock: calls, a simulated sleep; then maybe an exception."""
    personalize = boto3.client("personalize", region_name="us-east-1")
    personalize.create_dataset_group(name="g")
    time.sleep(3600)
    if raise_inside:
        raise Boom()


async def async_work(raise_inside: bool) -> None:
    personalize = boto3.client("personalize", region_name="us-east-1")
    personalize.create_dataset_group(name="g")
    await asyncio.sleep(3600)
    if raise_inside:
        raise Boom()


def with_block(options: dict[str, Any], raise_inside: bool) -> None:
    with mock_personalize(**options):
        work(raise_inside)


def async_with_block(options: dict[str, Any], raise_inside: bool) -> None:
    async def main() -> None:
        async with mock_personalize(**options):
            await async_work(raise_inside)

    asyncio.run(main())


def start_stop(options: dict[str, Any], raise_inside: bool) -> None:
    pm = mock_personalize(**options)
    pm.start()
    try:
        work(raise_inside)
    finally:
        pm.stop()


def nested(options: dict[str, Any], raise_inside: bool) -> None:
    with mock_personalize(**options), mock_personalize(**options) as inner:
        inner.start()
        try:
            work(raise_inside)
        finally:
            inner.stop()


def decorated_function(options: dict[str, Any], raise_inside: bool) -> None:
    @mock_personalize(**options)
    def test() -> None:
        work(raise_inside)

    test()


def bare_decorator(options: dict[str, Any], raise_inside: bool) -> None:
    assert not options, "the bare decorator takes no options"

    @mock_personalize
    def test() -> None:
        work(raise_inside)

    test()


def decorated_coroutine(options: dict[str, Any], raise_inside: bool) -> None:
    @mock_personalize(**options)
    async def test() -> None:
        await async_work(raise_inside)

    asyncio.run(test())


def decorated_generator(options: dict[str, Any], raise_inside: bool) -> None:
    @mock_personalize(**options)
    def test() -> Iterator[int]:
        yield 1
        work(raise_inside)
        yield 2

    assert list(test()) == [1, 2]


def decorated_async_generator(options: dict[str, Any], raise_inside: bool) -> None:
    @mock_personalize(**options)
    async def test() -> AsyncIterator[int]:
        yield 1
        await async_work(raise_inside)
        yield 2

    async def consume() -> list[int]:
        return [item async for item in test()]

    assert asyncio.run(consume()) == [1, 2]


def decorated_class(options: dict[str, Any], raise_inside: bool) -> None:
    @mock_personalize(**options)
    class Tests:
        def test_it(self) -> None:
            work(raise_inside)

    Tests().test_it()


def decorated_testcase(options: dict[str, Any], raise_inside: bool) -> None:
    @mock_personalize(**options)
    class Tests(unittest.TestCase):
        def test_it(self) -> None:
            work(raise_inside)

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Tests).run(result)
    if raise_inside:
        # unittest records the exception instead of raising it; re-raise it like the others.
        assert len(result.errors) == 1 and "Boom" in result.errors[0][1]
        raise Boom()
    assert result.wasSuccessful(), result.errors + result.failures


STYLES: dict[str, Callable[[dict[str, Any], bool], None]] = {
    "with": with_block,
    "async with": async_with_block,
    "start/stop": start_stop,
    "nested": nested,
    "decorated function": decorated_function,
    "bare decorator": bare_decorator,
    "decorated coroutine": decorated_coroutine,
    "decorated generator": decorated_generator,
    "decorated async generator": decorated_async_generator,
    "decorated class": decorated_class,
    "decorated TestCase": decorated_testcase,
}


OPTIONS = {"plain": {}, "freeze": {"freeze": True}}
#: Every style with every set of options, except the bare decorator, which takes none.
STYLE_OPTIONS = [
    pytest.param(style, options, id=f"{style}-{name}")
    for style in sorted(STYLES)
    for name, options in OPTIONS.items()
    if not (style == "bare decorator" and options)
]


@pytest.mark.parametrize("raise_inside", [False, True], ids=["normal exit", "exception inside"])
@pytest.mark.parametrize("credentials", ["real-looking", "unset"])
@pytest.mark.parametrize(("style", "options"), STYLE_OPTIONS)
def test_every_activation_style_restores_everything(
    style: str, credentials: str, options: dict[str, Any], raise_inside: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        if credentials == "unset":
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, f"AKIA-REAL-LOOKING-{name}")
    before = env_snapshot()
    if raise_inside:
        with pytest.raises(Boom):
            STYLES[style](options, raise_inside)
    else:
        STYLES[style](options, raise_inside)
    assert_reset(before)
    # freezegun gave back the real classes and functions, not just its registry.
    assert datetime_module.datetime is REAL_DATETIME
    assert time.time is REAL_TIME
    assert abs(time.time() - REAL_DATETIME.now().timestamp()) < 60
