"""Stalled polling: a loop that keeps re-reading resources that can no longer change.

On AWS, ``while status != "ACTIVE": time.sleep(60)`` on a version that ended
``CREATE FAILED`` waits forever. Under the mock it would burn a CPU just as silently, so the
mock watches what the code reads between its simulated sleeps and raises
:class:`~personalize_mock.errors.StalledPollingError` from ``time.sleep`` once the code has
slept ``stall_after`` simulated seconds while only reading resources in a final state, with
nothing in flight anywhere.

What counts, and why:

- A *read* is a successful Describe/List/Get call of the control plane, or a refused call
  (the same refusal repeats until something changes). A read of anything still in a
  transitional status (``… PENDING``, ``… IN_PROGRESS``, ``CREATE STOPPING``) means the code
  is waiting on work: the watch starts over. So does any successful write, and any sleep at
  which some resource, anywhere, still has work in flight (a training can change what a
  solution or a synced campaign shows).
- A *poll* is a sleep with at least one read since the previous sleep. The error needs at
  least :data:`MIN_POLLS` of them, and is raised only at a sleep that directly follows a
  read: sleeps alone (a scheduler's ticks) never trip it. The first sleep has no previous
  one: an activation starts its watch there, and counts calls only from then on.
- A single sleep of ``stall_after`` or longer is a scheduler waiting between runs, not a
  poll: the watch starts over after it.
- Scheduled automatic trainings do not count as in flight: they create new versions, they
  do not change the failed one being polled.

Where the calls come from: the watch keeps no record of its own. At each sleep it reads the
call log (:mod:`personalize_mock.calls`, which every in-process call is appended to anyway)
newest first, back to the entry that was newest at the previous sleep, and stops early at
the most recent write or read of work in flight (nothing before it can matter). So the
calls cost the watch nothing, and a sleep costs the classification of what came after the
last write. When the marker is gone (``pm.calls.clear()``, ``pm.reset()``, or more than
:data:`~personalize_mock.calls.CALL_LOG_LIMIT` calls since the previous sleep) what happened
before the calls the log holds is unknown: the watch starts over, as after a write, and
counts what it holds. It can only trip later than it would have, never wrongly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from personalize_mock.errors import StalledPollingError, wire_code

if TYPE_CHECKING:
    from personalize_mock.calls import CallLog, Entry

#: Polls (sleeps that follow reads) before the error may be raised.
MIN_POLLS = 3
#: Status endings of work in flight.
_TRANSITIONAL_ENDINGS = ("PENDING", "IN_PROGRESS", "STOPPING")
_WRITE, _READ, _NEUTRAL = "write", "read", "neutral"
#: Runtime calls answer from a model; they neither read a status nor change one.
_NEUTRAL_OPERATIONS = frozenset({"GetRecommendations", "GetPersonalizedRanking", "GetActionRecommendations"})


def operation_kind(operation: str) -> str:
    """Whether ``operation`` reads state, changes it, or neither (runtime answers)."""
    if operation in _NEUTRAL_OPERATIONS:
        return _NEUTRAL
    if operation.startswith(("Describe", "List", "Get")):
        return _READ
    return _WRITE


def is_transitional(status: object) -> bool:
    """Whether a status string names work still in flight."""
    return isinstance(status, str) and status.endswith(_TRANSITIONAL_ENDINGS)


def read_resources(output: Mapping[str, Any]) -> list[tuple[str, str, str | None]] | None:
    """The (arn, status, failure reason) of what a read showed; ``None`` if any is in flight."""
    found: list[tuple[str, str, str | None]] = []
    for key, value in output.items():
        if isinstance(value, dict):
            items: list[Any] = [(key, value)]
        elif isinstance(value, list):
            singular = key[:-1] if key.endswith("s") else key
            items = [(singular, item) for item in value if isinstance(item, dict)]
        else:
            continue
        for kind, resource in items:
            status = resource.get("status")
            if is_transitional(status):
                return None
            for nested in resource.values():
                if isinstance(nested, dict) and is_transitional(nested.get("status")):
                    return None
            arn = resource.get(f"{kind}Arn")
            if arn is not None and status is not None:
                found.append((str(arn), str(status), resource.get("failureReason")))
    return found


class PollingWatch:
    """Watches the calls and sleeps of one active mock for polling that cannot end."""

    __slots__ = ("_calls", "_polled", "_polls", "_seen", "_slept", "_work_in_flight", "stall_after")

    def __init__(self, stall_after: float, work_in_flight: Callable[[], bool], calls: CallLog) -> None:
        self.stall_after = stall_after
        self._work_in_flight = work_in_flight
        self._calls = calls
        #: The newest call at the previous sleep: the calls after it are the new ones.
        self._seen: Entry | None = calls.newest_entry()
        #: What the current polling has read: arn (or operation) → (status, reason).
        self._polled: dict[str, tuple[str, str | None]] = {}
        self._polls = 0
        self._slept = 0.0

    def _start_over(self) -> None:
        self._polled.clear()
        self._polls = 0
        self._slept = 0.0

    def _classify(self) -> bool:
        """Fold the calls made since the previous sleep into the watch; whether any was a read."""
        try:
            return self._fold(self._calls.newest_first())
        except RuntimeError:
            # Another thread called Personalize during the walk (a deque refuses to be
            # iterated while it changes): walk a copy. ``list(deque)`` runs in C under the
            # GIL, so it cannot see a change half-made; a free-threaded build would need a lock.
            return self._fold(self._calls.newest_first_copy())

    def _fold(self, newest_first: Iterable[Entry]) -> bool:
        seen = self._seen
        newest: Entry | None = None
        # Walking back in time, the newest reading of each resource is met first: it gives
        # the status. The oldest reading is met last: it gives the place in the message, so
        # resources are named in the order the loop first read them (as a forward walk would).
        status_now: dict[str, tuple[str, str | None]] = {}
        first_read_last: dict[str, None] = {}
        read = False
        restart = False
        for entry in newest_first:
            if newest is None:
                newest = entry
            if entry is seen:
                break
            operation, output, error = entry[1], entry[3], entry[4]
            if error is not None:
                # Refused: the same refusal repeats until something changes.
                read = True
                status_now.setdefault(operation, (f"refused with {wire_code(error)}", error.message))
                first_read_last.pop(operation, None)
                first_read_last[operation] = None
                continue
            kind = operation_kind(operation)
            if kind == _READ:
                resources = read_resources(output)
                if resources is not None:
                    read = True
                    for arn, status, reason in reversed(resources):
                        status_now.setdefault(arn, (status, reason))
                        first_read_last.pop(arn, None)
                        first_read_last[arn] = None
                    continue
            elif kind == _NEUTRAL:
                continue
            # A write, or a read of work in flight: nothing before it matters.
            restart = True
            break
        else:
            # The previous marker is gone (the log was cleared or overflowed): what came
            # before the calls it holds is unknown, so count from them on.
            restart = seen is not None
        self._seen = newest
        if restart:
            self._start_over()
        # Oldest first; a resource read at an earlier sleep keeps its place.
        polled = self._polled
        for key in reversed(first_read_last):
            polled[key] = status_now[key]
        return read

    def before_sleep(self, seconds: float) -> None:
        """Called by a simulated sleep before it moves the clock; raises when polling stalled."""
        read = self._classify()
        if seconds >= self.stall_after:
            # A scheduler waiting between runs, not a poll.
            self._start_over()
            return
        if read:
            if self._work_in_flight():
                self._start_over()
                return
            self._polls += 1
        if not self._polled:
            return
        if read and self._polls >= MIN_POLLS and self._slept >= self.stall_after:
            polled = dict(self._polled)
            slept = self._slept
            self._start_over()
            raise StalledPollingError(polled, slept)
        self._slept += seconds
