"""The state of one active mock: clock, faults, options and the per-region backends.

An outermost activation creates a fresh :class:`MockState`; nested activations share it.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable, Mapping
from typing import Any

from personalize_mock.calls import CallLog
from personalize_mock.clock import SimulatedClock
from personalize_mock.errors import COMMON_ERRORS
from personalize_mock.faults import Faults
from personalize_mock.model import assert_valid_output, service_model
from personalize_mock.options import MockOptions
from personalize_mock.polling import PollingWatch
from personalize_mock.service.core.store import RegionBackend

Handler = Callable[[RegionBackend, Mapping[str, Any]], dict[str, Any]]


class MockState:
    """Everything one mock knows; guarded by one lock so threads never see half-built state."""

    def __init__(self, options: MockOptions) -> None:
        self.options = options
        self.clock = SimulatedClock()
        self.faults = Faults()
        self._rng: random.Random | None = None
        self.lock = threading.RLock()
        self.backends: dict[str, RegionBackend] = {}
        #: The thread whose ``time.sleep`` moves the simulated clock.
        self.owner_thread = threading.get_ident()
        #: Watches for stalled polling, from the first simulated sleep of an activation that
        #: simulates sleep (None otherwise): see :meth:`start_polling_watch`.
        self.polling: PollingWatch | None = None
        #: Every call answered in-process (``pm.calls``); appended by interception/dispatch.py.
        self.calls = CallLog()

    @property
    def rng(self) -> random.Random:
        """The random source of ids (ARN suffixes, recommendation ids); made on first use.

        Seeding costs ~5 µs, a quarter of an activation, which an activation without calls
        (or a nested one) need not pay. Seeded from 16 bytes of OS entropy:
        ``random.Random()`` reads 2.5 KB of it and costs ~9 µs; the ids it draws need
        uniqueness, not a 19937-bit seed.
        """
        rng = self._rng
        if rng is None:
            rng = self._rng = random.Random(int.from_bytes(os.urandom(16), "big"))
        return rng

    def start_polling_watch(self) -> PollingWatch:
        """Watch for stalled polling from now on (an activation calls it at its first sleep)."""
        stall_after = self.options.stall_after
        assert stall_after is not None  # an activation only asks when it is set
        watch = self.polling = PollingWatch(stall_after, self.work_in_flight, self.calls)
        return watch

    def backend(self, region: str) -> RegionBackend:
        found = self.backends.get(region)
        if found is None:
            found = self.backends[region] = RegionBackend(
                account_id=self.options.account_id,
                region=region,
                clock=self.clock,
                options=self.options,
                faults=self.faults,
                rng=self.rng,
            )
        return found

    def dispatch(
        self, service: str, operation: str, handler: Handler, region: str, params: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Run ``handler`` against the region's backend, after any injected error."""
        # Hot path: two method calls fewer when nothing is injected and the region exists
        # (~0.7 µs per call measured in the botocore call path, docs/performance.md).
        faults = self.faults
        if faults.armed:
            injected = faults.take_error(operation)
            if injected is not None:
                raise injected.to_exception()
        with self.lock:
            backend = self.backends.get(region)
            if backend is None:
                backend = self.backend(region)
            # Scheduled work of every region runs first, in time order, so work materialized
            # late (nobody called its region) still gets its own time as creationDateTime.
            for each in self.backends.values():
                each.run_due()
            output = handler(backend, params)
        if self.options.validate_responses:
            assert_valid_output(service, operation, output)
        return output

    def status_for(self, service: str, code: str) -> int:
        """The HTTP status the service uses for error ``code`` (from botocore's model)."""
        shape = service_model(service).shape_for_error_code(code)
        if shape is not None:
            return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
        return COMMON_ERRORS.get(code, 400)

    def settle_time(self) -> float:
        """When everything already started in every region has finished."""
        latest = self.clock.time()
        with self.lock:
            for backend in self.backends.values():
                backend.run_due()
                # Only what is in flight (and what has become gone, forgotten on the way).
                latest = max(latest, backend.in_flight.latest(self.clock.time()))
        return latest

    def work_in_flight(self) -> bool:
        """Whether any resource in any region still has work in flight (scheduled runs excluded)."""
        now = self.clock.time()
        with self.lock:
            for backend in self.backends.values():
                backend.run_due()
                if backend.in_flight.latest(now) > now:
                    return True
        return False

    def reset(self) -> None:
        with self.lock:
            self.backends.clear()
            self.faults.clear()
