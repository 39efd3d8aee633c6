"""The one path every in-process call takes: which mock is on, and running an operation.

Both front doors, botocore's ``before-call`` hook (:mod:`.hooks`) and fast mode's
``_make_api_call`` (:mod:`.fast_path`), read :data:`active` and hand the call to
:func:`run_operation`, so the order of checks is written once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from personalize_mock.errors import NotImplementedOperation, ServiceError, wire_code
from personalize_mock.model import check_client_types, validate_input

if TYPE_CHECKING:
    from personalize_mock.interception.operations import Handler
    from personalize_mock.state import MockState


class _Active:
    """The state of the mock currently switched on (``None`` when off); one per process."""

    state: MockState | None = None


active = _Active()

#: One DEBUG line per in-process call: operation, main ARN, outcome (docs/usage.md, "Logging").
logger = logging.getLogger("personalize_mock")
_DEBUG = logging.DEBUG


def run_operation(
    state: MockState,
    service: str,
    operation: str,
    region: str,
    api_params: dict[str, Any],
    *,
    validated: bool = True,
) -> dict[str, Any]:
    """What both in-process paths (the botocore hook's and fast mode's) do with a call.

    ``NotImplementedOperation`` when no handler exists, then the model constraints botocore
    skips, then the handler; service errors propagate as ``ServiceError`` for the caller to
    turn into its kind of error response.
    """
    try:
        handler = lookup_handler(service, operation)
        if handler is None:
            raise NotImplementedOperation(service, operation)
        if not validated:
            # The client turned botocore's validation off (Config(parameter_validation=False)):
            # the service would still refuse wrong types, missing members and short values, and
            # the handlers rely on them having been refused.
            check_client_types(service, operation, api_params)
        validate_input(service, operation, api_params)
        output = state.dispatch(service, operation, handler, region, api_params)
    except ServiceError as error:
        # The call log (pm.calls): one append of a plain tuple; Call objects are built on read.
        state.calls.append((service, operation, api_params, None, error, state.clock.time()))
        if logger.isEnabledFor(_DEBUG):
            _log(operation, api_params, None, wire_code(error))
        raise
    state.calls.append((service, operation, api_params, output, None, state.clock.time()))
    if logger.isEnabledFor(_DEBUG):
        _log(operation, api_params, output, None)
    return output


def _log(operation: str, params: dict[str, Any], output: dict[str, Any] | None, code: str | None) -> None:
    logger.debug("%s %s %s", operation, main_arn(params, output) or "-", code or "OK")


def main_arn(params: dict[str, Any], output: dict[str, Any] | None) -> str | None:
    """The ARN a call is about: the first ``...Arn`` parameter, else the first one it answered."""
    for source in (params, output or {}):
        for name, value in source.items():
            if name.endswith("Arn") and isinstance(value, str):
                return value
    return None


def _load_table(service: str, operation: str) -> Handler | None:
    # The operation table imports every service family (tens of milliseconds). Loading it at
    # the first Personalize call instead of at `import personalize_mock` keeps the import cheap
    # for every pytest session (the plugin entry point imports the package) that never calls
    # Personalize. It then replaces itself with the table's lookup.
    global lookup_handler
    from personalize_mock.interception.operations import handler_for

    lookup_handler = handler_for
    return handler_for(service, operation)


#: The handler of a (service, operation), or ``None``; read it as a module attribute, it is
#: rebound when the operation table loads.
lookup_handler: Callable[[str, str], Handler | None] = _load_table
