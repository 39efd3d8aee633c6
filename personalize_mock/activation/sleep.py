"""Simulated sleep: ``time.sleep`` (and ``asyncio.sleep``) in the activating thread move the clock.

Unchanged polling loops (``while status != "ACTIVE": time.sleep(60)``) then finish in
milliseconds. Other threads sleep for real: their sleeps may be waits on real work, and a
clock moved by several threads at once would run faster than any of them expects.

Only the module attributes are replaced: code that did ``from time import sleep`` before the
mock started keeps the real function (documented in docs/clock.md).
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from personalize_mock.clock import SimulatedClock
from personalize_mock.polling import PollingWatch

_real_sleep = time.sleep
#: ``asyncio.sleep`` as found the first time a mock started with asyncio loaded. asyncio is not
#: imported here: it would add ~10 ms to every ``import personalize_mock`` (and so to every
#: pytest start, through the plugin entry point) for users who never use it.
_real_asyncio_sleep: Any = None


class SimulatedSleep:
    """Replaces ``time.sleep`` and ``asyncio.sleep`` while installed."""

    #: Set at the first sleep, by ``start_watch``; the saved functions while installed.
    #: Class-level defaults: an object is made at every activation, most never sleep.
    watch: PollingWatch | None = None
    _saved: tuple[Callable[[float], None], Any] | None = None
    _saved_asyncio: Any = None

    def __init__(
        self,
        clock: SimulatedClock,
        owner_thread: int,
        start_watch: Callable[[], PollingWatch] | None = None,
    ) -> None:
        self.clock = clock
        self.owner_thread = owner_thread
        #: Makes the watch that raises StalledPollingError from a sleep of a loop that can no
        #: longer end; called at the first sleep (polling.py: polls count from there on).
        self.start_watch = start_watch

    def sleep(self, seconds: float) -> None:
        if threading.get_ident() != self.owner_thread:
            _real_sleep(seconds)
            return
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if 0 < seconds < math.inf:
            self._before_sleep(seconds)
        self.clock.advance(seconds)

    async def asyncio_sleep(self, delay: float, result: Any = None) -> Any:
        if threading.get_ident() != self.owner_thread:
            return await _real_asyncio_sleep(delay, result)
        if delay > 0:
            if delay < math.inf:
                self._before_sleep(delay)
            self.clock.advance(delay)
        # Still yield to the event loop once, as a real sleep would.
        return await _real_asyncio_sleep(0, result)

    def _before_sleep(self, seconds: float) -> None:
        watch = self.watch
        if watch is not None:
            watch.before_sleep(seconds)
        elif self.start_watch is not None:
            # The first sleep: nothing to fold yet; calls count from now on.
            self.watch = self.start_watch()
            self.start_watch = None

    def install(self) -> None:
        global _real_asyncio_sleep
        # Only a loaded asyncio is patched: code that awaits asyncio.sleep has imported it
        # before the mock starts (an async test, pytest-asyncio, aiobotocore all do).
        self._saved_asyncio = sys.modules.get("asyncio")
        saved_asyncio_sleep = None
        if self._saved_asyncio is not None:
            saved_asyncio_sleep = self._saved_asyncio.sleep
            if _real_asyncio_sleep is None:
                _real_asyncio_sleep = saved_asyncio_sleep
            self._saved_asyncio.sleep = self.asyncio_sleep
        self._saved = (time.sleep, saved_asyncio_sleep)
        # setattr: the replacement's signature is narrower than typeshed's.
        setattr(time, "sleep", self.sleep)  # noqa: B010

    def uninstall(self) -> None:
        if self._saved is not None:
            setattr(time, "sleep", self._saved[0])  # noqa: B010
            if self._saved_asyncio is not None:
                self._saved_asyncio.sleep = self._saved[1]
            self._saved = None
            self._saved_asyncio = None


def real_sleep() -> Callable[[float], None]:
    """The process's real ``time.sleep``, for code that must wait in wall time."""
    return _real_sleep
