"""How Personalize calls are caught: botocore event handlers, registered once per process.

The handlers answer on ``before-call.<service>`` with an already-parsed response, so
botocore's own parameter validation, endpoint resolution, paginators and ``after-call``
hooks keep working while signing, HTTP and response parsing are skipped (engineering notes
§1). They are appended to ``botocore.handlers.BUILTIN_HANDLERS`` at import, so every
botocore session created afterwards carries them; they do nothing unless a mock is active,
which makes activation a flag flip instead of a per-client registration.

Sessions created before the import (and the clients made from them) never got the handlers.
:func:`patch_client` fixes a client; the send-layer guard in :mod:`personalize_mock.activation.guard`
makes sure none of their Personalize requests reaches the network while a mock is active.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TypeVar

from botocore import handlers as botocore_handlers

from personalize_mock.endpoints import is_loopback_url
from personalize_mock.errors import EscapedRequestError, ServiceError, wire_code
from personalize_mock.interception import responses
from personalize_mock.interception.dispatch import active, run_operation
from personalize_mock.interception.fast_path import add_fast_path

#: The botocore service ids (hyphenized) this library answers for.
SERVICES = ("personalize", "personalize-runtime", "personalize-events")
_PARAMS_KEY = "personalize_mock.params"
_PATCHED_MARK = "_personalize_mock_patched"


def _capture_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    # The same context dict reaches before-call: keep the caller's kwargs so the answer
    # needs no json.loads of the serialized body.
    if active.state is not None:
        context[_PARAMS_KEY] = params


def _answer(
    model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any
) -> tuple[Any, dict[str, Any]] | None:
    state = active.state
    if state is None:
        return None
    url = params.get("url", "")
    if is_loopback_url(url):
        # Aimed on purpose at a local server (personalize-mock serve, an emulator): let
        # botocore send it there; it never leaves the machine (docs/usage.md).
        return None
    operation = model.name
    service_model = model.service_model
    service = service_model.service_name
    protocol = service_model.protocol
    api_params = context.get(_PARAMS_KEY)
    if api_params is None:
        api_params = _params_from_body(params)
    region = context.get("client_region") or "us-east-1"
    try:
        output = run_operation(state, service, operation, region, api_params)
    except ServiceError as error:
        code = wire_code(error)
        return responses.error(url, protocol, state.status_for(service, code), code, error.message)
    return responses.success(url, protocol, output)


def _params_from_body(request_dict: dict[str, Any]) -> dict[str, Any]:
    """Fallback when the kwargs were not captured (a handler list missing our first hook)."""
    body = request_dict.get("body") or b"{}"
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    loaded = json.loads(body) if body else {}
    return loaded if isinstance(loaded, dict) else {}


def _refuse_send(request: Any, **_: Any) -> None:
    # Reached only when nothing answered before-call: never let it go out while active.
    url = getattr(request, "url", "<unknown>")
    if active.state is not None and not is_loopback_url(str(url)):
        raise EscapedRequestError(url)


def _handler_specs() -> list[tuple[str, Any]]:
    specs: list[tuple[str, Any]] = []
    for service in SERVICES:
        specs.append((f"creating-client-class.{service}", add_fast_path))
        specs.append((f"before-parameter-build.{service}", _capture_params))
        specs.append((f"before-call.{service}", _answer))
        specs.append((f"before-send.{service}", _refuse_send))
    return specs


_HANDLER_SPECS = _handler_specs()


def install_global_handlers() -> None:
    """Make every new botocore session (and an existing ``boto3.DEFAULT_SESSION``) carry them."""
    for spec in _HANDLER_SPECS:
        if spec not in botocore_handlers.BUILTIN_HANDLERS:
            botocore_handlers.BUILTIN_HANDLERS.append(spec)
    boto3 = sys.modules.get("boto3")
    default_session = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if default_session is not None:
        register_on_emitter(default_session._session)


def register_on_emitter(target: Any) -> None:
    """Register the handlers on a botocore session or event emitter, once."""
    if getattr(target, _PATCHED_MARK, False):
        return
    for event_name, handler in _HANDLER_SPECS:
        target.register(event_name, handler)
    setattr(target, _PATCHED_MARK, True)


Client = TypeVar("Client")


def patch_client(client: Client) -> Client:
    """Route a client created from a pre-existing botocore session through personalize_mock.

    Clients of sessions created after ``import personalize_mock`` need nothing; this is for
    clients whose session existed before the import (they raise ``EscapedRequestError``
    otherwise while a mock is active). Returns the client, so it can wrap a constructor call.
    """
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is None:
        raise TypeError(f"patch_client expects a botocore client, got {type(client).__name__}")
    register_on_emitter(events)
    return client
