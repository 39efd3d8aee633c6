"""Talking to a running server from tests: boto3 clients, the control API, raw HTTP; servers
in subprocesses (``serving``)."""

from __future__ import annotations

import http.client
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

from personalize_mock.server import MockServer

FAKE_CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "fake-secret"}
#: No retries: a test must see the server's first answer (500s and throttling are retried).
NO_RETRIES = Config(retries={"total_max_attempts": 1})


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class Live:
    """A running server and ways to talk to it."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.url = server.url
        parts = urlsplit(self.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80

    def client(self, service: str = "personalize", region: str = "us-east-1") -> Any:
        return boto3.client(
            service, endpoint_url=self.url, region_name=region, config=NO_RETRIES, **FAKE_CREDENTIALS
        )

    def raw(
        self, method: str, path: str, body: bytes | str | dict[str, Any] | None = None, **headers: str
    ) -> RawResponse:
        """One request on a fresh connection; ``headers`` with ``_`` for ``-`` (X_Amz_Target)."""
        payload = json.dumps(body).encode() if isinstance(body, dict) else body
        payload = payload.encode() if isinstance(payload, str) else payload
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(
                method, path, body=payload, headers={k.replace("_", "-"): v for k, v in headers.items()}
            )
            response = connection.getresponse()
            return RawResponse(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def call(self, operation: str, body: dict[str, Any] | str | bytes, **headers: str) -> RawResponse:
        """A control-plane request as the AWS JSON 1.1 protocol sends it."""
        return self.raw(
            "POST",
            "/",
            body,
            X_Amz_Target=f"AmazonPersonalize.{operation}",
            Content_Type="application/x-amz-json-1.1",
            **headers,
        )

    def control(self, name: str, body: dict[str, Any] | None = None, method: str = "POST") -> Any:
        """A control API call that must succeed; its JSON answer."""
        response = self.raw(method, f"/_personalize_mock/{name}", body if method == "POST" else None)
        assert response.status == 200, (response.status, response.body)
        return response.json()


BANNER = re.compile(r"personalize_mock serving on (http://127\.0\.0\.1:(\d+))\n")


class Served:
    """A ``personalize-mock serve`` subprocess."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        self.port = int(url.rsplit(":", 1)[1])

    def client(self, service: str = "personalize", region: str = "us-east-1") -> Any:
        return boto3.client(
            service, endpoint_url=self.url, region_name=region, config=NO_RETRIES, **FAKE_CREDENTIALS
        )

    def control(self, name: str, body: dict[str, Any] | None = None) -> Any:
        """POST a control API call that must succeed; its JSON answer."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", f"/_personalize_mock/{name}", body=json.dumps(body or {}))
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        assert response.status == 200, (response.status, answer)
        return json.loads(answer)

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(signum)
        _, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stderr


def first_line(stream: IO[str], timeout: float = 30) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=timeout)


@contextmanager
def serving(*args: str, command: list[str] | None = None) -> Iterator[Served]:
    """``personalize-mock serve --port 0 ARGS`` in a subprocess; killed on exit if still running."""
    argv = [*(command or [sys.executable, "-m", "personalize_mock"]), "serve", "--port", "0", *args]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = first_line(process.stdout)
        match = BANNER.fullmatch(line)
        assert match, f"unexpected first line {line!r}"
        yield Served(process, match.group(1))
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"}],
        "version": "1.0",
    }
)


def signed_headers(operation: str, region: str) -> dict[str, str]:
    """AWS JSON 1.1 headers of ``operation`` with a fake SigV4 signature naming ``region``."""
    scope = f"AKIDEXAMPLE/20240101/{region}/personalize/aws4_request"
    return {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AmazonPersonalize.{operation}",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature={'0' * 64}",
    }


class Writers:
    """Threads that create schemas with fresh names, each on its own keep-alive connection.

    Each writer stops at its first request without an answer (the server went away), after
    ``per_writer`` schemas, or at ``seconds``; a schema is *acknowledged* once its 200 answer
    was read whole. Anything but a 200 or a broken connection is kept in :attr:`unexpected`.
    """

    def __init__(self, port: int, region: str, prefix: str, *, writers: int, per_writer: int) -> None:
        self.region = region
        self.acknowledged: list[str] = []
        self.unanswered = 0
        self.unexpected: list[tuple[int, bytes]] = []
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._write, args=(port, f"{prefix}-w{n}", per_writer), daemon=True)
            for n in range(writers)
        ]

    def start(self, seconds: float = 30.0) -> Writers:
        self._deadline = time.monotonic() + seconds
        for thread in self._threads:
            thread.start()
        return self

    def _write(self, port: int, prefix: str, per_writer: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = signed_headers("CreateSchema", self.region)
        try:
            for n in range(per_writer):
                if time.monotonic() > self._deadline:
                    return
                name = f"{prefix}-{n}"
                body = json.dumps({"name": name, "schema": SCHEMA})
                try:
                    connection.request("POST", "/", body, headers)
                    response = connection.getresponse()
                    answer = response.read()
                except (OSError, http.client.HTTPException):  # the server went away: not acknowledged
                    with self._lock:
                        self.unanswered += 1
                    return
                with self._lock:
                    if response.status != 200:
                        self.unexpected.append((response.status, answer))
                        return
                    self.acknowledged.append(name)
        finally:
            connection.close()

    def wait_for(self, count: int, seconds: float = 30.0) -> None:
        """Until ``count`` writes were acknowledged (or every writer stopped, or ``seconds``)."""
        deadline = time.monotonic() + seconds
        while len(self.acknowledged) < count and self.running() and time.monotonic() < deadline:
            time.sleep(0.002)

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def join(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not self.running(), "a writer is still running"


def list_schema_names(port: int, region: str) -> set[str]:
    """Every schema name in ``region`` (all pages), through raw HTTP."""
    names: set[str] = set()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = signed_headers("ListSchemas", region)
    try:
        token: str | None = None
        for _ in range(100):  # 100 pages of 100: far more than any test creates
            params: dict[str, Any] = {"maxResults": 100, **({"nextToken": token} if token else {})}
            connection.request("POST", "/", json.dumps(params), headers)
            response = connection.getresponse()
            page = json.loads(response.read())
            assert response.status == 200, page
            names.update(schema["name"] for schema in page["schemas"])
            token = page.get("nextToken")
            if not token:
                return names
    finally:
        connection.close()
    raise AssertionError("ListSchemas did not end")
