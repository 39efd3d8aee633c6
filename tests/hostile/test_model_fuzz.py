"""Requests generated from botocore's models, for all 79 operations, on both in-process paths
(normal and fast mode), with botocore's parameter validation on and off.

Each answer is a valid output (checked against the operation's output shape) or a modeled
error; after an error, nothing a client can see has changed. The budget is small by default
(:data:`EXAMPLES` per operation and path); ``PERSONALIZE_MOCK_FUZZ_EXAMPLES`` raises it.
"""

from __future__ import annotations

import os
from typing import Any

import fuzzing
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from botocore.model import OperationModel
from hostile_corpus import _BY_TYPE
from hostile_paths import _clients, _raised_in_mock, digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.model import operation_model
from personalize_mock.model.output_validation import output_problems

EXAMPLES = int(os.environ.get("PERSONALIZE_MOCK_FUZZ_EXAMPLES", "2"))
OPERATIONS = fuzzing.implemented()


class Fuzzer:
    """One mock, its world and what a client saw of it, for a whole path."""

    def __init__(self, pm: PersonalizeMock, validation: bool) -> None:
        self.pm = pm
        self.validation = validation
        self.clients = _clients(Config(parameter_validation=validation))
        self.outcomes = {"ok": 0, "error": 0}
        self.reseed()

    def reseed(self) -> None:
        self.pm.reset()
        self.world = fuzzing.build_world(self.pm, self.clients["personalize"])
        self.digest = digest(self.pm.state)
        self.fingerprint = fuzzing.fingerprint(self.clients["personalize"], self.world.all_arns)

    def spoil(self, data: st.DataObject, params: dict[str, Any], model: OperationModel) -> None:
        """With validation off: one member may get a value of the wrong type."""
        assert model.input_shape is not None
        members = model.input_shape.members
        if not members or not data.draw(st.booleans(), label="spoil a member"):
            return
        name = data.draw(st.sampled_from(sorted(members)), label="spoiled member")
        choices = _BY_TYPE.get(members[name].type_name)
        if choices:
            params[name] = data.draw(st.sampled_from(choices), label="wrong value")[1]

    def one(self, data: st.DataObject, service: str, model: OperationModel) -> None:
        params = fuzzing.request(data, model, self.world)
        if not self.validation:
            self.spoil(data, params, model)
        try:
            response = getattr(self.clients[service], xform_name(model.name))(**params)
        except ClientError as error:
            assert fuzzing.allowed_error(service, model.name, error.response), (
                model.name,
                error.response,
                params,
            )
        except ParamValidationError:
            assert self.validation, (model.name, params)
        except Exception as error:  # botocore's serializer may give up (validation off): not the mock
            assert not _raised_in_mock(error), (model.name, repr(error), params)
            return
        else:
            self.outcomes["ok"] += 1
            response.pop("ResponseMetadata", None)
            assert output_problems(service, model.name, response) == [], model.name
            if digest(self.pm.state) != self.digest:
                self.reseed()  # it changed the state, as it may: the next example starts afresh
            return
        self.outcomes["error"] += 1
        after = digest(self.pm.state)
        if after != self.digest:
            # The snapshot also holds what no client sees (a forgotten namesake, caches).
            visible = fuzzing.fingerprint(self.clients["personalize"], self.world.all_arns)
            assert visible == self.fingerprint, (model.name, params)
            self.digest = after

    def run(self, service: str, operation: str) -> None:
        model = operation_model(service, operation)

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def examples(data: st.DataObject) -> None:
            self.one(data, service, model)

        examples()


@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
@pytest.mark.parametrize("fast", [False, True], ids=["normal", "fast"])
def test_generated_requests_get_valid_output_or_a_modeled_error(fast: bool, validation: bool) -> None:
    assert len(OPERATIONS) == 79
    with mock_personalize(fast=fast, freeze=True, require_data=False, validate_responses=True) as pm:
        fuzzer = Fuzzer(pm, validation)
        for service, operation in OPERATIONS:
            fuzzer.run(service, operation)
    assert fuzzer.outcomes["ok"] > 0 and fuzzer.outcomes["error"] > 0
    assert sum(fuzzer.outcomes.values()) >= len(OPERATIONS)
