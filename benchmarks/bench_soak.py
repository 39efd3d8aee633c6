"""Churn soak: create → settle → delete cycles inside one mock, memory and latency over time.

Each cycle makes 11 Personalize calls (a dataset group, a schema, a solution and a version
created, described and listed, then all deleted) and three ``settle()`` calls (after the
group's create, after the other creates, after the deletes). At two points
(``small`` and ``large`` operations) the soak reads:

* memory: tracemalloc's traced bytes (in-process; load-independent) and the RSS of the process
  that holds the state (the server's child process in server mode);
* latency: the median of DescribeDatasetGroup on one group kept alive all along, and the
  median ``settle()`` of the cycles just before the point.

Memory must not grow with the operations done, only with what exists (every cycle deletes
what it created); latency must not grow either. Ratios are taken within one run.
"""

from __future__ import annotations

import gc
import http.client
import json
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from bench_core import Settings, perf_counter_ns
from botocore.config import Config

from personalize_mock import mock_personalize

RECIPE_ARN = "arn:aws:personalize:::recipe/aws-user-personalization"
OPS_PER_CYCLE = 11
SCHEMA = (
    '{"type": "record", "name": "Interactions", "namespace": "com.amazonaws.personalize.schema", '
    '"fields": [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"}, '
    '{"name": "TIMESTAMP", "type": "long"}], "version": "1.0"}'
)
#: Describes timed at each point, and cycles whose settle() times are kept for it.
DESCRIBES = 2_000
SETTLE_WINDOW = 500
#: Targets: memory grows < 5 % and latency stays within 1.1x between the two points.
MEMORY_LIMIT = 1.05
LATENCY_LIMIT = 1.10


@dataclass
class Point:
    ops: int
    traced_bytes: int | None
    rss_bytes: int
    describe_us: float
    settle_us: float


@dataclass
class Soak:
    mode: str
    points: list[Point] = field(default_factory=list)
    live_at_end: int = 0

    def ratio(self, name: str) -> float:
        first, last = self.points[0], self.points[-1]
        before, after = getattr(first, name), getattr(last, name)
        return float(after) / float(before) if before else float("nan")


def sizes(settings: Settings) -> tuple[int, int]:
    """Operations at the two points: 20k and 200k in a full run."""
    if settings.scale_sizes[-1] < 1_000:  # smoke
        return 220, 440
    if settings.quick:
        return 2_200, 22_000
    return 20_000, 200_000


def rss_bytes(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0  # pragma: no cover - every Linux process has VmRSS


def cycle(client: Any, settle: Any, n: int, settles: list[float]) -> None:
    """One cycle: 11 calls and three timed settles."""
    name = f"churn-{n}"
    group = client.create_dataset_group(name=name)["datasetGroupArn"]
    timed_settle(settle, settles)
    client.describe_dataset_group(datasetGroupArn=group)
    schema = client.create_schema(name=name, schema=SCHEMA)["schemaArn"]
    solution = client.create_solution(name=name, datasetGroupArn=group, recipeArn=RECIPE_ARN)["solutionArn"]
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.describe_solution_version(solutionVersionArn=version)
    client.list_dataset_groups(maxResults=10)
    timed_settle(settle, settles)
    client.delete_solution(solutionArn=solution)
    client.delete_schema(schemaArn=schema)
    client.delete_dataset_group(datasetGroupArn=group)
    client.describe_solution(solutionArn=solution)
    timed_settle(settle, settles)


def timed_settle(settle: Any, settles: list[float]) -> None:
    start = perf_counter_ns()
    settle()
    settles.append((perf_counter_ns() - start) / 1_000)


def describe_median(client: Any, arn: str) -> float:
    times = []
    for _ in range(DESCRIBES):
        start = perf_counter_ns()
        client.describe_dataset_group(datasetGroupArn=arn)
        times.append((perf_counter_ns() - start) / 1_000)
    return statistics.median(times)


def soak(mode: str, client: Any, settle: Any, points: tuple[int, ...], pid: int | str, traced: bool) -> Soak:
    result = Soak(mode)
    anchor = client.create_dataset_group(name="anchor")["datasetGroupArn"]
    settle()
    settles: list[float] = []
    n = 0
    for target in points:
        while n * OPS_PER_CYCLE < target:
            cycle(client, settle, n, settles)
            n += 1
        gc.collect()
        result.points.append(
            Point(
                ops=n * OPS_PER_CYCLE,
                traced_bytes=tracemalloc.get_traced_memory()[0] if traced else None,
                rss_bytes=rss_bytes(pid),
                describe_us=describe_median(client, anchor),
                settle_us=statistics.median(settles[-SETTLE_WINDOW:]),
            )
        )
    result.live_at_end = len(client.list_dataset_groups()["datasetGroups"])
    return result


def in_process(points: tuple[int, int]) -> Soak:
    tracemalloc.start()
    try:
        with mock_personalize(require_data=False) as pm:
            client = boto3.client("personalize", region_name="us-east-1")
            return soak("in-process", client, pm.settle, points, "self", traced=True)
    finally:
        tracemalloc.stop()


def through_server(points: tuple[int, int]) -> Soak:
    import bench_server

    server = bench_server.start_mock("personalize_mock", "--no-require-data")
    try:
        config = Config(retries={"max_attempts": 0})
        client = boto3.client(
            "personalize",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=config,
        )
        connection = http.client.HTTPConnection(bench_server.HOST, server.port)

        def settle() -> None:
            connection.request("POST", "/_personalize_mock/settle", body=b"{}")
            response = connection.getresponse()
            json.loads(response.read() or b"{}")

        return soak("server", client, settle, points, server.process.pid, traced=False)
    finally:
        server.stop()


def run(settings: Settings) -> list[Soak]:
    small, large = sizes(settings)
    began = time.perf_counter()
    found = [in_process((small, large))]
    # The server answers over HTTP, about ten times slower: a full run gives it the same
    # points unless the in-process soak alone took more than a few minutes.
    server_points = (small, large) if time.perf_counter() - began < 300 else (small // 2, large // 2)
    found.append(through_server(server_points))
    return found
