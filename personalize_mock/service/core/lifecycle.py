"""Status timelines: a resource's status is derived on read from the simulated clock.

A :class:`Timeline` is a short list of phases, each a status and the simulated time it
begins. Nothing runs in the background: reading the status at time ``t`` picks the last
phase that has begun, so one ``advance()`` may cross any number of phases and the answer
never depends on when (or whether) anyone looked in between. Acting on a resource (stop,
delete, update) rewrites the phases from "now" on.

The final phase of a deletion is :data:`GONE`: the resource then no longer exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

# The real service's status strings: a space between verb and phase, IN_PROGRESS keeps its
# underscore (behaviour reference §3.1).
CREATE_PENDING = "CREATE PENDING"
CREATE_IN_PROGRESS = "CREATE IN_PROGRESS"
ACTIVE = "ACTIVE"
CREATE_FAILED = "CREATE FAILED"
CREATE_STOPPING = "CREATE STOPPING"
CREATE_STOPPED = "CREATE STOPPED"
DELETE_PENDING = "DELETE PENDING"
DELETE_IN_PROGRESS = "DELETE IN_PROGRESS"
UPDATE_PENDING = "UPDATE PENDING"
UPDATE_IN_PROGRESS = "UPDATE IN_PROGRESS"
#: Not a status the service reports: the resource has been deleted and is not found any more.
GONE = "<gone>"

#: Statuses from which nothing moves on by itself.
TERMINAL = frozenset({ACTIVE, CREATE_FAILED, CREATE_STOPPED, GONE})
#: Statuses of work in flight for creations (used by quotas and delete rules).
CREATING = frozenset({CREATE_PENDING, CREATE_IN_PROGRESS})
#: Solution-version training that still occupies the in-flight quota and blocks deletes.
IN_FLIGHT = frozenset({CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_STOPPING})
DELETING = frozenset({DELETE_PENDING, DELETE_IN_PROGRESS})

# Shared status sequences: every timeline refers to one of these tuples instead of holding its
# own list of strings, which keeps a stored resource small.
CREATE_FLOW = (CREATE_PENDING, CREATE_IN_PROGRESS, ACTIVE)
CREATE_FAIL_FLOW = (CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_FAILED)


class Timeline:
    """Phases ``statuses[i]`` beginning at ``starts[i]`` (ascending simulated times)."""

    __slots__ = ("starts", "statuses")

    def __init__(self, statuses: Sequence[str], starts: Sequence[float]) -> None:
        self.statuses = tuple(statuses)
        self.starts = tuple(starts)

    @classmethod
    def creation(cls, start: float, pending: float, total: float, *, failed: bool = False) -> Timeline:
        """PENDING at ``start``, IN_PROGRESS after ``pending`` seconds, done after ``total``."""
        pending = min(pending, total)
        flow = CREATE_FAIL_FLOW if failed else CREATE_FLOW
        return cls(flow, (start, start + pending, start + total))

    def _index(self, now: float) -> int:
        starts = self.starts
        index = len(starts) - 1
        while index > 0 and starts[index] > now:
            index -= 1
        return index

    def status(self, now: float) -> str:
        """The status at simulated time ``now`` (the first phase if ``now`` precedes it)."""
        return self.statuses[self._index(now)]

    def changed_at(self, now: float) -> float:
        """When the phase current at ``now`` began: the resource's ``lastUpdatedDateTime``."""
        return self.starts[self._index(now)]

    @property
    def settles_at(self) -> float:
        """When the last phase begins: from then on nothing changes by itself."""
        return self.starts[-1]

    @property
    def final_status(self) -> str:
        return self.statuses[-1]

    def then(self, now: float, phases: Sequence[tuple[str, float]]) -> Timeline:
        """A timeline that keeps the phases begun by ``now`` and continues with ``phases``.

        ``phases`` are (status, seconds after ``now``) pairs.
        """
        keep = self._index(now) + 1
        statuses = self.statuses[:keep] + tuple(status for status, _ in phases)
        starts = self.starts[:keep] + tuple(now + delay for _, delay in phases)
        return Timeline(statuses, starts)

    def __repr__(self) -> str:
        phases = ", ".join(f"{s}@{t:.3f}" for s, t in zip(self.statuses, self.starts, strict=True))
        return f"Timeline({phases})"


class Tracked(Protocol):
    """Anything with a creation stamp, a timeline and a failure reason: a resource or an update."""

    @property
    def created(self) -> float: ...

    @property
    def timeline(self) -> Timeline: ...

    @property
    def failure_reason(self) -> str | None: ...
