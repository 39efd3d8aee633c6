"""Fixtures of the server-mode tests: one server per session (per xdist worker), reset per test.

The session's server checks every response against botocore's output shape
(``validate_responses``) and allows many dataset groups (the concurrency test creates
hundreds). ``live`` empties it before each test and offers boto3 clients pointed at it, the
control API and raw HTTP (server_helpers.Live).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_helpers import Live

from personalize_mock.server import MockServer, server_options


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    options = server_options(validate_responses=True, quotas={"dataset_groups": 1000})
    with MockServer(options=options) as server:
        yield server


@pytest.fixture
def live(mock_server: MockServer) -> Live:
    endpoint = Live(mock_server)
    endpoint.control("reset")
    return endpoint
