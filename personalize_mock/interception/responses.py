"""Build what botocore's parser would have produced: ``(AWSResponse, parsed dict)``.

No JSON is written or parsed here: the parsed form is built directly (timezone-aware
datetimes included), which is what makes the in-process path cost about as much as
botocore's own ``Stubber``.
"""

from __future__ import annotations

import os
from typing import Any

from botocore.awsrequest import AWSResponse, HeadersDict

JSON_CONTENT_TYPE = {
    "json": "application/x-amz-json-1.1",
    "rest-json": "application/json",
}


# Request ids are drawn from a pool refilled 256 at a time from one os.urandom call: one
# syscall and one list comprehension per 256 responses instead of a syscall, a bytearray and
# six slices per response (measured in the call path: ~0.7 µs less per call, see
# docs/performance.md). list.pop() is atomic, so threads need no lock; a refill racing
# another only adds more ids. A forked child empties the pool so it never repeats the
# parent's ids.
_POOL_SIZE = 256
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
_request_ids: list[str] = []


def _refill_request_ids() -> list[str]:
    hexed = os.urandom(16 * _POOL_SIZE).hex()
    return [
        f"{hexed[i : i + 8]}-{hexed[i + 8 : i + 12]}-4{hexed[i + 13 : i + 16]}-"
        f"{_VARIANT[hexed[i + 16]]}{hexed[i + 17 : i + 20]}-{hexed[i + 20 : i + 32]}"
        for i in range(0, 32 * _POOL_SIZE, 32)
    ]


def new_request_id() -> str:
    """A random UUID4-formatted request id (cheaper than ``uuid.uuid4()``)."""
    try:
        return _request_ids.pop()
    except IndexError:
        _request_ids.extend(_refill_request_ids())
        return _request_ids.pop()


# No branch to test: register_at_fork exists on every platform that can fork (not Windows).
if hasattr(os, "register_at_fork"):  # pragma: no branch
    os.register_at_fork(after_in_child=_request_ids.clear)


def metadata(status: int, protocol: str) -> dict[str, Any]:
    """``ResponseMetadata`` of a response with a fresh request id."""
    request_id = new_request_id()
    return {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": {
            "x-amzn-requestid": request_id,
            "content-type": JSON_CONTENT_TYPE.get(protocol, "application/json"),
        },
        "RetryAttempts": 0,
    }


_new = object.__new__


def http_response(url: str, status: int, headers: dict[str, str]) -> AWSResponse:
    """``AWSResponse(url, status, headers, None)``, built attribute by attribute.

    The constructor spends most of its ~1 µs filling a ``HeadersDict`` through the generic
    ``MutableMapping.update``; setting the same attributes directly costs a third of that.
    tests/interception/test_responses.py checks the result has exactly the constructor's attributes, so
    a botocore release that changes them fails the suite instead of misleading botocore.
    """
    response = _new(AWSResponse)
    response.url = url
    response.status_code = status
    header_dict = _new(HeadersDict)
    header_dict._dict = {}
    for name, value in headers.items():
        header_dict[name] = value
    response.headers = header_dict
    response.raw = None
    response._content = None
    return response


_NO_HEADERS: dict[str, str] = {}


def success(url: str, protocol: str, output: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    """A 200 response carrying ``output`` (mutated: ``ResponseMetadata`` is added)."""
    output["ResponseMetadata"] = metadata(200, protocol)
    return http_response(url, 200, _NO_HEADERS), output


def error_body(status: int, protocol: str, code: str, message: str) -> dict[str, Any]:
    """The parsed form of an error response, from which botocore builds its exception."""
    return {"Error": {"Code": code, "Message": message}, "ResponseMetadata": metadata(status, protocol)}


def error(
    url: str, protocol: str, status: int, code: str, message: str
) -> tuple[AWSResponse, dict[str, Any]]:
    """An error response; botocore raises ``client.exceptions.<code>`` from it."""
    parsed = error_body(status, protocol, code, message)
    headers = {"x-amzn-ErrorType": code} if protocol == "rest-json" else {}
    return http_response(url, status, headers), parsed
