"""Same-run A/B comparison of this tree against an earlier commit: activation and per-call cost.

Usage::

    python benchmarks/ab.py --baseline 0d1e2f3            # 3 rounds of each, alternating
    python benchmarks/ab.py --baseline HEAD~1 --rounds 5

The earlier commit is checked out in a temporary git worktree. Each round runs this file's
``--child`` mode twice, once importing ``personalize_mock`` from each tree (the benchmark code
itself is this tree's, so both sides are measured the same way), in alternating order so that
drifting load on the machine hits both alike. Each child measures enter+exit of an activation
and the per-call latency of the create / describe / list rows against botocore's bare floor in
its own process (``bench_activation`` and ``bench_percall``, quick settings); the parent prints
the medians over rounds. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child() -> None:
    sys.path.insert(0, str(HERE))
    import bench_activation
    import bench_percall
    from bench_core import Settings, paired_ratio

    import personalize_mock

    settings = Settings.make(quick=True)
    figures: dict[str, float] = {}
    activation = bench_activation.run(settings, bench_percall.mock_family().list)
    for name in ("with prebuilt", "with mock_personalize()", "decorated"):
        figures[f"enter+exit, {name} (µs)"] = activation.enter_exit[name].median
    per_call = bench_percall.run(settings)
    for row in per_call.rows:
        results = row.results
        if "personalize_mock" in results and "floor" in results:
            ratio = paired_ratio(results["personalize_mock"], results["floor"])
            figures[f"{row.label}: personalize_mock / floor"] = ratio
        if bench_percall.FAST in results:
            figures[f"{row.label}: fast mode (µs)"] = results[bench_percall.FAST].median
    print(json.dumps({"package": str(Path(personalize_mock.__file__).parent), "figures": figures}))


def run_child(tree: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # The import must have come from the tree asked for, not from an installed copy.
    assert Path(result["package"]).parent == tree.resolve(), result["package"]
    figures: dict[str, float] = result["figures"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", help="the earlier commit to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    if not args.baseline:
        parser.error("--baseline is required")
    with tempfile.TemporaryDirectory() as scratch:
        baseline_tree = Path(scratch) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline_tree), args.baseline],
            check=True,
            capture_output=True,
        )
        try:
            trees = {"baseline": baseline_tree, "this tree": ROOT}
            samples: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
            for round_number in range(args.rounds):
                order = list(trees) if round_number % 2 == 0 else list(reversed(trees))
                for name in order:
                    print(f"round {round_number + 1}: {name}", file=sys.stderr)
                    for key, value in run_child(trees[name]).items():
                        samples[name].setdefault(key, []).append(value)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline_tree)],
                check=False,
                capture_output=True,
            )
    print(f"| measurement (median of {args.rounds} runs each) | {args.baseline} | this tree | change |")
    print("|---|---|---|---|")
    for key, values in samples["this tree"].items():
        before = statistics.median(samples["baseline"].get(key, [float("nan")]))
        after = statistics.median(values)
        print(f"| {key} | {before:.2f} | {after:.2f} | {after / before - 1:+.1%} |")


if __name__ == "__main__":
    main()
