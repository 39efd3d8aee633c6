"""The HTTP front end: headers, errors where no operation answers, validation, connections."""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from server_helpers import Live

from personalize_mock.interception.operations import CONTROL_PLANE, EVENTS
from personalize_mock.server import MockServer, ServerApp, httpd

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


def test_a_client_that_asks_to_close_is_told_the_connection_closes(live: Live) -> None:
    request = (
        b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"X-Amz-Target: AmazonPersonalize.ListDatasetGroups\r\nContent-Length: 2\r\n\r\n{}"
    )
    answer = exchange(live, request)  # returns once the server has closed the connection

    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b"Connection: close\r\n" in answer
    assert answer.endswith(b'\r\n\r\n{"datasetGroups":[]}')


def test_a_body_shorter_than_announced_is_answered_not_awaited(live: Live) -> None:
    answer = exchange(live, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}", shutdown=True)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"The body ended after 2 of 100 bytes." in answer


def test_a_garbled_request_line_is_answered_in_json(live: Live) -> None:
    # Not http.server's HTML page (test_server_malformed.py has every other case); the
    # connection is closed: exchange() returns only on close.
    answer = exchange(live, b"NONSENSE\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert answer.endswith(
        b'{"__type":"SerializationException","message":"Malformed request line \'NONSENSE\'."}'
    )


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


@pytest.mark.parametrize("length", [b"-1", b"16777217"])
def test_a_content_length_out_of_bounds_is_answered_without_reading(live: Live, length: bytes) -> None:
    answer = exchange(live, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Length " + length + b" is outside 0..16777216." in answer
    assert b"Connection: close" in answer


CHUNKED = (
    b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonPersonalize.ListRecipes\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)


@pytest.mark.parametrize(
    ("chunks", "message"),
    [
        (b"zz\r\n{}\r\n0\r\n\r\n", b"Malformed chunked encoding."),
        (b"1000001\r\n", b"The body is larger than 16777216 bytes."),
        (b"a\r\n{}", b"The chunked body ended early."),
    ],
)
def test_a_broken_chunked_body_is_answered_and_the_connection_closed(
    live: Live, chunks: bytes, message: bytes
) -> None:
    answer = exchange(live, CHUNKED + chunks, shutdown=True)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert message in answer
    assert b"SerializationException" in answer
    assert b"Connection: close" in answer
    assert answer.count(b"HTTP/1.1 ") == 1


def test_chunked_trailers_are_consumed_and_the_connection_stays_usable(live: Live) -> None:
    with_trailers = CHUNKED + b"2\r\n{}\r\n0\r\nX-Checksum: abc\r\nX-Other: def\r\n\r\n"
    closing = (
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonPersonalize.ListRecipes\r\n"
        b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
    )

    answer = exchange(live, with_trailers + closing)

    assert answer.count(b"HTTP/1.1 200 OK") == 2
    assert b"HTTP/1.1 400" not in answer


def test_head_answers_the_headers_without_the_body(live: Live) -> None:
    connection = http.client.HTTPConnection(live.host, live.port, timeout=30)
    try:
        connection.request("HEAD", "/nowhere")
        head = connection.getresponse()
        head_body = head.read()
        # The same connection serves the next request: no body bytes were left on the wire.
        connection.request(
            "POST", "/", body=b"{}", headers={"X-Amz-Target": "AmazonPersonalize.ListDatasetGroups"}
        )
        after = connection.getresponse()
        after_body = json.loads(after.read())
    finally:
        connection.close()

    assert head.status == 400
    assert head.getheader("x-amzn-ErrorType") == "UnknownOperationException"
    assert int(head.getheader("Content-Length") or 0) > 0
    assert head_body == b""
    assert (after.status, after_body) == (200, {"datasetGroups": []})


def test_the_address_family_follows_the_host_literal() -> None:
    # Checked without binding, so it holds on machines without an IPv6 loopback too.
    assert httpd.address_family("::1") is socket.AF_INET6
    assert httpd.address_family("127.0.0.1") is socket.AF_INET
    assert httpd.address_family("localhost") is socket.AF_INET


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_an_ipv6_host_is_served_and_bracketed_in_the_url() -> None:
    with MockServer("::1") as server:
        url = server.url
        groups = Live(server).client().list_dataset_groups()["datasetGroups"]

    assert url == f"http://[::1]:{server.port}"
    assert groups == []


def test_starting_a_running_server_again_is_refused() -> None:
    with MockServer() as server:
        with pytest.raises(RuntimeError, match="the server is already running"):
            server.start()
        still_serving = Live(server).client().list_dataset_groups()["datasetGroups"]

    assert still_serving == []


def test_a_server_stopped_before_it_started_still_saves_its_state(tmp_path: Path) -> None:
    state_file = tmp_path / "state.bin"
    server = MockServer(state_file=state_file)
    created = server.app.handle(
        "POST", "/", {"X-Amz-Target": "AmazonPersonalize.CreateDatasetGroup"}, b'{"name": "kept"}'
    )

    server.stop()

    assert created.status == 200
    restored = ServerApp.create(state_file=state_file)
    groups = restored.state.backends["us-east-1"].collections["dataset_group"]
    assert list(groups.by_arn) == [json.loads(created.body)["datasetGroupArn"]]
