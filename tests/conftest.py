"""Shared by every test directory: pytest puts this directory on ``sys.path`` when it loads
this file, so tests under ``tests/service`` and ``tests/server`` can import ``helpers`` too."""

import os

import pytest
from hypothesis import settings

from personalize_mock.interception.operations import TABLE, Deferred

# The coverage gate (100 %, README's test command) needs the same examples on every run:
# Hypothesis draws them from a fixed seed per test unless PERSONALIZE_MOCK_HYPOTHESIS=random
# asks for fresh ones (to explore further, locally or in a scheduled job).
settings.register_profile("personalize_mock", derandomize=True)
settings.register_profile("personalize_mock-random", derandomize=False)
settings.load_profile(
    "personalize_mock-random"
    if os.environ.get("PERSONALIZE_MOCK_HYPOTHESIS") == "random"
    else "personalize_mock"
)


@pytest.fixture(autouse=True)
def _handlers_loaded_before_pytester(request: pytest.FixtureRequest) -> None:
    """Import every handler module before pytester snapshots ``sys.modules``.

    The operation table imports its handler modules at first use. Done inside a pytester
    run, those modules are dropped from ``sys.modules`` at its end while the table keeps
    their functions, and a snapshot taken later in the worker cannot pickle the resources
    they create (their classes are no longer the ones found by name). Autouse fixtures are
    set up before the ones a test requests, so this runs before pytester's snapshot.
    """
    if "pytester" not in request.fixturenames:
        return
    for table in TABLE.values():
        for entry in list(table.values()):
            if isinstance(entry, Deferred):
                entry.resolve()
