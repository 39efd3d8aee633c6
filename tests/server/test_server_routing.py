"""Routing derived from botocore's models: X-Amz-Target for JSON 1.1, requestUri for rest-json."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import ServiceModel

from personalize_mock.model import service_model
from personalize_mock.server import routing
from personalize_mock.server.routing import (
    DEFAULT_REGION,
    Route,
    UnknownOperation,
    region_from,
    resolve,
    table,
)


@pytest.mark.parametrize("operation", service_model("personalize").operation_names)
def test_every_control_plane_operation_is_routed_by_its_target(operation: str) -> None:
    assert resolve("POST", "/", f"AmazonPersonalize.{operation}") == Route("personalize", operation, "json")


@pytest.mark.parametrize("service", ["personalize-runtime", "personalize-events"])
def test_every_rest_json_operation_is_routed_by_its_model_path(service: str) -> None:
    model = service_model(service)
    for operation in model.operation_names:
        http = model.operation_model(operation).http
        assert resolve(http["method"], http["requestUri"], None) == Route(service, operation, "rest-json")


def test_the_paths_are_the_documented_ones() -> None:
    paths = {path: route.operation for (_, path), route in table().paths.items()}
    assert paths == {
        "/recommendations": "GetRecommendations",
        "/personalize-ranking": "GetPersonalizedRanking",
        "/action-recommendations": "GetActionRecommendations",
        "/events": "PutEvents",
        "/items": "PutItems",
        "/users": "PutUsers",
        "/actions": "PutActions",
        "/action-interactions": "PutActionInteractions",
    }
    assert table().targets == {"AmazonPersonalize": "personalize"}


@pytest.mark.parametrize(
    ("method", "path", "target"),
    [
        ("POST", "/", "AmazonPersonalize.NoSuchOperation"),
        ("POST", "/", "AmazonSomethingElse.CreateDatasetGroup"),
        ("POST", "/", "CreateDatasetGroup"),
        ("GET", "/", "AmazonPersonalize.ListRecipes"),
        ("POST", "/other", "AmazonPersonalize.ListRecipes"),
        ("POST", "/nowhere", None),
        ("GET", "/recommendations", None),
        ("POST", "/", None),
    ],
)
def test_anything_else_is_an_unknown_operation(method: str, path: str, target: str | None) -> None:
    with pytest.raises(UnknownOperation) as caught:
        resolve(method, path, target)
    assert caught.value.message


@pytest.mark.parametrize(
    ("authorization", "region"),
    [
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/personalize/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc",
            "us-west-2",
        ),
        ("AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-central-1/personalize/aws4_request", "eu-central-1"),
        ("AWS4-HMAC-SHA256 Credential=AKID/20240101/cn-north-1/personalize/aws4_request,", "cn-north-1"),
        (None, DEFAULT_REGION),
        ("", DEFAULT_REGION),
        ("Bearer token", DEFAULT_REGION),
        ("AWS4-HMAC-SHA256 Credential=AKID/2024/../personalize/aws4_request", DEFAULT_REGION),
    ],
)
def test_the_region_comes_from_the_sigv4_credential_scope(authorization: str | None, region: str) -> None:
    assert region_from(authorization) == region


# -- models the server cannot route are refused when the table is built ------------------------


def _fake_model(
    protocol: str, operations: dict[str, Any], shapes: dict[str, Any] | None = None
) -> ServiceModel:
    metadata = {
        "protocol": protocol,
        "apiVersion": "2020-01-01",
        "endpointPrefix": "fake",
        "serviceId": "Fake",
        "signatureVersion": "v4",
    }
    return ServiceModel({"metadata": metadata, "operations": operations, "shapes": shapes or {}}, "fake")


def _build_with(monkeypatch: pytest.MonkeyPatch, model: ServiceModel) -> None:
    """Build a fresh routing table from ``model`` alone (the real table is restored afterwards)."""
    monkeypatch.setattr(routing, "SERVICE_NAMES", ("fake",))
    monkeypatch.setattr(routing, "service_model", lambda service: model)
    monkeypatch.setattr(routing, "_table", None)
    table()


def test_a_service_in_another_protocol_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fake_model(
        "query", {"ListThings": {"name": "ListThings", "http": {"method": "POST", "requestUri": "/"}}}
    )

    with pytest.raises(NotImplementedError, match="fake speaks query, which the server does not route"):
        _build_with(monkeypatch, model)


@pytest.mark.parametrize(
    ("uri", "location", "shown"),
    [
        ("/things/{thingId}", "uri", "/things/{thingId} ['thingId']"),
        ("/things", "header", "/things ['thingId']"),
        ("/things?mode=all", "querystring", "/things?mode=all ['thingId']"),
    ],
)
def test_a_rest_json_operation_with_located_members_is_refused(
    monkeypatch: pytest.MonkeyPatch, uri: str, location: str, shown: str
) -> None:
    operation = {
        "name": "GetThing",
        "http": {"method": "GET", "requestUri": uri},
        "input": {"shape": "GetThingRequest"},
    }
    shapes = {
        "GetThingRequest": {
            "type": "structure",
            "members": {"thingId": {"shape": "Id", "location": location, "locationName": "thingId"}},
        },
        "Id": {"type": "string"},
    }

    with pytest.raises(NotImplementedError) as caught:
        _build_with(monkeypatch, _fake_model("rest-json", {"GetThing": operation}, shapes))

    assert str(caught.value) == f"fake.GetThing takes URI, header or query members: {shown}"


def test_two_rest_json_operations_at_one_path_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    at_things = {"method": "POST", "requestUri": "/things"}
    model = _fake_model(
        "rest-json",
        {
            "CreateThing": {"name": "CreateThing", "http": at_things},
            "PutThing": {"name": "PutThing", "http": at_things},
        },
    )

    with pytest.raises(NotImplementedError, match=r"\('POST', '/things'\) is both CreateThing and PutThing"):
        _build_with(monkeypatch, model)


def test_the_table_is_built_once_and_shared() -> None:
    assert table() is table()
