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
  one: an activation starts its watch there, and records calls only from then on.
- A single sleep of ``stall_after`` or longer is a scheduler waiting between runs, not a
  poll: the watch starts over after it.
- Scheduled automatic trainings do not count as in flight: they create new versions, they
  do not change the failed one being polled.

Cost: code that never sleeps (most tests) pays nothing, neither the watch (built at the first
sleep) nor a record per call. After it, the calls are recorded as they are answered (a list
append) and classified only at the next sleep, so the cost per call stays in the tens of
nanoseconds. A long run of calls without a sleep is folded every :data:`RECORD_LIMIT` calls
while something is being polled; when nothing is (no poll counted, nothing read that could
stall) the run is dropped unread instead: classifying a response costs about as much as
answering it. What is dropped could only have named more resources in the error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from personalize_mock.errors import StalledPollingError

#: Polls (sleeps that follow reads) before the error may be raised.
MIN_POLLS = 3
#: Calls kept between two sleeps before they are folded on the spot, or dropped when nothing
#: is being polled yet (bounds memory for code that calls in a tight loop without sleeping).
RECORD_LIMIT = 256
#: Status endings of work in flight.
_TRANSITIONAL_ENDINGS = ("PENDING", "IN_PROGRESS", "STOPPING")
_WRITE, _READ, _NEUTRAL = "write", "read", "neutral"
#: Runtime calls answer from a model; they neither read a status nor change one.
_NEUTRAL_OPERATIONS = frozenset({"GetRecommendations", "GetPersonalizedRanking", "GetActionRecommendations"})

Record = tuple[str, Any, bool]


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

    __slots__ = ("_polled", "_polls", "_slept", "_work_in_flight", "records", "stall_after")

    def __init__(self, stall_after: float, work_in_flight: Callable[[], bool]) -> None:
        self.stall_after = stall_after
        self._work_in_flight = work_in_flight
        self.records: list[Record] = []
        #: What the current polling has read: arn (or operation) → (status, reason).
        self._polled: dict[str, tuple[str, str | None]] = {}
        self._polls = 0
        self._slept = 0.0

    def record(self, operation: str, result: Any, refused: bool = False) -> None:
        """Note one answered call (``result`` is the output, or the error if ``refused``)."""
        records = self.records
        records.append((operation, result, refused))
        if len(records) >= RECORD_LIMIT:
            if self._polls or self._polled:
                self._classify()
            else:
                # Nothing polled: no count or duration of a stall to keep (module docstring).
                records.clear()

    def _start_over(self) -> None:
        self._polled.clear()
        self._polls = 0
        self._slept = 0.0

    def _classify(self) -> bool:
        """Fold the recorded calls into the watch; whether any of them was a read."""
        records, self.records = self.records, []
        read = False
        for operation, result, refused in records:
            if refused:
                read = True
                self._polled[operation] = (f"refused with {result.code}", result.message)
                continue
            kind = operation_kind(operation)
            if kind == _WRITE:
                self._start_over()
                read = False
            elif kind == _READ:
                resources = read_resources(result)
                if resources is None:
                    self._start_over()
                    read = False
                else:
                    read = True
                    for arn, status, reason in resources:
                        self._polled[arn] = (status, reason)
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
