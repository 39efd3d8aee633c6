"""What botocore's client-side validation would have refused, for clients that switched it off.

With ``Config(parameter_validation=False)`` botocore sends whatever the caller passed: a
``None`` name, an ``int`` where a string belongs, ``"false"`` for a boolean. The service
refuses such requests; the mock must too, and before any handler sees values of the wrong
type. botocore's own ``ParamValidator`` finds exactly those problems (required members,
Python types, ``min``); they are reported as the service's ``InvalidInputException``.

A structure member set to ``None`` is another matter: botocore's serializers skip it
(``botocore/serialize.py``, ``_serialize_type_structure``), so the service never sees it and
treats it as omitted. The mock does the same: such members are dropped before the checks,
so every path (in-process or through a server) answers alike.
"""

from __future__ import annotations

from typing import Any

from botocore.model import Shape
from botocore.validate import ParamValidator

from personalize_mock.errors import InvalidInputException
from personalize_mock.model.loader import operation_model

_VALIDATOR = ParamValidator()


def _serialized(value: Any, shape: Shape) -> Any:
    """``value`` as botocore's serializer writes it: without structure members set to ``None``.

    The value itself when nothing is dropped (the common case copies nothing).
    """
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        kept = {
            name: _serialized(item, members[name]) if name in members else item
            for name, item in value.items()
            if item is not None
        }
        same = len(kept) == len(value) and all(kept[name] is value[name] for name in kept)
        return value if same else kept
    if kind == "list" and isinstance(value, list):
        items = [_serialized(item, shape.member) for item in value]
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    if kind == "map" and isinstance(value, dict):
        entries = {key: _serialized(item, shape.value) for key, item in value.items()}
        return value if all(entries[key] is value[key] for key in value) else entries
    return value


def check_client_types(service: str, operation: str, params: dict[str, Any]) -> None:
    """``InvalidInputException`` for what botocore's parameter validation would have refused.

    First drops from ``params`` (the call's own dict; nested values are replaced, never
    changed) the structure members set to ``None``, which botocore would not have sent.
    """
    shape = operation_model(service, operation).input_shape
    assert shape is not None  # every operation the mock implements has an input
    members = shape.members
    for name, value in list(params.items()):
        if value is None:
            del params[name]
        elif name in members:
            params[name] = _serialized(value, members[name])
    report = _VALIDATOR.validate(params, shape)
    if not report.has_errors():
        return
    # botocore's serializer only writes the members the model has, so the service never
    # sees unknown ones (and Coral ignores them anyway): they are not refused.
    problems = [
        line for line in report.generate_report().splitlines() if not line.startswith("Unknown parameter")
    ]
    if problems:
        count = len(problems)
        raise InvalidInputException(
            f"{count} validation error{'s' if count > 1 else ''} detected: "
            + "; ".join(problem.strip() for problem in problems)
        )
