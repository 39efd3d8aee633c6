"""The control API under ``/_personalize_mock/``: the simulated clock, faults, state and saving.

Each endpoint runs the same :class:`~personalize_mock.PersonalizeMock` method an in-process
test would call (``advance``, ``settle``, ``reset``, ``fail_next``, ``inject_error``) on the
server's state, holding the state's lock so it never interleaves with an API call. JSON in,
JSON out; a bad request answers 400 ``{"error": "..."}`` (an unknown endpoint 404, a wrong
method 405). docs/server.md documents each endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from personalize_mock.activation.mock import PersonalizeMock
from personalize_mock.inspection import describe_state
from personalize_mock.server.replies import Response, ServerStopped, json_response
from personalize_mock.server.wire import parse_body
from personalize_mock.state import MockState


class ServerApp(Protocol):
    """What the control endpoints use of the server (:class:`~.app.ServerApp` is one)."""

    mock: PersonalizeMock
    state: MockState
    state_file: Path | None

    def save(self) -> int: ...

    def recorded(self, *entry: Any, write: bool = True) -> AbstractContextManager[None]: ...


PREFIX = "/_personalize_mock/"

Endpoint = Callable[["ServerApp", Mapping[str, Any]], dict[str, Any]]


class ControlError(ValueError):
    """A control request the server cannot carry out (answered 400)."""


def _field(params: Mapping[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    value = params.get(name)
    if value is None:
        if required:
            raise ControlError(f"{name!r} is required")
        return None
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise ControlError(f"{name!r} must be a {kind.__name__}, got {value!r}")
    return value


def advance(app: ServerApp, params: Mapping[str, Any]) -> dict[str, Any]:
    """``{"seconds": n}``: move the simulated clock forward; answers the new ``now``."""
    seconds = params.get("seconds")
    if seconds is None:
        raise ControlError("'seconds' is required")
    try:
        app.mock.advance(seconds)
    except TypeError as error:  # to_seconds: not a number
        raise ControlError(f"'seconds' must be a number, got {seconds!r}") from error
    return {"now": app.state.clock.time()}


def settle(app: ServerApp, params: Mapping[str, Any]) -> dict[str, Any]:
    """Advance until nothing already started is in flight; answers the new ``now``."""
    app.mock.settle()
    return {"now": app.state.clock.time()}


def reset(app: ServerApp, params: Mapping[str, Any]) -> dict[str, Any]:
    """Empty every region and forget injected faults (the clock keeps its time)."""
    app.mock.reset()
    return {"now": app.state.clock.time()}


def fail_next(app: ServerApp, params: Mapping[str, Any]) -> dict[str, Any]:
    """``{"kind", "reason"?, "count"?}``: the next creations of ``kind`` end CREATE FAILED."""
    kind = _field(params, "kind", str, required=True)
    reason = _field(params, "reason", str)
    count = _field(params, "count", int)
    count = 1 if count is None else count
    if reason is None:
        app.mock.fail_next(kind, count=count)
    else:
        app.mock.fail_next(kind, reason, count)
    return {}


def inject_error(app: ServerApp, params: Mapping[str, Any]) -> dict[str, Any]:
    """``{"operation", "code", "message"?, "count"?}``: the next calls of ``operation`` fail."""
    operation = _field(params, "operation", str, required=True)
    code = _field(params, "code", str, required=True)
    message = _field(params, "message", str)
    count = _field(params, "count", int)
    count = 1 if count is None else count
    app.mock.inject_error(operation, code, message, count)
    return {}


def state(app: ServerApp, params: Mapping[str, Any]) -> dict[str, Any]:
    """Every resource of every region with its status now: ``pm.inspect()``'s view, ISO times."""
    return describe_state(app.state)


def save(app: ServerApp, params: Mapping[str, Any]) -> dict[str, Any]:
    """Write the state file now (the server also writes it when it stops)."""
    if app.state_file is None:
        raise ControlError("the server was started without --state-file: there is nowhere to save")
    size = app.save()
    return {"path": str(app.state_file), "bytes": size}


#: By the name of the ``PersonalizeMock`` method each runs; :func:`endpoint_name` also takes the
#: kebab-case spellings of earlier versions (``fail-next``, ``inject-error``).
ENDPOINTS: dict[str, tuple[frozenset[str], Endpoint]] = {
    "advance": (frozenset({"POST"}), advance),
    "settle": (frozenset({"POST"}), settle),
    "reset": (frozenset({"POST"}), reset),
    "fail_next": (frozenset({"POST"}), fail_next),
    "inject_error": (frozenset({"POST"}), inject_error),
    "state": (frozenset({"GET", "POST"}), state),
    "save": (frozenset({"POST"}), save),
}


def endpoint_name(name: str) -> str:
    """The endpoint's name as in :data:`ENDPOINTS`: ``fail-next`` and ``fail_next`` are one."""
    return name.replace("-", "_")


def handle(app: ServerApp, method: str, name: str, body: bytes) -> Response:
    """Answer ``method /_personalize_mock/<name>``."""
    name = endpoint_name(name)
    endpoint = ENDPOINTS.get(name)
    if endpoint is None:
        known = ", ".join(PREFIX + each for each in ENDPOINTS)
        return json_response(404, {"error": f"unknown control endpoint {PREFIX}{name}; known: {known}"})
    methods, function = endpoint
    if method.upper() not in methods:
        allowed = ", ".join(sorted(methods))
        response = json_response(405, {"error": f"{PREFIX}{name} takes {allowed}, not {method}"})
        response.headers["Allow"] = allowed
        return response
    try:
        params = parse_body(body)
        # Every endpoint but save may change the state (even `state` runs work that has come
        # due): journaled, so a restart replays it. Saving is what empties the journal.
        guard = (
            app.state.lock if name == "save" else app.recorded("control", name, params, write=name != "state")
        )
        with guard:
            result = function(app, params)
    except ValueError as error:  # ControlError, MalformedBody, and the mock's own argument checks
        return json_response(400, {"error": str(error)})
    except ServerStopped as error:
        return json_response(503, {"error": str(error)})
    response = json_response(200, result)
    response.note = f"control {name}"
    return response
