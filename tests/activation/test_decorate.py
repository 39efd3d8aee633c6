"""``mock_personalize`` as a decorator: functions, coroutines, generators and classes."""

from __future__ import annotations

import asyncio
import inspect
import time
import unittest
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

import pytest
from helpers import OTHER_ACCOUNT, assert_reset, client

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.interception.dispatch import active


def is_active() -> bool:
    return active.state is not None


def group_names() -> list[str]:
    return [group["name"] for group in client().list_dataset_groups()["datasetGroups"]]


# -- plain functions -------------------------------------------------------------------------------


def test_bare_decorator_on_function() -> None:
    @mock_personalize
    def body(name: str) -> list[str]:
        assert is_active()
        client().create_dataset_group(name=name)
        return group_names()

    assert not is_active()
    assert body("g") == ["g"]
    assert_reset()
    # Every call is an outermost activation with empty backends.
    assert body("h") == ["h"]
    assert_reset()


def test_decorator_with_options() -> None:
    @mock_personalize(account_id=OTHER_ACCOUNT)
    def body() -> str:
        arn: str = client().create_dataset_group(name="g")["datasetGroupArn"]
        return arn

    assert body() == f"arn:aws:personalize:us-east-1:{OTHER_ACCOUNT}:dataset-group/g"
    assert_reset()


def test_decorated_function_keeps_signature_name_and_doc() -> None:
    def original(a: int, b: str = "x", *args: Any, c: float = 1.0, **kwargs: Any) -> tuple[Any, ...]:
        """Original docstring."""
        return (a, b, args, c, kwargs)

    decorated = mock_personalize(original)
    assert inspect.signature(decorated) == inspect.signature(original)
    assert decorated.__name__ == "original"
    assert decorated.__qualname__ == original.__qualname__
    assert decorated.__doc__ == "Original docstring."
    assert getattr(decorated, "__wrapped__", None) is original
    assert not inspect.iscoroutinefunction(decorated)
    assert decorated(1, "y", 2, 3, c=4.0, d=5) == (1, "y", (2, 3), 4.0, {"d": 5})
    assert_reset()


def test_exception_in_decorated_function_propagates_and_resets() -> None:
    @mock_personalize
    def body() -> None:
        client().create_dataset_group(name="g")
        raise LookupError("inside")

    with pytest.raises(LookupError, match="inside"):
        body()
    assert_reset()


def test_decorated_function_called_inside_active_mock_joins_it() -> None:
    @mock_personalize
    def body() -> None:
        client().create_dataset_group(name="inner")

    with mock_personalize():
        client().create_dataset_group(name="outer")
        body()
        assert is_active()
        assert group_names() == ["outer", "inner"]
    assert_reset()


def test_decorating_a_non_callable_raises_type_error() -> None:
    with pytest.raises(TypeError, match="cannot decorate"):
        mock_personalize(42)  # type: ignore[call-overload]
    assert_reset()


def test_one_mock_object_decorates_several_functions() -> None:
    pm: PersonalizeMock = mock_personalize()

    @pm
    def first() -> bool:
        return pm.active and is_active()

    @pm
    def second() -> bool:
        return first()

    assert second()
    assert not pm.active
    assert_reset()


# -- coroutines ------------------------------------------------------------------------------------


def test_decorated_coroutine_function_stays_mocked_across_awaits() -> None:
    @mock_personalize
    async def body(name: str) -> list[str]:
        assert is_active()
        await asyncio.sleep(0)
        client().create_dataset_group(name=name)
        # A simulated sleep is still an await that yields to the loop.
        await asyncio.sleep(3600)
        assert is_active()
        await asyncio.gather(asyncio.sleep(0), asyncio.sleep(10))
        assert is_active()
        return group_names()

    assert inspect.iscoroutinefunction(body)
    coroutine = body("g")
    # Nothing is switched on until the coroutine runs.
    assert not is_active()
    assert asyncio.run(coroutine) == ["g"]
    assert_reset()


def test_decorated_coroutine_keeps_signature_and_name() -> None:
    async def original(a: int, *, b: str = "b") -> str:
        return f"{a}{b}"

    decorated = mock_personalize(original)
    assert inspect.iscoroutinefunction(decorated)
    assert inspect.signature(decorated) == inspect.signature(original)
    assert decorated.__name__ == "original"
    assert asyncio.run(decorated(1, b="c")) == "1c"
    assert_reset()


def test_decorated_coroutine_exception_resets() -> None:
    @mock_personalize
    async def body() -> None:
        await asyncio.sleep(0)
        raise ValueError("async boom")

    with pytest.raises(ValueError, match="async boom"):
        asyncio.run(body())
    assert_reset()


def test_decorated_async_generator() -> None:
    @mock_personalize
    async def produce(count: int) -> AsyncIterator[tuple[int, bool]]:
        for index in range(count):
            await asyncio.sleep(0)
            yield index, is_active()

    async def consume() -> list[tuple[int, bool]]:
        return [item async for item in produce(3)]

    assert inspect.isasyncgenfunction(produce)
    assert asyncio.run(consume()) == [(0, True), (1, True), (2, True)]
    assert_reset()


# -- generators ------------------------------------------------------------------------------------


def test_decorated_generator_yields_the_same_items() -> None:
    def original(count: int) -> Iterator[int]:
        yield from range(count)

    decorated = mock_personalize(original)
    assert inspect.isgeneratorfunction(decorated)
    assert inspect.signature(decorated) == inspect.signature(original)
    assert list(decorated(4)) == list(original(4)) == [0, 1, 2, 3]
    assert_reset()


def test_decorated_generator_runs_mocked_and_returns_value() -> None:
    @mock_personalize
    def produce() -> Generator[bool, None, str]:
        client().create_dataset_group(name="g")
        yield is_active()
        yield group_names() == ["g"]
        return "done"

    generator = produce()
    assert not is_active()
    assert next(generator) is True
    assert next(generator) is True
    with pytest.raises(StopIteration) as stopped:
        next(generator)
    assert stopped.value.value == "done"
    assert_reset()


def test_decorated_generator_closed_early_resets() -> None:
    @mock_personalize
    def produce() -> Generator[int, None, None]:
        yield 1
        yield 2

    generator = produce()
    assert next(generator) == 1
    assert is_active()
    generator.close()
    assert_reset()


# -- classes -----------------------------------------------------------------------------------------


def run_testcase(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TestResult()
    suite.run(result)
    return result


def test_decorated_testcase_runs_each_test_in_a_fresh_mock() -> None:
    seen: dict[str, Any] = {}

    @mock_personalize(account_id=OTHER_ACCOUNT)
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            seen.setdefault("setup_active", []).append(is_active())
            self.personalize = client()

        def tearDown(self) -> None:
            seen.setdefault("teardown_active", []).append(is_active())

        def test_one(self) -> None:
            self.assertEqual(group_names(), [])
            arn = self.personalize.create_dataset_group(name="same")["datasetGroupArn"]
            seen["arn"] = arn

        def test_two(self) -> None:
            # Would be ResourceAlreadyExistsException if test_one's state leaked.
            self.assertEqual(group_names(), [])
            self.personalize.create_dataset_group(name="same")

        def helper(self) -> bool:
            return is_active()

    assert Case.__name__ == "Case"
    result = run_testcase(Case)
    assert result.testsRun == 2
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen["setup_active"] == [True, True]
    assert seen["teardown_active"] == [True, True]
    assert f":{OTHER_ACCOUNT}:" in seen["arn"]
    assert not Case("helper").helper()
    assert_reset()


def test_decorated_testcase_failures_still_reset() -> None:
    @mock_personalize
    class Case(unittest.TestCase):
        def test_fails(self) -> None:
            client().create_dataset_group(name="g")
            self.fail("on purpose")

        def test_errors(self) -> None:
            raise RuntimeError("on purpose")

    result = run_testcase(Case)
    assert result.testsRun == 2
    assert len(result.failures) == 1
    assert len(result.errors) == 1
    assert_reset()


def test_decorated_testcase_setup_failure_still_resets() -> None:
    @mock_personalize
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("setUp fails")

        def test_never_runs(self) -> None:
            raise AssertionError("unreachable")

    result = run_testcase(Case)
    assert len(result.errors) == 1
    assert "setUp fails" in result.errors[0][1]
    assert_reset()


def test_decorated_isolated_asyncio_testcase() -> None:
    seen: list[Any] = []

    @mock_personalize
    class Case(unittest.IsolatedAsyncioTestCase):
        async def test_async(self) -> None:
            await asyncio.sleep(3600)
            seen.append(is_active())
            client().create_dataset_group(name="g")
            seen.append(group_names())

    result = run_testcase(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [True, ["g"]]
    assert_reset()


def test_decorated_plain_class_wraps_test_methods_only() -> None:
    @mock_personalize
    class Plain:
        label = "plain"

        def test_sync(self, name: str) -> list[str]:
            client().create_dataset_group(name=name)
            return group_names()

        async def test_async(self) -> bool:
            await asyncio.sleep(0)
            return is_active()

        def test_generator(self) -> Iterator[bool]:
            yield is_active()

        def helper(self) -> bool:
            return is_active()

    instance = Plain()
    assert Plain.label == "plain"
    assert instance.test_sync("a") == ["a"]
    assert_reset()
    # Fresh state for every test method call.
    assert instance.test_sync("b") == ["b"]
    assert inspect.iscoroutinefunction(Plain.test_async)
    assert asyncio.run(instance.test_async()) is True
    assert list(instance.test_generator()) == [True]
    assert instance.helper() is False
    assert inspect.signature(Plain.test_sync).parameters.keys() == {"self", "name"}
    assert_reset()


def test_decorated_class_is_returned_unchanged() -> None:
    class Plain:
        def test_x(self) -> bool:
            return is_active()

    assert mock_personalize(Plain) is Plain
    assert Plain().test_x() is True
    assert_reset()


def test_sleep_in_decorated_function_is_simulated() -> None:
    @mock_personalize
    def body() -> float:
        state = active.state
        assert state is not None
        before = state.clock.offset
        time.sleep(7200)
        return state.clock.offset - before

    assert body() == 7200
    assert_reset()
