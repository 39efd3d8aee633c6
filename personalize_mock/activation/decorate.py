"""Decorator machinery: run a function, coroutine, generator or class's tests inside a mock.

The kind of wrapper is chosen when decorating (as freezegun and time-machine do): wrapping a
coroutine function with a plain wrapper would switch the mock off before the coroutine body
runs. ``wrapt`` keeps the decorated object's signature, name and ``inspect`` answers.
"""

from __future__ import annotations

import inspect
import unittest
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import wrapt


class Activatable(Protocol):
    """What a decorated function needs of the mock (``PersonalizeMock`` is one).

    A protocol, not the class, so that this module sits below ``mock`` and the class can
    import it: the decorator only starts and stops whatever it was given.
    """

    def start(self) -> Any: ...

    def stop(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc_info: Any) -> None: ...

    async def __aenter__(self) -> Any: ...

    async def __aexit__(self, *exc_info: Any) -> None: ...


T = TypeVar("T")
TEST_PREFIX = "test"


def decorate(mock: Activatable, target: T) -> T:
    """Wrap ``target`` so that it runs with ``mock`` active."""
    if inspect.isclass(target):
        if issubclass(target, unittest.TestCase):
            _decorate_testcase(mock, target)
        else:
            _decorate_plain_class(mock, target)
        return target
    if not callable(target):
        raise TypeError(f"mock_personalize cannot decorate {target!r}: not a function or class")
    return _wrap_callable(mock, target)  # type: ignore[no-any-return]


def _wrap_callable(mock: Activatable, function: Callable[..., Any]) -> Any:
    if inspect.iscoroutinefunction(function):

        @wrapt.decorator
        async def run_coroutine(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
            async with mock:
                return await wrapped(*args, **kwargs)

        return run_coroutine(function)

    if inspect.isasyncgenfunction(function):

        @wrapt.decorator
        async def run_async_generator(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
            async with mock:
                async for item in wrapped(*args, **kwargs):
                    yield item

        return run_async_generator(function)

    if inspect.isgeneratorfunction(function):

        @wrapt.decorator
        def run_generator(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
            with mock:
                return (yield from wrapped(*args, **kwargs))

        return run_generator(function)

    @wrapt.decorator
    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        with mock:
            return wrapped(*args, **kwargs)

    return run(function)


def _decorate_testcase(mock: Activatable, cls: type[unittest.TestCase]) -> None:
    # Each test (its setUp, body and tearDown) runs in its own activation, so every test
    # starts with empty backends; addCleanup runs after tearDown, even when setUp fails later.
    original_setup = cls.setUp

    def setUp(self: unittest.TestCase) -> None:
        mock.start()
        self.addCleanup(mock.stop)
        original_setup(self)

    setUp.__wrapped__ = original_setup  # type: ignore[attr-defined]
    cls.setUp = setUp  # type: ignore[method-assign]


def _decorate_plain_class(mock: Activatable, cls: type) -> None:
    for name, attribute in list(vars(cls).items()):
        if name.startswith(TEST_PREFIX) and inspect.isfunction(attribute):
            setattr(cls, name, _wrap_callable(mock, attribute))
