"""Same-run A/B comparison of this tree against an earlier commit: activation and per-call cost.

Usage::

    python benchmarks/ab.py --baseline 0d1e2f3            # 3 rounds of each, alternating
    python benchmarks/ab.py --baseline HEAD~1 --rounds 5
    python benchmarks/ab.py --baseline 0d1e2f3 --also HEAD --also /path/to/other/tree

The earlier commit is checked out in a temporary git worktree, and so is each ``--also``
commit (a directory is used as it is), shown as extra columns. Each round runs this file's
``--child`` mode once per tree, each importing ``personalize_mock`` from its tree (the
benchmark code itself is this tree's, so every side is measured the same way), in an order
that rotates from round to round so that drifting load on the machine hits all alike. Each
child measures enter+exit of an activation and the per-call latency of the create / describe /
list rows against botocore's bare floor in its own process (``bench_activation`` and
``bench_percall``, quick settings); the parent prints the medians over rounds, with the date,
the load average and the commits. Nothing is asserted.
"""

from __future__ import annotations

import argparse
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


def _describe(tree: Path) -> str:
    """The commit a tree is at, and whether it has local changes (read-only git queries)."""
    git = ["git", "-C", str(tree), "--no-optional-locks"]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if commit.returncode != 0:
        return "not a git tree"
    status = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    return commit.stdout.strip() + (" + local changes" if status.stdout.strip() else "")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", help="the earlier commit to compare with")
    parser.add_argument(
        "--also", action="append", default=[], help="another commit or tree directory to show (repeatable)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    if not args.baseline:
        parser.error("--baseline is required")
    started = (time.strftime("%Y-%m-%d %H:%M %Z"), _load())
    with tempfile.TemporaryDirectory() as scratch:
        trees: dict[str, Path] = {}
        made: list[Path] = []
        try:
            for index, revision in enumerate([args.baseline, *args.also]):
                if index > 0 and Path(revision).is_dir():
                    trees[revision] = Path(revision)
                    continue
                worktree = Path(scratch) / f"tree{index}"
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), revision],
                    check=True,
                    capture_output=True,
                )
                made.append(worktree)
                trees[revision] = worktree
            trees["this tree"] = ROOT
            names = list(trees)
            samples: dict[str, dict[str, list[float]]] = {name: {} for name in names}
            for round_number in range(args.rounds):
                shift = round_number % len(names)
                for name in names[shift:] + names[:shift]:
                    print(f"round {round_number + 1}: {name}", file=sys.stderr)
                    for key, value in run_child(trees[name]).items():
                        samples[name].setdefault(key, []).append(value)
            described = {name: _describe(tree) for name, tree in trees.items()}
        finally:
            for worktree in made:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
                    check=False,
                    capture_output=True,
                )
    print(f"Started {started[0]}, load average {started[1]}; ended with load average {_load()}.")
    print("Trees: " + "; ".join(f"{name}: {described[name]}" for name in names) + ".")
    print()
    columns = " | ".join(names)
    print(f"| measurement (median of {args.rounds} runs each) | {columns} | this tree vs {args.baseline} |")
    print("|---" * (len(names) + 2) + "|")
    for key in samples["this tree"]:
        medians = [statistics.median(samples[name].get(key, [float("nan")])) for name in names]
        cells = " | ".join(f"{median:.2f}" for median in medians)
        print(f"| {key} | {cells} | {medians[-1] / medians[0] - 1:+.1%} |")


if __name__ == "__main__":
    main()
