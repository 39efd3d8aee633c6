"""Fast mode (``mock_personalize(fast=True)``): answer in the client's ``_make_api_call``.

The normal path (:mod:`personalize_mock.interception.hooks`) answers on botocore's ``before-call``
event, after botocore has emitted its parameter events, resolved the endpoint, built the
user-agent string and serialized the request: ~70 µs per call that a mock cannot avoid from
an event handler (docs/performance.md). In fast mode the Personalize client classes answer
before any of that. What is kept: botocore's parameter validation (``ParamValidationError``
as usual, when the client validates parameters), the model constraints botocore
skips, the modeled exceptions raised from ``client.exceptions`` and the
``ResponseMetadata`` of every response. What is skipped is listed in docs/usage.md
("Fast mode"): every event of the client's emitter (user handlers, ``Stubber``,
``after-call`` hooks), endpoint resolution, serialization.

The fast path is added when a Personalize client class is created
(``creating-client-class``), so it reaches clients of sessions created after
``import personalize_mock``; it costs one attribute check per call when fast mode is off.
aiobotocore's async clients keep the normal path.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, NoReturn

from botocore.client import BaseClient
from botocore.validate import ParamValidationDecorator, validate_parameters

from personalize_mock.endpoints import is_loopback_url
from personalize_mock.errors import ServiceError, wire_code
from personalize_mock.interception import dispatch, responses
from personalize_mock.model import check_client_types

if TYPE_CHECKING:
    from personalize_mock.state import MockState


# botocore ships no type information: BaseClient is Any to mypy.
class FastPathClient(BaseClient):  # type: ignore[misc]
    """A base placed before ``BaseClient`` in Personalize client classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Decided once per client (neither changes after construction), instead of on every
        # call (~0.4 µs, a few percent of a fast-mode call). botocore validates exactly when it
        # wrapped the client's serializer for it (from Config(parameter_validation=...) or the
        # profile's parameter_validation setting); a client aimed at a loopback endpoint_url
        # talks to a local server.
        self._personalize_mock_validated = isinstance(self._serializer, ParamValidationDecorator)
        self._personalize_mock_loopback = is_loopback_url(self.meta.endpoint_url)

    def _make_api_call(self, operation_name: str, api_params: dict[str, Any]) -> Any:
        state = dispatch.active.state
        if state is None:
            return super()._make_api_call(operation_name, api_params)
        validated = self._personalize_mock_validated
        if not state.options.fast or self._personalize_mock_loopback:
            # Normal mode, or a client aimed at a local server: botocore's own path. Without
            # botocore's validation, wrong types would reach the handlers (or the server):
            # refuse them first, as the service does.
            if not validated:
                try:
                    check_client_types(self._service_model.service_name, operation_name, api_params)
                except ServiceError as error:
                    self._raise_modeled(state, operation_name, error)
            return super()._make_api_call(operation_name, api_params)
        service_model = self._service_model
        service = service_model.service_name
        if validated:
            _validate(service_model, operation_name, api_params)
        try:
            output = dispatch.run_operation(
                state, service, operation_name, self.meta.region_name, api_params, validated=validated
            )
        except ServiceError as error:
            self._raise_modeled(state, operation_name, error)
        output["ResponseMetadata"] = responses.metadata(200, service_model.protocol)
        return output

    def _raise_modeled(self, state: MockState, operation_name: str, error: ServiceError) -> NoReturn:
        """Raise ``error`` as the client's modeled exception, as botocore would have parsed it."""
        service_model = self._service_model
        code = wire_code(error)
        status = state.status_for(service_model.service_name, code)
        parsed = responses.error_body(status, service_model.protocol, code, error.message)
        raise self.exceptions.from_code(code)(parsed, operation_name) from None


#: Requests of read operations botocore's validation passed, by (service model, operation,
#: parameters): a polling loop repeats the same Describe/Get call over and over, and validation
#: is a pure function of the parameters and the model that costs ~2 µs, a third of a fast-mode
#: describe. Only flat requests of str and int values are remembered (``True == 1``, so bools
#: are left out), and only successes: every error still comes from botocore itself.
_VALID_READS: dict[tuple[Any, ...], bool] = {}
#: Bound on :data:`_VALID_READS`; emptied when full, which only costs validating again.
VALID_READS_LIMIT = 1024
_READ_PREFIXES = ("Describe", "Get", "List")


def _validate(service_model: Any, operation_name: str, api_params: dict[str, Any]) -> None:
    """botocore's parameter validation, remembered for repeated requests of read operations."""
    key: tuple[Any, ...] | None = None
    if operation_name.startswith(_READ_PREFIXES):
        # A loop, not all() over a generator: reads with list members (GetPersonalizedRanking's
        # inputList) stop at that member, and the generator's set-up was most of the cost.
        for value in api_params.values():
            kind = type(value)
            if kind is not str and kind is not int:
                break
        else:
            key = (service_model, operation_name, tuple(api_params.items()))
            if key in _VALID_READS:
                return
    validate_parameters(api_params, service_model.operation_model(operation_name).input_shape)
    if key is not None:
        if len(_VALID_READS) >= VALID_READS_LIMIT:
            _VALID_READS.clear()
        _VALID_READS[key] = True


def add_fast_path(class_attributes: dict[str, Any], base_classes: list[type], **_: Any) -> None:
    """``creating-client-class`` handler: put :class:`FastPathClient` first in the bases."""
    for base in base_classes:
        # aiobotocore's clients await _make_api_call: a synchronous override would break them.
        if inspect.iscoroutinefunction(getattr(base, "_make_api_call", None)):
            return
    if FastPathClient not in base_classes:
        base_classes.insert(0, FastPathClient)
