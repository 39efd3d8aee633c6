"""A Hypothesis state machine over the dataset-group / solution / solution-version lifecycle.

Rules drive plain boto3 calls in random order, interleaved with jumps of the simulated
clock, ``settle()`` and injected training failures. After every step the listings must
agree with a small model (created minus gone), ARNs stay unique, statuses only move forward
along the documented graphs, and every call either succeeds or raises one of the modeled
botocore ``ClientError`` codes. The mock runs with ``freeze=True`` so simulated time is exact
and the model can tell to the second when a deletion is over; ``validate_responses=True``
checks every response against botocore's output shape.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.core.lifecycle import GONE

PREFIX = "arn:aws:personalize:us-east-1:123456789012:"
RECIPES = ["aws-user-personalization", "aws-hrnn-coldstart", "aws-sims"]
UPDATE_RECIPES = {"aws-user-personalization", "aws-hrnn-coldstart"}
GROUP_NAMES = ["g0", "g1", "g2", "g3"]
SOLUTION_NAMES = ["s0", "s1", "s2", "s3", "s4"]
QUOTAS = {"dataset_groups": 3, "solutions_per_dataset_group": 2, "solution_versions_in_flight": 4}
MODELED = {
    "InvalidInputException",
    "InvalidNextTokenException",
    "LimitExceededException",
    "ResourceAlreadyExistsException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "TooManyTagKeysException",
    "TooManyTagsException",
}

# Solution-version status graph (behaviour reference §3.2-3.3); a read may skip any number
# of steps after a clock jump, so "forward" means reachable along these edges.
VERSION_EDGES = {
    "CREATE PENDING": {"CREATE IN_PROGRESS", "CREATE STOPPED"},
    "CREATE IN_PROGRESS": {"ACTIVE", "CREATE FAILED", "CREATE STOPPING"},
    "CREATE STOPPING": {"CREATE STOPPED"},
    "ACTIVE": set(),
    "CREATE FAILED": set(),
    "CREATE STOPPED": set(),
}
IN_FLIGHT = {"CREATE PENDING", "CREATE IN_PROGRESS", "CREATE STOPPING"}
TERMINAL = {"ACTIVE", "CREATE FAILED", "CREATE STOPPED"}


def reachable(start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in VERSION_EDGES[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@dataclass
class Group:
    arn: str
    created: datetime
    deleted: datetime | None = None


@dataclass
class Solution:
    arn: str
    group: str
    recipe: str
    deleted: datetime | None = None


@dataclass
class Version:
    arn: str
    #: The solution object, not its ARN: a solution re-created under a deleted one's name has
    #: the same ARN but none of the old versions.
    solution: Solution
    automatic: bool
    statuses: list[str] = field(default_factory=list)


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.mock: PersonalizeMock = mock_personalize(validate_responses=True, freeze=True, quotas=QUOTAS)
        self.mock.start()
        self.client: Any = boto3.client("personalize", region_name="us-east-1")
        self.groups: dict[str, Group] = {}
        self.solutions: dict[str, Solution] = {}
        self.versions: dict[str, Version] = {}
        #: Every ARN ever handed out by a create, in creation order, with its creation time.
        self.created_order: list[tuple[str, datetime]] = []
        self.all_arns: set[str] = set()

    def teardown(self) -> None:
        self.mock.stop()

    # -- the model's view of time ---------------------------------------------------------

    def now(self) -> datetime:
        return self.mock.now()

    def group_gone(self, group: Group) -> bool:
        delay = timedelta(seconds=DEFAULT_DURATIONS["dataset_group_delete"])
        return group.deleted is not None and self.now() >= group.deleted + delay

    def solution_gone(self, solution: Solution) -> bool:
        delay = timedelta(seconds=DEFAULT_DURATIONS["solution_delete"])
        return solution.deleted is not None and self.now() >= solution.deleted + delay

    def live_groups(self) -> dict[str, Group]:
        return {arn: g for arn, g in self.groups.items() if not self.group_gone(g)}

    def live_solutions(self) -> dict[str, Solution]:
        return {arn: s for arn, s in self.solutions.items() if not self.solution_gone(s)}

    def live_versions(self) -> dict[str, Version]:
        live = self.live_solutions()
        return {arn: v for arn, v in self.versions.items() if live.get(v.solution.arn) is v.solution}

    # -- calling the service ---------------------------------------------------------------

    def call(self, operation: str, expect: set[str] | None = None, **params: Any) -> dict[str, Any] | None:
        """The response, or ``None`` after a modeled error (one of ``expect`` if given)."""
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            assert code in MODELED, f"{operation} raised unmodeled {code}"
            assert error.response["Error"]["Message"], f"{operation} {code} without a message"
            if expect is not None:
                assert code in expect, f"{operation}({params}) raised {code}, expected one of {expect}"
            return None
        assert expect is None or not expect, f"{operation}({params}) succeeded, expected one of {expect}"
        return response

    def record_creation(self, arn: str, created: datetime) -> None:
        self.all_arns.add(arn)
        self.created_order.append((arn, created))

    # -- rules ----------------------------------------------------------------------------

    def pick(self, data: st.DataObject, preferred: list[str], pool: list[str]) -> str:
        """Mostly a name of ``preferred`` (resources that exist), sometimes any of ``pool``."""
        if preferred and data.draw(st.integers(0, 4)) > 0:
            return data.draw(st.sampled_from(sorted(preferred)))
        return data.draw(st.sampled_from(pool))

    def names(self, arns: Any) -> list[str]:
        return [arn.rsplit("/", 1)[-1] for arn in arns]

    @initialize(recipe=st.sampled_from(RECIPES), auto=st.booleans())
    def an_active_dataset_group_and_solution(self, recipe: str, auto: bool) -> None:
        self.create_dataset_group("g0")
        self.mock.advance(10)
        arn = self.client.create_solution(
            name="s0",
            datasetGroupArn=PREFIX + "dataset-group/g0",
            recipeArn="arn:aws:personalize:::recipe/" + recipe,
            performAutoTraining=auto,
        )["solutionArn"]
        self.solutions[arn] = Solution(arn, PREFIX + "dataset-group/g0", recipe)
        self.record_creation(
            arn, self.client.describe_solution(solutionArn=arn)["solution"]["creationDateTime"]
        )

    @rule(name=st.sampled_from(GROUP_NAMES))
    def create_dataset_group(self, name: str) -> None:
        arn = PREFIX + "dataset-group/" + name
        expect = {"ResourceAlreadyExistsException"} if arn in self.live_groups() else None
        begun = self.now()
        response = self.call("create_dataset_group", expect, name=name)
        if response is not None:
            assert response["datasetGroupArn"] == arn
            described = self.client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
            assert described["status"] == "CREATE PENDING"
            # Phases are timed from the creation stamp (rounded to the millisecond), or from
            # the clock when the stamp runs ahead of it: under freezegun, strictly increasing
            # stamps run a millisecond ahead per creation.
            self.groups[arn] = Group(arn, min(described["creationDateTime"], begun))
            self.record_creation(arn, described["creationDateTime"])

    @rule(data=st.data(), recipe=st.sampled_from(RECIPES), auto=st.booleans())
    def create_solution(self, data: st.DataObject, recipe: str, auto: bool) -> None:
        group_name = self.pick(data, self.names(self.live_groups()), GROUP_NAMES)
        taken = set(self.names(self.live_solutions()))
        name = self.pick(data, [n for n in SOLUTION_NAMES if n not in taken], SOLUTION_NAMES)
        group_arn = PREFIX + "dataset-group/" + group_name
        arn = PREFIX + "solution/" + name
        expect: set[str] | None = None
        if arn in self.live_solutions():
            expect = {"ResourceAlreadyExistsException"}
        elif group_arn not in self.live_groups():
            expect = {"ResourceNotFoundException"}
        response = self.call(
            "create_solution",
            expect,
            name=name,
            datasetGroupArn=group_arn,
            recipeArn="arn:aws:personalize:::recipe/" + recipe,
            performAutoTraining=auto,
        )
        if response is not None:
            assert response["solutionArn"] == arn
            solution = self.client.describe_solution(solutionArn=arn)["solution"]
            assert solution["status"] == "ACTIVE"
            assert solution["datasetGroupArn"] == group_arn
            assert "latestSolutionVersion" not in solution
            self.solutions[arn] = Solution(arn, group_arn, recipe)
            self.record_creation(arn, solution["creationDateTime"])

    @rule(data=st.data(), mode=st.sampled_from(["FULL", "FULL", "UPDATE"]))
    def create_solution_version(self, data: st.DataObject, mode: str) -> None:
        name = self.pick(data, self.names(self.live_solutions()), SOLUTION_NAMES)
        arn = PREFIX + "solution/" + name
        solution = self.live_solutions().get(arn)
        expect: set[str] | None = None
        if solution is None:
            expect = {"ResourceNotFoundException"}
        elif solution.deleted is not None:
            expect = {"ResourceInUseException"}
        elif mode == "UPDATE" and solution.recipe not in UPDATE_RECIPES:
            expect = {"InvalidInputException"}
        response = self.call("create_solution_version", expect, solutionArn=arn, trainingMode=mode)
        if response is not None:
            assert solution is not None
            version_arn = response["solutionVersionArn"]
            assert version_arn.startswith(arn + "/")
            assert version_arn not in self.all_arns, f"version ARN handed out twice: {version_arn}"
            described = self.client.describe_solution_version(solutionVersionArn=version_arn)[
                "solutionVersion"
            ]
            assert described["status"] == "CREATE PENDING"
            assert described["trainingMode"] == mode
            assert described["trainingType"] == "MANUAL"
            self.versions[version_arn] = Version(
                version_arn, solution, automatic=False, statuses=["CREATE PENDING"]
            )
            self.record_creation(version_arn, described["creationDateTime"])

    @precondition(lambda self: bool(self.versions))
    @rule(data=st.data())
    def stop_solution_version(self, data: st.DataObject) -> None:
        # Drawn by creation order, not by ARN: version ids are random, and the draws must not
        # depend on them.
        version = self.versions[data.draw(st.sampled_from(list(self.versions)))]
        expect: set[str] | None = None
        if version.arn not in self.live_versions():
            expect = {"ResourceNotFoundException"}
        elif version.statuses and version.statuses[-1] in TERMINAL:
            expect = {"ResourceInUseException"}
        response = self.call("stop_solution_version_creation", expect, solutionVersionArn=version.arn)
        if response is not None:
            status = self.client.describe_solution_version(solutionVersionArn=version.arn)["solutionVersion"][
                "status"
            ]
            assert status in {"CREATE STOPPING", "CREATE STOPPED"}
            self.observe(version, status)

    @rule(data=st.data())
    def delete_solution(self, data: st.DataObject) -> None:
        name = self.pick(data, self.names(self.live_solutions()), SOLUTION_NAMES)
        arn = PREFIX + "solution/" + name
        solution = self.live_solutions().get(arn)
        expect: set[str] | None = None
        if solution is None:
            expect = {"ResourceNotFoundException"}
        elif solution.deleted is not None:
            expect = {"ResourceInUseException"}
        before = self.now()
        if self.call("delete_solution", expect, solutionArn=arn) is not None:
            assert solution is not None
            solution.deleted = before
            status = self.client.describe_solution(solutionArn=arn)["solution"]["status"]
            assert status == "DELETE PENDING"

    @rule(data=st.data())
    def delete_dataset_group(self, data: st.DataObject) -> None:
        name = self.pick(data, self.names(self.live_groups()), GROUP_NAMES)
        arn = PREFIX + "dataset-group/" + name
        group = self.live_groups().get(arn)
        expect: set[str] | None = None
        if group is None:
            expect = {"ResourceNotFoundException"}
        elif group.deleted is not None or any(
            s.group == arn and s.deleted is None for s in self.live_solutions().values()
        ):
            # Already being deleted, or a child solution that is not being deleted.
            expect = {"ResourceInUseException"}
        before = self.now()
        if self.call("delete_dataset_group", expect, datasetGroupArn=arn) is not None:
            assert group is not None
            group.deleted = before

    @rule(data=st.data(), auto=st.booleans())
    def update_solution(self, data: st.DataObject, auto: bool) -> None:
        name = self.pick(data, self.names(self.live_solutions()), SOLUTION_NAMES)
        arn = PREFIX + "solution/" + name
        solution = self.live_solutions().get(arn)
        expect: set[str] | None = None
        if solution is None:
            expect = {"ResourceNotFoundException"}
        elif solution.deleted is not None:
            expect = {"ResourceInUseException"}
        if self.call("update_solution", expect, solutionArn=arn, performAutoTraining=auto) is not None:
            update = self.client.describe_solution(solutionArn=arn)["solution"]["latestSolutionUpdate"]
            assert update["status"] == "CREATE PENDING"
            assert update["performAutoTraining"] is auto

    @rule()
    def fail_next_training(self) -> None:
        self.mock.fail_next("solution_version")

    @rule(seconds=st.sampled_from([1, 5, 9, 30, 600, 3600, 2 * 3600, 86400, 7 * 86400]))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)

    @rule()
    def settle(self) -> None:
        started = set(self.live_versions())
        self.mock.settle()
        for summary in self.client.list_solution_versions()["solutionVersions"]:
            if summary["solutionVersionArn"] in started:
                assert summary["status"] not in IN_FLIGHT, summary
        for group in self.live_groups().values():
            status = self.client.describe_dataset_group(datasetGroupArn=group.arn)["datasetGroup"]["status"]
            assert status in {"ACTIVE", "CREATE FAILED"}, status

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def the_store_holds_only_what_exists(self) -> None:
        # A sweep at "now" (what the next create or settle() does) leaves no gone resource
        # stored, and the in-flight heap knows the same settle time as a scan of everything.
        state = self.mock.state
        now = state.clock.time()
        for backend in state.backends.values():
            backend.in_flight.sweep(now)
            latest = now
            for collection in backend.collections.values():
                assert len(collection.by_arn) == len(collection.order)
                for resource in collection.order:
                    assert resource.status(now) != GONE, resource.arn
                    latest = max(latest, resource.settles_at())
            assert backend.in_flight.latest(now) == latest

    def observe(self, version: Version, status: str) -> None:
        assert status is not None
        assert status in VERSION_EDGES, f"unknown version status {status!r}"
        if version.statuses:
            previous = version.statuses[-1]
            assert status in reachable(previous), f"{version.arn}: {previous} -> {status}"
        if not version.statuses or version.statuses[-1] != status:
            version.statuses.append(status)

    @invariant()
    def dataset_groups_match_the_model(self) -> None:
        listed = self.client.list_dataset_groups()["datasetGroups"]
        arns = [g["datasetGroupArn"] for g in listed]
        assert len(arns) == len(set(arns))
        assert set(arns) == set(self.live_groups())
        for summary in listed:
            group = self.groups[summary["datasetGroupArn"]]
            age = self.now() - group.created
            if group.deleted is not None:
                expected = "DELETE PENDING"
            elif age < timedelta(seconds=1):
                expected = "CREATE PENDING"
            elif age < timedelta(seconds=10):
                expected = "CREATE IN_PROGRESS"
            else:
                expected = "ACTIVE"
            assert summary["status"] == expected, (summary, age)

    @invariant()
    def solutions_match_the_model(self) -> None:
        listed = self.client.list_solutions()["solutions"]
        arns = [s["solutionArn"] for s in listed]
        assert len(arns) == len(set(arns))
        live = self.live_solutions()
        assert set(arns) == set(live)
        for summary in listed:
            solution = live[summary["solutionArn"]]
            if solution.deleted is None:
                expected = "ACTIVE"
            elif self.now() - solution.deleted < timedelta(seconds=1):
                expected = "DELETE PENDING"
            else:
                expected = "DELETE IN_PROGRESS"
            assert summary["status"] == expected
        for group_arn in self.live_groups():
            in_group = {
                s["solutionArn"] for s in self.client.list_solutions(datasetGroupArn=group_arn)["solutions"]
            }
            assert in_group == {arn for arn, s in live.items() if s.group == group_arn}

    @invariant()
    def versions_match_the_model(self) -> None:
        listed = self.client.list_solution_versions()["solutionVersions"]
        arns = [v["solutionVersionArn"] for v in listed]
        assert len(arns) == len(set(arns))
        live_solutions = self.live_solutions()
        for summary in listed:
            arn = summary["solutionVersionArn"]
            if arn not in self.versions:
                # Created by automatic training: only for live solutions, never handed out before.
                assert summary["trainingType"] == "AUTOMATIC", summary
                assert summary["trainingMode"] == "AUTOTRAIN", summary
                solution_arn = arn.rsplit("/", 1)[0]
                assert solution_arn in live_solutions, arn
                assert arn not in self.all_arns
                self.all_arns.add(arn)
                self.versions[arn] = Version(arn, live_solutions[solution_arn], automatic=True)
            self.observe(self.versions[arn], summary["status"])
        assert set(arns) == set(self.live_versions())
        for solution_arn in live_solutions:
            own = self.client.list_solution_versions(solutionArn=solution_arn)["solutionVersions"]
            assert {v["solutionVersionArn"] for v in own} == {
                arn for arn, v in self.live_versions().items() if v.solution.arn == solution_arn
            }
            described = self.client.describe_solution(solutionArn=solution_arn)["solution"]
            latest = described.get("latestSolutionVersion")
            if own:
                assert latest is not None
                assert latest["solutionVersionArn"] == own[-1]["solutionVersionArn"]
                assert latest["status"] == own[-1]["status"]
            else:
                assert latest is None

    @invariant()
    def gone_resources_are_not_found(self) -> None:
        for arn, solution in self.solutions.items():
            if self.solution_gone(solution) and arn not in self.live_solutions():
                try:
                    self.client.describe_solution(solutionArn=arn)
                except ClientError as error:
                    assert error.response["Error"]["Code"] == "ResourceNotFoundException"
                else:
                    raise AssertionError(f"{arn} should be gone")
        live_versions = self.live_versions()
        for arn in self.versions:
            if arn not in live_versions:
                with pytest.raises(ClientError) as caught:
                    self.client.describe_solution_version(solutionVersionArn=arn)
                assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"

    @invariant()
    def creation_times_strictly_increase(self) -> None:
        stamps = [created for _, created in self.created_order]
        assert all(a < b for a, b in itertools.pairwise(stamps))


LifecycleMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLifecycle = LifecycleMachine.TestCase
