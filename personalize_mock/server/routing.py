"""Which operation a request names, derived from botocore's service models.

* JSON 1.1 services (the control plane): ``X-Amz-Target: <targetPrefix>.<Operation>`` with the
  model's HTTP method and request URI (``POST /``).
* rest-json services (runtime, events): the model's ``http.method`` and ``http.requestUri``
  of each operation (``POST /recommendations``, ``POST /events``, ...).

Nothing is listed by hand: a new operation in botocore's models is routed as soon as botocore
knows it. The rest-json routing supports what the Personalize models use (fixed paths, every
member in the body); a model with URI labels or header/query members would be refused when
the table is built rather than routed wrongly.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from personalize_mock.model import SERVICE_NAMES, service_model

DEFAULT_REGION = "us-east-1"
# SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/personalize/aws4_request, ..."
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/[^/,\s]+/aws4_request")


@dataclass(frozen=True)
class Route:
    """The operation a request names."""

    service: str
    operation: str
    #: ``"json"`` or ``"rest-json"``: how the answer is written.
    protocol: str


class UnknownOperation(LookupError):
    """The request names no operation of the three services."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class _Table:
    #: ``targetPrefix`` -> service, for the JSON 1.1 services.
    targets: dict[str, str]
    #: ``(METHOD, path)`` -> route, for the rest-json services.
    paths: dict[tuple[str, str], Route]


_table: _Table | None = None
_table_lock = threading.Lock()


def _build_table() -> _Table:
    targets: dict[str, str] = {}
    paths: dict[tuple[str, str], Route] = {}
    for service in SERVICE_NAMES:
        model = service_model(service)
        if model.protocol == "json":
            targets[model.metadata["targetPrefix"]] = service
            continue
        if model.protocol != "rest-json":
            raise NotImplementedError(f"{service} speaks {model.protocol}, which the server does not route")
        for operation in model.operation_names:
            key = _rest_key(service, operation)
            if key in paths:
                raise NotImplementedError(f"{key} is both {paths[key].operation} and {operation}")
            paths[key] = Route(service, operation, "rest-json")
    return _Table(targets, paths)


def _rest_key(service: str, operation: str) -> tuple[str, str]:
    operation_model = service_model(service).operation_model(operation)
    uri = operation_model.http["requestUri"]
    path = uri.split("?", 1)[0]
    shape = operation_model.input_shape
    located = [
        name
        for name, member in (shape.members.items() if shape else ())
        if member.serialization.get("location")
    ]
    if "{" in path or located:
        raise NotImplementedError(
            f"{service}.{operation} takes URI, header or query members: {uri} {located}"
        )
    return operation_model.http["method"].upper(), path


def table() -> _Table:
    """The routing table, built from the models on first use."""
    global _table
    # One uncontended lock per request costs nothing next to the request itself, and a single
    # check under the lock cannot race.
    with _table_lock:
        if _table is None:
            _table = _build_table()
        return _table


def resolve(method: str, path: str, target: str | None) -> Route:
    """The route of a request; :class:`UnknownOperation` if it names none.

    ``path`` excludes the query string; ``target`` is the ``X-Amz-Target`` header, if any.
    """
    routes = table()
    if target is not None:
        return _resolve_target(routes, method, path, target)
    route = routes.paths.get((method.upper(), path))
    if route is None:
        raise UnknownOperation(f"No operation is routed at {method.upper()} {path}.")
    return route


def _resolve_target(routes: _Table, method: str, path: str, target: str) -> Route:
    prefix, _, operation = target.partition(".")
    service = routes.targets.get(prefix)
    model = service_model(service) if service is not None else None
    if service is None or model is None or operation not in model.operation_names:
        raise UnknownOperation(f"Unknown operation {target!r} (X-Amz-Target).")
    http = model.operation_model(operation).http
    if (method.upper(), path) != (http["method"].upper(), http["requestUri"]):
        raise UnknownOperation(
            f"{target} is answered at {http['method']} {http['requestUri']}, not {method} {path}."
        )
    return Route(service, operation, model.protocol)


def region_from(authorization: str | None) -> str:
    """The region of a SigV4 ``Authorization`` header's credential scope; ``us-east-1`` if unsigned."""
    if authorization:
        match = _CREDENTIAL_SCOPE.search(authorization)
        if match:
            return match.group(1)
    return DEFAULT_REGION
