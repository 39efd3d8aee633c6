"""The simulated clock, and the one world it makes: the process's clock follows it.

By default an active mock drives the process's wall clock through time-machine, which
patches the C functions behind ``time.time()``, ``datetime.now()`` and friends (so even
``from datetime import datetime`` references follow) and starts in microseconds, where
freezegun's start walks ``sys.modules`` for milliseconds. Advancing the simulated clock then
shifts that traveller, and code under test that compares a resource's timestamps with
``datetime.now()``, or polls until ``time.time()`` passes a deadline, sees the same time as
the mock. Monotonic clocks stay real: they measure durations for pytest and timeouts.

The traveller starts when the simulated time first leaves the process's (the first advance or
simulated sleep), not at activation: until then the wall clock already reads the simulated
time, and an activation that never moves the clock (most tests) skips the ~3 µs of starting
and stopping it.

Whoever drives the process's time, all clocks agree: when freezegun is active, advancing
ticks freezegun's factory; when a time-machine traveller other than the mock's own is on
top, advancing shifts that traveller; otherwise (``wall_clock=False``) the mock keeps a
private offset on top of the process's time.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from types import ModuleType
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
DATETIMES: dict[float, datetime] = {}
DATETIME_MEMO_LIMIT = 8192


def to_datetime(timestamp: float) -> datetime:
    """An epoch timestamp as the timezone-aware UTC datetime botocore would have parsed."""
    found = DATETIMES.get(timestamp)
    if found is None:
        if len(DATETIMES) >= DATETIME_MEMO_LIMIT:
            DATETIMES.clear()
        found = DATETIMES[timestamp] = datetime.fromtimestamp(timestamp, timezone.utc)
    return found


def to_datetime_checked(timestamp: float) -> datetime:
    """:func:`to_datetime`, with ``ValueError`` for a moment a datetime cannot hold."""
    try:
        return datetime.fromtimestamp(timestamp, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError(
            f"the simulated clock cannot move to {timestamp!r} seconds after the epoch: "
            "it is outside the range of datetime"
        ) from None


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


def _time_machine_stack() -> list[Any]:
    """time-machine's stack of active travellers (empty when time-machine is not loaded)."""
    module = sys.modules.get("time_machine")
    stack: list[Any] = getattr(module, "traveller_stack", None) or []
    return stack


def active_time_machine_traveller() -> Any | None:
    """The innermost active time-machine traveller, or ``None`` when none is travelling.

    time-machine is only inspected if something already imported it (the mock's own wall
    clock, the user, or pytest loading its plugin).
    """
    stack = _time_machine_stack()
    return stack[-1] if stack else None


def _load_time_machine() -> tuple[ModuleType, ModuleType]:
    # Imported at the first activation, not with the package: outside pytest (which loads
    # time-machine's plugin at start-up anyway) the import costs tens of milliseconds, which
    # `import personalize_mock` alone should not pay.
    import _time_machine
    import time_machine

    return time_machine, _time_machine


#: ``time.time`` as the interpreter built it. time-machine patches it in place (the object
#: stays the same), freezegun replaces the module attribute: a different object means
#: freezegun (or another module-level patcher) decides what time it is. Kept in a tuple
#: because freezegun also rebinds every module-level name bound to the real function.
_BUILTIN_TIME = (time.time,)


class SimulatedClock:
    """A clock whose reading is the process's time plus an offset moved by :meth:`advance`.

    While :meth:`drive_wall_clock` is in force the offset is carried by a time-machine
    traveller too (from the first move on), so ``time.time()`` and ``datetime.now()`` of every
    thread read the simulated time.
    """

    __slots__ = (
        "_driving",
        "_last_millis",
        "_lock",
        "_real_time",
        "_skew",
        "_stack",
        "_travel",
        "_traveller",
        "offset",
    )

    #: Set with ``_traveller`` by :meth:`_start_traveller` (left unset until then: a clock is
    #: made at every activation, and most never start one): the travel to stop, time-machine's
    #: traveller stack, its unpatched clock, and how far the traveller's reading lags that
    #: clock plus ``offset``, in seconds (microseconds at most).
    _travel: Any
    _stack: list[Any]
    _real_time: Callable[[], float]
    _skew: float

    def __init__(self) -> None:
        self.offset = 0.0
        #: The last creation stamp handed out, in whole milliseconds.
        self._last_millis = 0
        self._lock = threading.Lock()
        #: Whether :meth:`drive_wall_clock` is in force (its traveller may not be started yet).
        self._driving = False
        #: The mock's own time-machine traveller, once started.
        self._traveller: Any = None

    def time(self) -> float:
        """Current simulated time as epoch seconds."""
        traveller = self._traveller
        if traveller is None:
            return time.time() + self.offset
        stack = self._stack
        if time.time is _BUILTIN_TIME[0] and stack and stack[-1] is traveller:
            # Our own traveller is on top: the same reading as the patched time.time(),
            # without the ~0.4 µs the patched call costs (every response reads the clock).
            return self._real_time() + self._skew + self.offset
        # freezegun or the user's own traveller drives the process's time now: follow it.
        return time.time()

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
        # Refuse what no clock can represent before anything moves (datetime's range).
        to_datetime_checked(self.time() + seconds)
        factory = active_freezegun_factory()
        tick = getattr(factory, "tick", None)
        if tick is not None:
            tick(timedelta(seconds=seconds))
            return
        with self._lock:
            # Looked up under the lock: two threads making the first move start one traveller.
            traveller = active_time_machine_traveller()
            if traveller is None and self._driving:
                # The first move away from the process's time: from now on the wall clock
                # needs a traveller to follow. (While another traveller is on, that one is
                # shifted instead and ours starts at a later move, once it has stopped.)
                traveller = self._start_traveller()
            if traveller is not None:
                traveller.shift(seconds)
                if traveller is not self._traveller:
                    return
            self.offset += seconds

    def drive_wall_clock(self) -> None:
        """Make the process's wall clock read the simulated time whenever nothing else drives it.

        While freezegun or another time-machine traveller is active, that one drives, and
        :meth:`advance` moves it instead. While the simulated time is the process's own (no
        offset) the wall clock reads it already: the traveller starts at the first
        :meth:`advance` that finds nothing else driving (so nothing is looked up here, where
        every activation would pay for it).
        """
        self._driving = True
        if self.offset and active_freezegun_factory() is None and not _time_machine_stack():
            # A restored snapshot's time: the wall clock must read it from the start.
            self._start_traveller()

    def _start_traveller(self) -> Any:
        """Start the traveller that carries the offset; nothing else is travelling."""
        time_machine, unpatched = _load_time_machine()
        # No traveller is on, so time.time() is still the real clock here.
        travel = time_machine.travel(time.time() + self.offset, tick=True)
        traveller = travel.start()
        # The first reading pins the traveller's real start; measuring the offset right after
        # it (a later real reading) errs on the side of the mock's clock lagging the process's
        # by nanoseconds, so no timestamp the mock hands out is ever ahead of datetime.now().
        travelled = traveller.time_ns()
        self._skew = (travelled - unpatched.original_time_ns()) / 1e9 - self.offset
        self._travel = travel
        self._traveller = traveller
        self._stack = time_machine.traveller_stack
        self._real_time = unpatched.original_time
        return traveller

    def release_wall_clock(self) -> None:
        """Undo :meth:`drive_wall_clock`; the simulated time keeps its offset."""
        self._driving = False
        traveller = self._traveller
        if traveller is None:
            return
        self._traveller = None
        stack = self._stack
        if stack[-1] is traveller:
            self._travel.stop()
        else:
            # A traveller the user started inside the mock is still on: leave it driving.
            # time-machine unpatches when the last traveller stops, so taking ours out of
            # the stack is all there is to undo.
            stack.remove(traveller)

    def stamp(self) -> float:
        """A creation timestamp: now, at millisecond precision, strictly after the previous stamp.

        The real service reports milliseconds; resources created one after the other must get
        strictly increasing creation times even within one millisecond or if the process's
        clock steps back (freezegun moved backwards).
        """
        return self.stamp_at(self.time())

    @property
    def last_stamp(self) -> float:
        """The last creation stamp handed out (epoch seconds; snapshots keep it)."""
        return self._last_millis / 1000

    @last_stamp.setter
    def last_stamp(self, stamp: float) -> None:
        self._last_millis = round(stamp * 1000)

    def stamp_at(self, when: float) -> float:
        """A creation timestamp for work that began at ``when`` (creates read the clock once).

        Callers hold the state's lock (every handler and every scheduled action runs under
        it), so the last stamp needs no lock of its own: taking one cost ~0.15 µs per create.
        """
        # Truncated, not rounded: a stamp must not lie ahead of the clock it was read from.
        # Whole milliseconds as an int: creates in a loop land in the same millisecond most
        # of the time, and bumping an int is ~0.3 µs cheaper than round(stamp + 0.001, 3);
        # ms / 1000 is the same nearest float as round() gives.
        millis = math.floor(when * 1000)
        last = self._last_millis
        if millis <= last:
            millis = last + 1
        self._last_millis = millis
        return millis / 1000
