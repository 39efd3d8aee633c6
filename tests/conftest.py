"""Shared by every test directory: pytest puts this directory on ``sys.path`` when it loads
this file, so tests under ``tests/service`` and ``tests/server`` can import ``helpers`` too."""

import os

from hypothesis import settings

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
