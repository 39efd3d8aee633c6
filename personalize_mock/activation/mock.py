"""``PersonalizeMock``: one object for every activation style, and ``mock_personalize``.

The same object is a decorator (sync, async, generator, class), a context manager (sync and
async) and has ``start()``/``stop()``. Activations are counted process-wide: the outermost
one creates fresh, empty state and installs the patches; inner ones (of this or another
``PersonalizeMock``) join it; only the outermost exit switches the mock off.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar, overload

from personalize_mock.activation.environment import FakeCredentials
from personalize_mock.activation.guard import SendGuard
from personalize_mock.activation.sleep import SimulatedSleep
from personalize_mock.calls import CallLog, snake_name
from personalize_mock.clock import Seconds, to_seconds
from personalize_mock.faults import DEFAULT_FAILURE_REASON, check_error_code
from personalize_mock.interception.dispatch import active
from personalize_mock.model import operation_model
from personalize_mock.options import MockOptions
from personalize_mock.state import MockState

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

_activation_lock = threading.RLock()
#: The options of every mock made without any, built once: MockOptions is frozen (its tables
#: are read-only mappings), and validating nothing again cost ~8 µs, as much as the rest of a
#: ``with mock_personalize():`` activation.
_DEFAULT_OPTIONS = MockOptions.build()


#: The process-wide patches, one object each: only one activation is installed at a time
#: (under ``_activation_lock``) and each uninstall undoes all its install did, so they are
#: reused rather than made at every activation.
_CREDENTIALS = FakeCredentials()
_GUARD = SendGuard()


class _Activation:
    """The patches of the outermost activation, undone in reverse order on its exit."""

    #: freezegun's freezer while ``freeze=True`` has it running.
    freezer: Any = None

    def __init__(self, state: MockState, resume_at: float | None = None) -> None:
        self.state = state
        #: A restored state's snapshot time: a frozen clock starts exactly there, not the few
        #: microseconds later the restored clock reads by now (equal snapshots, docs/usage.md).
        self.resume_at = resume_at
        self.depth = 0
        options = state.options
        self.sleep: SimulatedSleep | None = None
        if options.simulate_sleep:
            # A method of the state, not of this activation: a cycle through the sleep would
            # leave every activation to the garbage collector.
            start_watch = None if options.stall_after is None else state.start_polling_watch
            self.sleep = SimulatedSleep(state.clock, state.owner_thread, start_watch)

    def install(self) -> None:
        state = self.state
        options = state.options
        _CREDENTIALS.install()
        _GUARD.install()
        if options.freeze:
            import freezegun  # imported only when asked for: it costs milliseconds

            resume_at = self.resume_at
            start = state.clock.now() if resume_at is None else datetime.fromtimestamp(resume_at, UTC)
            self.freezer = freezegun.freeze_time(start)
            self.freezer.start()
            # freezegun now reports the mock's time itself; a restored state's offset (the only
            # non-zero one at this point) must not be added a second time.
            state.clock.offset = 0.0
        elif options.wall_clock:
            # One world: time.time() and datetime.now() of the code under test read the
            # simulated time (unless freezegun or the user's time-machine drives it).
            state.clock.drive_wall_clock()
        if self.sleep is not None:
            self.sleep.install()
        active.state = state

    def uninstall(self) -> None:
        state = self.state
        active.state = None
        state.polling = None
        if self.sleep is not None:
            self.sleep.uninstall()
        state.clock.release_wall_clock()
        if self.freezer is not None:
            self.freezer.stop()
            self.freezer = None
        _GUARD.uninstall()
        _CREDENTIALS.uninstall()


_current: _Activation | None = None


class PersonalizeMock:
    """An in-process mock of Amazon Personalize; see :func:`mock_personalize`."""

    def __init__(self, options: MockOptions | None = None) -> None:
        self.options = options or _DEFAULT_OPTIONS
        self._state: MockState | None = None
        self._starts = 0
        #: Set by :meth:`restore`: every outermost activation starts from this snapshot.
        self._snapshot: bytes | None = None

    # -- activation ------------------------------------------------------------------------

    def start(self) -> PersonalizeMock:
        """Switch the mock on (or join the active one); pair each call with :meth:`stop`."""
        global _current
        with _activation_lock:
            if _current is None:
                activation = _Activation(*self._initial_state())
                activation.install()
                _current = activation
            elif differing := self.options.differences(_current.state.options):
                warnings.warn(
                    "a nested personalize_mock activation joins the active mock; its options "
                    f"{', '.join(differing)} differ from the outer mock's and are ignored",
                    stacklevel=3,
                )
            elif self._snapshot is not None:
                warnings.warn(
                    "a restored PersonalizeMock joins the active mock; its snapshot is not loaded",
                    stacklevel=3,
                )
            _current.depth += 1
            self._state = _current.state
            self._starts += 1
        return self

    def _initial_state(self) -> tuple[MockState, float | None]:
        if self._snapshot is None:
            return MockState(self.options), None
        from personalize_mock.snapshot import load_state, read_time

        return load_state(self._snapshot), read_time(self._snapshot)

    def stop(self) -> None:
        """Undo one :meth:`start`; the outermost stop switches the mock off."""
        global _current
        with _activation_lock:
            if self._starts == 0 or _current is None:
                raise RuntimeError("stop() called on a PersonalizeMock that is not started")
            self._starts -= 1
            _current.depth -= 1
            if _current.depth == 0:
                _current.uninstall()
                _current = None
            if self._starts == 0:
                self._state = None

    def __enter__(self) -> PersonalizeMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> PersonalizeMock:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @overload
    def __call__(self, target: C) -> C: ...

    @overload
    def __call__(self, target: F) -> F: ...

    def __call__(self, target: Any) -> Any:
        """Decorate a function, coroutine function, generator function or class."""
        # Imported on use, not for a cycle (decorate knows mocks only as a protocol): it
        # imports wrapt, which loads asyncio, ~25 ms that `import personalize_mock` (every
        # pytest start, through the plugin) should not pay for users who never decorate.
        from personalize_mock.activation.decorate import decorate

        return decorate(self, target)

    @property
    def active(self) -> bool:
        """Whether this object is currently started."""
        return self._state is not None

    @property
    def state(self) -> MockState:
        if self._state is None:
            raise RuntimeError(
                "this PersonalizeMock is not active; use it as a context manager or decorator, "
                "or call start() first"
            )
        return self._state

    # -- the simulated clock ------------------------------------------------------------------

    def now(self) -> datetime:
        """The current simulated time (timezone-aware UTC)."""
        return self.state.clock.now()

    def advance(self, delta: Seconds) -> datetime:
        """Move the simulated clock forward by ``delta`` (seconds or ``timedelta``); returns now()."""
        self.state.clock.advance(to_seconds(delta))
        return self.now()

    def settle(self) -> datetime:
        """Advance until nothing already started is in flight; returns the new now().

        Automatic trainings scheduled for later do not count: they have not started.
        """
        state = self.state
        target = state.settle_time()
        state.clock.advance(max(0.0, target - state.clock.time()))
        return self.now()

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(self, kind: str, reason: str = DEFAULT_FAILURE_REASON, count: int = 1) -> None:
        """Make the next ``count`` creations of ``kind`` (e.g. ``"solution_version"``) end CREATE FAILED.

        ``kind`` is also accepted as ``"SolutionVersion"`` or ``"solution-version"``.
        """
        # Typed str, but a wrong type must still get the "unknown kind" message below.
        given: object = kind
        kind = snake_name(kind.replace("-", "_")) if isinstance(given, str) else kind
        if kind not in FAILABLE_KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose one of: {', '.join(sorted(FAILABLE_KINDS))}")
        _check_count(count)
        self.state.faults.fail_next(kind, reason, count)

    def inject_error(self, operation: str, code: str, message: str | None = None, count: int = 1) -> None:
        """Make the next ``count`` calls of ``operation`` fail with error ``code``.

        ``operation`` in either spelling: ``"DescribeSolution"`` or ``"describe_solution"``.
        """
        from personalize_mock.interception.operations import (
            implemented_operation,  # the table loads on first use
        )

        operation = api_name(operation)
        service = implemented_operation(operation)
        errors = {shape.name for shape in operation_model(service, operation).error_shapes}
        check_error_code(code, errors)
        _check_count(count)
        text = message if message is not None else f"Injected {code} for {operation} by personalize_mock."
        self.state.faults.inject_error(operation, code, text, count)

    def reset(self) -> None:
        """Empty every backend, forget injected faults and recorded calls; the mock stays active."""
        state = self.state
        state.reset()
        state.calls.clear()

    # -- visibility -----------------------------------------------------------------------------

    @property
    def calls(self) -> CallLog:
        """Every call this mock answered, oldest first (docs/usage.md, "The call log")."""
        return self.state.calls

    def inspect(self) -> dict[str, Any]:
        """Every live resource with its status now and ISO-8601 times; the server's ``/state`` view.

        ``{"now", "accountId", "resources": [{"region", "kind", "arn", "name", "status",
        "created"}]}``, JSON-ready (docs/usage.md, "Inspecting the state").
        """
        from personalize_mock.inspection import describe_state

        return describe_state(self.state)

    # -- snapshots ------------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """The whole state (every region, the clock, options) as bytes; see :meth:`restore`.

        The bytes are a pickle: load only snapshots you trust. Injected faults are not included.
        """
        from personalize_mock.snapshot import dump_state

        return dump_state(self.state)

    @classmethod
    def restore(cls, data: bytes) -> PersonalizeMock:
        """An un-started mock whose outermost activations each start from snapshot ``data``.

        Its options are the snapshot's; simulated time resumes at the moment the snapshot was
        taken. Unpickles ``data``: load only snapshots you trust (docs/server.md).
        """
        from personalize_mock.snapshot import read_options

        mock = cls(read_options(data))
        mock._snapshot = bytes(data)
        return mock

    @classmethod
    def attached(cls, state: MockState) -> PersonalizeMock:
        """A handle on ``state`` that is not an activation: it installs nothing.

        The HTTP server uses it so its control API runs the same ``advance``, ``settle``,
        ``fail_next``, ``inject_error``, ``reset`` and ``snapshot`` as an in-process mock.
        Do not ``start()`` it.
        """
        mock = cls(state.options)
        mock._state = state
        return mock


#: Kinds whose creations ``fail_next`` can make fail (those with a CREATE FAILED state).
FAILABLE_KINDS = frozenset(
    {
        "dataset_group",
        "dataset",
        "dataset_import_job",
        "dataset_export_job",
        "data_deletion_job",
        "solution",
        "solution_update",
        "solution_version",
        "campaign",
        "campaign_update",
        "recommender",
        "recommender_update",
        "event_tracker",
        "filter",
        "batch_inference_job",
        "batch_segment_job",
        "metric_attribution",
    }
)


def api_name(operation: str) -> str:
    """The API name of an implemented operation given in either spelling; as given otherwise."""
    from personalize_mock.interception.operations import TABLE

    wanted = snake_name(operation)
    for handlers in TABLE.values():
        for name in handlers:
            if snake_name(name) == wanted:
                return name
    return operation


def _check_count(count: object) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")


@overload
def mock_personalize(target: C, /) -> C: ...


@overload
def mock_personalize(target: F, /) -> F: ...


@overload
def mock_personalize(
    *,
    account_id: str = ...,
    durations: Mapping[str, Seconds] | None = ...,
    quotas: Mapping[str, int] | None = ...,
    simulate_sleep: bool = ...,
    freeze: bool = ...,
    validate_responses: bool = ...,
    require_data: bool = ...,
    fast: bool = ...,
    wall_clock: bool = ...,
    stall_after: Seconds | None = ...,
) -> PersonalizeMock: ...


def mock_personalize(target: Any = None, /, **options: Any) -> Any:
    """Mock Amazon Personalize in this process.

    Use it bare as a decorator (``@mock_personalize``), with options
    (``@mock_personalize(account_id="111122223333")``), as a context manager
    (``with mock_personalize() as pm:``, also ``async with``) or with ``start()``/``stop()``.

    Options: ``account_id`` (default ``123456789012``), ``durations`` (simulated seconds or
    ``timedelta`` per resource kind, see docs/clock.md), ``quotas`` (see docs/errors.md),
    ``simulate_sleep`` (``time.sleep`` in the activating thread moves the simulated clock;
    default on), ``freeze`` (start freezegun at the mock's time), ``validate_responses``
    (check every response against botocore's output shape), ``require_data`` (training
    needs interactions data, as on AWS; default on — pass ``False`` for tests that only
    exercise training control flow, see docs/usage.md), ``fast`` (answer Personalize clients
    before botocore's per-call machinery: ~10 µs instead of ~80 µs per call, with client
    event hooks skipped; see docs/usage.md "Fast mode"), ``wall_clock`` (``time.time()``,
    ``datetime.now()`` and friends of the whole process follow the simulated clock; default
    on, see docs/clock.md "One clock"), ``stall_after`` (simulated seconds of polling on
    resources that can no longer change before ``StalledPollingError``; default 6 hours,
    ``None`` switches the check off; see docs/clock.md "Stalled polling").
    """
    mock = PersonalizeMock(MockOptions.build(**options) if options else _DEFAULT_OPTIONS)
    if target is None:
        return mock
    return mock(target)
