"""docs/guarantees.md names the tests that prove each guarantee: each of them must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUARANTEES = ROOT / "docs" / "guarantees.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def test_every_test_named_in_the_guarantees_exists() -> None:
    references = REFERENCE.findall(GUARANTEES.read_text(encoding="utf-8"))
    assert len(references) >= 20
    for path, name in references:
        source = ROOT / path
        assert source.exists(), f"docs/guarantees.md names {path}, which does not exist"
        definition = re.compile(rf"^(?:def {name}\(|class {name}\b|{name} = )", re.MULTILINE)
        assert definition.search(source.read_text(encoding="utf-8")), f"{path} has no test {name}"


def test_the_readme_links_the_guarantees() -> None:
    assert "(docs/guarantees.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
