"""Every code block of README.md and docs/*.md runs as printed, or is marked as not runnable.

The blocks are found automatically, so a block added to any page is covered (or fails
:func:`test_every_block_is_run_or_marked`). A block is one of:

- ``python``: run. A block whose ``test_*`` functions take fixtures is a test module and runs
  in its own pytest session through ``pytester`` (it must pass, and fail nothing); any other
  block is a script run in a fresh namespace, after which every ``test_*`` function it defines
  is called (a coroutine function through ``asyncio.run``, as an async test runner would).
- ``sh``: run in bash, as a user would, with the ``.venv``'s commands on ``PATH``. A block that
  starts ``personalize-mock serve`` starts the real console script on a free loopback port and
  must print the banner its comment shows; every other block runs against a server on a free
  loopback port (``127.0.0.1:4599`` in the text becomes that server's address), and each
  ``# ...`` comment line after a command is output that must appear.
- ``text``: an output sample, a tree or a formula; not run.
- anything else (``console``, ``js``, or a ``sh`` block that takes minutes) must be preceded
  by ``<!-- not-run: why -->`` on the line just before the fence, or by the README's
  ``<!-- test-command -->`` marker (that command is what ``.ci/run`` runs).
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import itertools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_reset
from test_docs import DOCS, README, code_blocks, text

from personalize_mock.server import MockServer, server_options

PAGES = (README, *sorted(DOCS.glob("*.md")))
#: An optional marker line, then a fence with its language tag, its body, the closing fence.
BLOCK = re.compile(
    r"(?:^<!-- (?P<marker>not-run: [^>]+|test-command) -->\n)?^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
NOT_RUN_LANGUAGES = {"text"}
RUN_LANGUAGES = {"python", "sh"}
#: The address the pages print for a server; the tests swap in a free loopback port.
PRINTED_ADDRESS = "127.0.0.1:4599"
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    body: str
    marker: str | None

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.line}"

    @property
    def runs(self) -> bool:
        return self.marker is None and self.language in RUN_LANGUAGES


def blocks_of(page: Path) -> list[Block]:
    markdown = text(page)
    return [
        Block(
            page=page,
            line=markdown.count("\n", 0, match.start("lang")) + 1,
            language=match["lang"],
            body=match["body"],
            marker=match["marker"],
        )
        for match in BLOCK.finditer(markdown)
    ]


ALL_BLOCKS = [block for page in PAGES for block in blocks_of(page)]
PYTHON_BLOCKS = [block for block in ALL_BLOCKS if block.runs and block.language == "python"]
SH_BLOCKS = [block for block in ALL_BLOCKS if block.runs and block.language == "sh"]
PYTEST_BLOCKS = code_blocks(text(DOCS / "pytest.md"), "python")


def takes_fixtures(source: str) -> bool:
    """Whether a block is a test module: one of its ``test_*`` functions takes an argument."""
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
        and bool(node.args.args)
        for node in ast.parse(source).body
    )


def test_the_pages_have_blocks() -> None:
    assert len(PYTHON_BLOCKS) >= 20
    assert len(SH_BLOCKS) >= 3
    assert len(PYTEST_BLOCKS) >= 4
    assert {block.page.name for block in PYTHON_BLOCKS} >= {"README.md", "usage.md", "server.md", "clock.md"}


def unmarked(blocks: list[Block]) -> list[str]:
    """The blocks that are neither run nor marked as not runnable."""
    return [
        f"{block.id} (```{block.language})"
        for block in blocks
        if not block.runs and block.marker is None and block.language not in NOT_RUN_LANGUAGES
    ]


def test_every_block_is_run_or_marked() -> None:
    assert unmarked(ALL_BLOCKS) == [], (
        "blocks that are neither run nor marked: tag output samples ```text, "
        f"or put <!-- not-run: why --> on the line before the fence: {unmarked(ALL_BLOCKS)}"
    )


def test_an_unmarked_block_that_is_not_run_is_reported(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```\nuntagged\n```\n\n```js\nconsole.log(1)\n```\n\n<!-- not-run: why -->\n```js\nx\n```\n"
        "\n```text\nout\n```\n\n```python\npass\n```\n",
        encoding="utf-8",
    )
    assert unmarked(blocks_of(page)) == ["page.md:1 (```)", "page.md:5 (```js)"]


def test_the_block_finder_sees_markers_and_tags() -> None:
    page = "x\n<!-- not-run: slow -->\n```sh\nsleep 600\n```\n\n```text\nout\n```\n```python\npass\n```\n"
    found = [(m["marker"], m["lang"], m["body"]) for m in BLOCK.finditer(page)]
    assert found == [
        ("not-run: slow", "sh", "sleep 600\n"),
        (None, "text", "out\n"),
        (None, "python", "pass\n"),
    ]


def test_takes_fixtures_tells_test_modules_from_scripts() -> None:
    assert takes_fixtures("def test_a(personalize_mock):\n    pass\n")
    assert takes_fixtures("async def test_a(tmp_path):\n    pass\n")
    assert not takes_fixtures("def test_a():\n    pass\n\ndef helper(x):\n    return x\n")


@pytest.mark.parametrize(
    "block", [block for block in PYTHON_BLOCKS if takes_fixtures(block.body)], ids=lambda block: block.id
)
def test_python_test_module_block_passes(block: Block, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_page_block=block.body)
    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed", "warnings", "warning"}, result.stdout.str()


# Not through pytester: it drops the modules imported during a test, and a snapshot taken
# later in the worker would find the classes of its objects no longer in sys.modules.
@pytest.mark.parametrize(
    "block", [block for block in PYTHON_BLOCKS if not takes_fixtures(block.body)], ids=lambda block: block.id
)
def test_python_script_block_runs(block: Block) -> None:
    namespace: dict[str, Any] = {"__name__": block.page.stem}
    exec(compile(block.body, str(block.page), "exec"), namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            result = value()
            if inspect.iscoroutine(result):
                asyncio.run(result)
    assert_reset()


# -- shell blocks -------------------------------------------------------------------------


def shell_env(tmp_path: Path) -> dict[str, str]:
    """The environment a user's shell has: the venv's commands first, no AWS configuration."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["AWS_CONFIG_FILE"] = str(tmp_path / "aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "aws-credentials")
    return env


def expected_output(body: str) -> list[str]:
    """The ``# ...`` comment lines that follow a command: what the command prints."""
    expected: list[str] = []
    lines = body.splitlines()
    for previous, line in itertools.pairwise(lines):
        if line.startswith("# ") and not previous.startswith("#"):
            expected.append(line.removeprefix("# "))
    return expected


def test_expected_output_takes_the_comments_after_commands() -> None:
    body = "# a heading\nrun a\n# out a\n  --flag\nrun b\n# out b\n"
    assert expected_output(body) == ["out a", "out b"]


def run_serve_block(block: Block, tmp_path: Path) -> None:
    command, banner = block.body.splitlines()[:2]
    argv = command.replace("--port 4599", "--port 0").split()
    assert argv[:2] == ["personalize-mock", "serve"], block.body
    pattern = re.escape(banner.removeprefix("# ")).replace(re.escape(PRINTED_ADDRESS), r"127\.0\.0\.1:(\d+)")
    executable = shutil.which(argv[0], path=shell_env(tmp_path)["PATH"])
    assert executable is not None, "the console script personalize-mock is not installed"
    with subprocess.Popen(
        [executable, *argv[1:]], stdout=subprocess.PIPE, text=True, env=shell_env(tmp_path)
    ) as server:
        try:
            assert server.stdout is not None
            first = server.stdout.readline().rstrip("\n")
            matched = re.fullmatch(pattern, first)
            assert matched, f"{first!r} is not the banner {banner!r}"
            answer = subprocess.run(
                ["curl", "-s", "-f", f"http://127.0.0.1:{matched.group(1)}/_personalize_mock/state"],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            assert answer.stdout.startswith("{")
        finally:
            server.terminate()
        assert server.wait(timeout=60) == 0


@pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("curl") is None, reason="needs bash and curl"
)
@pytest.mark.parametrize("block", SH_BLOCKS, ids=lambda block: block.id)
def test_sh_block_runs(block: Block, tmp_path: Path) -> None:
    if block.body.startswith("personalize-mock serve"):
        run_serve_block(block, tmp_path)
        return
    bash = shutil.which("bash")
    assert bash is not None
    with MockServer(options=server_options()) as server:
        address = server.url.removeprefix("http://")
        script = block.body.replace(PRINTED_ADDRESS, address)
        result = subprocess.run(
            [bash, "-euo", "pipefail", "-c", script],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=shell_env(tmp_path),
            timeout=300,
        )
    assert result.returncode == 0, result.stderr
    for expected in expected_output(block.body):
        assert expected.replace(PRINTED_ADDRESS, address) in result.stdout, result.stdout


#: docs/pytest.md's first example as it was printed before stalled polling existed: it
#: trains without data, and its loop waits for ACTIVE only. It used to spin forever.
OLD_FIRST_PYTEST_EXAMPLE = """
import time

import boto3


def test_training_reaches_active(personalize_mock):
    personalize = boto3.client("personalize", region_name="us-east-1")
    group = personalize.create_dataset_group(name="movies")["datasetGroupArn"]
    personalize_mock.settle()
    solution = personalize.create_solution(
        name="movies-up",
        datasetGroupArn=group,
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
    )["solutionArn"]
    version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]

    while personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["status"] != "ACTIVE":
        time.sleep(60)  # simulated: the loop ends at once

    assert personalize.get_solution_metrics(solutionVersionArn=version)["metrics"]["coverage"] > 0
"""  # noqa: E501 - as it was printed


def test_the_old_first_pytest_example_ends_with_the_stalled_polling_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_old_example=OLD_FIRST_PYTEST_EXAMPLE)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "StalledPollingError" in output
    assert "solution version arn:aws:personalize:us-east-1:123456789012:solution/movies-up/" in output
    assert "is CREATE FAILED (" in output
