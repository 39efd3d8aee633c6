"""The call log: every Personalize call an active mock answered, for tests to assert on.

``pm.calls`` (docs/usage.md, "The call log") is a :class:`CallLog` in the style of respx's
``route.calls`` and responses' ``responses.calls``: ``len``, iteration, indexing, ``last``,
``called``, ``call_count``, filtering by operation in either spelling
(``"describe_solution"`` or ``"DescribeSolution"``) and ``clear()``.

The per-call cost is one ``deque.append`` of a plain tuple (a few tenths of a microsecond);
the :class:`Call` objects are built only when the log is read. The log keeps the most recent
:data:`CALL_LOG_LIMIT` calls (a bounded ``deque``): a polling loop of millions of calls must not
hold every request and response in memory, so ``call_count`` counts the calls the log holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from botocore import xform_name

from personalize_mock.errors import ServiceError, wire_code

#: How many calls the log keeps (the oldest are dropped first); docs/usage.md.
CALL_LOG_LIMIT = 10_000

#: One recorded call as appended on the hot path:
#: ``(service, operation, parameters, response or None, ServiceError or None, simulated time)``.
Entry = tuple[str, str, Any, Any, Any, float]


def snake_name(operation: str) -> str:
    """``"DescribeSolution"`` and ``"describe_solution"`` both give ``"describe_solution"``."""
    name: str = xform_name(operation)
    return name


@dataclass(frozen=True)
class Call:
    """One call the mock answered."""

    #: ``personalize``, ``personalize-runtime`` or ``personalize-events``.
    service: str
    #: The API name, e.g. ``DescribeSolution``.
    operation: str
    #: The parameters as the client passed them.
    params: Any
    #: The response (``None`` when the call failed).
    response: dict[str, Any] | None
    #: The error code (``ResourceNotFoundException``...), ``None`` on success.
    error_code: str | None
    #: The error message, ``None`` on success.
    error_message: str | None
    #: The simulated time of the call, seconds since the epoch.
    time: float

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.error_code is None

    @property
    def at(self) -> datetime:
        """The simulated time of the call, as a timezone-aware UTC ``datetime``."""
        return datetime.fromtimestamp(self.time, UTC)

    @classmethod
    def from_entry(cls, entry: Entry) -> Call:
        service, operation, params, response, error, when = entry
        if isinstance(error, ServiceError):
            return cls(service, operation, params, None, wire_code(error), error.message, when)
        return cls(service, operation, params, response, None, None, when)


class CallLog:
    """The calls an active mock answered, oldest first (see the module docstring)."""

    def __init__(self, limit: int = CALL_LOG_LIMIT) -> None:
        self._entries: deque[Entry] = deque(maxlen=limit)
        #: The hot path's recorder: ``deque.append`` itself, bound once.
        self.append = self._entries.append

    def clear(self) -> None:
        """Forget every recorded call (``pm.reset()`` does it too)."""
        self._entries.clear()

    reset = clear

    def newest_entry(self) -> Entry | None:
        """The raw entry of the most recent call, ``None`` when the log is empty.

        The stalled-polling watch (:mod:`personalize_mock.polling`) keeps it as a marker: the
        entries after it are the calls made since.
        """
        entries = self._entries
        return entries[-1] if entries else None

    def newest_first(self) -> Iterator[Entry]:
        """The raw entries, newest first, without a copy.

        Raises ``RuntimeError`` on the next step if another thread records a call meanwhile;
        :meth:`newest_first_copy` is the fallback.
        """
        return reversed(self._entries)

    def newest_first_copy(self) -> list[Entry]:
        """The raw entries, newest first, copied in one step (safe while others record)."""
        copied = list(self._entries)
        copied.reverse()
        return copied

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def call_count(self) -> int:
        """How many calls the log holds (``len(pm.calls)``)."""
        return len(self._entries)

    @property
    def called(self) -> bool:
        """Whether any call was recorded."""
        return bool(self._entries)

    @property
    def last(self) -> Call:
        """The most recent call; ``IndexError`` when there is none."""
        if not self._entries:
            raise IndexError("no call was recorded")
        return Call.from_entry(self._entries[-1])

    def __iter__(self) -> Iterator[Call]:
        return (Call.from_entry(entry) for entry in list(self._entries))

    @overload
    def __getitem__(self, index: int) -> Call: ...

    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...

    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        if isinstance(index, slice):
            return [Call.from_entry(entry) for entry in list(self._entries)[index]]
        return Call.from_entry(self._entries[index])

    def filter(
        self, operation: str | None = None, *, service: str | None = None, ok: bool | None = None
    ) -> list[Call]:
        """The calls of ``operation`` (either spelling), of ``service``, that succeeded or failed."""
        wanted = None if operation is None else snake_name(operation)
        return [
            call
            for call in self
            if (wanted is None or snake_name(call.operation) == wanted)
            and (service is None or call.service == service)
            and (ok is None or call.ok is ok)
        ]

    def count(self, operation: str) -> int:
        """How many recorded calls were of ``operation`` (either spelling)."""
        wanted = snake_name(operation)
        return sum(1 for entry in list(self._entries) if snake_name(entry[1]) == wanted)

    def __repr__(self) -> str:
        return f"<CallLog of {len(self._entries)} calls>"
