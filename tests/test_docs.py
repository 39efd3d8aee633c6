"""The documentation tells the truth: commands, coverage, defaults and the demo are checked.

Each page that restates something the code defines (the operation table, durations, quotas,
fault kinds) is compared with the code here, so a change on either side fails a test
instead of leaving the docs stale.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import botocore.session
import pytest

from personalize_mock.activation.mock import FAILABLE_KINDS
from personalize_mock.activation.sleep import real_sleep
from personalize_mock.errors import COMMON_ERRORS
from personalize_mock.interception.dispatch import active
from personalize_mock.interception.operations import TABLE
from personalize_mock.options import DEFAULT_DURATIONS, DEFAULT_QUOTAS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CI_RUN = ROOT / ".ci" / "run"
DEMO = ROOT / "examples" / "lifecycle_demo.py"

TEST_COMMAND = (
    "python -m venv .venv && . .venv/bin/activate && pip install -q uv && uv pip install -e '.[test]' "
    "&& coverage erase && coverage run -m pytest -n 2 && coverage combine -q && coverage report "
    "&& tox -e lowest,newest"
)
DEMO_COMMAND = (
    "python -m venv .venv && . .venv/bin/activate && pip install -e '.[examples]' "
    "&& python examples/lifecycle_demo.py"
)
SERVICES = ("personalize", "personalize-runtime", "personalize-events")
#: Pages linked from the README that another part of the project writes.
WRITTEN_ELSEWHERE = {DOCS / "performance.md"}

FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def code_blocks(markdown: str, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(markdown) if lang == language]


def table_rows(markdown: str) -> Iterator[list[str]]:
    """The cells of every Markdown table row, stripped."""
    for line in markdown.splitlines():
        if line.startswith("|") and line.endswith("|"):
            yield [cell.strip() for cell in line.strip("|").split("|")]


def row_for(markdown: str, key: str) -> list[str]:
    """The table row whose first cell is `` `key` ``."""
    rows = [cells for cells in table_rows(markdown) if cells[0] == f"`{key}`"]
    assert len(rows) == 1, f"expected one table row for `{key}`, found {len(rows)}"
    return rows[0]


# -- README and CI ------------------------------------------------------------------------


def test_readme_test_command_is_between_the_markers() -> None:
    readme = text(README)
    marked = re.search(r"<!-- test-command -->\n```sh\n(.*?)\n```\n<!-- /test-command -->", readme, re.DOTALL)
    assert marked is not None, "README must hold the test command in a ```sh block between the markers"
    assert marked.group(1) == TEST_COMMAND


def test_readme_has_the_demo_command() -> None:
    assert DEMO_COMMAND in code_blocks(text(README), "sh")[0]


def test_readme_has_exactly_two_setup_commands_of_one_line_each() -> None:
    blocks = code_blocks(text(README), "sh")
    assert [block.strip() for block in blocks] == [DEMO_COMMAND, TEST_COMMAND]


def test_ci_run_takes_its_command_from_the_readme_markers() -> None:
    script = text(CI_RUN)
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert "/<!-- test-command -->/" in script
    assert r"/<!-- \/test-command -->/" in script
    assert 'eval "$command"' in script


def test_ci_run_checks_the_package_as_a_user_installs_it() -> None:
    assert "bash .ci/package-check" in text(CI_RUN)
    script = text(ROOT / ".ci" / "package-check")
    for step in ("-m build --sdist --wheel", "twine check --strict", "test_quickstart.py", "--version"):
        assert step in script
    assert "pip install personalize-mock" in text(README)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_run_extracts_exactly_the_readme_command() -> None:
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run(
        [bash, str(CI_RUN), "--print-test-command"], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout == TEST_COMMAND + "\n"


def test_readme_quickstart_passes(pytester: pytest.Pytester) -> None:
    quickstart = code_blocks(text(README), "python")[0]
    pytester.makepyfile(test_quickstart=quickstart)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


# -- every Python snippet in the docs is at least valid Python ----------------------------


def markdown_files() -> list[Path]:
    return [README, ROOT / "CHANGELOG.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_python_snippets_compile(path: Path) -> None:
    for number, block in enumerate(code_blocks(text(path), "python"), start=1):
        compile(block, f"{path.name} snippet {number}", "exec")


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_relative_links_resolve(path: Path) -> None:
    for target in LINK.findall(text(path)):
        if "://" in target:
            continue
        resolved = (path.parent / target).resolve()
        if resolved in WRITTEN_ELSEWHERE:
            continue
        assert resolved.exists(), f"{path.name} links to missing {target}"


# -- coverage -----------------------------------------------------------------------------


def coverage_sections() -> dict[str, dict[str, str]]:
    """``{service: {operation: status cell}}`` parsed from docs/coverage.md."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text(DOCS / "coverage.md").splitlines():
        heading = re.match(r"## `([a-z-]+)`", line)
        if heading:
            current = sections.setdefault(heading.group(1), {})
            continue
        cells = line.strip("|").split("|") if line.startswith("| `") else []
        if current is not None and len(cells) == 3:
            current[cells[0].strip().strip("`")] = cells[2].strip()
    return sections


def implemented(status: str) -> bool:
    assert status in ("✅ implemented", "not yet"), f"unexpected status {status!r}"
    return status == "✅ implemented"


@pytest.mark.parametrize("service", SERVICES)
def test_coverage_lists_every_model_operation_with_its_status(service: str) -> None:
    documented = coverage_sections()[service]
    model = botocore.session.get_session().get_service_model(service)
    for operation in model.operation_names:
        assert operation in documented, f"{service}.{operation} is missing from docs/coverage.md"
        assert implemented(documented[operation]) == (operation in TABLE[service]), (
            f"docs/coverage.md gives {service}.{operation} the wrong status"
        )


@pytest.mark.parametrize("service", SERVICES)
def test_coverage_marks_exactly_the_table_as_implemented(service: str) -> None:
    documented = coverage_sections()[service]
    marked = {operation for operation, status in documented.items() if implemented(status)}
    assert marked == set(TABLE[service])


def test_coverage_counts_match_the_table() -> None:
    coverage = text(DOCS / "coverage.md")
    total = sum(len(handlers) for handlers in TABLE.values())
    headline = re.search(r"\*\*(\d+) are implemented today", coverage)
    assert headline is not None and int(headline.group(1)) == total
    counts = re.findall(r"^(\d+) of (\d+) operations implemented\.$", coverage, re.MULTILINE)
    sections = coverage_sections()
    assert [int(done) for done, _ in counts] == [len(TABLE[service]) for service in SERVICES]
    assert [int(all_) for _, all_ in counts] == [len(sections[service]) for service in SERVICES]
    comparison = text(DOCS / "comparison.md")
    assert f"implements {total} of the 79" in comparison
    assert f"| {total} of 79 " in comparison


def test_changelog_lists_every_covered_operation() -> None:
    unreleased = text(ROOT / "CHANGELOG.md").split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    for service, handlers in TABLE.items():
        for operation in handlers:
            assert f"`{operation}`" in unreleased, f"CHANGELOG does not list {service}.{operation}"


# -- defaults restated in the docs --------------------------------------------------------


@pytest.mark.parametrize("key", sorted(DEFAULT_DURATIONS))
def test_every_duration_is_documented_with_its_default(key: str) -> None:
    cells = row_for(text(DOCS / "clock.md"), key)
    assert float(cells[1]) == DEFAULT_DURATIONS[key]


@pytest.mark.parametrize("key", sorted(DEFAULT_QUOTAS))
def test_every_quota_is_documented_with_its_default(key: str) -> None:
    cells = row_for(text(DOCS / "errors.md"), key)
    assert int(cells[1]) == DEFAULT_QUOTAS[key]


def test_every_fault_kind_is_documented() -> None:
    errors = text(DOCS / "errors.md")
    fault_section = errors.split("### `pm.fail_next(", 1)[1].split("### `pm.inject_error(", 1)[0]
    for kind in FAILABLE_KINDS:
        assert f"`{kind}`" in fault_section, f"fail_next kind {kind} is not documented"


@pytest.mark.parametrize("code", sorted(COMMON_ERRORS))
def test_every_common_error_is_documented_with_its_status(code: str) -> None:
    cells = row_for(text(DOCS / "errors.md"), code)
    assert int(cells[1]) == COMMON_ERRORS[code]


# -- the demo -----------------------------------------------------------------------------


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lifecycle_demo", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve the module through sys.modules while the class is built.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_demo_trains_to_active_in_simulated_time() -> None:
    result = load_demo().main(quiet=True)

    assert result.final_statuses == {
        "import (FULL)": "ACTIVE",
        "import (INCREMENTAL)": "ACTIVE",
        "FULL version": "ACTIVE",
        "UPDATE version": "ACTIVE",
        "dataset group": "ACTIVE",
        "solution": "ACTIVE",
    }
    full = [t.status for t in result.transitions if t.resource == "solution version (FULL)"]
    assert full == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
    listed = [(v["solutionVersionArn"], v["trainingMode"]) for v in result.listed_versions]
    assert listed == [(result.full_version_arn, "FULL"), (result.update_version_arn, "UPDATE")]
    assert "coverage" in result.metrics
    # An hour of FULL training plus the UPDATE, polled with time.sleep(60)...
    assert result.simulated.total_seconds() >= 3600 + 600
    # ...without waiting for it (generous bound: CI machines are noisy).
    assert result.wall_seconds < 5


def test_demo_leaves_no_mock_behind() -> None:
    load_demo().main(quiet=True)
    assert active.state is None
    assert time.sleep is real_sleep()


# -- the rendered site (mkdocs.yml) -------------------------------------------------------


def test_the_site_lists_every_page_in_its_nav() -> None:
    config = text(ROOT / "mkdocs.yml")
    nav = set(re.findall(r"^  - [^:\n]+: (\S+\.md)$", config, re.MULTILINE))
    assert nav == {path.name for path in DOCS.glob("*.md")}
    assert "strict: true" in config
    assert "- mkdocstrings:" in config


def test_the_api_reference_covers_the_public_api() -> None:
    import personalize_mock
    import personalize_mock.server

    reference = text(DOCS / "reference.md")
    documented = set(re.findall(r"^::: (\S+)$", reference, re.MULTILINE))
    public = {f"personalize_mock.{name}" for name in personalize_mock.__all__}
    public |= {f"personalize_mock.server.{name}" for name in personalize_mock.server.__all__}
    assert documented == public


def test_ci_builds_the_site_strictly_and_git_ignores_it() -> None:
    script = text(CI_RUN)
    assert "pip install -q -e '.[docs]'" in script
    assert 'mkdocs" build --strict' in script
    assert "site/" in text(ROOT / ".gitignore").splitlines()
    assert 'docs = ["mkdocs' in text(ROOT / "pyproject.toml")


def test_ci_starts_the_installed_console_script_as_pipx_and_uvx_would() -> None:
    script = text(ROOT / ".ci" / "package-check")
    assert '"$scratch/venv/bin/personalize-mock" serve --port 0' in script
    assert "AmazonPersonalize.CreateDatasetGroup" in script
    for page in (README, DOCS / "server.md"):
        assert "pipx run personalize-mock serve" in text(page)
        assert "uvx personalize-mock serve" in text(page)


def test_tox_makes_its_envs_with_uv() -> None:
    tox = text(ROOT / "tox.ini")
    assert "tox-uv" in tox
    assert "{toxinidir}/.ci/lowest-constraints.txt" in tox
    pins = [line for line in text(ROOT / ".ci" / "lowest-constraints.txt").splitlines() if "==" in line]
    floor = re.search(r'"botocore>=([\d.]+)"', text(ROOT / "pyproject.toml"))
    assert floor is not None
    assert pins == [f"botocore=={floor.group(1)}", f"boto3=={floor.group(1)}"]
