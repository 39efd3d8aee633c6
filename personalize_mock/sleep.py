"""Simulated sleep: ``time.sleep`` (and ``asyncio.sleep``) in the activating thread move the clock.

Unchanged polling loops (``while status != "ACTIVE": time.sleep(60)``) then finish in
milliseconds. Other threads sleep for real: their sleeps may be waits on real work, and a
clock moved by several threads at once would run faster than any of them expects.

Only the module attributes are replaced: code that did ``from time import sleep`` before the
mock started keeps the real function (documented in docs/clock.md).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from .clock import SimulatedClock

_real_sleep = time.sleep
_real_asyncio_sleep = asyncio.sleep


class SimulatedSleep:
    """Replaces ``time.sleep`` and ``asyncio.sleep`` while installed."""

    def __init__(self, clock: SimulatedClock, owner_thread: int) -> None:
        self.clock = clock
        self.owner_thread = owner_thread
        self._saved: tuple[Callable[[float], None], Any] | None = None

    def sleep(self, seconds: float) -> None:
        if threading.get_ident() != self.owner_thread:
            _real_sleep(seconds)
            return
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self.clock.advance(seconds)

    async def asyncio_sleep(self, delay: float, result: Any = None) -> Any:
        if threading.get_ident() != self.owner_thread:
            return await _real_asyncio_sleep(delay, result)
        if delay > 0:
            self.clock.advance(delay)
        # Still yield to the event loop once, as a real sleep would.
        return await _real_asyncio_sleep(0, result)

    def install(self) -> None:
        self._saved = (time.sleep, asyncio.sleep)
        # setattr: the replacements' signatures are narrower than typeshed's.
        setattr(time, "sleep", self.sleep)  # noqa: B010
        setattr(asyncio, "sleep", self.asyncio_sleep)  # noqa: B010

    def uninstall(self) -> None:
        if self._saved is not None:
            setattr(time, "sleep", self._saved[0])  # noqa: B010
            setattr(asyncio, "sleep", self._saved[1])  # noqa: B010
            self._saved = None


def real_sleep() -> Callable[[float], None]:
    """The process's real ``time.sleep``, for code that must wait in wall time."""
    return _real_sleep
