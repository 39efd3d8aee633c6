"""docs/server.md restates the server's defaults, options and endpoints: keep them in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.server import SERVER_DURATIONS
from personalize_mock.server.cli import build_parser
from personalize_mock.server.control import ENDPOINTS, PREFIX
from personalize_mock.server.defaults import MINIMUM

ROOT = Path(__file__).resolve().parent.parent.parent
SERVER_DOC = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")


def duration_rows() -> dict[str, tuple[float, float]]:
    rows = {}
    for line in SERVER_DOC.splitlines():
        match = re.fullmatch(r"\| `(\w+)` \| ([\d.]+) \| ([\d.]+) \|", line)
        if match:
            rows[match.group(1)] = (float(match.group(2)), float(match.group(3)))
    return rows


def test_the_durations_table_lists_every_key_with_both_defaults() -> None:
    assert duration_rows() == {
        key: (SERVER_DURATIONS[key], DEFAULT_DURATIONS[key]) for key in DEFAULT_DURATIONS
    }


@pytest.mark.parametrize("key", sorted(SERVER_DURATIONS))
def test_every_pending_phase_lasts_at_least_a_minute_in_server_mode(key: str) -> None:
    seconds = SERVER_DURATIONS[key]
    assert seconds == 0 or seconds >= MINIMUM >= 600


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_control_endpoint_is_documented(name: str) -> None:
    assert f"{PREFIX}{name}`" in SERVER_DOC


def test_every_command_line_option_is_documented() -> None:
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]  # type: ignore[union-attr]
    options = [
        option for action in serve._actions for option in action.option_strings if option.startswith("--")
    ]
    for option in options:
        if option != "--help":
            assert f"`{option}" in SERVER_DOC, option


def test_the_readme_links_the_server_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/server.md)" in readme
    assert "planned" not in readme.split("**Server mode:**", 1)[1].split("\n\n", 1)[0]
