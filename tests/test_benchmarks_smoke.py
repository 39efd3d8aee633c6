"""The benchmark script runs end to end and prints its tables (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_benchmarks_quick_run_prints_the_tables() -> None:
    pytest.importorskip("moto")
    completed = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--smoke"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "# personalize_mock benchmarks (smoke run)" in out
    assert "## Per-call latency (µs per call)" in out
    assert "| operation | floor µs | floor + fresh copy µs | personalize_mock µs | Stubber µs |" in out
    assert "## Fast mode (`mock_personalize(fast=True)`, µs per call)" in out
    assert "| describe: DescribeSchema |" in out.split("## Fast mode", 1)[1]
    assert "| measurement | personalize_mock | comparison | ratio | target | met? |" in out
    for row in (
        "enter+exit `with pm:`",
        "per-test fixed cost",
        "whole lifecycle in simulated time",
        "DescribeSolutionVersion with",
        "memory per stored solution version",
        "`import personalize_mock` on top of `import boto3`",
        "first Personalize call in a fresh process above the floor's first call",
        "the same with the process's first full collection counted in both",
        "learning from 2,000 interactions",
        "tracemalloc peak while learning",
        "batch inference job over 200 users until its output is in S3",
        "server mode on loopback, CreateSchema (fresh names): requests per second",
        "server mode on loopback, DescribeSchema: requests per second, through boto3",
        "churn soak (in-process), tracemalloc",
        "churn soak (server), settle() p50",
    ):
        assert row in out, row
