"""One HTTP request in, one response out: the server's logic, free of sockets.

An AWS request goes through exactly what the in-process path uses: :func:`handler_for`, then
``validate_input(..., client_checked=False)`` (the raw JSON has not been through botocore's
client-side checks), then :meth:`MockState.dispatch`. Only the edges differ: JSON is decoded
and encoded by :mod:`.wire` and errors are written as the services write them.

Errors the services define are answered as they would be: ``{"__type": code, "message": msg}``
with the model's HTTP status (rest-json adds the ``x-amzn-ErrorType`` header). Where the
request never reaches an operation the server chooses (docs/server.md, "Errors"):

* body that is not a JSON object: 400 ``SerializationException``;
* no operation at that target or path: 400 ``UnknownOperationException``;
* an operation of the models that personalize_mock does not implement: 501 ``NotImplemented``
  (not retried by SDKs, unlike 500);
* anything else that goes wrong: 500 ``InternalFailure`` with the exception's text, logged
  with its traceback on the ``personalize_mock.server`` logger; the connection is closed;
* a request arriving after the server stopped: 503 ``ServiceUnavailable``.

With a state file (:meth:`ServerApp.create`), every request that reaches the state is
appended to the journal (:mod:`.journal`) before it runs, with the clock pinned to the time
recorded there, so a restart after SIGKILL loads the snapshot and replays the journal to the
same state: same ARNs, timestamps and statuses.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import personalize_mock.server.control as control
from personalize_mock.activation.mock import PersonalizeMock
from personalize_mock.errors import NotImplementedOperation, ServiceError, wire_code
from personalize_mock.interception.operations import handler_for
from personalize_mock.interception.responses import JSON_CONTENT_TYPE
from personalize_mock.model import operation_model, validate_input
from personalize_mock.options import MockOptions
from personalize_mock.server.defaults import server_options
from personalize_mock.server.journal import (
    COMPACT_BYTES,
    Journal,
    PinnedClock,
    digest,
    journal_path,
    read_journal,
    write_atomically,
)
from personalize_mock.server.replies import Response, ServerStopped, aws_error, json_response
from personalize_mock.server.routing import Route, UnknownOperation, region_from, resolve
from personalize_mock.server.wire import MalformedBody, decode_input, encode_output, parse_body
from personalize_mock.snapshot import dump_state, load_state
from personalize_mock.state import MockState

logger = logging.getLogger("personalize_mock.server")
#: Operations that change nothing a client asked for (their entries need no disk flush).
READS = ("Describe", "List", "Get")
#: Request headers: a dict, or the ``http.client.HTTPMessage`` of ``http.server``.
Headers = Mapping[str, str] | Message


class ServerApp:
    """The server's state and how it answers requests."""

    def __init__(self, state: MockState, state_file: str | os.PathLike[str] | None = None) -> None:
        self.state = state
        #: The control API runs the same methods an in-process test calls, on this state.
        self.mock = PersonalizeMock.attached(state)
        self.state_file = Path(state_file) if state_file is not None else None
        #: Requests replayed from the journal when this app was created.
        self.replayed = 0
        #: Set by :meth:`close`: requests are refused from then on (nothing could keep them).
        self.closed = False
        self._journal: Journal | None = None
        self._clock: PinnedClock | None = None
        self._fsync = False
        #: The journal's size at which a request's end saves (compacts) it.
        self._compact_at = COMPACT_BYTES

    @classmethod
    def create(
        cls,
        options: MockOptions | None = None,
        state_file: str | os.PathLike[str] | None = None,
        *,
        fsync: bool = False,
    ) -> ServerApp:
        """A server app with fresh state, or the state kept in ``state_file`` if it exists.

        With a ``state_file`` the app journals (module docstring): the state is the saved
        snapshot plus the requests journaled since, and every request is journaled before it
        is answered. ``fsync`` also flushes each journal entry to the disk (survives a power
        loss, at the cost of a disk flush per request). A restored state keeps the options it
        was saved with (``options`` is then unused).
        """
        if state_file is None:
            return cls(MockState(options or server_options()))
        path = Path(state_file)
        clock = PinnedClock()
        snapshot = path.read_bytes() if path.exists() else None
        if snapshot is None:
            state = MockState(options or server_options())
            state.clock = clock  # before anything holds the state's clock
            entries = None
        else:
            state = load_state(snapshot, clock=clock)
            journal = journal_path(path)
            entries = read_journal(journal, digest(snapshot)) if journal.exists() else None
        app = cls(state, path)
        app._clock = clock
        app._fsync = fsync
        if entries:
            app._replay(entries)
        if snapshot is None or entries:
            app.save()  # the first snapshot, or the replayed journal compacted into one
        else:
            app._journal = Journal.create(journal_path(path), digest(snapshot), fsync=fsync)
        return app

    def save(self) -> int:
        """Write the state file (atomically) and start an empty journal; returns the snapshot's size."""
        return self._save(journal=True)

    def _save(self, *, journal: bool) -> int:
        if self.state_file is None:
            raise ValueError("no state file was given")
        # Under the lock: no request may be journaled between the snapshot and the new
        # journal, or it would be in neither.
        with self.state.lock:
            data = dump_state(self.state)
            write_atomically(self.state_file, data, sync_directory=self._fsync)
            # A death from here on leaves the old journal, which names the old snapshot: a
            # restart ignores it, and the new snapshot holds all it recorded.
            old = self._journal
            if old is not None:
                old.remove()
                self._journal = None
            if journal and self._clock is not None:  # a journaling app
                self._journal = Journal.create(journal_path(self.state_file), digest(data), fsync=self._fsync)
                self._compact_at = max(COMPACT_BYTES, len(data))
        return len(data)

    def close(self, *, save: bool = True) -> None:
        """Refuse requests from now on and, with a state file and ``save``, save the state.

        The journal is deleted once the snapshot holds everything; with ``save=False`` it is
        kept, and the next start replays it.
        """
        with self.state.lock:
            if self.closed:
                return
            self.closed = True
            if save and self.state_file is not None:
                self._save(journal=False)
            elif self._journal is not None:
                self._journal.close()
                self._journal = None

    @contextmanager
    def recorded(self, *entry: Any, write: bool = True) -> Iterator[None]:
        """Hold the state's lock while the body runs; with a journal, journal ``entry`` first.

        The entry is written with the time the clock is pinned at for the body; the body is
        what a replay of the entry runs again (:meth:`_replay`). ``write=False`` (a read: it is
        journaled only for the ids it may draw) spares it the disk flush of ``--fsync``.
        """
        with self.state.lock:
            if self.closed:
                raise ServerStopped("the server is stopping: the request was not run")
            clock = self._clock
            if clock is None:  # no state file: nothing to journal
                yield
                return
            journal = self._journal
            if journal is None:
                # A save failed after it dropped the old journal: nothing runs unjournaled. The
                # snapshot is saved again and a journal started (or this request fails: 500).
                self.save()
                journal = self._journal
                assert journal is not None
            clock.pinned = now = clock.time()
            try:
                journal.append((now, *entry), flush=write)
                yield
            finally:
                clock.pinned = None
            if journal.size > self._compact_at:
                try:
                    self.save()
                except OSError:  # the request ran and is journaled: answer it all the same
                    logger.exception("personalize_mock could not save %s", self.state_file)

    def _replay(self, entries: list[Any]) -> None:
        """Run journaled requests again, each at its recorded time; their answers are dropped."""
        clock = self._clock
        assert clock is not None
        for at, kind, *rest in entries:
            clock.pinned = at
            try:
                if kind == "api":
                    service, operation, region, kwargs = rest
                    handler = handler_for(service, operation)
                    assert handler is not None, f"{service}.{operation} was answered when journaled"
                    self.state.dispatch(service, operation, handler, region, kwargs)
                else:
                    name, params = rest
                    control.ENDPOINTS[control.endpoint_name(name)][1](self, params)
            except Exception:  # the original answered this error too; the state is the same
                logger.debug("replayed %s %s with an error", kind, rest[:2], exc_info=True)
            at = clock.time()  # an advance moved it
            clock.pinned = None
        # The clock resumes where the last request left it (time stands still while stored),
        # and injected faults are forgotten, as a snapshot forgets them.
        clock.offset = at - time.time()
        self.state.faults.clear()
        self.replayed = len(entries)

    def handle(self, method: str, target: str, headers: Headers, body: bytes) -> Response:
        """The response to one request; never raises."""
        try:
            path = urlsplit(target).path or "/"
            if path.startswith(control.PREFIX):
                return control.handle(self, method, path[len(control.PREFIX) :], body)
            lowered = {name.lower(): value for name, value in headers.items()}
            return self._answer(method, path, lowered, body)
        except Exception as error:  # the last resort: an answer, never a traceback on the wire
            logger.exception("personalize_mock server failed on %s %s", method, target)
            protocol = "json" if any(name.lower() == "x-amz-target" for name in headers) else "rest-json"
            return aws_error(protocol, 500, "InternalFailure", _failure_message(error), close=True)

    def _answer(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Response:
        target = headers.get("x-amz-target")
        try:
            route = resolve(method, path, target)
        except UnknownOperation as error:
            # Choice (docs/choices.md): Coral's UnknownOperationException, 400, for rest-json paths too.
            protocol = "json" if target else "rest-json"
            return aws_error(protocol, 400, "UnknownOperationException", error.message)
        try:
            params = parse_body(body)
        except MalformedBody as error:
            # Choice (docs/choices.md): Coral's SerializationException, 400; the message is the mock's.
            return aws_error(route.protocol, 400, "SerializationException", str(error), close=True)
        handler = handler_for(route.service, route.operation)
        if handler is None:
            # Choice (docs/choices.md): 501 NotImplemented, which SDKs do not retry (unlike 500).
            message = str(NotImplementedOperation(route.service, route.operation))
            return aws_error(route.protocol, 501, "NotImplemented", message)
        model = operation_model(route.service, route.operation)
        region = region_from(headers.get("authorization"))
        try:
            validate_input(route.service, route.operation, params, client_checked=False)
            kwargs = decode_input(model.input_shape, params)
            write = not route.operation.startswith(READS)
            with self.recorded("api", route.service, route.operation, region, kwargs, write=write):
                output = self.state.dispatch(route.service, route.operation, handler, region, kwargs)
        except ServiceError as error:
            code = wire_code(error)
            failed = aws_error(
                route.protocol, self.state.status_for(route.service, code), code, error.message
            )
            failed.note = f"{route.service}.{route.operation} {code}"
            return failed
        except ServerStopped as error:
            return aws_error(route.protocol, 503, "ServiceUnavailable", str(error), close=True)
        except Exception as error:
            logger.exception("%s.%s failed", route.service, route.operation)
            return aws_error(
                route.protocol, 500, "InternalFailure", _failure_message(error, route), close=True
            )
        status = int(model.http.get("responseCode", 200))
        response = json_response(
            status, encode_output(model.output_shape, output), JSON_CONTENT_TYPE[route.protocol]
        )
        response.note = f"{route.service}.{route.operation} OK"
        return response


def _failure_message(error: BaseException, route: Route | None = None) -> str:
    where = f" answering {route.service}.{route.operation}" if route is not None else ""
    return f"personalize_mock failed{where}: {type(error).__name__}: {error} (see the server log)"
