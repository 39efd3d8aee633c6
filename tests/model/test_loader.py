"""botocore's service models, read by path once per process."""

from __future__ import annotations

import pytest
from botocore.loaders import Loader

from personalize_mock.model.loader import SERVICE_NAMES, operation_model, service_model


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_model_read_by_path_is_the_one_botocore_loads(service: str) -> None:
    model = service_model(service)
    assert model._service_description == Loader().load_service_model(service, "service-2")
    assert model.service_name == service
    assert service_model(service) is model  # cached


def test_operation_models_are_cached() -> None:
    first = operation_model("personalize", "ListDatasetGroups")
    assert first.name == "ListDatasetGroups"
    assert operation_model("personalize", "ListDatasetGroups") is first
