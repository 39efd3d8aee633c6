"""The package namespace is the public API: what ``__all__`` names, and nothing by accident."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import personalize_mock


def test_every_public_name_resolves_and_no_stray_name_leaks() -> None:
    assert all(hasattr(personalize_mock, name) for name in personalize_mock.__all__)
    # `from __future__ import annotations` in the package would export `annotations`.
    assert "annotations" not in vars(personalize_mock)


def test_the_cli_reports_the_installed_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "personalize_mock", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"personalize-mock {metadata.version('personalize_mock')}"
    assert metadata.version("personalize_mock") == personalize_mock.__version__
