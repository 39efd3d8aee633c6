"""The simulated clock: the process's own time plus an offset that ``advance()`` moves.

"Now" is read at call time through ``time.time()`` looked up on the module, never through a
cached reference, so freezegun and time-machine drive it (freezegun rebinds module-level
references it finds; an attribute lookup on ``time`` always sees the current binding).

When freezegun is active, moving the clock ticks freezegun's own factory instead of the
offset, so ``datetime.now()`` and ``time.time()`` in the user's code agree with the mock.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

Seconds = float | int | timedelta


def to_seconds(value: Seconds) -> float:
    """A duration given as seconds or a ``timedelta``, in seconds (``bool`` is refused)."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected seconds (a number) or a timedelta, got {value!r}")
    return float(value)


def floor_ms(timestamp: float) -> float:
    """``timestamp`` truncated to the millisecond, the precision the service reports."""
    return math.floor(timestamp * 1000) / 1000


#: Datetimes already built, by timestamp. Every response carries two per resource and a list
#: page ten of each, mostly the same few values; datetimes are immutable, so one object can
#: be handed out many times (a lookup costs a third of building one). Bounded: emptied when
#: full, which only costs rebuilding.
_DATETIMES: dict[float, datetime] = {}
DATETIME_MEMO_LIMIT = 8192


def to_datetime(timestamp: float) -> datetime:
    """An epoch timestamp as the timezone-aware UTC datetime botocore would have parsed."""
    found = _DATETIMES.get(timestamp)
    if found is None:
        if len(_DATETIMES) >= DATETIME_MEMO_LIMIT:
            _DATETIMES.clear()
        found = _DATETIMES[timestamp] = datetime.fromtimestamp(timestamp, timezone.utc)
    return found


def active_freezegun_factory() -> Any | None:
    """The innermost active freezegun time factory, or ``None`` when freezegun is not running.

    freezegun is only inspected if something already imported it, so the check costs nothing
    for users who do not use it.
    """
    api = sys.modules.get("freezegun.api")
    if api is None:
        return None
    factories = getattr(api, "freeze_factories", None)
    if not factories:
        return None
    return factories[-1]


class SimulatedClock:
    """A clock whose reading is the process's time plus an offset moved by :meth:`advance`."""

    __slots__ = ("_last_stamp", "_lock", "offset")

    def __init__(self) -> None:
        self.offset = 0.0
        self._last_stamp = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        """Current simulated time as epoch seconds."""
        return time.time() + self.offset

    def now(self) -> datetime:
        """Current simulated time as a timezone-aware UTC datetime."""
        return to_datetime(self.time())

    def advance(self, seconds: float) -> None:
        """Move simulated time forward; ticks freezegun instead when it is active."""
        if not math.isfinite(seconds):
            raise ValueError(f"the simulated clock moves by a finite number of seconds; got {seconds}")
        if seconds < 0:
            raise ValueError(f"the simulated clock only moves forward; got {seconds} seconds")
        if seconds == 0:
            return
        factory = active_freezegun_factory()
        tick = getattr(factory, "tick", None)
        if tick is not None:
            tick(timedelta(seconds=seconds))
        else:
            with self._lock:
                self.offset += seconds

    def stamp(self) -> float:
        """A creation timestamp: now, at millisecond precision, strictly after the previous stamp.

        The real service reports milliseconds; resources created one after the other must get
        strictly increasing creation times even within one millisecond or if the process's
        clock steps back (freezegun moved backwards).
        """
        return self.stamp_at(self.time())

    def stamp_at(self, when: float) -> float:
        """A creation timestamp for work that began at ``when`` (automatic training)."""
        # Truncated, not rounded: a stamp must not lie ahead of the clock it was read from.
        stamp = floor_ms(when)
        with self._lock:
            if stamp <= self._last_stamp:
                stamp = round(self._last_stamp + 0.001, 3)
            self._last_stamp = stamp
        return stamp
