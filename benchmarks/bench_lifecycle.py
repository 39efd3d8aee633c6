"""A whole training lifecycle in simulated time, timed in wall time.

The body is written as real pipeline code is: create, then poll with an unchanged
``time.sleep(60)`` loop (looked up on the ``time`` module at call time, so the mock's simulated
sleep moves the clock). Default durations: the FULL version trains one simulated hour, the
UPDATE version ten minutes. Each run is a test: activation, ``boto3.client`` from the default
session, every call, deactivation.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass

import boto3
from bench_core import Settings, perf_counter_ns

from personalize_mock import mock_personalize

RECIPE_ARN = "arn:aws:personalize:::recipe/aws-user-personalization"
DONE = ("ACTIVE", "CREATE FAILED")


@dataclass
class Lifecycle:
    wall_ms: list[float]
    client_ms: list[float]
    calls: int
    simulated_hours: float
    statuses: tuple[str, str]
    skipped: str | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def median_client_ms(self) -> float:
        return statistics.median(self.client_ms)


def one_lifecycle() -> tuple[int, int, int, float, tuple[str, str]]:
    """Returns (total ns, client-creation ns, API calls, simulated seconds, final statuses)."""
    calls = 0
    start = perf_counter_ns()
    # Training control flow only: no imports, so the data rules are off (docs/usage.md).
    with mock_personalize(require_data=False) as pm:
        simulated_start = pm.now()
        before_client = perf_counter_ns()
        personalize = boto3.client("personalize", region_name="us-east-1")
        client_ns = perf_counter_ns() - before_client

        group_arn = personalize.create_dataset_group(name="lifecycle")["datasetGroupArn"]
        calls += 1
        while True:
            calls += 1
            status = personalize.describe_dataset_group(datasetGroupArn=group_arn)["datasetGroup"]["status"]
            if status in DONE:
                break
            time.sleep(60)
        solution_arn = personalize.create_solution(
            name="lifecycle", datasetGroupArn=group_arn, recipeArn=RECIPE_ARN
        )["solutionArn"]
        calls += 1
        while True:
            calls += 1
            if personalize.describe_solution(solutionArn=solution_arn)["solution"]["status"] in DONE:
                break
            time.sleep(60)

        final = []
        metrics_arn = ""
        for mode in ("FULL", "UPDATE"):
            version_arn = personalize.create_solution_version(solutionArn=solution_arn, trainingMode=mode)[
                "solutionVersionArn"
            ]
            calls += 1
            while True:
                calls += 1
                version = personalize.describe_solution_version(solutionVersionArn=version_arn)
                status = version["solutionVersion"]["status"]
                if status in DONE:
                    break
                time.sleep(60)
            final.append(status)
            metrics_arn = version_arn
        personalize.get_solution_metrics(solutionVersionArn=metrics_arn)
        calls += 1
        simulated = (pm.now() - simulated_start).total_seconds()
    return perf_counter_ns() - start, client_ns, calls, simulated, (final[0], final[1])


def sleep_is_simulated() -> bool:
    """Guard: without a simulated sleep the loop above would really wait for hours."""
    with mock_personalize():
        start = time.perf_counter()
        time.sleep(0.2)
        return time.perf_counter() - start < 0.1


def run(settings: Settings) -> Lifecycle:
    if not sleep_is_simulated():
        return Lifecycle([], [], 0, 0.0, ("", ""), skipped="n/a (time.sleep is not simulated)")
    one_lifecycle()  # warm-up: first use of the solution and version operations
    walls: list[float] = []
    clients: list[float] = []
    calls = 0
    simulated = 0.0
    statuses = ("", "")
    for _ in range(settings.lifecycles):
        gc.collect()
        gc.disable()
        try:
            total, client, calls, simulated, statuses = one_lifecycle()
        finally:
            gc.enable()
        walls.append(total / 1e6)
        clients.append(client / 1e6)
    return Lifecycle(walls, clients, calls, simulated / 3600.0, statuses)
