"""The HTTP front end: headers, errors where no operation answers, validation, connections."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_helpers import Live

from personalize_mock.operations import CONTROL_PLANE, EVENTS

REQUEST_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
JSON_11 = "application/x-amz-json-1.1"


def test_a_success_has_the_control_plane_headers(live: Live) -> None:
    response = live.call("CreateDatasetGroup", {"name": "g"})

    assert response.status == 200
    assert response.header("Content-Type") == JSON_11
    assert REQUEST_ID.fullmatch(response.header("x-amzn-RequestId") or "")
    assert int(response.header("Content-Length") or -1) == len(response.body)
    assert response.json() == {
        "datasetGroupArn": "arn:aws:personalize:us-east-1:123456789012:dataset-group/g"
    }


def test_operations_without_output_answer_an_empty_object(live: Live) -> None:
    arn = live.call("CreateDatasetGroup", {"name": "g"}).json()["datasetGroupArn"]
    live.control("settle")

    tagged = live.call("TagResource", {"resourceArn": arn, "tags": [{"tagKey": "k", "tagValue": "v"}]})
    deleted = live.call("DeleteDatasetGroup", {"datasetGroupArn": arn})

    assert (tagged.status, tagged.body) == (200, b"{}")
    assert (deleted.status, deleted.body) == (200, b"{}")


@pytest.mark.parametrize("body", ['{"name": ', "[1, 2]", "not json", '{"name": NaN}'])
def test_a_body_that_is_not_a_json_object_is_a_serialization_exception(live: Live, body: str) -> None:
    response = live.call("CreateDatasetGroup", body)

    assert response.status == 400
    assert response.json()["__type"] == "SerializationException"
    assert response.json()["message"]
    assert response.header("Connection") == "close"


def test_an_unknown_target_is_an_unknown_operation_exception(live: Live) -> None:
    response = live.call("CreateNothing", {})

    assert response.status == 400
    assert response.header("Content-Type") == JSON_11
    assert response.json() == {
        "__type": "UnknownOperationException",
        "message": "Unknown operation 'AmazonPersonalize.CreateNothing' (X-Amz-Target).",
    }


def test_an_unknown_path_is_an_unknown_operation_exception_in_rest_json(live: Live) -> None:
    response = live.raw("POST", "/nowhere", {})

    assert response.status == 400
    assert response.header("Content-Type") == "application/json"
    assert response.header("x-amzn-ErrorType") == "UnknownOperationException"
    assert response.json()["__type"] == "UnknownOperationException"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": 5}, "Value '5' at 'name' failed to satisfy constraint: Member must be of type string"),
        ({}, "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        ({"name": None}, "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        ({"name": "n" * 64}, "Member must have length less than or equal to 63"),
        ({"name": ""}, "Member must have length greater than or equal to 1"),
        ({"name": "-bad"}, "Member must satisfy regular expression pattern"),
        (
            {"name": "g", "domain": "GAMES"},
            "Member must satisfy enum value set: [ECOMMERCE, VIDEO_ON_DEMAND]",
        ),
        (
            {"name": "g", "tags": {"k": "v"}},
            "at 'tags' failed to satisfy constraint: Member must be of type list",
        ),
        ({"name": "g", "tags": [{"tagValue": "v"}]}, "Value null at 'tags.1.member.tagKey'"),
    ],
)
def test_raw_json_is_validated_fully(live: Live, body: dict[str, Any], message: str) -> None:
    response = live.call("CreateDatasetGroup", body)

    assert response.status == 400
    assert response.json()["__type"] == "InvalidInputException"
    assert message in response.json()["message"]
    assert response.json()["message"].startswith("1 validation error detected: ")


def test_numbers_and_lists_are_checked_against_their_bounds(live: Live) -> None:
    too_many = live.call("ListDatasetGroups", {"maxResults": 0})
    mistyped = live.call("ListDatasetGroups", {"maxResults": "10"})

    assert "Member must have value greater than or equal to 1" in too_many.json()["message"]
    assert "Member must be of type integer" in mistyped.json()["message"]


def test_an_operation_personalize_mock_lacks_answers_501(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(CONTROL_PLANE, "ListRecipes")

    response = live.call("ListRecipes", {})
    with pytest.raises(ClientError) as caught:
        live.client().list_recipes()

    assert response.status == 501
    assert response.json()["__type"] == "NotImplemented"
    assert "does not implement personalize.ListRecipes" in response.json()["message"]
    assert "docs/coverage.md" in response.json()["message"]
    assert caught.value.response["Error"]["Code"] == "NotImplemented"


def test_a_failing_handler_answers_500_and_is_logged(
    live: Live, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(backend: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(CONTROL_PLANE, "ListRecipes", broken)

    with caplog.at_level(logging.ERROR, logger="personalize_mock.server"):
        response = live.call("ListRecipes", {})

    assert response.status == 500
    assert response.json()["__type"] == "InternalFailure"
    assert "RuntimeError: the disk is full" in response.json()["message"]
    assert "Traceback" not in response.body.decode()
    assert response.header("Connection") == "close"
    assert any(record.exc_info and "ListRecipes" in record.getMessage() for record in caplog.records)


def test_a_response_that_breaks_the_output_shape_is_a_500(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session's server runs with validate_responses, as the in-process tests do.
    monkeypatch.setitem(CONTROL_PLANE, "ListRecipes", lambda backend, params: {"recipes": "not a list"})

    response = live.call("ListRecipes", {})

    assert response.status == 500
    assert "OutputShapeError" in response.json()["message"]


def test_rest_json_errors_carry_the_model_status_and_the_error_type_header(live: Live) -> None:
    response = live.raw(
        "POST",
        "/recommendations",
        {"campaignArn": "arn:aws:personalize:us-east-1:123456789012:campaign/none"},
    )

    assert response.status == 404
    assert response.header("x-amzn-ErrorType") == "ResourceNotFoundException"
    assert response.header("Content-Type") == "application/json"
    assert response.json()["__type"] == "ResourceNotFoundException"


def test_rest_json_input_reaches_handlers_as_botocore_kwargs(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: list[Mapping[str, Any]] = []

    def capture(backend: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        received.append(params)
        return {}

    monkeypatch.setitem(EVENTS, "PutEvents", capture)
    event = {"eventType": "click", "sentAt": 1704067200.25, "unknownMember": 1}

    response = live.raw("POST", "/events", {"trackingId": "t", "sessionId": "s", "eventList": [event]})

    assert (response.status, response.body) == (200, b"{}")
    assert response.header("Content-Type") == "application/json"
    assert received == [
        {
            "trackingId": "t",
            "sessionId": "s",
            "eventList": [
                {"eventType": "click", "sentAt": datetime(2024, 1, 1, 0, 0, 0, 250000, timezone.utc)}
            ],
        }
    ]


def test_the_region_is_the_signature_s_and_us_east_1_when_unsigned(live: Live) -> None:
    signed = live.client(region="eu-west-1").create_dataset_group(name="g")["datasetGroupArn"]
    unsigned = live.call("CreateDatasetGroup", {"name": "g"}).json()["datasetGroupArn"]

    assert signed == "arn:aws:personalize:eu-west-1:123456789012:dataset-group/g"
    assert unsigned == "arn:aws:personalize:us-east-1:123456789012:dataset-group/g"


def exchange(live: Live, request: bytes, *, shutdown: bool = False) -> bytes:
    """Send raw bytes; everything the server answers until it closes the connection."""
    with socket.create_connection((live.host, live.port), timeout=10) as connection:
        connection.sendall(request)
        if shutdown:
            connection.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_bad_content_length_is_answered_and_the_connection_closed(live: Live) -> None:
    answer = exchange(live, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"SerializationException" in answer
    assert b"Connection: close" in answer


def test_a_body_shorter_than_announced_is_answered_not_awaited(live: Live) -> None:
    answer = exchange(live, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}", shutdown=True)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"The body ended after 2 of 100 bytes." in answer


def test_a_garbled_request_line_is_answered(live: Live) -> None:
    # http.server answers a request line it cannot parse itself (an HTML page, HTTP/0.9 style
    # for a one-word line) and closes the connection: exchange() returns only on close.
    answer = exchange(live, b"NONSENSE\r\n\r\n")

    assert b"400" in answer


def test_chunked_bodies_are_read(live: Live) -> None:
    body = b'{"name": "chunked"}'
    request = (
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonPersonalize.CreateDatasetGroup\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + f"{len(body[:5]):x}\r\n".encode()
        + body[:5]
        + b"\r\n"
        + f"{len(body[5:]):x}\r\n".encode()
        + body[5:]
        + b"\r\n0\r\n\r\n"
    )

    answer = exchange(live, request)

    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b"dataset-group/chunked" in answer


def test_connections_are_kept_alive_between_requests(live: Live) -> None:
    request = (
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonPersonalize.ListRecipes\r\n"
        b"Content-Length: 2\r\n\r\n{}"
    )
    closing = request.replace(b"Host: x\r\n", b"Host: x\r\nConnection: close\r\n")

    answer = exchange(live, request + request + closing)

    assert answer.count(b"HTTP/1.1 200 OK") == 3
