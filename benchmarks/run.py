"""Benchmarks of personalize_mock against the bare ``before-call`` floor, botocore Stubber and moto.

Usage::

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # smaller batches and sizes (well under a minute)

Everything is measured in this one process (fresh interpreters only for import time and first
activations; server mode talks to servers in child processes) and printed as Markdown tables:
medians of interleaved batches, ratios taken round by round. Targets are printed beside each
figure and judged "met" / "missed"; nothing is asserted. Progress goes to stderr, the report
to stdout. docs/performance.md explains the method and records a full run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_activation
import bench_bulk
import bench_core
import bench_fresh
import bench_lifecycle
import bench_percall
import bench_runtime
import bench_scale
import bench_server
import bench_soak
from bench_core import Series, Settings, paired_ratio

OTHER_HEADER = "| measurement | personalize_mock | comparison | ratio | target | met? |"
#: The multiplication sign, kept out of string literals (ruff RUF001 reads it as a letter x).
X = "\u00d7"
SECTIONS = ("activation", "percall", "lifecycle", "scale", "fresh", "server", "runtime", "bulk", "soak")

PER_CALL_LIMIT = 1.10
MOTO_FACTOR = 5.0
ENTER_EXIT_US = 20.0
PER_TEST_MS = 2.0
LIFECYCLE_MS = 30.0
SCALE_LIMIT = 1.10
BYTES_PER_VERSION = 1024
IMPORT_MS = 30.0
#: Issue "a first call as cheap as the rest": what the mock adds to a process's first call.
FIRST_CALL_MS = 10.0


def us(value: float) -> str:
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def ms(value: float) -> str:
    return f"{value:,.2f}"


def signed_ms(value: float) -> str:
    """A difference in milliseconds, with its sign: ``+1.36``, ``-0.08``."""
    return f"{value:+,.2f}"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


class Report:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.other: list[str] = []
        self.notes: list[str] = []
        self.noise: list[float] = []

    def add_other(
        self, measurement: str, mock: str, comparison: str, ratio: str, target: str, ok: bool | None
    ) -> None:
        self.other.append(f"| {measurement} | {mock} | {comparison} | {ratio} | {target} | {verdict(ok)} |")

    def track(self, series: dict[str, Series]) -> None:
        self.noise.extend(item.spread for item in series.values())


def per_call_rows(report: Report, result: bench_percall.PerCall) -> list[str]:
    with_schema_floor = result.family is not bench_percall.SCHEMAS
    columns = ["floor µs", "floor + fresh copy µs", "personalize_mock µs", "Stubber µs", "moto µs"]
    if with_schema_floor:
        columns.append("floor on moto's op µs")
    columns += ["mock ÷ floor", "mock ÷ fresh-copy floor", "moto ÷ mock", "target", "met?"]
    rows = [
        "| operation | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * (len(columns) - 2) + "---|---|",
    ]
    for row in result.rows:
        found = row.results
        report.track(found)
        floor, fresh, mock = found["floor"], found[bench_percall.FRESH], found["personalize_mock"]
        stub, moto = found.get("Stubber"), found.get("moto")
        ratio = paired_ratio(mock, floor)
        moto_ratio = paired_ratio(moto, mock) if moto else None
        operation = f"{row.label}: {row.mock_operation}"
        if row.moto_operation and row.moto_operation != row.mock_operation:
            operation += f" (moto: {row.moto_operation})"
        target = f"≤ {PER_CALL_LIMIT:.2f}{X} floor" + (
            f"; ≥ {MOTO_FACTOR:.0f}{X} faster than moto" if moto else ""
        )
        ok = ratio <= PER_CALL_LIMIT and (moto_ratio is None or moto_ratio >= MOTO_FACTOR)
        cells = [us(floor.median), us(fresh.median), us(mock.median), us(stub.median) if stub else "—"]
        cells.append(us(moto.median) if moto else "—")
        if with_schema_floor:
            schema_floor = found.get(bench_percall.SCHEMA_FLOOR)
            cells.append(us(schema_floor.median) if schema_floor else "—")
        cells += [f"{ratio:.2f}{X}", f"{paired_ratio(mock, fresh):.2f}{X}"]
        cells += [f"{moto_ratio:.1f}{X}" if moto_ratio else "—", target, verdict(ok)]
        rows.append(f"| {operation} | " + " | ".join(cells) + " |")
    if with_schema_floor:
        report.notes.append(
            "personalize_mock does not implement schemas yet (`CreateSchema` is not in "
            "`personalize_mock.interception.operations.TABLE['personalize']`), so its create / "
            "describe / list rows use "
            "dataset groups; moto only has schemas. The floor and Stubber replay personalize_mock's own "
            "responses; the floor is also measured on moto's schema operations."
        )
    else:
        report.notes.append(
            "personalize_mock implements schemas, so create / describe / list compare the same "
            "operations (CreateSchema / DescribeSchema / ListSchemas) across all contenders."
        )
    report.notes.append(
        '"floor + fresh copy" is the bare floor returning a new copy of the same response each time '
        "(new dicts, lists and datetimes): the allocation any mock that keeps state pays, without "
        "validation, state, status logic or request ids."
    )
    return rows


FAST_LIMIT_US = 10.0
FAST_MOTO_FACTOR = 40.0


def fast_rows(report: Report, result: bench_percall.PerCall) -> list[str]:
    """The stretch target: fast mode near validation alone, far ahead of moto."""
    rows = [
        "| operation | fast mode µs | validation alone µs | normal path µs | normal ÷ fast | moto ÷ fast "
        "| target | met? |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in result.rows:
        found = row.results
        fast, alone, mock = (
            found[bench_percall.FAST],
            found[bench_percall.VALIDATION],
            found["personalize_mock"],
        )
        moto = found.get("moto")
        moto_ratio = paired_ratio(moto, fast) if moto else None
        target = f"≤ {FAST_LIMIT_US:.0f} µs" + (
            f"; ≥ {FAST_MOTO_FACTOR:.0f}{X} faster than moto" if moto else ""
        )
        ok = fast.median <= FAST_LIMIT_US and (moto_ratio is None or moto_ratio >= FAST_MOTO_FACTOR)
        cells = [us(fast.median), us(alone.median), us(mock.median), f"{paired_ratio(mock, fast):.1f}{X}"]
        cells += [f"{moto_ratio:.0f}{X}" if moto_ratio else "—", target, verdict(ok)]
        rows.append(f"| {row.label}: {row.mock_operation} | " + " | ".join(cells) + " |")
    report.notes.append(
        "Fast mode is measured on the same clients and state as the normal path: the mock's options "
        'are switched to `fast=True` for each of its batches. "validation alone" is botocore\'s '
        "`validate_parameters` on the same arguments, the part of a call fast mode keeps from botocore."
    )
    return rows


def activation_rows(report: Report, result: bench_activation.Activation) -> None:
    found = result.enter_exit
    report.track(found)
    moto_with, moto_deco = found["moto with prebuilt"], found["moto decorated"]
    prebuilt = found["with prebuilt"]
    report.add_other(
        "enter+exit `with pm:` (prebuilt `pm = mock_personalize()`), repeated",
        f"{us(prebuilt.median)} µs (best batch {us(prebuilt.best)})",
        f"moto `with mock_aws()` (prebuilt): {us(moto_with.median)} µs",
        f"{paired_ratio(moto_with, prebuilt):,.0f}{X} faster",
        f"≤ {ENTER_EXIT_US:.0f} µs",
        prebuilt.median <= ENTER_EXIT_US,
    )
    fresh = found["with mock_personalize()"]
    report.add_other(
        "enter+exit `with mock_personalize():` (object built each time), repeated",
        f"{us(fresh.median)} µs (best batch {us(fresh.best)})",
        "—",
        "—",
        f"≤ {ENTER_EXIT_US:.0f} µs",
        fresh.median <= ENTER_EXIT_US,
    )
    decorated = found["decorated"]
    report.add_other(
        "call of a `@mock_personalize` no-op function, repeated",
        f"{us(decorated.median)} µs (best batch {us(decorated.best)})",
        f"moto `@mock_aws`: {us(moto_deco.median)} µs",
        f"{paired_ratio(moto_deco, decorated):,.0f}{X} faster",
        f"≤ {ENTER_EXIT_US:.0f} µs",
        decorated.median <= ENTER_EXIT_US,
    )
    per_test = result.per_test
    report.track(per_test)
    mock, moto, floor = per_test["personalize_mock"], per_test["moto"], per_test["floor: client + one call"]
    report.add_other(
        "per-test fixed cost: activate + `boto3.client(...)` + one "
        f"`{result.list_operation}` + exit, repeated",
        f"{ms(mock.median / 1000)} ms (best batch {ms(mock.best / 1000)})",
        f"moto: {ms(moto.median / 1000)} ms; floor (client + one call answered by a bare handler, "
        f"no mock): {ms(floor.median / 1000)} ms",
        f"{paired_ratio(moto, mock):.1f}{X} faster than moto; {paired_ratio(mock, floor):.2f}{X} floor",
        f"≤ {PER_TEST_MS:.0f} ms",
        mock.median / 1000 <= PER_TEST_MS,
    )
    reused = per_test[bench_activation.REUSED]
    report.add_other(
        f"the same with the client made once and reused (activate + one `{result.list_operation}` + exit)",
        f"{us(reused.median)} µs (best batch {us(reused.best)})",
        f"moto (client made in the test): {ms(moto.median / 1000)} ms",
        f"{paired_ratio(moto, reused):,.0f}{X} faster than moto",
        f"≤ {PER_TEST_MS:.0f} ms",
        reused.median / 1000 <= PER_TEST_MS,
    )


def fresh_rows(report: Report, found: dict[str, dict[str, float]]) -> None:
    mock, moto = found["personalize_mock"], found["moto"]
    runs = report.settings.fresh_runs
    report.add_other(
        f"first enter+exit `with mock_personalize():` in a fresh process (median of {runs})",
        f"{us(mock['with.first_us'])} µs (second: {us(mock['with.second_us'])} µs)",
        f"moto first: {us(moto['with.first_us'])} µs (second: {us(moto['with.second_us'])} µs)",
        f"{moto['with.first_us'] / mock['with.first_us']:,.0f}{X} faster",
        f"≤ {ENTER_EXIT_US:.0f} µs",
        mock["with.first_us"] <= ENTER_EXIT_US,
    )
    report.add_other(
        f"first call of a `@mock_personalize` no-op in a fresh process (median of {runs})",
        f"{us(mock['decorated.first_us'])} µs (second: {us(mock['decorated.second_us'])} µs)",
        f"moto first: {us(moto['decorated.first_us'])} µs (second: {us(moto['decorated.second_us'])} µs)",
        f"{moto['decorated.first_us'] / mock['decorated.first_us']:,.0f}{X} faster",
        f"≤ {ENTER_EXIT_US:.0f} µs",
        mock["decorated.first_us"] <= ENTER_EXIT_US,
    )
    report.add_other(
        f"first test in a fresh process: activate + client + one call + exit (median of {runs})",
        f"{ms(mock['test.first_us'] / 1000)} ms (second: {ms(mock['test.second_us'] / 1000)} ms)",
        f"moto first: {ms(moto['test.first_us'] / 1000)} ms (second: {ms(moto['test.second_us'] / 1000)} ms)",
        f"{moto['test.first_us'] / mock['test.first_us']:.1f}{X} faster",
        f"≤ {PER_TEST_MS:.0f} ms (repeated)",
        None,
    )
    floor = found["floor"]
    added_ms = (mock["test.first_us"] - floor["test.first_us"]) / 1000
    report.add_other(
        f"first Personalize call in a fresh process above the floor's first call (median of {runs})",
        f"{signed_ms(added_ms)} ms ({ms(mock['test.first_us'] / 1000)} ms in all)",
        f"floor (no mock, botocore `Stubber`): {ms(floor['test.first_us'] / 1000)} ms",
        f"{mock['test.first_us'] / floor['test.first_us']:.2f}{X} the floor",
        f"≤ +{FIRST_CALL_MS:.0f} ms",
        added_ms <= FIRST_CALL_MS,
    )
    own_mock, own_floor = mock["test.first_own_us"], floor["test.first_own_us"]
    report.add_other(
        "the same without the cyclic collector's passes in each first test "
        f"(collector, median: {ms(mock['test.first_gc_us'] / 1000)} ms with the mock, "
        f"{ms(floor['test.first_gc_us'] / 1000)} ms in the floor's)",
        f"{signed_ms((own_mock - own_floor) / 1000)} ms",
        f"floor without them: {ms(own_floor / 1000)} ms",
        f"{own_mock / own_floor:.2f}{X} the floor",
        "—",
        None,
    )
    with_mock, with_floor = mock["test.first_with_pass_us"], floor["test.first_with_pass_us"]
    with_added_ms = (with_mock - with_floor) / 1000
    report.add_other(
        "the same with the process's first full collection counted in both (the floor's "
        f"first test ends {floor['test.first_pass_after_allocations']:,.0f} allocations before it; "
        f"that pass, median: {ms(floor['test.first_full_pass_us'] / 1000)} ms after the floor's "
        f"test, {ms(mock['test.first_full_pass_us'] / 1000)} ms inside the mock's)",
        f"{signed_ms(with_added_ms)} ms",
        f"floor with it: {ms(with_floor / 1000)} ms",
        f"{with_mock / with_floor:.2f}{X} the floor",
        f"≤ +{FIRST_CALL_MS:.0f} ms",
        with_added_ms <= FIRST_CALL_MS,
    )
    report.add_other(
        f"`import personalize_mock` on top of `import boto3`, bytecode cached (median of {3 * runs})",
        f"{ms(mock['import_ms'])} ms",
        f"`import moto`: {ms(moto['import_ms'])} ms",
        f"{moto['import_ms'] / mock['import_ms']:.1f}{X} faster",
        f"≤ {IMPORT_MS:.0f} ms",
        mock["import_ms"] <= IMPORT_MS,
    )
    report.add_other(
        f"the same, every module compiled from source (no bytecode cache; median of {runs})",
        f"{ms(mock['import_source_ms'])} ms",
        f"`import moto`: {ms(moto['import_source_ms'])} ms",
        f"{moto['import_source_ms'] / mock['import_source_ms']:.1f}{X} faster",
        "—",
        None,
    )


def bulk_rows(report: Report, size: bench_bulk.Size, found: dict[str, float]) -> None:
    interactions, users = f"{size.interactions:,}", f"{size.batch_users:,}"
    report.add_other(
        f"learning from {interactions} interactions ({size.users:,} users, {size.items:,} items) "
        "read through moto's S3: import + training until ACTIVE, wall",
        f"{found['learn_s']:.2f} s",
        f"import {found['import_s']:.2f} s, training {found['train_s']:.2f} s",
        "—",
        f"≤ {bench_bulk.LEARN_S:.0f} s at 10⁶",
        found["learn_s"] <= bench_bulk.LEARN_S if size == bench_bulk.FULL else None,
    )
    report.add_other(
        f"the same: tracemalloc peak while learning from {interactions} interactions",
        f"{found['peak_mb']:.0f} MB",
        "—",
        "—",
        f"≤ {bench_bulk.PEAK_MB:.0f} MB at 10⁶",
        found["peak_mb"] <= bench_bulk.PEAK_MB if size == bench_bulk.FULL else None,
    )
    report.add_other(
        f"offline evaluation of that version (its first GetSolutionMetrics), {interactions} "
        "interactions, wall",
        f"{found['evaluate_s']:.2f} s",
        "—",
        "—",
        f"≤ {bench_bulk.LEARN_S:.0f} s at 10⁶ (the learning budget)",
        found["evaluate_s"] <= bench_bulk.LEARN_S if size == bench_bulk.FULL else None,
    )
    report.add_other(
        f"batch inference job over {users} users until its output is in S3, wall",
        f"{found['batch_s']:.2f} s",
        f"{found['batch_s'] / size.batch_users * 1e6:.0f} µs per user",
        "—",
        f"≤ {bench_bulk.BATCH_S:.0f} s at 10⁵",
        found["batch_s"] <= bench_bulk.BATCH_S if size == bench_bulk.FULL else None,
    )


def lifecycle_rows(report: Report, result: bench_lifecycle.Lifecycle) -> None:
    if result.skipped:
        report.add_other("whole lifecycle", result.skipped, "—", "—", f"≤ {LIFECYCLE_MS:.0f} ms", None)
        return
    report.add_other(
        "whole lifecycle in simulated time: dataset group → solution → FULL version polled to ACTIVE "
        "with `time.sleep(60)` → UPDATE version polled → GetSolutionMetrics; wall time incl. "
        f"activation and `boto3.client` (median of {len(result.wall_ms)})",
        f"{ms(result.median_ms)} ms (best {ms(min(result.wall_ms))})",
        f"{result.calls} API calls, {result.simulated_hours:.2f} simulated hours, final "
        f"{result.statuses[0]} / {result.statuses[1]}; of which `boto3.client`: "
        f"{ms(result.median_client_ms)} ms",
        "—",
        f"≤ {LIFECYCLE_MS:.0f} ms",
        result.median_ms <= LIFECYCLE_MS,
    )


def scale_rows(report: Report, result: bench_scale.Scale) -> None:
    sizes = result.sizes
    labels = [bench_scale.label(size) for size in sizes]
    smallest, largest = labels[0], labels[-1]

    def joined(series: dict[str, Series], unit: Callable[[float], str]) -> str:
        return " / ".join(unit(series[name].median) for name in labels if name in series)

    sizes_text = " / ".join(labels)
    for series in (result.describe, result.first_page, result.middle_page, result.create):
        report.track(series)
    ratio = paired_ratio(result.describe[largest], result.describe[smallest])
    report.add_other(
        f"DescribeSolutionVersion with {sizes_text} stored versions",
        f"{joined(result.describe, us)} µs",
        "—",
        f"{largest} ÷ {smallest}: {ratio:.2f}{X}",
        f"{largest} within {SCALE_LIMIT:.1f}{X} of {smallest}",
        ratio <= SCALE_LIMIT,
    )
    # At the smallest size a page holds fewer items than maxResults; flatness is judged between
    # the sizes whose first page is full.
    full = [name for size, name in zip(sizes, labels, strict=True) if size >= bench_scale.PAGE]
    page_ratio = (
        paired_ratio(result.first_page[full[-1]], result.first_page[full[0]]) if len(full) > 1 else None
    )
    report.add_other(
        f"ListSolutionVersions page (maxResults={bench_scale.PAGE}, first page) at {sizes_text}",
        f"{joined(result.first_page, us)} µs",
        f"(at {smallest} the page holds only {sizes[0]} items)",
        f"{full[-1]} ÷ {full[0]}: {page_ratio:.2f}{X}" if page_ratio else "—",
        f"flat (≤ {SCALE_LIMIT:.1f}{X} between full pages)",
        None if page_ratio is None else page_ratio <= SCALE_LIMIT,
    )
    if len(result.middle_page) > 1:
        middle = list(result.middle_page)
        middle_ratio = paired_ratio(result.middle_page[middle[-1]], result.middle_page[middle[0]])
        report.add_other(
            f"ListSolutionVersions page from a `nextToken` halfway through, at {' / '.join(middle)}",
            f"{' / '.join(us(result.middle_page[name].median) for name in middle)} µs",
            "—",
            f"{middle[-1]} ÷ {middle[0]}: {middle_ratio:.2f}{X}",
            f"flat (≤ {SCALE_LIMIT:.1f}{X})",
            middle_ratio <= SCALE_LIMIT,
        )
    create_ratio = paired_ratio(result.create[largest], result.create[smallest])
    report.add_other(
        f"CreateSolutionVersion with {sizes_text} stored (settled) versions",
        f"{joined(result.create, us)} µs",
        "—",
        f"{largest} ÷ {smallest}: {create_ratio:.2f}{X}",
        "— (flat expected)",
        None,
    )
    report.add_other(
        f"memory per stored solution version at {result.memory_size:,} (tracemalloc growth ÷ count)",
        f"{result.bytes_per_version:,.0f} B",
        "build through the API: "
        + ", ".join(f"{size:,} in {seconds:.1f} s" for size, seconds in result.build_seconds.items()),
        "—",
        f"≤ {BYTES_PER_VERSION:,} B",
        result.bytes_per_version <= BYTES_PER_VERSION,
    )


def server_rows(report: Report, result: bench_server.ServerBench) -> None:
    for row in result.rows:
        report.track(row.results)
        mock, moto = row.results[bench_server.MOCK], row.results.get(bench_server.MOTO)
        how = (
            "through boto3 (`endpoint_url`, its own connection pool)"
            if row.client == "boto3"
            else "raw AWS JSON 1.1 requests on one keep-alive `http.client` connection"
        )
        rate = bench_server.requests_per_second
        report.add_other(
            f"server mode on loopback, {row.label}: requests per second, {how}",
            f"{rate(mock):,.0f} req/s ({us(mock.median)} µs per request)",
            f"moto's server: {rate(moto):,.0f} req/s ({us(moto.median)} µs)"
            if moto
            else str(result.moto_skipped),
            f"{paired_ratio(moto, mock):.1f}{X} moto's rate" if moto else "—",
            "—",
            None,
        )
    closed = result.closed_share
    if bench_server.MOTO in closed:
        report.notes.append(
            "Server mode: both servers run as child processes with their defaults (`personalize-mock "
            "serve`, `python -m moto.server`). moto's server (werkzeug's development server) closed the "
            f"connection after {closed[bench_server.MOTO]:.0%} of its responses (`Connection: close`), so "
            "the client opened a new loopback TCP connection for each of its requests; personalize_mock's "
            f"closed it after {closed[bench_server.MOCK]:.0%}. moto's server also logs every request to "
            "stderr (here a temporary file); personalize_mock's logs none at its default level."
        )


def soak_rows(report: Report, results: list[bench_soak.Soak]) -> None:
    """Churn soak (benchmarks/bench_soak.py): growth and latency ratios between its two points."""
    for result in results:
        first, last = result.points[0], result.points[-1]
        span = f"{first.ops:,} → {last.ops:,} ops"
        figures: list[tuple[str, str, float, float]] = []
        if first.traced_bytes is not None and last.traced_bytes is not None:
            traced = f"{first.traced_bytes / 1e6:.2f} → {last.traced_bytes / 1e6:.2f} MB"
            figures.append(("tracemalloc", traced, result.ratio("traced_bytes"), bench_soak.MEMORY_LIMIT))
        rss = f"{first.rss_bytes / 1e6:.1f} → {last.rss_bytes / 1e6:.1f} MB"
        figures.append(("RSS", rss, result.ratio("rss_bytes"), bench_soak.MEMORY_LIMIT))
        describe = f"{us(first.describe_us)} → {us(last.describe_us)} µs"
        figures.append(
            ("DescribeDatasetGroup p50", describe, result.ratio("describe_us"), bench_soak.LATENCY_LIMIT)
        )
        settle = f"{us(first.settle_us)} → {us(last.settle_us)} µs"
        figures.append(("settle() p50", settle, result.ratio("settle_us"), bench_soak.LATENCY_LIMIT))
        for name, values, ratio, limit in figures:
            report.add_other(
                f"churn soak ({result.mode}), {name}, {span}",
                values,
                f"{result.live_at_end} dataset group(s) live at the end",
                f"{ratio:.3f}{X}",
                f"≤ {limit:.2f}{X}",
                ratio <= limit if not report.settings.quick else None,
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches and sizes (under a minute)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks that everything runs")
    args = parser.parse_args(argv)
    settings = Settings.make(args.quick, smoke=args.smoke)
    wanted = set(args.only or SECTIONS)
    report = Report(settings)
    began = time.perf_counter()

    def step(name: str) -> bool:
        if name in wanted:
            print(f"[{time.perf_counter() - began:6.1f} s] {name} ...", file=sys.stderr, flush=True)
        return name in wanted

    facts = bench_core.machine()
    per_call: list[str] = []
    fast: list[str] = []
    family = bench_percall.mock_family()
    if step("activation"):
        activation_rows(report, bench_activation.run(settings, family.list))
    if step("percall"):
        per_call_result = bench_percall.run(settings)
        per_call = per_call_rows(report, per_call_result)
        fast = fast_rows(report, per_call_result)
    if step("lifecycle"):
        lifecycle_rows(report, bench_lifecycle.run(settings))
    if step("scale"):
        scale_rows(report, bench_scale.run(settings))
    if step("fresh"):
        fresh_rows(report, bench_fresh.measure(settings.fresh_runs))
    if step("server"):
        server_rows(report, bench_server.run(settings))
    if step("bulk"):
        bulk_rows(report, *bench_bulk.run(settings.quick, smoke=args.smoke))
    if step("soak"):
        soak_rows(report, bench_soak.run(settings))
    runtime: list[str] = []
    if step("runtime"):
        runtime, runtime_series = bench_runtime.report(bench_runtime.run(settings, smoke=args.smoke))
        report.noise.extend(series.spread for series in runtime_series)
    elapsed = time.perf_counter() - began
    facts["load average (end)"] = bench_core.machine()["load average"]

    kind = "smoke" if args.smoke else ("quick" if settings.quick else "full")
    out = [f"# personalize_mock benchmarks ({kind} run)", ""]
    out += [f"- {key}: {value}" for key, value in facts.items()]
    out += [
        f"- method: {settings.rounds} interleaved batches per contender after one warm-up batch; "
        f"{settings.calls} calls per per-call batch; medians; ratios are medians of per-round ratios; "
        f"gc disabled inside batches; run took {elapsed:.0f} s",
        "",
    ]
    if per_call:
        out += ["## Per-call latency (µs per call)", "", *per_call, ""]
        out += ["## Fast mode (`mock_personalize(fast=True)`, µs per call)", "", *fast, ""]
    out += [
        "## Activation, per-test cost, lifecycle, scale, import, server mode",
        "",
        OTHER_HEADER,
        "|---|---|---|---|---|---|",
    ]
    out += report.other
    out.append("")
    if runtime:
        out += ["## Runtime at catalogue scale (µs per call)", "", *runtime, ""]
    if report.noise:
        out.append(
            f"Batch-to-batch spread (interquartile range ÷ median), worst series: {max(report.noise):.0%}; "
            f"median series: {sorted(report.noise)[len(report.noise) // 2]:.0%}."
        )
    out += [f"Note: {note}" for note in report.notes]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
