"""Build what botocore's parser would have produced: ``(AWSResponse, parsed dict)``.

No JSON is written or parsed here: the parsed form is built directly (timezone-aware
datetimes included), which is what makes the in-process path cost about as much as
botocore's own ``Stubber``.
"""

from __future__ import annotations

import os
from typing import Any

from botocore.awsrequest import AWSResponse

JSON_CONTENT_TYPE = {
    "json": "application/x-amz-json-1.1",
    "rest-json": "application/json",
}


def new_request_id() -> str:
    """A random UUID4-formatted request id (cheaper than ``uuid.uuid4()``)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    hexed = raw.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def _metadata(status: int, protocol: str) -> dict[str, Any]:
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


def success(url: str, protocol: str, output: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    """A 200 response carrying ``output`` (mutated: ``ResponseMetadata`` is added)."""
    output["ResponseMetadata"] = _metadata(200, protocol)
    return AWSResponse(url, 200, {}, None), output


def error(
    url: str, protocol: str, status: int, code: str, message: str
) -> tuple[AWSResponse, dict[str, Any]]:
    """An error response; botocore raises ``client.exceptions.<code>`` from it."""
    parsed = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": _metadata(status, protocol),
    }
    headers = {"x-amzn-ErrorType": code} if protocol == "rest-json" else {}
    return AWSResponse(url, status, headers, None), parsed
