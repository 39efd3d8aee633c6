"""Threads share the one mock of the process: nothing lost, nothing half-built, only modeled errors.

Eight workers each make fifty calls against one active mock (quotas raised): they create
dataset groups, solutions and solution versions (some names are contended on purpose, so
exactly one thread wins and the others get ResourceAlreadyExistsException), describe what
they and the others created, and list. Meanwhile the activating thread moves the simulated
clock. Every response is shape-checked (``validate_responses=True``) and must carry every
member a caller reads; every listed resource must be describable at once; at the end the
listings hold exactly what was created.

Also: ``time.sleep`` is simulated only in the thread that activated the mock (docs/usage.md,
"Threads").
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError
from helpers import assert_reset

from personalize_mock import mock_personalize

THREADS = 8
OPERATIONS_PER_THREAD = 50
RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
MODELED = {
    "InvalidInputException",
    "LimitExceededException",
    "ResourceAlreadyExistsException",
    "ResourceInUseException",
    "ResourceNotFoundException",
}
QUOTAS = {
    "dataset_groups": 1000,
    "solutions_per_dataset_group": 1000,
    "solution_versions_in_flight": 1000,
}
#: Members every describe / summary must carry (what client code reads).
GROUP_KEYS = {"name", "datasetGroupArn", "status", "creationDateTime", "lastUpdatedDateTime"}
SOLUTION_KEYS = {
    "name",
    "solutionArn",
    "datasetGroupArn",
    "status",
    "creationDateTime",
    "lastUpdatedDateTime",
}
VERSION_KEYS = {"solutionVersionArn", "solutionArn", "status", "trainingMode", "creationDateTime"}
SUMMARY_KEYS = {"status", "creationDateTime", "lastUpdatedDateTime"}


class Worker:
    def __init__(self, index: int, client: Any) -> None:
        self.index = index
        self.client = client
        self.created: dict[str, set[str]] = {"group": set(), "solution": set(), "version": set()}
        self.seen_errors: list[str] = []
        self.failures: list[BaseException] = []
        self.calls = 0

    def call(self, method: str, **params: Any) -> dict[str, Any] | None:
        self.calls += 1
        try:
            response: dict[str, Any] = getattr(self.client, method)(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            assert code in MODELED, f"{method} raised unmodeled {code}"
            self.seen_errors.append(code)
            return None
        return response

    def complete(self, detail: dict[str, Any], keys: set[str]) -> None:
        missing = keys - set(detail)
        assert not missing, f"half-built resource, missing {missing}: {detail}"
        assert all(detail[key] is not None for key in keys), detail

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # reported by the test thread
            self.failures.append(error)

    def _run(self) -> None:
        step = 0
        while self.calls < OPERATIONS_PER_THREAD:
            step += 1
            # Every fourth group name is shared by all threads: one creates it, the rest collide.
            name = f"shared-{step}" if step % 4 == 0 else f"t{self.index}-g{step}"
            created = self.call("create_dataset_group", name=name)
            group_arn = f"arn:aws:personalize:us-east-1:123456789012:dataset-group/{name}"
            if created is not None:
                assert created["datasetGroupArn"] == group_arn
                self.created["group"].add(group_arn)
            detail = self.call("describe_dataset_group", datasetGroupArn=group_arn)
            assert detail is not None, f"{group_arn} was created (by some thread) but is not describable"
            self.complete(detail["datasetGroup"], GROUP_KEYS)

            solution = self.call(
                "create_solution", name=f"t{self.index}-s{step}", datasetGroupArn=group_arn, recipeArn=RECIPE
            )
            if solution is None:
                continue
            solution_arn = solution["solutionArn"]
            self.created["solution"].add(solution_arn)
            self.complete(self.client.describe_solution(solutionArn=solution_arn)["solution"], SOLUTION_KEYS)
            self.calls += 1
            version = self.call("create_solution_version", solutionArn=solution_arn)
            if version is not None:
                version_arn = version["solutionVersionArn"]
                self.created["version"].add(version_arn)
                described = self.client.describe_solution_version(solutionVersionArn=version_arn)
                self.calls += 1
                self.complete(described["solutionVersion"], VERSION_KEYS)
            self.check_listings()

    def check_listings(self) -> None:
        groups = self.call("list_dataset_groups", maxResults=100)
        assert groups is not None
        for summary in groups["datasetGroups"]:
            self.complete(summary, SUMMARY_KEYS | {"name", "datasetGroupArn"})
        solutions = self.call("list_solutions", maxResults=100)
        assert solutions is not None
        for summary in solutions["solutions"]:
            self.complete(summary, SUMMARY_KEYS | {"name", "solutionArn"})
        if solutions["solutions"]:
            # A resource another thread just created is fully there.
            other = solutions["solutions"][-1]["solutionArn"]
            detail = self.call("describe_solution", solutionArn=other)
            assert detail is not None
            self.complete(detail["solution"], SOLUTION_KEYS)


def all_pages(method: Callable[..., dict[str, Any]], key: str, arn_key: str) -> list[str]:
    arns: list[str] = []
    token = None
    while True:
        page = method(**({"nextToken": token} if token else {}))
        arns += [item[arn_key] for item in page[key]]
        token = page.get("nextToken")
        if not token:
            return arns


def test_threads_share_one_mock_and_lose_nothing() -> None:
    with mock_personalize(
        validate_responses=True, quotas=QUOTAS, durations={"dataset_group": 0}, require_data=False
    ) as pm:
        session = boto3.session.Session()
        # Clients are thread-safe, sessions are not: make them here, use them in the workers.
        workers = [Worker(i, session.client("personalize", region_name="us-east-1")) for i in range(THREADS)]
        threads = [threading.Thread(target=worker.run) for worker in workers]
        # Switch threads as often as the interpreter allows: more interleavings per run.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            for thread in threads:
                thread.start()
            while any(thread.is_alive() for thread in threads):
                pm.advance(60)  # the clock moves under the workers' feet
                threading.Event().wait(0.002)  # a real wait (time.sleep is simulated in this thread)
            for thread in threads:
                thread.join()
        finally:
            sys.setswitchinterval(interval)
        failures = [failure for worker in workers for failure in worker.failures]
        assert not failures, failures
        assert all(worker.calls >= OPERATIONS_PER_THREAD for worker in workers)

        personalize = session.client("personalize", region_name="us-east-1")
        created = {
            kind: set().union(*(worker.created[kind] for worker in workers))
            for kind in ("group", "solution", "version")
        }
        groups = all_pages(personalize.list_dataset_groups, "datasetGroups", "datasetGroupArn")
        solutions = all_pages(personalize.list_solutions, "solutions", "solutionArn")
        versions = all_pages(personalize.list_solution_versions, "solutionVersions", "solutionVersionArn")
        for listed, kind in ((groups, "group"), (solutions, "solution"), (versions, "version")):
            assert len(listed) == len(set(listed)), f"{kind}s listed twice"
            assert set(listed) == created[kind], f"{kind}s lost or invented"
        # Each contended name was created exactly once; everyone else saw it already exist.
        shared = {arn for arn in groups if "/shared-" in arn}
        assert shared
        winners = sum(len([a for a in worker.created["group"] if a in shared]) for worker in workers)
        assert winners == len(shared)
        errors = [code for worker in workers for code in worker.seen_errors]
        assert set(errors) == {"ResourceAlreadyExistsException"}
    assert_reset()


def test_time_sleep_is_simulated_only_in_the_activating_thread() -> None:
    with mock_personalize() as pm:
        start = pm.now()
        wall = time.monotonic()
        time.sleep(3600)  # simulated: returns at once, the clock moves an hour
        assert (pm.now() - start).total_seconds() >= 3600
        assert time.monotonic() - wall < 60

        measured: list[float] = []

        def sleeper() -> None:
            began = time.monotonic()
            time.sleep(0.05)  # a real sleep in any other thread
            measured.append(time.monotonic() - began)

        before = pm.now()
        worker = threading.Thread(target=sleeper)
        worker.start()
        worker.join()
        assert measured and measured[0] >= 0.05
        # The worker's sleep moved the clock only by the real time it took, not by a jump.
        assert (pm.now() - before).total_seconds() < 60
    assert_reset()
