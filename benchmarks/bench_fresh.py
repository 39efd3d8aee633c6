"""Figures that need a fresh interpreter: import time and the first activation.

Run as ``python bench_fresh.py MODE LIBRARY`` (``LIBRARY`` is ``personalize_mock``, ``moto``
or ``floor``); prints one JSON object. ``floor`` is what the first call costs without any
mock: the activator does nothing and the call is answered by botocore's ``Stubber`` (a
canned response, no HTTP), so ``test.first_us`` minus the floor's is what the mock adds to
the first Personalize call of a process (issue target: ≤ 10 ms). :func:`measure` runs it
in subprocesses and takes medians.

Modes (``boto3`` is always imported first and not timed):

* ``with``: import time of the library, then the first and the second enter+exit of a
  ``with`` block;
* ``decorated``: first and second call of a decorated no-op function;
* ``test``: first and second "test" (activate, ``boto3.client`` from the default session,
  one call, deactivate), with the cyclic collector's time inside each timed apart
  (``*_gc_us``, ``*_own_us``). CPython makes its first full collection once enough objects
  have been allocated; where it falls outside the first test, the objects allocated until it
  runs are counted (``first_pass_after_allocations``) and ``first_with_pass_us`` adds its
  duration, so mock and floor compare with the same one-time pass inside.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODES = ("with", "decorated", "test")
LIBRARIES = ("personalize_mock", "moto", "floor")


def _nothing(function: Any = None) -> Any:
    """The floor's activator: ``with _nothing():`` and ``@_nothing`` do nothing."""
    return contextlib.nullcontext() if function is None else function


def _activator(library: str) -> Any:
    if library == "floor":
        return _nothing
    if library == "moto":
        from moto import mock_aws

        return mock_aws
    from personalize_mock import mock_personalize

    return mock_personalize


def _one_call(library: str) -> None:
    import boto3

    client = boto3.client("personalize", region_name="us-east-1")
    if library == "floor":
        from botocore.stub import Stubber

        stubber = Stubber(client)
        stubber.add_response("list_dataset_groups", {"datasetGroups": []})
        with stubber:
            client.list_dataset_groups()
    elif library == "moto":
        client.list_schemas()
    else:
        client.list_dataset_groups()


class _CollectorTimer:
    """A ``gc.callbacks`` entry adding up the time the cyclic collector runs.

    It also keeps the duration of the first full (generation 2) pass it sees.
    """

    def __init__(self) -> None:
        self.spent_ns = 0
        self.full_pass_ns: int | None = None
        self._started = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter_ns()
            return
        spent = time.perf_counter_ns() - self._started
        self.spent_ns += spent
        if info["generation"] == 2 and self.full_pass_ns is None:
            self.full_pass_ns = spent


#: Upper bound on the objects allocated while waiting for the process's first full pass.
_ALLOCATIONS_LIMIT = 5_000_000


def _allocate_until_full_pass(collecting: _CollectorTimer) -> int:
    """Allocate container objects until the collector's first full pass has run; how many.

    Every process makes that pass once enough objects have been allocated since start; the
    count says how close to it the first test left the process.
    """
    kept: list[list[None]] = []
    while collecting.full_pass_ns is None and len(kept) < _ALLOCATIONS_LIMIT:
        kept.append([])
    return len(kept)


def main(mode: str, library: str) -> dict[str, float]:
    import boto3  # noqa: F401  (the baseline every figure is on top of)

    clock = time.perf_counter_ns
    start = clock()
    activator = _activator(library)
    figures = {"import_ms": (clock() - start) / 1e6}

    if mode == "with":
        for key in ("first_us", "second_us"):
            start = clock()
            with activator():
                pass
            figures[key] = (clock() - start) / 1e3
    elif mode == "decorated":

        @activator
        def noop() -> None:
            pass

        for key in ("first_us", "second_us"):
            start = clock()
            noop()
            figures[key] = (clock() - start) / 1e3
    elif mode == "test":
        # CPython's cyclic collector makes its first full pass over the heap (botocore's
        # endpoint and model data: ~20 ms) whenever enough objects have been allocated since
        # the client was built; time it apart, so a figure says which of it is the collector's.
        collecting = _CollectorTimer()
        gc.callbacks.append(collecting)
        for key in ("first_us", "second_us"):
            collecting.spent_ns = 0
            start = clock()
            with activator():
                _one_call(library)
            figures[key] = (clock() - start) / 1e3
            figures[key.replace("_us", "_gc_us")] = collecting.spent_ns / 1e3
            # Per run, so the median is one of the medians of the same runs' differences.
            figures[key.replace("_us", "_own_us")] = figures[key] - collecting.spent_ns / 1e3
            if key == "first_us":
                # Where the first full pass fell outside the test, it comes within the next
                # allocations of any process: "first_with_pass_us" counts it in both, so
                # mock and floor are compared with the same one-time pass inside.
                inside = collecting.full_pass_ns is not None
                figures["first_pass_inside"] = float(inside)
                figures["first_pass_after_allocations"] = float(
                    0 if inside else _allocate_until_full_pass(collecting)
                )
                pass_us = (collecting.full_pass_ns or 0) / 1e3
                figures["first_full_pass_us"] = pass_us
                figures["first_with_pass_us"] = figures[key] + (0.0 if inside else pass_us)
        gc.callbacks.remove(collecting)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return figures


def _run(mode: str, library: str, env: dict[str, str]) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, str(HERE / "bench_fresh.py"), mode, library],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(HERE.parent),
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(runs: int) -> dict[str, dict[str, float]]:
    """Medians over ``runs`` fresh interpreters per (mode, library), bytecode cached.

    Bytecode goes to a private ``PYTHONPYCACHEPREFIX`` warmed by one untimed run, as after an
    install from a wheel; the same runs are repeated with bytecode writing off and an empty
    cache (every module compiled from source) for the ``import_source_ms`` figure.
    """
    results: dict[str, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="pm-bench-pyc-") as cache,
        tempfile.TemporaryDirectory(prefix="pm-bench-nopyc-") as empty,
    ):
        cached_env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        cached_env.pop("PYTHONDONTWRITEBYTECODE", None)
        source_env = {**os.environ, "PYTHONPYCACHEPREFIX": empty, "PYTHONDONTWRITEBYTECODE": "1"}
        for library in LIBRARIES:
            # Fills the bytecode cache, also for the modules only a call imports (handlers).
            _run("test", library, cached_env)
        for library in LIBRARIES:
            samples: dict[str, list[float]] = {}
            for _ in range(runs):
                for mode in MODES:
                    for key, value in _run(mode, library, cached_env).items():
                        name = key if key == "import_ms" else f"{mode}.{key}"
                        samples.setdefault(name, []).append(value)
                value = _run("with", library, source_env)["import_ms"]
                samples.setdefault("import_source_ms", []).append(value)
            results[library] = {key: statistics.median(values) for key, values in samples.items()}
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
