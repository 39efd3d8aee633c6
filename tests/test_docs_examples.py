"""Every Python block of docs/clock.md and docs/pytest.md runs, as printed.

docs/clock.md's blocks are scripts: each runs in a fresh namespace, then every ``test_*``
function it defines is called. docs/pytest.md's blocks are test modules: each runs in its
own pytest session through ``pytester`` and must pass.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import assert_reset
from test_docs import DOCS, code_blocks, text

CLOCK_BLOCKS = code_blocks(text(DOCS / "clock.md"), "python")
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
    assert len(PYTEST_BLOCKS) >= 4


@pytest.mark.parametrize(
    "block", CLOCK_BLOCKS, ids=lambda block: f"line-{text(DOCS / 'clock.md').index(block)}"
)
def test_clock_page_block_runs(block: str) -> None:
    namespace: dict[str, Any] = {"__name__": "clock_md"}
    exec(compile(block, str(DOCS / "clock.md"), "exec"), namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            value()
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
