"""Where personalize_mock's per-call time goes, stage by stage, next to the bare floor.

Usage: ``python benchmarks/profile_call_path.py [--calls N]``

The stages of the in-process path are wrapped with ``perf_counter_ns`` timers (each wrapper
adds ~0.1-0.2 µs, so the stage figures are slight over-estimates) and the calls of each
operation are timed on two clients of the same session in alternating batches: one answered by
personalize_mock, one by a bare ``before-call`` handler returning the response the mock gave.
Printed per operation, in µs per call: the two totals, the difference, and the mock's handler
split into validation, the state's own dispatch work (fault check, lock, region backend, due
actions), the service handler and building the response.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import boto3
from bench_core import clean_session, perf_counter_ns
from bench_percall import FAKE_KEYS, RECIPE_ARN, SCHEMA, floor_handler

from personalize_mock import mock_personalize
from personalize_mock.interception import dispatch, responses
from personalize_mock.interception.operations import TABLE
from personalize_mock.state import MockState

STAGES = ("answer", "validate", "dispatch", "handler", "response")
spent: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
current = {"operation": ""}


def _timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = perf_counter_ns()
        try:
            return function(*args, **kwargs)
        finally:
            spent[current["operation"]][stage] += perf_counter_ns() - start

    return wrapper


def _instrument() -> None:
    dispatch.validate_input = _timed("validate", dispatch.validate_input)
    MockState.dispatch = _timed("dispatch", MockState.dispatch)  # type: ignore[method-assign]
    responses.success = _timed("response", responses.success)
    for handlers in TABLE.values():
        for name, handler in list(handlers.items()):
            handlers[name] = _timed("handler", handler)


def _time_answer(client: Any) -> None:
    """Replace the library's before-call handler on ``client`` by a timed wrapper of it."""
    from botocore import handlers

    for spec in handlers.BUILTIN_HANDLERS:
        event_name, handler = spec[0], spec[1]
        if event_name.startswith("before-call.") and getattr(handler, "__module__", "").startswith(
            "personalize_mock"
        ):
            client.meta.events.unregister(event_name, handler)
            client.meta.events.register(event_name, _timed("answer", handler))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    _instrument()
    pm = mock_personalize(quotas={"schemas": 10**9, "solution_versions_in_flight": 10**9})
    pm.start()
    read = boto3.client("personalize", region_name="us-west-2")
    create = boto3.client("personalize", region_name="us-east-1")
    _time_answer(read)
    _time_answer(create)
    arns = [read.create_schema(name=f"s{i}", schema=SCHEMA)["schemaArn"] for i in range(10)]
    group = read.create_dataset_group(name="g")["datasetGroupArn"]
    pm.advance(60)
    solution = read.create_solution(
        name="s", datasetGroupArn=group, recipeArn=RECIPE_ARN, performAutoTraining=False
    )["solutionArn"]
    version = read.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.advance(7200)
    counter = iter(range(10**9))

    def create_version() -> Any:
        if next(counter) % 20 == 0:
            pm.advance(7200)  # as the benchmark does between chunks: nothing left in flight
        return read.create_solution_version(solutionArn=solution)

    operations: dict[str, tuple[Callable[[Any], Any], Callable[[], Any]]] = {
        "CreateSchema": (
            lambda c: c.create_schema(name=f"n{next(counter)}", schema=SCHEMA),
            lambda: create.create_schema(name=f"n{next(counter)}", schema=SCHEMA),
        ),
        "DescribeSchema": (
            lambda c: c.describe_schema(schemaArn=arns[0]),
            lambda: read.describe_schema(schemaArn=arns[0]),
        ),
        "ListSchemas": (lambda c: c.list_schemas(), read.list_schemas),
        "DescribeSolutionVersion": (
            lambda c: c.describe_solution_version(solutionVersionArn=version),
            lambda: read.describe_solution_version(solutionVersionArn=version),
        ),
        "CreateSolutionVersion": (lambda c: c.create_solution_version(solutionArn=solution), create_version),
    }
    canned = {
        "CreateSchema": create.create_schema(name="canned", schema=SCHEMA),
        "DescribeSchema": read.describe_schema(schemaArn=arns[0]),
        "ListSchemas": read.list_schemas(),
        "DescribeSolutionVersion": read.describe_solution_version(solutionVersionArn=version),
        "CreateSolutionVersion": read.create_solution_version(solutionArn=solution),
    }
    floor = clean_session(**FAKE_KEYS).client("personalize", region_name="us-west-2")
    floor.meta.events.register("before-call.personalize", floor_handler(canned))

    print(json.dumps({"calls": args.calls, "rounds": args.rounds}))
    print(
        "| operation | floor | mock | mock - floor | before-call handler | of which: validate "
        "| dispatch (own) | service handler | response | rest of the handler |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for operation, (floor_call, mock_call) in operations.items():
        contenders = {"floor": lambda call=floor_call: call(floor), "mock": mock_call}
        current["operation"] = operation
        for call in contenders.values():  # warm-up
            for _ in range(args.calls // 4):
                call()
        spent[operation] = dict.fromkeys(STAGES, 0)
        totals = dict.fromkeys(contenders, 0)
        for _ in range(args.rounds):
            for label, call in contenders.items():
                gc.disable()
                start = perf_counter_ns()
                for _ in range(args.calls):
                    call()
                totals[label] += perf_counter_ns() - start
                gc.enable()
        calls = args.calls * args.rounds
        stage = {name: value / calls / 1000 for name, value in spent[operation].items()}
        floor_us, mock_us = totals["floor"] / calls / 1000, totals["mock"] / calls / 1000
        cells = [f"{floor_us:.1f}", f"{mock_us:.1f}", f"{mock_us - floor_us:+.1f}"]
        cells += [f"{stage['validate']:.2f}", f"{stage['dispatch'] - stage['handler']:.2f}"]
        cells += [f"{stage['handler']:.2f}", f"{stage['response']:.2f}"]
        rest = stage["answer"] - stage["validate"] - stage["dispatch"] - stage["response"]
        cells.insert(3, f"{stage['answer']:.2f}")
        cells.append(f"{rest:.2f}")
        print(f"| {operation} | " + " | ".join(cells) + " |")
    pm.stop()


if __name__ == "__main__":
    main()
