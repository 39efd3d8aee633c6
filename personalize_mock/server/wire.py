"""JSON on the wire <-> the Python values the handlers exchange, walking botocore's shapes.

In: handlers receive what botocore's caller would have passed in-process, so timestamp
members arrive as timezone-aware UTC datetimes (the wire carries epoch seconds), blobs as
bytes (the wire carries base64), members the model does not know and JSON ``null`` values
are dropped (botocore would have refused them client-side). The input has been through
``validate_input(..., client_checked=False)`` already, so the types are the model's.

Out: handlers answer in botocore's *parsed* form; the wire form has timestamps as epoch
seconds with millisecond precision (the service's format, behaviour reference §1.1), blobs
as base64, and no ``None`` members. Keys the output shape lacks are written generically, so
a stray key is visible in the body rather than lost (botocore's parser ignores it).
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone
from typing import Any

from botocore.model import Shape


class MalformedBody(ValueError):
    """The request body is not a JSON object."""


def parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object in ``body`` (an empty body is ``{}``); :class:`MalformedBody` otherwise."""
    if not body.strip():
        return {}
    try:
        loaded = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedBody(f"The request body is not valid JSON: {error}") from error
    if not isinstance(loaded, dict):
        raise MalformedBody(f"The request body must be a JSON object, not {type(loaded).__name__}.")
    return loaded


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser would accept them.
    raise ValueError(f"{name} is not a JSON value")


def decode_input(shape: Shape | None, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` as botocore kwargs: datetimes for timestamps, bytes for blobs, known members only."""
    if shape is None:
        return {}
    decoded: dict[str, Any] = _decode(shape, params)
    return decoded


def _decode(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        return {
            name: _decode(members[name], item)
            for name, item in value.items()
            if item is not None and name in members
        }
    if kind == "list":
        return [_decode(shape.member, item) for item in value]
    if kind == "map":
        return {key: _decode(shape.value, item) for key, item in value.items()}
    if kind == "timestamp" and isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def encode_output(shape: Shape | None, output: dict[str, Any]) -> dict[str, Any]:
    """A handler's parsed-form ``output`` as the JSON object the service would send."""
    if shape is None:
        return {}
    encoded: dict[str, Any] = _encode(shape, output)
    return encoded


def _encode(shape: Shape | None, value: Any) -> Any:
    if shape is None:
        return _plain(value)
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {name: _encode(members.get(name), item) for name, item in value.items() if item is not None}
    if kind == "list" and isinstance(value, (list, tuple)):
        return [_encode(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _encode(shape.value, item) for key, item in value.items() if item is not None}
    if kind == "timestamp":
        return _timestamp(value, shape.serialization.get("timestampFormat"))
    return _plain(value)


def _timestamp(value: Any, timestamp_format: str | None) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        if timestamp_format == "iso8601":
            return aware.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
        # Choice (docs/choices.md): plain decimal epoch seconds with 3 decimals, not Coral's
        # scientific notation (1.562054355238E9); every SDK parses both (behaviour reference §1.1).
        return round(aware.timestamp(), 3)
    return _plain(value)


def _plain(value: Any) -> Any:
    """A value of no known shape, as JSON: datetimes as epoch seconds, bytes as base64."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return _timestamp(value, None)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def dumps(document: Any) -> bytes:
    """Compact UTF-8 JSON; ``ValueError``/``TypeError`` for what JSON cannot carry (NaN, objects)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
