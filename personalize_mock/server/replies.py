"""What the server sends back: a response value, JSON bodies and AWS-shaped errors.

Below both the API (:mod:`.app`) and the control endpoints (:mod:`.control`), which answer
with the same shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_mock.interception.responses import JSON_CONTENT_TYPE, new_request_id
from personalize_mock.server.wire import dumps


class ServerStopped(Exception):
    """A request arrived after the server stopped (answered 503 ``ServiceUnavailable``)."""


@dataclass
class Response:
    """What to send back; the HTTP layer adds ``Content-Length``."""

    status: int
    headers: dict[str, str]
    body: bytes
    #: Close the connection after this response (the request was not understood, or failed).
    close: bool = False
    #: Extra fields for the access log.
    note: str = field(default="", compare=False)


def json_response(status: int, document: Any, content_type: str = "application/json") -> Response:
    """A JSON response with a request id."""
    return Response(
        status,
        {"Content-Type": content_type, "x-amzn-RequestId": new_request_id()},
        dumps(document),
    )


def aws_error(protocol: str, status: int, code: str, message: str, *, close: bool = False) -> Response:
    """An error as the service writes it (``__type`` + ``message``; rest-json adds the header)."""
    response = json_response(status, {"__type": code, "message": message}, JSON_CONTENT_TYPE[protocol])
    if protocol == "rest-json":
        response.headers["x-amzn-ErrorType"] = code
    response.close = close
    response.note = code
    return response
