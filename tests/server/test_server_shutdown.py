"""Stopping the server: SIGTERM/SIGINT drain the connections before the state is saved.

On stop the server accepts nothing more, answers the requests in flight, closes keep-alive
connections, and saves only then: every request that got an answer is in the saved state.
The kill test below checks it against real processes under load; the others check each step
in process.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import signal
import socket
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from server_helpers import Live, Writers, list_schema_names, serving, signed_headers

from personalize_mock.interception.operations import CONTROL_PLANE
from personalize_mock.server import MockServer, ServerApp, httpd, server_options
from personalize_mock.server.journal import journal_path
from personalize_mock.snapshot import load_state
from personalize_mock.state import MockState

RUNS = 5
WRITERS = 8
PER_WRITER = 60  # 480 schemas at most per run: under the quota of 500 per region
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1")


def test_sigterm_under_load_loses_no_acknowledged_write(tmp_path: Path) -> None:
    # Each run: eight clients create schemas on keep-alive connections, SIGTERM comes after a
    # random number of answers, the clients go on until the server is gone; the next run's
    # server (a restart) must list every schema that was answered, in every run so far.
    state_file = tmp_path / "state.bin"
    acknowledged: dict[str, list[str]] = {}
    summary = []
    for run, region in enumerate(REGIONS[:RUNS]):
        with serving("--state-file", str(state_file)) as served:
            for earlier, names in acknowledged.items():
                missing = set(names) - list_schema_names(served.port, earlier)
                assert not missing, f"lost after SIGTERM: {sorted(missing)[:5]} ({len(missing)})"
            writers = Writers(served.port, region, f"r{run}", writers=WRITERS, per_writer=PER_WRITER)
            writers.start().wait_for(random.Random(run).randrange(20, 200))
            signalled = time.monotonic()
            code, stderr = served.stop(signal.SIGTERM)
            exited = time.monotonic() - signalled
            writers.join()
        assert code == 0, stderr
        assert "Traceback" not in stderr
        assert writers.unexpected == []
        assert not journal_path(state_file).exists()  # a clean stop leaves the snapshot only
        acknowledged[region] = writers.acknowledged
        summary.append((len(writers.acknowledged), writers.unanswered, round(exited, 3)))
    with serving("--state-file", str(state_file)) as served:
        lost = {
            region: set(names) - list_schema_names(served.port, region)
            for region, names in acknowledged.items()
        }
        served.stop()
    print(f"SIGTERM runs (acknowledged, unanswered, seconds to exit): {summary}")
    assert sum(len(names) for names in acknowledged.values()) >= RUNS * 20
    assert lost == {region: set() for region in acknowledged}


def test_an_idle_server_exits_promptly_on_sigterm(tmp_path: Path) -> None:
    # docs/server.md gives the measured figure (well under 0.5 s); asserted generously here.
    with serving("--state-file", str(tmp_path / "state.bin")) as served:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request("POST", "/", b"{}", signed_headers("ListSchemas", "us-east-1"))
        assert connection.getresponse().read() == b'{"schemas":[]}'  # an idle keep-alive connection
        signalled = time.monotonic()
        code, stderr = served.stop(signal.SIGTERM)
        exited = time.monotonic() - signalled
        connection.close()

    print(f"idle SIGTERM to exit: {exited:.3f} s")
    assert code == 0, stderr
    assert exited < 10


def test_sigint_saves_like_sigterm(tmp_path: Path) -> None:
    state_file = tmp_path / "state.bin"
    with serving("--state-file", str(state_file)) as served:
        arn = served.client().create_dataset_group(name="kept")["datasetGroupArn"]
        code, stderr = served.stop(signal.SIGINT)
    with serving("--state-file", str(state_file)) as served:
        listed = [
            group["datasetGroupArn"] for group in served.client().list_dataset_groups()["datasetGroups"]
        ]
        served.stop()

    assert code == 0, stderr
    assert listed == [arn]


# -- the steps, in process -------------------------------------------------------------------


def _request(server: MockServer, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/", json.dumps(body), signed_headers(operation, "us-east-1"))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _until_closed(connection: socket.socket) -> bytes:
    """Everything received until the server closes the connection."""
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_in_flight_is_answered_before_the_state_is_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    original = CONTROL_PLANE["CreateDatasetGroup"]

    def slow(backend: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        entered.set()
        assert release.wait(10)
        return original(backend, params)

    monkeypatch.setitem(CONTROL_PLANE, "CreateDatasetGroup", slow)
    state_file = tmp_path / "state.bin"
    server = MockServer(state_file=state_file).start()
    answers: list[tuple[int, dict[str, str], bytes]] = []
    client = threading.Thread(
        target=lambda: answers.append(_request(server, "CreateDatasetGroup", {"name": "late"}))
    )
    client.start()
    assert entered.wait(10)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    time.sleep(0.2)
    still_stopping = stopper.is_alive()  # waiting for the request in flight
    release.set()
    stopper.join(10)
    client.join(10)

    assert still_stopping
    assert not stopper.is_alive()
    [(status, headers, body)] = answers
    assert status == 200, body
    assert headers["Connection"] == "close"
    monkeypatch.undo()
    with MockServer(state_file=state_file) as restarted:
        names = [group["name"] for group in Live(restarted).client().list_dataset_groups()["datasetGroups"]]
    assert names == ["late"]


def test_stop_closes_idle_keep_alive_connections() -> None:
    server = MockServer().start()
    idle = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    idle.request("POST", "/", b"{}", signed_headers("ListSchemas", "us-east-1"))
    response = idle.getresponse()
    answer = response.read()
    started = time.monotonic()
    server.stop()
    stopped = time.monotonic() - started
    assert idle.sock is not None
    rest = idle.sock.recv(65536)  # the server closed the connection: end of file, at once
    idle.close()

    assert (response.status, answer, response.will_close) == (200, b'{"schemas":[]}', False)
    assert rest == b""
    assert stopped < 5  # no waiting on the idle connection's timeout (120 s)


def test_a_request_arriving_on_a_connection_drain_shut_is_not_served(monkeypatch: pytest.MonkeyPatch) -> None:
    # The race drain() loses on purpose: a request's bytes arrive just as the connection is
    # shut while idle. The request may be cut short; it is never answered (never as a 400
    # for a body "ended early"): the connection closes, and an SDK retries.
    monkeypatch.setattr(httpd, "_shut", lambda connection, how: None)  # the bytes win the race
    server = MockServer().start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        time.sleep(0.2)  # the connection's thread waits for a request
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        time.sleep(0.2)  # drain() marked the idle connection cut off
        connection.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonPersonalize.ListSchemas\r\n"
            b"Content-Length: 2\r\n\r\n{}"
        )
        answer = _until_closed(connection)
        stopper.join(10)

    assert answer == b""
    assert not stopper.is_alive()


def test_a_connection_accepted_while_draining_is_closed_unanswered() -> None:
    with MockServer() as server:
        server._httpd.draining = True  # as drain() sets it, with the listening socket still open
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(b"GET /_personalize_mock/state HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = connection.recv(65536)

    assert answer == b""


def test_a_response_sent_while_draining_says_the_connection_closes() -> None:
    with (
        MockServer() as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection,
    ):
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}")
        time.sleep(0.2)  # the handler is reading the body
        server._httpd.draining = True
        connection.shutdown(socket.SHUT_WR)  # the body ends short: a 400 answer
        answer = _until_closed(connection)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close" in answer
    assert answer.endswith(b'The body ended after 2 of 10 bytes."}')


def test_a_request_stuck_past_the_drain_timeout_is_cut_off(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(httpd, "DRAIN_SECONDS", 0.2)
    server = MockServer().start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        # A body announced and never sent: the handler waits for it (for up to 120 s).
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        time.sleep(0.2)
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="personalize_mock.server"):
            server.stop()
        stopped = time.monotonic() - started
        answer = connection.recv(65536)

    assert stopped < 5
    assert answer == b""  # cut off unanswered
    assert any("cutting off 1 connections" in record.getMessage() for record in caplog.records)


def test_a_request_after_the_app_closed_is_refused_with_503(tmp_path: Path) -> None:
    server = MockServer(state_file=tmp_path / "state.bin")
    server.stop()

    api = server.app.handle("POST", "/", {"X-Amz-Target": "AmazonPersonalize.ListSchemas"}, b"{}")
    control = server.app.handle("POST", "/_personalize_mock/advance", {}, b'{"seconds": 1}')

    assert (api.status, json.loads(api.body)["__type"]) == (503, "ServiceUnavailable")
    assert api.close
    assert control.status == 503
    assert "stopping" in json.loads(control.body)["error"]


def test_a_server_that_cannot_bind_closes_its_journal(tmp_path: Path) -> None:
    with MockServer() as taken, pytest.raises(OSError):
        MockServer(port=taken.port, state_file=tmp_path / "state.bin")

    # Its journal was closed, not removed: a later start restores and journals again.
    with MockServer(state_file=tmp_path / "state.bin") as server:
        assert Live(server).client().list_schemas()["schemas"] == []


def test_a_server_that_cannot_bind_leaves_the_given_app_open(tmp_path: Path) -> None:
    app = ServerApp.create(state_file=tmp_path / "state.bin")
    with MockServer() as taken, pytest.raises(OSError):
        MockServer(port=taken.port, app=app)

    assert not app.closed
    app.close()


def test_an_app_made_without_create_saves_but_does_not_journal(tmp_path: Path) -> None:
    state_file = tmp_path / "state.bin"
    app = ServerApp(MockState(server_options()), state_file)
    app.handle("POST", "/", {"X-Amz-Target": "AmazonPersonalize.CreateDatasetGroup"}, b'{"name": "g"}')

    app.close()

    assert not journal_path(state_file).exists()
    assert list(load_state(state_file.read_bytes()).backends["us-east-1"].collections["dataset_group"].by_arn)
