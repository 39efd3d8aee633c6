"""Type-checked (never run, never collected) by tests/typing/test_typing.py.

Each ``reveal_type`` line ends with the type mypy must reveal, after ``# expect:``; the test
runs mypy in strict mode on this file and compares.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from personalize_mock import PersonalizeMock, mock_personalize

if TYPE_CHECKING:
    from typing_extensions import reveal_type


@mock_personalize
def bare_sync(count: int, name: str = "g") -> list[int]:
    return [count] * len(name)


@mock_personalize(account_id="111122223333")
def sync_with_options(count: int, *, label: str) -> dict[str, int]:
    return {label: count}


@mock_personalize
async def bare_async(count: int) -> str:
    return str(count)


@mock_personalize(freeze=True)
async def async_with_options(flag: bool) -> bool:
    return flag


@mock_personalize
def generator(limit: int) -> Iterator[int]:
    yield from range(limit)


@mock_personalize
class DecoratedClass:
    def test_method(self, value: int) -> int:
        return value


@mock_personalize(account_id="111122223333")
class DecoratedWithOptions:
    pass


reveal_type(bare_sync)  # expect: def (count: int, name: str =) -> list[int]
reveal_type(sync_with_options)  # expect: def (count: int, *, label: str) -> dict[str, int]
reveal_type(bare_async)  # expect: def (count: int) -> typing.Coroutine[Any, Any, str]
reveal_type(async_with_options)  # expect: def (flag: bool) -> typing.Coroutine[Any, Any, bool]
reveal_type(generator)  # expect: def (limit: int) -> typing.Iterator[int]
reveal_type(bare_sync(1))  # expect: list[int]
reveal_type(DecoratedClass)  # expect: def () -> snippets.DecoratedClass
reveal_type(DecoratedClass().test_method(1))  # expect: int
reveal_type(DecoratedWithOptions)  # expect: def () -> snippets.DecoratedWithOptions
reveal_type(mock_personalize())  # expect: personalize_mock.activation.mock.PersonalizeMock
reveal_type(
    mock_personalize(account_id="111122223333")
)  # expect: personalize_mock.activation.mock.PersonalizeMock
tuned = mock_personalize(durations={"solution_version": 60}, freeze=True)
reveal_type(tuned)  # expect: personalize_mock.activation.mock.PersonalizeMock

with mock_personalize() as pm:
    reveal_type(pm)  # expect: personalize_mock.activation.mock.PersonalizeMock
    reveal_type(pm.now())  # expect: datetime.datetime

with mock_personalize(account_id="111122223333") as configured:
    reveal_type(configured)  # expect: personalize_mock.activation.mock.PersonalizeMock


async def use_async_context() -> None:
    async with mock_personalize() as apm:
        reveal_type(apm)  # expect: personalize_mock.activation.mock.PersonalizeMock


started: PersonalizeMock = mock_personalize().start()
reveal_type(started)  # expect: personalize_mock.activation.mock.PersonalizeMock
