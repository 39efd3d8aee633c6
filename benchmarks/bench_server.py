"""Server mode: requests per second on loopback, personalize_mock's server against moto's.

Both servers run as child processes started the way a user starts them
(``python -m personalize_mock serve --port 0`` and ``python -m moto.server -p PORT``, their
default settings) on 127.0.0.1, and are stopped when the section ends, whatever happens.

The client is this process: one keep-alive HTTP/1.1 connection per server
(``http.client.HTTPConnection``, reused for every request), sending the AWS JSON 1.1 requests
an SDK sends, with an ``Authorization`` header of the SigV4 form and a fake signature (neither
server checks signatures; both take the region from the credential scope, and moto also picks
the service from it). Request bodies and headers are built before the clock starts, and
responses are checked (HTTP 200, connection kept open, the expected content) after it stops,
so the client does the same small amount of work for both servers and no error is timed.

Operations: CreateSchema with fresh names (created in their own region and deleted, untimed,
every :data:`CHUNK` creates, so the store stays small on both servers), DescribeSchema and
ListSchemas in a region holding exactly :data:`LIST_SIZE` schemas. One more figure,
DescribeSchema through a boto3 client with ``endpoint_url``, is what user code sees.

Durability (:func:`durability`): what ``--state-file`` costs per request. Two more
personalize_mock servers run with a state file in a temporary directory (one with
``--fsync``); CreateSchema and DescribeSchema are measured on all three personalize_mock
servers, interleaved, the same way as above. The target: a write with the journal costs at
most :data:`DURABILITY_LIMIT` times a write without a state file.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import http.client
import importlib.util
import itertools
import json
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

from bench_core import Contender, Series, Settings, clean_session, interleave, paired_ratio, perf_counter_ns
from bench_percall import FAKE_KEYS, LIST_SIZE, SCHEMA
from botocore.config import Config

MOCK = "personalize_mock"
MOTO = "moto"
#: personalize_mock's server with ``--state-file`` (every request journaled), and with ``--fsync``.
DURABLE = "personalize_mock --state-file"
DURABLE_FSYNC = "personalize_mock --state-file --fsync"
#: Target: a journaled write costs at most this many times a write without a state file.
DURABILITY_LIMIT = 2.0
#: A flush to the disk per request takes milliseconds: the --fsync server gets smaller batches.
FSYNC_SHARE = 10
HOST = "127.0.0.1"
CREATE_REGION = "us-east-1"
READ_REGION = "us-west-2"
#: Creates between two (untimed) clean-ups.
CHUNK = 50
#: Seconds a server may take to start listening.
START_TIMEOUT = 60.0
JSON_11 = "application/x-amz-json-1.1"
#: The date in the fake signatures (neither server checks it).
SIGNING_DATE = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")


class ServerError(RuntimeError):
    """A server did not start, or answered something other than the expected response."""


@dataclass
class Row:
    """One operation measured on each server (µs per request, see :func:`requests_per_second`)."""

    label: str
    client: str  # what sent the requests: "raw" or "boto3"
    results: dict[str, Series] = field(default_factory=dict)


@dataclass
class ServerBench:
    rows: list[Row]
    #: Per server, the share of responses after which it closed the connection.
    closed_share: dict[str, float]
    #: Why moto's server was not measured (its extra dependencies are missing), or None.
    moto_skipped: str | None = None
    #: The cost of --state-file: rows with MOCK, DURABLE and DURABLE_FSYNC results.
    durability: list[Row] = field(default_factory=list)


def requests_per_second(series: Series) -> float:
    """The median batch as requests per second."""
    return 1e6 / series.median


# -- the servers ----------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child (Linux): SIGTERM when the benchmark dies, even by SIGKILL (e.g. a timeout).

    Without it a killed benchmark would leave its servers running; a normal end, an error or
    Ctrl-C stop them through :meth:`ChildServer.stop` anyway.
    """
    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


class ChildServer:
    """A server in a child process; :meth:`stop` ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        # Closed in stop(), which every caller reaches (ExitStack, or start_*'s except).
        self.stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        except BaseException:
            self.stderr.close()
            raise
        self.port = 0

    def failure(self, message: str) -> ServerError:
        """An error carrying the end of the server's stderr."""
        self.stderr.seek(0)
        tail = self.stderr.read().decode(errors="replace")[-2000:]
        return ServerError(f"{self.name} server: {message}\n{tail}")

    def read_line(self, timeout: float) -> str:
        """The first line the server prints on stdout (read in a thread, to bound the wait)."""
        found: list[bytes] = []
        stdout = self.process.stdout
        assert stdout is not None
        reader = threading.Thread(target=lambda: found.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not found or not found[0]:
            raise self.failure(f"printed no address within {timeout:.0f} s")
        return found[0].decode().strip()

    def wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise self.failure(f"exited with status {self.process.returncode}")
            try:
                socket.create_connection((HOST, self.port), timeout=1.0).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise self.failure(f"not listening on port {self.port} after {timeout:.0f} s") from None
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.stderr.close()


def start_mock(name: str = MOCK, *options: str) -> ChildServer:
    """``personalize-mock serve --port 0 OPTIONS`` (its defaults); the port comes from its first line."""
    server = ChildServer(
        name, [sys.executable, "-m", "personalize_mock", "serve", "--host", HOST, "--port", "0", *options]
    )
    try:
        line = server.read_line(START_TIMEOUT)
        port = urlsplit(line.rsplit(" ", 1)[-1]).port
        if not line.startswith("personalize_mock serving on") or port is None:
            raise server.failure(f"unexpected first line {line!r}")
        server.port = port
    except BaseException:
        server.stop()
        raise
    return server


def moto_server_missing() -> str | None:
    """Why moto's server cannot run here (it needs the ``moto[server]`` extra), or None."""
    missing = [name for name in ("flask", "flask_cors") if importlib.util.find_spec(name) is None]
    return f"moto's server needs {', '.join(missing)} (pip install 'moto[server]')" if missing else None


def start_moto() -> ChildServer:
    """``python -m moto.server -H 127.0.0.1 -p PORT`` (werkzeug, threaded) on a free port."""
    with socket.socket() as probe:  # a free port; moto's CLI cannot report one it picked
        probe.bind((HOST, 0))
        port = int(probe.getsockname()[1])
    server = ChildServer(MOTO, [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)])
    server.port = port
    try:
        server.wait_listening(START_TIMEOUT)
    except BaseException:
        server.stop()
        raise
    return server


# -- the raw client -------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    will_close: bool
    body: bytes


class RawClient:
    """One keep-alive connection sending AWS JSON 1.1 requests with fake SigV4 headers.

    ``http.client`` reconnects by itself when a server closes the connection after a
    response, as moto's does after every one (werkzeug's development server always answers
    ``Connection: close``); personalize_mock's server must keep it open.
    """

    def __init__(self, server: ChildServer, *, keep_alive: bool) -> None:
        self.name = server.name
        self.keep_alive = keep_alive
        self.connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
        self._headers: dict[tuple[str, str], dict[str, str]] = {}
        self.replies = 0
        self.closed = 0  # replies after which the server closed the connection

    def headers(self, operation: str, region: str) -> dict[str, str]:
        key = (operation, region)
        if key not in self._headers:
            scope = f"{FAKE_KEYS['aws_access_key_id']}/{SIGNING_DATE}/{region}/personalize/aws4_request"
            self._headers[key] = {
                "Content-Type": JSON_11,
                "X-Amz-Target": f"AmazonPersonalize.{operation}",
                "X-Amz-Date": f"{SIGNING_DATE}T000000Z",
                "Authorization": (
                    f"AWS4-HMAC-SHA256 Credential={scope}, "
                    f"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={'0' * 64}"
                ),
            }
        return self._headers[key]

    def send(self, headers: dict[str, str], body: bytes) -> Reply:
        self.connection.request("POST", "/", body, headers)
        response = self.connection.getresponse()
        return Reply(response.status, response.will_close, response.read())

    def call(self, operation: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        """One untimed request that must succeed; its JSON answer."""
        reply = self.send(self.headers(operation, region), json.dumps(params).encode())
        return self.check(operation, [reply])[0]

    def check(self, operation: str, replies: list[Reply]) -> list[dict[str, Any]]:
        """Every reply is a 200 (on a connection left open, if expected); their JSON bodies."""
        for reply in replies:
            self.replies += 1
            self.closed += reply.will_close
            if reply.status != 200 or (self.keep_alive and reply.will_close):
                raise ServerError(
                    f"{self.name} answered {operation} with HTTP {reply.status}"
                    f"{' and closed the connection' if reply.will_close else ''}: {reply.body[:300]!r}"
                )
        return [json.loads(reply.body) for reply in replies]

    def close(self) -> None:
        self.connection.close()


def _expect(client: RawClient, operation: str, ok: bool, answer: Any) -> None:
    if not ok:
        raise ServerError(f"{client.name} answered {operation} with unexpected content: {str(answer)[:300]}")


def timed_sends(client: RawClient, headers: dict[str, str], bodies: list[bytes]) -> tuple[int, list[Reply]]:
    """Send ``bodies`` one after the other; (elapsed ns, replies)."""
    replies: list[Reply] = []
    append, send = replies.append, client.send
    start = perf_counter_ns()
    for body in bodies:
        append(send(headers, body))
    return perf_counter_ns() - start, replies


def create_contender(client: RawClient) -> Contender:
    """CreateSchema with fresh names in chunks; each chunk is deleted (untimed) after it."""
    counter = itertools.count()
    headers = client.headers("CreateSchema", CREATE_REGION)

    def run(n: int) -> int:
        total = 0
        done = 0
        while done < n:
            names = [f"bench-{next(counter)}" for _ in range(min(CHUNK, n - done))]
            bodies = [json.dumps({"name": name, "schema": SCHEMA}).encode() for name in names]
            elapsed, replies = timed_sends(client, headers, bodies)
            total += elapsed
            done += len(names)
            for name, answer in zip(names, client.check("CreateSchema", replies), strict=True):
                arn = answer.get("schemaArn", "")
                _expect(client, "CreateSchema", arn.endswith(f":schema/{name}"), answer)
                client.call("DeleteSchema", CREATE_REGION, {"schemaArn": arn})
        return total

    return run


def describe_contender(client: RawClient, arn: str) -> Contender:
    headers = client.headers("DescribeSchema", READ_REGION)
    body = json.dumps({"schemaArn": arn}).encode()

    def run(n: int) -> int:
        elapsed, replies = timed_sends(client, headers, [body] * n)
        for answer in client.check("DescribeSchema", replies):
            schema = answer.get("schema", {})
            _expect(client, "DescribeSchema", schema.get("schemaArn") == arn and "schema" in schema, answer)
        return elapsed

    return run


def list_contender(client: RawClient) -> Contender:
    headers = client.headers("ListSchemas", READ_REGION)

    def run(n: int) -> int:
        elapsed, replies = timed_sends(client, headers, [b"{}"] * n)
        for answer in client.check("ListSchemas", replies):
            _expect(client, "ListSchemas", len(answer.get("schemas", ())) == LIST_SIZE, answer)
        return elapsed

    return run


def boto3_describe_contender(url: str, arn: str) -> Contender:
    """DescribeSchema through boto3 (a clean session: personalize_mock's handlers removed)."""
    client = clean_session(**FAKE_KEYS).client(
        "personalize",
        region_name=READ_REGION,
        endpoint_url=url,
        config=Config(retries={"total_max_attempts": 1}),  # an error is raised, never retried
    )
    describe = client.describe_schema

    def run(n: int) -> int:
        answers: list[Any] = []
        append = answers.append
        start = perf_counter_ns()
        for _ in range(n):
            append(describe(schemaArn=arn))
        elapsed = perf_counter_ns() - start
        if any(answer["schema"]["schemaArn"] != arn for answer in answers):
            raise ServerError(f"boto3 DescribeSchema on {url}: unexpected content {answers[0]}")
        return elapsed

    return run


# -- the section ----------------------------------------------------------------------------------


def run(settings: Settings) -> ServerBench:
    """Start the servers, measure, stop them (also when anything fails)."""
    moto_skipped = moto_server_missing()
    with contextlib.ExitStack() as stack:
        servers = [_started(stack, start_mock)]
        if moto_skipped is None:
            servers.append(_started(stack, start_moto))
        clients = {server.name: RawClient(server, keep_alive=server.name == MOCK) for server in servers}
        for client in clients.values():
            stack.callback(client.close)  # before its server stops: callbacks unwind in reverse
        rows, arns = _measure(settings, clients, {server.name: server.url for server in servers})
        closed = {name: client.closed / client.replies for name, client in clients.items()}
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_server_"))
        durable = {
            MOCK: clients[MOCK],
            **{
                name: _client(
                    stack, _started(stack, start_mock, name, "--state-file", f"{directory}/{file}", *extra)
                )
                for name, file, extra in (
                    (DURABLE, "state.bin", ()),
                    (DURABLE_FSYNC, "synced.bin", ("--fsync",)),
                )
            },
        }
        return ServerBench(rows, closed, moto_skipped, durability(settings, durable, arns[MOCK]))


def _started(stack: contextlib.ExitStack, start: Callable[..., ChildServer], *args: str) -> ChildServer:
    server = start(*args)
    stack.callback(server.stop)
    return server


def _client(stack: contextlib.ExitStack, server: ChildServer) -> RawClient:
    client = RawClient(server, keep_alive=True)
    stack.callback(client.close)
    return client


def durability(settings: Settings, clients: dict[str, RawClient], mock_arn: str) -> list[Row]:
    """CreateSchema and DescribeSchema without a state file, with one, and with --fsync.

    ``mock_arn``: the schema :func:`_seed` made on the server without a state file.
    """
    arns = {name: mock_arn if name == MOCK else _seed(client) for name, client in clients.items()}
    calls = {
        name: max(1, settings.calls // FSYNC_SHARE) if name == DURABLE_FSYNC else settings.calls
        for name in clients
    }
    rows = [
        Row("CreateSchema (fresh names)", "raw"),
        Row("DescribeSchema", "raw"),
    ]
    rows[0].results = interleave(
        {name: create_contender(client) for name, client in clients.items()}, calls, settings.rounds
    )
    rows[1].results = interleave(
        {name: describe_contender(client, arns[name]) for name, client in clients.items()},
        calls,
        settings.rounds,
    )
    return rows


def _measure(
    settings: Settings, clients: dict[str, RawClient], urls: dict[str, str]
) -> tuple[list[Row], dict[str, str]]:
    arns = {name: _seed(client) for name, client in clients.items()}
    specs: list[tuple[Row, dict[str, Contender]]] = [
        (
            Row("CreateSchema (fresh names)", "raw"),
            {name: create_contender(client) for name, client in clients.items()},
        ),
        (
            Row("DescribeSchema", "raw"),
            {name: describe_contender(client, arns[name]) for name, client in clients.items()},
        ),
        (
            Row(f"ListSchemas ({LIST_SIZE} schemas)", "raw"),
            {name: list_contender(client) for name, client in clients.items()},
        ),
        (
            Row("DescribeSchema", "boto3"),
            {name: boto3_describe_contender(urls[name], arns[name]) for name in clients},
        ),
    ]
    rows: list[Row] = []
    for row, contenders in specs:
        row.results = interleave(contenders, settings.calls, settings.rounds)
        rows.append(row)
    return rows, arns


def _seed(client: RawClient) -> str:
    """Exactly LIST_SIZE schemas in the read region; the ARN of the first."""
    arns = [
        str(
            client.call("CreateSchema", READ_REGION, {"name": f"bench-read-{i}", "schema": SCHEMA})[
                "schemaArn"
            ]
        )
        for i in range(LIST_SIZE)
    ]
    listed = client.call("ListSchemas", READ_REGION, {})
    _expect(client, "ListSchemas", len(listed.get("schemas", ())) == LIST_SIZE, listed)
    return arns[0]


if __name__ == "__main__":  # a quick look without run.py: python benchmarks/bench_server.py
    quick = Settings.make(True)
    result = run(quick)
    for each in result.rows:
        figures = ", ".join(f"{name} {requests_per_second(s):,.0f} req/s" for name, s in each.results.items())
        print(f"{each.label} ({each.client}): {figures}")
    for each in result.durability:
        plain = each.results[MOCK]
        figures = ", ".join(
            f"{name} {series.median:,.0f} µs ({paired_ratio(series, plain):.2f}x)"
            for name, series in each.results.items()
        )
        print(f"durability, {each.label}: {figures} (target {DURABLE} <= {DURABILITY_LIMIT}x)")
