"""Whatever bytes arrive, the answer is an AWS-shaped JSON error and a cleanly closed connection.

http.server's own answers to requests it cannot parse are HTML pages (with no status line
at all before the request's version is known); the server replaces them. Each case checks
the status, the ``__type``, the message, ``Connection: close``, and that the connection ends
with the server's FIN after the whole response (never a reset), even when the client sent
more than the server read.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from typing import Any

import pytest
from server_helpers import Live

from personalize_mock.server import MockServer, httpd


def exchange(live: Live | MockServer, request: bytes, *, shutdown: bool = False) -> bytes:
    """Send raw bytes; everything the server answers until it closes the connection."""
    port = live.port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        if shutdown:
            connection.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := connection.recv(65536):  # a reset would raise ConnectionResetError
            chunks.append(chunk)
    return b"".join(chunks)


def parsed(answer: bytes) -> tuple[int, dict[str, str], Any]:
    """(status, headers, JSON body) of one HTTP/1.1 response that is all of ``answer``."""
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    assert status_line.startswith("HTTP/1.1 "), status_line
    headers = dict(line.split(": ", 1) for line in header_lines)
    assert int(headers["Content-Length"]) == len(body)
    return int(status_line.split()[1]), headers, json.loads(body)


def client_hello() -> bytes:
    """The first bytes a TLS client sends (a ClientHello), made by the ssl module."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


CASES = [
    pytest.param(
        b"NONSENSE\r\n\r\n", 400, "SerializationException", "Malformed request line 'NONSENSE'", id="one word"
    ),
    pytest.param(
        b"GET / HTTP/1.1 extra\r\n\r\n",
        400,
        "SerializationException",
        "Malformed request line",
        id="four words",
    ),
    pytest.param(
        b"GET / HTTP/1.10\r\n\r\n", 400, "SerializationException", "Malformed request line", id="version 1.10"
    ),
    pytest.param(
        b"GET / http/1.1\r\n\r\n", 400, "SerializationException", "Malformed request line", id="lower-case"
    ),
    pytest.param(
        b"G(T / HTTP/1.1\r\n\r\n", 400, "SerializationException", "Malformed request line", id="bad method"
    ),
    pytest.param(
        b"GET / HTTP/9.9\r\n\r\n", 505, "HttpVersionNotSupported", "HTTP/9.9 is not supported", id="HTTP/9.9"
    ),
    pytest.param(
        b"GET / HTTP/12.0\r\n\r\n",
        505,
        "HttpVersionNotSupported",
        "HTTP/12.0 is not supported",
        id="HTTP/12.0",
    ),
    pytest.param(
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        505,
        "HttpVersionNotSupported",
        "HTTP/2.0 is not supported",
        id="h2 preface",
    ),
    pytest.param(
        b"GET /\r\n\r\n", 505, "HttpVersionNotSupported", "HTTP/0.9 is not supported", id="HTTP/0.9"
    ),
    pytest.param(
        b"GET /\x00 HTTP/1.1\r\n\r\n", 400, "SerializationException", "NUL byte", id="NUL in the target"
    ),
    pytest.param(b"\x00\x00\x00\x00", 400, "SerializationException", "first byte is 0x00", id="NUL first"),
    pytest.param(b"\xff\xfe garbage", 400, "SerializationException", "first byte is 0xff", id="binary"),
    pytest.param(
        b"GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n",
        400,
        "SerializationException",
        "X-A contains a control byte",
        id="NUL in a header",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nX-A: a\x07b\r\n\r\n",
        400,
        "SerializationException",
        "control byte",
        id="BEL in a header",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        400,
        "SerializationException",
        "header line is malformed",
        id="no colon",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\n folded\r\nHost: x\r\n\r\n",
        400,
        "SerializationException",
        "header line is malformed",
        id="leading fold",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nX(A): b\r\n\r\n",
        400,
        "SerializationException",
        "Malformed header name",
        id="bad header name",
    ),
    pytest.param(
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
        414,
        "SerializationException",
        "longer than 65536 bytes",
        id="long request line",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nX-A: " + b"a" * 70_000 + b"\r\n\r\n",
        431,
        "SerializationException",
        "Line too long",
        id="long header",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 120 + b"\r\n",
        431,
        "SerializationException",
        "Too many headers",
        id="too many headers",
    ),
    pytest.param(
        b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
        501,
        "NotImplemented",
        "Unsupported method 'BREW'",
        id="unknown method",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        400,
        "SerializationException",
        "2 different Content-Length headers",
        id="two lengths",
    ),
    pytest.param(
        b"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
        400,
        "SerializationException",
        "is not a number",
        id="hex length",
    ),
]


@pytest.mark.parametrize(("request_bytes", "status", "error_type", "message"), CASES)
def test_malformed_http_gets_an_aws_json_error_and_a_clean_close(
    live: Live, request_bytes: bytes, status: int, error_type: str, message: str
) -> None:
    answer = exchange(live, request_bytes)

    code, headers, body = parsed(answer)
    assert (code, body["__type"]) == (status, error_type)
    assert message in body["message"]
    assert headers["Connection"] == "close"
    assert headers["Content-Type"] == "application/json"
    assert headers["x-amzn-ErrorType"] == error_type
    assert "x-amzn-RequestId" in headers


def test_a_tls_client_hello_is_answered_at_once(live: Live) -> None:
    # A ClientHello has no line end: waiting for one would hang the TLS client until timeout.
    started = time.monotonic()
    answer = exchange(live, client_hello())
    elapsed = time.monotonic() - started

    code, _, body = parsed(answer)
    assert (code, body["__type"]) == (400, "SerializationException")
    assert "received a TLS handshake: use an http:// endpoint URL" in body["message"]
    assert elapsed < 5


def test_a_tls_client_fails_fast_instead_of_hanging(live: Live) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    started = time.monotonic()
    with (
        socket.create_connection((live.host, live.port), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw, server_hostname="localhost")

    assert time.monotonic() - started < 5


def test_a_rest_json_header_picks_the_error_protocol(live: Live) -> None:
    request = b"FETCH / HTTP/1.1\r\nX-Amz-Target: AmazonPersonalize.ListSchemas\r\n\r\n"

    code, headers, body = parsed(exchange(live, request))

    assert (code, body["__type"]) == (501, "NotImplemented")
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "x-amzn-ErrorType" not in headers


def test_a_client_still_sending_gets_the_error_response(live: Live) -> None:
    # The server answers a body over the limit without reading it, while the client is still
    # sending 17 MB. Closing with that input unread would reset the connection: the client's
    # send would fail (broken pipe) before it read the answer. Lingering reads it away.
    connection = http.client.HTTPConnection(live.host, live.port, timeout=30)
    try:
        connection.request(
            "POST", "/", b"x" * (httpd.MAX_BODY + 1), {"X-Amz-Target": "AmazonPersonalize.ListSchemas"}
        )
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()

    assert (response.status, body["__type"]) == (400, "SerializationException")
    assert body["message"] == f"Content-Length {httpd.MAX_BODY + 1} is outside 0..{httpd.MAX_BODY}."


def test_an_empty_line_before_a_request_is_ignored(live: Live) -> None:
    request = (
        b"\r\nPOST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonPersonalize.ListSchemas\r\n"
        b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
    )

    code, _, body = parsed(exchange(live, request))

    assert (code, body) == (200, {"schemas": []})


def test_http_1_0_is_answered_and_closed(live: Live) -> None:
    request = b"POST / HTTP/1.0\r\nX-Amz-Target: AmazonPersonalize.ListSchemas\r\nContent-Length: 2\r\n\r\n{}"

    code, headers, body = parsed(exchange(live, request))

    assert (code, body, headers["Connection"]) == (200, {"schemas": []}, "close")


def test_a_request_line_cut_short_by_the_client_is_answered(live: Live) -> None:
    code, _, body = parsed(exchange(live, b"GET / HTTP/1.1", shutdown=True))

    assert (code, body["__type"]) == (400, "SerializationException")


def test_the_connection_is_usable_until_the_error(live: Live) -> None:
    good = (
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonPersonalize.ListSchemas\r\n"
        b"Content-Length: 2\r\n\r\n{}"
    )

    answer = exchange(live, good + b"GET / HTTP/7.0\r\n\r\n" + good)

    assert answer.count(b"HTTP/1.1 200 OK") == 1
    assert answer.count(b"HTTP/1.1 505 ") == 1
    assert answer.endswith(b'"HTTP/7.0 is not supported: the server speaks HTTP/1.1."}')


@pytest.mark.parametrize(("seconds", "limit"), [(0.0, 1 << 20), (0.2, 1 << 20), (2.0, 10)])
def test_lingering_is_bounded_in_time_and_bytes(
    monkeypatch: pytest.MonkeyPatch, seconds: float, limit: int
) -> None:
    monkeypatch.setattr(httpd, "LINGER_SECONDS", seconds)
    monkeypatch.setattr(httpd, "_LINGER_BYTES", limit)
    with (
        MockServer() as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection,
    ):
        connection.sendall(b"NONSENSE\r\n")
        chunks = []
        started = time.monotonic()
        while chunk := connection.recv(65536):  # until the server's FIN
            chunks.append(chunk)
        answered = time.monotonic() - started
        # A client that goes on sending and never closes: the server stops lingering by itself
        # (at once, after its time, or after its bytes).
        connection.sendall(b"x" * 100)
        time.sleep(0.4)

    code, _, _ = parsed(b"".join(chunks))
    assert code == 400
    assert answered < 5


def test_a_connection_reset_by_the_client_is_dropped_quietly(live: Live) -> None:
    with socket.create_connection((live.host, live.port), timeout=10) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        # SO_LINGER 0: close() sends a reset instead of FIN.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    time.sleep(0.1)

    assert live.client().list_schemas()["schemas"] == []  # the server is still serving
