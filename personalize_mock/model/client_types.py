"""What botocore's client-side validation would have refused, for clients that switched it off.

With ``Config(parameter_validation=False)`` botocore sends whatever the caller passed: a
``None`` name, an ``int`` where a string belongs, ``"false"`` for a boolean. The service
refuses such requests; the mock must too, and before any handler sees values of the wrong
type. botocore's own ``ParamValidator`` finds exactly those problems (required members,
Python types, ``min``); they are reported as the service's ``InvalidInputException``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.validate import ParamValidator

from personalize_mock.errors import InvalidInputException
from personalize_mock.model.loader import operation_model

_VALIDATOR = ParamValidator()


def check_client_types(service: str, operation: str, params: Mapping[str, Any]) -> None:
    """``InvalidInputException`` for what botocore's parameter validation would have refused."""
    report = _VALIDATOR.validate(params, operation_model(service, operation).input_shape)
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
