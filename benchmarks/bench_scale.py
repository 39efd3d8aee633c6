"""Scale: DescribeSolutionVersion, a ListSolutionVersions page and CreateSolutionVersion with
10 / 10,000 / 100,000 stored versions, and memory per stored version.

Every size lives in its own region of one active mock (regions are independent backends), so
the batches of all sizes can be interleaved and compared round by round. The versions are
created through the boto3 API with ``durations={"solution_version": 0}`` and the in-flight quota
raised. Creation stamps are strictly increasing milliseconds, so creating faster than one version
per millisecond pushes them ahead of the clock; the build advances the simulated clock by a
second every 500 creates (untimed) so they settle as they would in a test.

Memory is tracemalloc's traced-memory growth while the largest size is built (after a full
collection before and after), divided by the number of versions: everything the mock keeps
per version (objects, ARN and name strings, indexes).
"""

from __future__ import annotations

import gc
import itertools
import tracemalloc
from dataclasses import dataclass, field
from typing import Any

import boto3
from bench_core import Contender, Series, Settings, interleave, loop, perf_counter_ns

from personalize_mock import mock_personalize

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1")
RECIPE_ARN = "arn:aws:personalize:::recipe/aws-user-personalization"
PAGE = 100
DESCRIBED = 10  # distinct ARNs described in rotation, spread over the stored versions
CREATE_CHUNK = 20


@dataclass
class Scale:
    sizes: tuple[int, ...]
    describe: dict[str, Series] = field(default_factory=dict)
    first_page: dict[str, Series] = field(default_factory=dict)
    middle_page: dict[str, Series] = field(default_factory=dict)
    create: dict[str, Series] = field(default_factory=dict)
    bytes_per_version: float = 0.0
    memory_size: int = 0
    build_seconds: dict[int, float] = field(default_factory=dict)


def label(size: int) -> str:
    return f"{size:,}"


def _build(pm: Any, client: Any, size: int) -> tuple[str, list[str]]:
    group = client.create_dataset_group(name="scale")["datasetGroupArn"]
    pm.advance(60)
    solution = client.create_solution(
        name="scale", datasetGroupArn=group, recipeArn=RECIPE_ARN, performAutoTraining=False
    )["solutionArn"]
    arns = []
    for index in range(size):
        arns.append(client.create_solution_version(solutionArn=solution)["solutionVersionArn"])
        if index % 500 == 499:
            pm.advance(1)
    pm.advance(60)
    return solution, arns


def _describer(client: Any, arns: list[str]) -> Contender:
    step = max(1, len(arns) // DESCRIBED)
    chosen = itertools.cycle(arns[::step][:DESCRIBED])

    def run(n: int) -> int:
        targets = [next(chosen) for _ in range(n)]
        start = perf_counter_ns()
        for arn in targets:
            client.describe_solution_version(solutionVersionArn=arn)
        return perf_counter_ns() - start

    return run


def _middle_token(client: Any, solution: str, size: int) -> str | None:
    token = None
    for _ in range(size // 2 // PAGE):
        kwargs = {"nextToken": token} if token else {}
        token = client.list_solution_versions(solutionArn=solution, maxResults=PAGE, **kwargs).get(
            "nextToken"
        )
    return token


def _creator(pm: Any, client: Any, solution: str) -> Contender:
    def run(n: int) -> int:
        total = 0
        done = 0
        while done < n:
            size = min(CREATE_CHUNK, n - done)
            pm.advance(1)  # everything created so far has settled (duration 0)
            start = perf_counter_ns()
            for _ in range(size):
                client.create_solution_version(solutionArn=solution)
            total += perf_counter_ns() - start
            done += size
        return total

    return run


def run(settings: Settings) -> Scale:
    sizes = settings.scale_sizes
    result = Scale(sizes)
    largest = max(sizes)
    with mock_personalize(
        quotas={"solution_versions_in_flight": 10**9}, durations={"solution_version": 0}, require_data=False
    ) as pm:
        clients: dict[int, Any] = {}
        built: dict[int, tuple[str, list[str]]] = {}
        for size, region in zip(sorted(sizes), REGIONS, strict=False):
            client = clients[size] = boto3.client("personalize", region_name=region)
            client.list_solution_versions()  # first call of the client outside the measurement
            traced = size == largest
            gc.collect()
            if traced:
                tracemalloc.start()
                before = tracemalloc.get_traced_memory()[0]
            start = perf_counter_ns()
            built[size] = _build(pm, client, size)
            result.build_seconds[size] = (perf_counter_ns() - start) / 1e9
            if traced:
                gc.collect()
                after = tracemalloc.get_traced_memory()[0]
                tracemalloc.stop()
                result.bytes_per_version = (after - before) / size
                result.memory_size = size

        result.describe = interleave(
            {label(size): _describer(clients[size], built[size][1]) for size in sizes},
            settings.calls,
            settings.rounds,
        )
        result.first_page = interleave(
            {
                label(size): loop(
                    lambda c=clients[size], s=built[size][0]: c.list_solution_versions(
                        solutionArn=s, maxResults=PAGE
                    )
                )
                for size in sizes
            },
            max(10, settings.calls // 5),
            settings.rounds,
        )
        middles = {}
        for size in sizes:
            token = _middle_token(clients[size], built[size][0], size)
            if token:
                middles[label(size)] = loop(
                    lambda c=clients[size], s=built[size][0], t=token: c.list_solution_versions(
                        solutionArn=s, maxResults=PAGE, nextToken=t
                    )
                )
        if middles:
            result.middle_page = interleave(middles, max(10, settings.calls // 5), settings.rounds)
        # Last: creating adds versions, which would change the sizes measured above.
        result.create = interleave(
            {label(size): _creator(pm, clients[size], built[size][0]) for size in sizes},
            max(CREATE_CHUNK, settings.calls // 5),
            settings.rounds,
        )
    return result
