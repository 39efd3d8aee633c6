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
  with its traceback on the ``personalize_mock.server`` logger; the connection is closed.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import personalize_mock.server.control as control
from personalize_mock.activation.mock import PersonalizeMock
from personalize_mock.errors import NotImplementedOperation, ServiceError, wire_code
from personalize_mock.interception.operations import handler_for
from personalize_mock.interception.responses import JSON_CONTENT_TYPE
from personalize_mock.model import operation_model, validate_input
from personalize_mock.options import MockOptions
from personalize_mock.server.defaults import server_options
from personalize_mock.server.replies import Response, aws_error, json_response
from personalize_mock.server.routing import Route, UnknownOperation, region_from, resolve
from personalize_mock.server.wire import MalformedBody, decode_input, encode_output, parse_body
from personalize_mock.snapshot import dump_state, load_state
from personalize_mock.state import MockState

logger = logging.getLogger("personalize_mock.server")
#: Request headers: a dict, or the ``http.client.HTTPMessage`` of ``http.server``.
Headers = Mapping[str, str] | Message


class ServerApp:
    """The server's state and how it answers requests."""

    def __init__(self, state: MockState, state_file: str | os.PathLike[str] | None = None) -> None:
        self.state = state
        #: The control API runs the same methods an in-process test calls, on this state.
        self.mock = PersonalizeMock.attached(state)
        self.state_file = Path(state_file) if state_file is not None else None

    @classmethod
    def create(
        cls, options: MockOptions | None = None, state_file: str | os.PathLike[str] | None = None
    ) -> ServerApp:
        """A server app with fresh state, or the state saved in ``state_file`` if it exists.

        A restored state keeps the options it was saved with (``options`` is then unused).
        """
        if state_file is not None and Path(state_file).exists():
            return cls(load_state(Path(state_file).read_bytes()), state_file)
        return cls(MockState(options or server_options()), state_file)

    def save(self) -> int:
        """Write the state to the state file (atomically); returns the number of bytes."""
        if self.state_file is None:
            raise ValueError("no state file was given")
        data = dump_state(self.state)
        directory = self.state_file.parent
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.state_file.name}.", dir=directory)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, self.state_file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return len(data)

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
            output = self.state.dispatch(route.service, route.operation, handler, region, kwargs)
        except ServiceError as error:
            code = wire_code(error)
            return aws_error(route.protocol, self.state.status_for(route.service, code), code, error.message)
        except Exception as error:
            logger.exception("%s.%s failed", route.service, route.operation)
            return aws_error(
                route.protocol, 500, "InternalFailure", _failure_message(error, route), close=True
            )
        status = int(model.http.get("responseCode", 200))
        response = json_response(
            status, encode_output(model.output_shape, output), JSON_CONTENT_TYPE[route.protocol]
        )
        response.note = f"{route.service}.{route.operation}"
        return response


def _failure_message(error: BaseException, route: Route | None = None) -> str:
    where = f" answering {route.service}.{route.operation}" if route is not None else ""
    return f"personalize_mock failed{where}: {type(error).__name__}: {error} (see the server log)"
