"""Clients aimed at a loopback ``endpoint_url`` reach that local server, not the in-process mock.

Every other client is still answered in-process, and nothing goes to AWS.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from helpers import REGION, assert_reset

from personalize_mock import mock_personalize
from personalize_mock.activation.guard import is_personalize_request
from personalize_mock.endpoints import is_loopback_url
from personalize_mock.server import MockServer


@pytest.fixture
def server() -> Iterator[MockServer]:
    running = MockServer().start()
    try:
        yield running
    finally:
        running.stop()


def server_groups(server: MockServer) -> list[str]:
    backend = server.app.state.backends.get(REGION)
    return [] if backend is None else [arn for arn in backend.collection("dataset_group").by_arn]


@pytest.mark.parametrize("fast", [False, True])
def test_a_client_aimed_at_a_local_server_reaches_it(server: MockServer, fast: bool) -> None:
    with mock_personalize(fast=fast) as pm:
        local = boto3.client("personalize", region_name=REGION, endpoint_url=server.url)
        in_process = boto3.client("personalize", region_name=REGION)
        served = local.create_dataset_group(name="on-the-server")["datasetGroupArn"]
        mocked = in_process.create_dataset_group(name="in-process")["datasetGroupArn"]
        assert server_groups(server) == [served]
        assert list(pm.state.backend(REGION).collection("dataset_group").by_arn) == [mocked]
        # Each side only knows its own resources.
        with pytest.raises(local.exceptions.ResourceNotFoundException):
            local.describe_dataset_group(datasetGroupArn=mocked)
    assert_reset()


def test_localhost_names_the_server_too(server: MockServer) -> None:
    with mock_personalize():
        local = boto3.client(
            "personalize", region_name=REGION, endpoint_url=f"http://localhost:{server.port}"
        )
        local.create_dataset_group(name="by-name")
    assert len(server_groups(server)) == 1


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:4566", True),
        ("https://127.9.8.7/", True),
        ("http://localhost:8080/x", True),
        ("http://[::1]:9000", True),
        ("http://[0:0:0:0:0:0:0:1]:9000", True),
        ("https://personalize.us-east-1.amazonaws.com", False),
        ("http://127.example.com", False),
        ("http://localhost.example.com", False),
        ("http://10.0.0.1:4566", False),
        ("http://[::2]:1", False),
        ("", False),
    ],
)
def test_what_counts_as_loopback(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


class _Request:
    def __init__(self, url: str) -> None:
        self.url = url
        self.headers = {
            "Authorization": b"AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/personalize/aws4_request"
        }


def test_the_send_guard_still_blocks_every_personalize_request_bound_off_the_machine() -> None:
    assert is_personalize_request(_Request("https://personalize.us-east-1.amazonaws.com/"))
    assert is_personalize_request(_Request("http://10.1.2.3:4566/"))
    assert not is_personalize_request(_Request("http://127.0.0.1:4566/"))
