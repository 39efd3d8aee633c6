"""pytest plugin (entry point ``pytest11``): the ``personalize_mock`` fixture and marker.

Loaded by pytest only, so pytest stays an optional dependency of the library. Importing the
package here, at pytest start-up, registers the botocore handlers before test modules create
their sessions and clients.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from personalize_mock import PersonalizeMock, mock_personalize

MARKER = "personalize_mock"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): options of the personalize_mock fixture "
        "(account_id, durations, quotas, simulate_sleep, freeze, validate_responses, require_data, fast, "
        "wall_clock, stall_after)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test with the marker is mocked, whether or not it asks for the fixture.

    A marker that configured a fixture nobody requested would leave the test unmocked,
    silently, and with real credentials its calls would go to AWS. As with time-machine's
    and pytest-freezegun's markers, the marker itself switches the mock on.
    """
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is not None and MARKER not in names and item.get_closest_marker(MARKER) is not None:
            names.insert(0, MARKER)


@pytest.fixture
def personalize_mock(request: pytest.FixtureRequest) -> Iterator[PersonalizeMock]:
    """An active, empty Personalize mock for one test (options from the marker)."""
    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only, got {marker.args!r}")
    with mock_personalize(**options) as mock:
        yield mock


@pytest.fixture(scope="session")
def personalize_server() -> Iterator[str]:
    """The endpoint URL of a personalize_mock HTTP server shared by the whole test session.

    It runs in a background thread on a free loopback port with the server-mode defaults
    (docs/server.md) and is stopped at the end of the session. State is shared between tests:
    ``POST <url>/_personalize_mock/reset`` empties it.
    """
    from personalize_mock.server import MockServer  # imported on use: the plugin loads in every pytest run

    server = MockServer().start()
    try:
        yield server.url
    finally:
        server.stop()
