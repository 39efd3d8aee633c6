"""botocore's service models for the three Personalize services, loaded once per process.

A botocore ``Session`` per lookup would re-resolve data paths and rebuild the model every
time (tens of ms); the mock needs the model on every call, so one module-level ``Loader``
reads each ``service-2.json`` once and the resulting objects are kept for the process.

It reads the file by its path (``<service>/<latest api version>/service-2``) instead of
``Loader.load_service_model``, which first lists every service botocore knows (hundreds of
directories, about 10 ms in a fresh process) only to check that the name exists.
"""

from __future__ import annotations

import threading

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel

SERVICE_NAMES = ("personalize", "personalize-runtime", "personalize-events")

_LOADER = Loader()
_SERVICES: dict[str, ServiceModel] = {}
_OPERATIONS: dict[tuple[str, str], OperationModel] = {}
# Only the first load takes the lock; lookups afterwards are a plain dict hit.
_LOAD_LOCK = threading.Lock()


def service_model(service_name: str) -> ServiceModel:
    """botocore's ``ServiceModel`` for ``service_name`` (latest API version), cached."""
    try:
        return _SERVICES[service_name]
    except KeyError:
        pass
    with _LOAD_LOCK:
        model = _SERVICES.get(service_name)
        if model is None:
            latest = _LOADER.list_api_versions(service_name, "service-2")[-1]
            raw = _LOADER.load_data(f"{service_name}/{latest}/service-2")
            model = _SERVICES[service_name] = ServiceModel(raw, service_name=service_name)
    return model


def operation_model(service: str, operation: str) -> OperationModel:
    """botocore's ``OperationModel`` for ``operation`` (e.g. ``"DescribeSolution"``), cached.

    Raises ``botocore.exceptions.OperationNotFoundError`` for a name the model lacks.
    """
    key = (service, operation)
    try:
        return _OPERATIONS[key]
    except KeyError:
        model = _OPERATIONS[key] = service_model(service).operation_model(operation)
        return model
