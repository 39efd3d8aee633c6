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

    def _make_api_call(self, operation_name: str, api_params: dict[str, Any]) -> Any:
        state = dispatch.active.state
        if state is None:
            return super()._make_api_call(operation_name, api_params)
        # botocore validates exactly when it wrapped the client's serializer for it (from
        # Config(parameter_validation=...) or the profile's parameter_validation setting).
        validated = isinstance(self._serializer, ParamValidationDecorator)
        if not state.options.fast or is_loopback_url(self.meta.endpoint_url):
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
            validate_parameters(api_params, service_model.operation_model(operation_name).input_shape)
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


def add_fast_path(class_attributes: dict[str, Any], base_classes: list[type], **_: Any) -> None:
    """``creating-client-class`` handler: put :class:`FastPathClient` first in the bases."""
    for base in base_classes:
        # aiobotocore's clients await _make_api_call: a synchronous override would break them.
        if inspect.iscoroutinefunction(getattr(base, "_make_api_call", None)):
            return
    if FastPathClient not in base_classes:
        base_classes.insert(0, FastPathClient)
