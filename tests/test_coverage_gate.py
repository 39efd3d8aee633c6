"""The coverage gate is real: 100 % of the package's lines and branches, exclusions justified."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10, which the package supports, has no tomllib
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "personalize_mock"
PRAGMA = re.compile(r"#\s*pragma:\s*no\s+(cover|branch)\b(.*)$")


def coverage_config() -> dict[str, dict[str, object]]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        config = tomllib.load(file)
    return dict(config["tool"]["coverage"])


def test_the_gate_is_every_line_and_branch_of_the_package() -> None:
    config = coverage_config()
    assert config["run"]["source"] == ["personalize_mock"]
    assert config["run"]["branch"] is True
    # Without these the xdist workers and the server subprocesses would go unmeasured.
    assert config["run"]["parallel"] is True
    assert config["run"]["patch"] == ["subprocess"]
    assert config["report"]["fail_under"] == 100


def test_the_readme_test_command_measures_and_reports() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("<!-- test-command -->", 1)[1].split("<!-- /test-command -->", 1)[0]
    steps = [step.strip() for step in command.strip().strip("`").removeprefix("sh").split("&&")]
    assert steps.index("coverage erase") < steps.index("coverage run -m pytest -n 2")
    assert steps[-3:-1] == ["coverage combine -q", "coverage report"]
    # Then the suite again at both ends of the supported botocore range (tox.ini).
    assert steps[-1] == "tox -e lowest,newest"


def test_every_exclusion_says_why() -> None:
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            match = PRAGMA.search(line)
            if match is None:
                continue
            reason_on_line = match.group(2).strip(" -:")
            reason_above = number > 1 and lines[number - 2].strip().startswith("#")
            if not reason_on_line and not reason_above:
                unexplained.append(f"{path.relative_to(ROOT)}:{number}")
    assert unexplained == [], f"pragmas without a reason: {unexplained}"
