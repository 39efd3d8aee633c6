"""Every Python block of docs/clock.md, usage.md, errors.md and pytest.md runs, as printed.

The blocks of clock.md, usage.md and errors.md are scripts: each runs in a fresh namespace,
then every ``test_*`` function it defines is called (a coroutine function through
``asyncio.run``, as an async test runner would). docs/pytest.md's blocks are test modules:
each runs in its own pytest session through ``pytester`` and must pass.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from helpers import assert_reset
from test_docs import DOCS, code_blocks, text

CLOCK_BLOCKS = code_blocks(text(DOCS / "clock.md"), "python")
SCRIPT_PAGES = ("clock.md", "usage.md", "errors.md")
SCRIPT_BLOCKS = [(page, block) for page in SCRIPT_PAGES for block in code_blocks(text(DOCS / page), "python")]
PYTEST_BLOCKS = code_blocks(text(DOCS / "pytest.md"), "python")

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


def test_the_pages_have_blocks() -> None:
    assert len(CLOCK_BLOCKS) >= 5
    assert len(SCRIPT_BLOCKS) >= 15
    assert len(PYTEST_BLOCKS) >= 4


@pytest.mark.parametrize(
    ("page", "block"),
    SCRIPT_BLOCKS,
    ids=[f"{page}-{text(DOCS / page).index(block)}" for page, block in SCRIPT_BLOCKS],
)
def test_script_block_runs(page: str, block: str) -> None:
    namespace: dict[str, Any] = {"__name__": page.replace(".", "_")}
    exec(compile(block, str(DOCS / page), "exec"), namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            result = value()
            if inspect.iscoroutine(result):
                asyncio.run(result)
    assert_reset()


@pytest.mark.parametrize(
    "block", PYTEST_BLOCKS, ids=lambda block: f"line-{text(DOCS / 'pytest.md').index(block)}"
)
def test_pytest_page_block_passes(pytester: pytest.Pytester, block: str) -> None:
    pytester.makepyfile(test_page_block=block)
    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed", "warnings", "warning"}, result.stdout.str()


def test_the_old_first_pytest_example_ends_with_the_stalled_polling_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_old_example=OLD_FIRST_PYTEST_EXAMPLE)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "StalledPollingError" in output
    assert "solution version arn:aws:personalize:us-east-1:123456789012:solution/movies-up/" in output
    assert "is CREATE FAILED (" in output
