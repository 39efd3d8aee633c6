"""Talking to a running server from tests: boto3 clients, the control API, raw HTTP."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
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
