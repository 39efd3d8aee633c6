"""Check a mocked response, in botocore's *parsed* form, against the operation's output shape.

The mock builds parsed dicts directly instead of JSON that botocore would parse, so nothing
else notices a misspelt key, a naive ``datetime`` or an ``int`` where the model says
``string``. This walk is the opt-in guard (``validate_responses``): it runs only in that mode,
so it walks the shapes directly instead of compiling closures like the input validator.

It checks keys, types, required members, enums, string/list/map lengths and numeric ranges.
Patterns are not checked: they constrain inputs, and responses carry service-made values
(e.g. recipe ARNs without region/account) that the input patterns were never meant for.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from botocore.model import Shape

from personalize_mock.errors import OutputShapeError
from personalize_mock.model.loader import operation_model

#: Added by botocore to every parsed response; not part of any output shape.
RESPONSE_METADATA = "ResponseMetadata"

_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "blob": (bytes, bytearray),
}


def output_problems(service: str, operation: str, parsed: Mapping[str, Any]) -> list[str]:
    """Every way ``parsed`` departs from the output shape of ``operation``; empty when valid.

    ``parsed`` is what botocore's parser would return (timezone-aware datetimes, bytes for
    blobs); a top-level ``ResponseMetadata`` is ignored.
    """
    body = {key: value for key, value in parsed.items() if key != RESPONSE_METADATA}
    shape = operation_model(service, operation).output_shape
    if shape is None:
        # Operations without an output shape answer an empty body.
        return [f"{key}: {operation} has no output shape, so no keys are expected" for key in body]
    walker = _Walker()
    walker.structure(shape, body, "")
    return walker.problems


def assert_valid_output(service: str, operation: str, parsed: Mapping[str, Any]) -> None:
    """Raise :class:`~personalize_mock.errors.OutputShapeError` unless ``parsed`` is valid."""
    problems = output_problems(service, operation, parsed)
    if problems:
        raise OutputShapeError(service, operation, problems)


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def _has_type(value: Any, type_name: str) -> bool:
    # bool is an int subclass, but botocore never parses a number into a bool.
    if isinstance(value, bool) and type_name != "boolean":
        return False
    return isinstance(value, _SCALAR_TYPES[type_name])


def _describe(value: Any) -> str:
    text = repr(value)
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(value).__name__} {shown}"


class _Walker:
    """Collects problems while walking a value alongside its shape."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def report(self, path: str, problem: str) -> None:
        self.problems.append(f"{path or '<response>'}: {problem}")

    def value(self, shape: Shape, value: Any, path: str) -> None:
        type_name = shape.type_name
        if value is None:
            # botocore's parser never produces None: an absent member is left out.
            self.report(path, f"is None (leave the key out instead); expected {type_name}")
        elif type_name == "structure":
            self.structure(shape, value, path)
        elif type_name == "list":
            self.list_value(shape, value, path)
        elif type_name == "map":
            self.map_value(shape, value, path)
        elif type_name == "timestamp":
            self.timestamp(value, path)
        else:
            self.scalar(shape, value, path)

    def structure(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            self.report(path, f"expected a structure (dict), got {_describe(value)}")
            return
        if shape.metadata.get("document"):
            return  # free-form JSON document: nothing to compare against
        members = shape.members
        for key in value:
            if key not in members:
                self.report(_join(path, str(key)), f"unknown member of {shape.name}")
        for name in shape.required_members:
            if name not in value:
                self.report(_join(path, name), f"required member of {shape.name} is missing")
        for name, item in value.items():
            if name in members:
                self.value(members[name], item, _join(path, name))

    def list_value(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.report(path, f"expected a list, got {_describe(value)}")
            return
        self.size(shape, len(value), path, "items")
        for index, item in enumerate(value):
            self.value(shape.member, item, f"{path}[{index}]")

    def map_value(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            self.report(path, f"expected a map (dict), got {_describe(value)}")
            return
        self.size(shape, len(value), path, "entries")
        for key, item in value.items():
            self.value(shape.key, key, f"{path} (key {key!r})")
            self.value(shape.value, item, f"{path}[{key!r}]")

    def timestamp(self, value: Any, path: str) -> None:
        if not isinstance(value, datetime.datetime):
            self.report(path, f"expected a timezone-aware datetime, got {_describe(value)}")
        elif value.tzinfo is None or value.utcoffset() is None:
            self.report(path, f"datetime is naive (botocore returns timezone-aware ones): {value!r}")

    def scalar(self, shape: Shape, value: Any, path: str) -> None:
        type_name = shape.type_name
        if type_name not in _SCALAR_TYPES:
            self.report(path, f"unsupported shape type {type_name!r}")
            return
        if not _has_type(value, type_name):
            self.report(path, f"expected {type_name}, got {_describe(value)}")
            return
        if type_name in ("string", "blob"):
            self.size(shape, len(value), path, "characters" if type_name == "string" else "bytes")
            enum = shape.metadata.get("enum")
            if enum and value not in enum:
                self.report(path, f"{value!r} is not one of the enum values {enum}")
        elif type_name != "boolean":
            self.range(shape, value, path)

    def size(self, shape: Shape, size: int, path: str, unit: str) -> None:
        meta = shape.metadata
        if "min" in meta and size < meta["min"]:
            self.report(path, f"has {size} {unit}, fewer than the minimum {meta['min']}")
        if "max" in meta and size > meta["max"]:
            self.report(path, f"has {size} {unit}, more than the maximum {meta['max']}")

    def range(self, shape: Shape, value: float, path: str) -> None:
        meta = shape.metadata
        if "min" in meta and value < meta["min"]:
            self.report(path, f"{value!r} is less than the minimum {meta['min']}")
        if "max" in meta and value > meta["max"]:
            self.report(path, f"{value!r} is greater than the maximum {meta['max']}")
