"""Shared machinery of the benchmarks: interleaved timing, settings, clean clients, machine facts.

Every latency figure comes from :func:`interleave`: each contender runs one batch per round, the
order of contenders rotates from round to round, the garbage collector is off inside a batch,
and a contender times only its calls (set-up such as queueing Stubber responses or settling the
simulated clock happens outside ``perf_counter_ns``). A ratio between two contenders is taken
round by round (both batches ran a few milliseconds apart, under the same machine load) and the
median of those per-round ratios is reported, which keeps a noisy neighbour from skewing it.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
perf_counter_ns = time.perf_counter_ns

#: ``run(n)`` makes ``n`` timed calls (plus any untimed set-up) and returns the timed nanoseconds.
Contender = Callable[[int], int]


@dataclass(frozen=True)
class Settings:
    """How much work each section does; ``--quick`` shrinks everything."""

    quick: bool
    rounds: int  # batches per contender (after one warm-up batch)
    calls: int  # calls per batch for per-call latencies
    activations: int  # enter+exit per batch
    tests: int  # per-test fixed-cost iterations per batch (moto: a quarter of it)
    lifecycles: int  # whole lifecycles timed
    scale_sizes: tuple[int, ...]
    fresh_runs: int  # fresh subprocesses per import / first-activation figure

    @classmethod
    def make(cls, quick: bool, smoke: bool = False) -> Settings:
        if smoke:  # every code path once, figures meaningless (tests/test_benchmarks_smoke.py)
            return cls(True, 2, 5, 5, 1, 1, (10, 200, 400), 1)
        if quick:
            return cls(True, 5, 100, 200, 4, 5, (10, 1_000, 5_000), 1)
        return cls(False, 15, 400, 1_500, 15, 21, (10, 10_000, 100_000), 7)


@dataclass
class Series:
    """Per-batch figures of one contender (µs per call unless said otherwise)."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        """The fastest batch: the figure least disturbed by other load on the machine."""
        return min(self.samples)

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median (a noise indicator)."""
        if len(self.samples) < 4:
            return 0.0
        q1, _, q3 = statistics.quantiles(self.samples, n=4)
        return (q3 - q1) / self.median if self.median else 0.0


def paired_ratio(numerator: Series, denominator: Series) -> float:
    """Median over rounds of ``numerator / denominator`` measured in the same round."""
    return statistics.median(a / b for a, b in zip(numerator.samples, denominator.samples, strict=True))


def interleave(
    contenders: dict[str, Contender], calls: int | dict[str, int], rounds: int
) -> dict[str, Series]:
    """Run every contender ``rounds`` times, round-robin, after one untimed warm-up batch each.

    ``calls`` is the batch size, for all contenders or per contender name.
    """
    names = list(contenders)
    sizes = calls if isinstance(calls, dict) else dict.fromkeys(names, calls)
    for name in names:
        _timed_batch(contenders[name], max(1, sizes[name] // 2))
    results: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        gc.collect()
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed = _timed_batch(contenders[name], sizes[name])
            results[name].append(elapsed / sizes[name] / 1000.0)
    return {name: Series(samples) for name, samples in results.items()}


def _timed_batch(contender: Contender, calls: int) -> int:
    gc.disable()
    try:
        return contender(calls)
    finally:
        gc.enable()


def loop(call: Callable[[], Any]) -> Contender:
    """A contender that times ``n`` calls of ``call`` in one stretch."""

    def run(n: int) -> int:
        start = perf_counter_ns()
        for _ in range(n):
            call()
        return perf_counter_ns() - start

    return run


def clean_session(**kwargs: Any) -> Any:
    """A boto3 session without personalize_mock's handlers (a client as if the library were absent).

    personalize_mock appends its handlers to ``botocore.handlers.BUILTIN_HANDLERS``, so every
    new session carries them; they are found by module rather than by name so that the
    benchmark survives refactoring of the library.
    """
    import boto3
    from botocore import handlers

    session = boto3.Session(**kwargs)
    for spec in handlers.BUILTIN_HANDLERS:
        event_name, handler = spec[0], spec[1]
        if getattr(handler, "__module__", "").startswith("personalize_mock"):
            session._session.unregister(event_name, handler)
    return session


def machine() -> dict[str, str]:
    """Facts to print with the results."""
    import boto3
    import botocore

    try:
        import moto

        moto_version = moto.__version__
    except ImportError:  # pragma: no cover - moto is a test dependency
        moto_version = "not installed"
    import personalize_mock

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(usable),
        "cpu": cpu,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "botocore": botocore.__version__,
        "boto3": boto3.__version__,
        "moto": moto_version,
        "personalize_mock": f"{personalize_mock.__version__} ({_git_describe()})",
        "load average": _load_average(),
    }


def _git_describe() -> str:
    # Read-only git queries: the commit benchmarked and whether the tree had local changes.
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "no git"
    return f"commit {commit}{' + local changes' if dirty else ''}"


def _load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"
