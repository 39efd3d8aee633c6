"""Conformance with botocore's models: fuzzed calls of every implemented operation.

For each operation of ``operations.TABLE`` (all three services), Hypothesis draws requests
from the operation's input shape (see ``fuzzing``): valid requests built from a seeded world,
the same with members redrawn, and requests drawn from scratch, with random and over-long
strings, ARNs of the wrong kind or of nothing, values outside enums and numbers past their
maximum. Every call must either succeed with a response that fits the output shape
(``validate_responses=True`` raises ``OutputShapeError`` otherwise) or raise a botocore
``ClientError`` whose code is one of the operation's modeled errors. Any other exception
fails the test.

The codes each operation raised are attached to the test report (``record_property``) and,
when ``PERSONALIZE_MOCK_FUZZ_REPORT`` names a directory, written there as JSON.
``PERSONALIZE_MOCK_FUZZ_EXAMPLES`` sets the number of examples per operation (default 12, so
the suite stays fast; a deeper local run sets it higher).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import fuzzing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personalize_mock import mock_personalize
from personalize_mock.errors import COMMON_ERRORS, MODELED_ERRORS
from personalize_mock.interception import operations
from personalize_mock.model import operation_model, service_model

EXAMPLES = int(os.environ.get("PERSONALIZE_MOCK_FUZZ_EXAMPLES", "12"))
OPERATIONS = fuzzing.implemented()
_clients: dict[str, Any] = {}


def service_clients() -> dict[str, Any]:
    if not _clients:
        _clients.update(fuzzing.clients())
    return _clients


def fuzz_params(data: st.DataObject, operation: str, service: str, world: fuzzing.World) -> dict[str, Any]:
    """A template request, a mutated one, or one drawn from scratch (shrinks towards the first)."""
    model = operation_model(service, operation)
    template = fuzzing.TEMPLATES.get(operation)
    mode = data.draw(st.integers(0, 2), label="mode") if template is not None else 2
    if template is not None and mode == 0:
        return template(world)
    if template is not None and mode == 1:
        return fuzzing.mutated(data, model, world, template(world))
    return fuzzing.request(data, model, world)


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=[op for _, op in OPERATIONS])
def test_fuzzed_calls_succeed_or_raise_a_modeled_error(
    service: str, operation: str, record_property: Any
) -> None:
    allowed = fuzzing.modeled_codes(service, operation)
    raised: Counter[str] = Counter()
    clients = service_clients()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        tight = data.draw(st.booleans(), label="tight quotas")
        require_data = data.draw(st.booleans(), label="require_data")
        # Fast mode answers through its own entry point: the same promises hold there.
        fast = data.draw(st.booleans(), label="fast mode")
        quotas = fuzzing.TIGHT_QUOTAS if tight else None
        with mock_personalize(
            validate_responses=True, quotas=quotas, require_data=require_data, fast=fast
        ) as pm:
            world = fuzzing.build_world(pm, clients["personalize"], tight=tight)
            params = fuzz_params(data, operation, service, world)
            response, error = fuzzing.call(clients[service], operation, params)
        if error is not None:
            code = error["Error"]["Code"]
            assert fuzzing.allowed_error(service, operation, error), (
                f"{operation}({params!r}) raised {code} ({error['Error']['Message']}), "
                f"not one of its modeled {sorted(allowed)}"
            )
            assert error["Error"]["Message"], f"{operation} raised {code} without a message"
        else:
            assert response is not None
            assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
            code = "success"
        raised[code] += 1

    run()
    record_property("outcomes", dict(raised))
    report = os.environ.get("PERSONALIZE_MOCK_FUZZ_REPORT")
    if report:
        Path(report).mkdir(parents=True, exist_ok=True)
        (Path(report) / f"{service}.{operation}.json").write_text(json.dumps(dict(raised), sort_keys=True))


def test_every_implemented_operation_is_fuzzed() -> None:
    # The parametrization reads the table at import: an operation added later joins the fuzz.
    assert len(OPERATIONS) == sum(len(handlers) for handlers in operations.TABLE.values())
    assert ("personalize", "CreateSolution") in OPERATIONS


def test_every_error_class_is_a_code_some_operation_models() -> None:
    """The mock has no error class that no operation of the three services models."""
    modeled = {
        shape.name
        for service in ("personalize", "personalize-runtime", "personalize-events")
        for name in service_model(service).operation_names
        for shape in operation_model(service, name).error_shapes
    }
    assert set(MODELED_ERRORS) <= modeled
    assert set(MODELED_ERRORS) == {code for code in modeled if code in MODELED_ERRORS}


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=[op for _, op in OPERATIONS])
def test_inject_error_accepts_exactly_the_codes_the_operation_can_return(
    service: str, operation: str
) -> None:
    allowed = fuzzing.modeled_codes(service, operation)
    elsewhere = set(MODELED_ERRORS) - allowed
    clients = service_clients()
    with mock_personalize(validate_responses=True) as pm:
        world = fuzzing.build_world(pm, clients["personalize"])
        for code in [*sorted(elsewhere), "BogusException", "ValidationException"]:
            with pytest.raises(ValueError, match="not an error this operation can return"):
                pm.inject_error(operation, code)
        model = operation_model(service, operation)
        shapes = {shape.name: shape for shape in model.error_shapes}
        template = fuzzing.TEMPLATES.get(operation)
        params = template(world) if template is not None else _valid_params(model, world)
        for code in [*sorted(allowed), "ThrottlingException"]:
            pm.inject_error(operation, code, message=f"injected {code}")
            _, error = fuzzing.call(clients[service], operation, params)
            assert error is not None, f"{operation}: the injected {code} was not raised"
            assert error["Error"]["Code"] == code
            assert error["Error"]["Message"] == f"injected {code}"
            expected_status = (
                shapes[code].metadata.get("error", {}).get("httpStatusCode", 400)
                if code in shapes
                else COMMON_ERRORS[code]
            )
            assert error["ResponseMetadata"]["HTTPStatusCode"] == expected_status
        # Nothing left queued: the next call is answered normally (or with a modeled error).
        _, error = fuzzing.call(clients[service], operation, params)
        assert error is None or not error["Error"]["Message"].startswith("injected")


def _valid_params(model: Any, world: fuzzing.World) -> dict[str, Any]:
    """The required members, filled with values that pass the model's constraints."""
    shape = model.input_shape
    if shape is None:
        return {}
    return {name: _valid(shape.members[name], name, world) for name in shape.required_members}


def _valid(shape: Any, member: str, world: fuzzing.World) -> Any:
    kind = shape.type_name
    low = int(shape.metadata.get("min", 0))
    if kind == "structure":
        return {name: _valid(shape.members[name], name, world) for name in shape.required_members}
    if kind == "list":
        return [_valid(shape.member, member, world) for _ in range(max(low, 1))]
    if kind == "map":
        return {}
    if kind == "string":
        if shape.metadata.get("enum"):
            return shape.metadata["enum"][0]
        if member in world.by_member:
            return world.by_member[member][0]
        if member.endswith("Arn"):
            return world.by_member["datasetGroupArn"][0]
        if member == "trackingId":
            return world.tracking_ids[0]
        return "x" * max(low, 1)
    if kind in ("integer", "long", "float", "double"):
        return max(low, 1)
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return datetime(2024, 1, 1, tzinfo=timezone.utc)
    raise AssertionError(f"no valid value for {kind}")
