"""A Hypothesis state machine over schemas, datasets and campaigns.

Rules create, update and delete schemas, datasets (in two dataset groups) and campaigns
(deploying versions of one solution), train more versions, queue creation failures, and move
the simulated clock by jumps or ``settle()``. Every call is made through plain boto3 with the
outcome the model predicts: success, or exactly the modeled error the rules of the service
give (already exists, not found, in use, invalid schema, quota). After every step:

* listings (overall and per parent) hold exactly what was created and is not gone yet, each
  ARN once, and agree with the describe of each resource;
* statuses only move forward: each observed status is reachable from the previous one along
  the documented graph (behaviour reference §3.2), and inside an update or deletion the
  phases never go back; no status is ever missing;
* after ``settle()`` nothing is left pending or in progress.

``require_data=False``: training here is control flow only (the campaigns need ACTIVE
versions); ``freeze=True`` makes simulated time exact, so the model knows to the second when
a deletion is over; ``validate_responses=True`` checks every response against botocore.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.options import DEFAULT_DURATIONS

PREFIX = "arn:aws:personalize:us-east-1:123456789012:"
RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
GROUPS = ["g", "h"]
DATASET_TYPES = ["INTERACTIONS", "ITEMS", "USERS"]
SCHEMA_NAMES = ["sa", "sb", "sc", "sd"]
CAMPAIGN_NAMES = ["c0", "c1", "c2", "c3"]
QUOTAS = {"campaigns_per_dataset_group": 2, "solution_versions_in_flight": 3}
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

#: Fields of each schema kind the machine creates, and what each dataset type requires.
SCHEMA_FIELDS = {
    "INTERACTIONS": ("USER_ID", "ITEM_ID", "TIMESTAMP"),
    "ITEMS": ("ITEM_ID", "GENRE"),
    "USERS": ("USER_ID", "AGE"),
}
REQUIRED = {"INTERACTIONS": {"USER_ID", "ITEM_ID", "TIMESTAMP"}, "ITEMS": {"ITEM_ID"}, "USERS": {"USER_ID"}}

# Status graphs (behaviour reference §3.2). A read may skip steps after a clock jump, so a new
# status must be *reachable* from the previous one. The dataset's ACTIVE -> UPDATE PENDING ->
# ... -> ACTIVE loop is checked per update instead (see Tracked.observe).
CAMPAIGN_EDGES = {
    "CREATE PENDING": {"CREATE IN_PROGRESS"},
    "CREATE IN_PROGRESS": {"ACTIVE", "CREATE FAILED"},
    # UpdateCampaign on a CREATE FAILED campaign redeploys it (docs/choices.md).
    "CREATE FAILED": {"ACTIVE", "DELETE PENDING"},
    "ACTIVE": {"DELETE PENDING"},
    "DELETE PENDING": {"DELETE IN_PROGRESS"},
    "DELETE IN_PROGRESS": set(),
}
DATASET_EDGES = {
    "CREATE PENDING": {"CREATE IN_PROGRESS"},
    "CREATE IN_PROGRESS": {"ACTIVE", "CREATE FAILED"},
    "CREATE FAILED": {"DELETE PENDING"},
    "ACTIVE": {"UPDATE PENDING", "DELETE PENDING"},
    "UPDATE PENDING": {"UPDATE IN_PROGRESS"},
    "UPDATE IN_PROGRESS": {"ACTIVE"},
    "DELETE PENDING": {"DELETE IN_PROGRESS"},
    "DELETE IN_PROGRESS": set(),
}
#: The phases of one creation, update or deletion, in order; a status may not go back to an
#: earlier phase of the same flow (ACTIVE and CREATE FAILED both end a creation).
FLOW_RANK = {
    "create": {"CREATE PENDING": 0, "CREATE IN_PROGRESS": 1, "ACTIVE": 2, "CREATE FAILED": 2},
    "update": {"UPDATE PENDING": 0, "UPDATE IN_PROGRESS": 1, "ACTIVE": 2},
    "delete": {"DELETE PENDING": 0, "DELETE IN_PROGRESS": 1},
}
UPDATE_RANK = {"CREATE PENDING": 0, "CREATE IN_PROGRESS": 1, "ACTIVE": 2, "CREATE FAILED": 2}
IN_FLIGHT = {
    "CREATE PENDING",
    "CREATE IN_PROGRESS",
    "UPDATE PENDING",
    "UPDATE IN_PROGRESS",
    "DELETE PENDING",
    "DELETE IN_PROGRESS",
}
CREATING = {"CREATE PENDING", "CREATE IN_PROGRESS"}


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@dataclass
class Tracked:
    """A resource the model created: its flow, what was observed, when its deletion began."""

    arn: str
    edges: dict[str, set[str]]
    flow: str = "create"
    statuses: list[str] = field(default_factory=list)
    flow_rank: int = -1
    deleted: datetime | None = None
    #: Latest update's statuses, keyed by the update's creationDateTime.
    updates: dict[datetime, int] = field(default_factory=dict)

    def start_flow(self, flow: str) -> None:
        self.flow = flow
        self.flow_rank = -1

    def observe(self, status: Any) -> None:
        assert isinstance(status, str) and status, f"{self.arn}: status {status!r}"
        assert status in self.edges, f"{self.arn}: unknown status {status!r}"
        if self.statuses:
            previous = self.statuses[-1]
            assert status in reachable(self.edges, previous), f"{self.arn}: {previous} -> {status}"
        # A CREATE FAILED campaign redeployed by an update turns ACTIVE: both end a creation.
        rank = FLOW_RANK[self.flow].get(status)
        assert rank is not None, (
            f"{self.arn}: {status} is not a phase of its {self.flow} (after {self.statuses})"
        )
        assert rank >= self.flow_rank, (
            f"{self.arn}: went back to {status} in its {self.flow}: {self.statuses}"
        )
        self.flow_rank = rank
        if not self.statuses or self.statuses[-1] != status:
            self.statuses.append(status)

    def observe_update(self, update: dict[str, Any] | None) -> None:
        if update is None:
            assert not self.updates, f"{self.arn}: its latest update disappeared"
            return
        status = update["status"]
        assert status in UPDATE_RANK, f"{self.arn}: update status {status!r}"
        created = update["creationDateTime"]
        rank = UPDATE_RANK[status]
        assert rank >= self.updates.get(created, -1), f"{self.arn}: its update went back to {status}"
        self.updates[created] = rank


@dataclass
class Dataset(Tracked):
    group: str = ""
    dataset_type: str = ""


@dataclass
class Campaign(Tracked):
    name: str = ""


@dataclass
class Schema:
    arn: str
    kind: str


class DeploymentMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.mock: PersonalizeMock = mock_personalize(
            validate_responses=True, freeze=True, require_data=False, quotas=QUOTAS
        )
        self.mock.start()
        self.client: Any = boto3.client("personalize", region_name="us-east-1")
        self.schemas: dict[str, Schema] = {}
        self.datasets: dict[str, Dataset] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.versions: list[str] = []
        self.solution = ""
        self.handed_out: set[str] = set()

    def teardown(self) -> None:
        self.mock.stop()

    # -- time and liveness --------------------------------------------------------------------

    def now(self) -> datetime:
        return self.mock.now()

    def gone(self, resource: Tracked, kind: str) -> bool:
        delay = timedelta(seconds=DEFAULT_DURATIONS[f"{kind}_delete"])
        return resource.deleted is not None and self.now() >= resource.deleted + delay

    def live_datasets(self) -> dict[str, Dataset]:
        return {arn: d for arn, d in self.datasets.items() if not self.gone(d, "dataset")}

    def live_campaigns(self) -> dict[str, Campaign]:
        return {arn: c for arn, c in self.campaigns.items() if not self.gone(c, "campaign")}

    # -- calls -----------------------------------------------------------------------------------

    def call(self, operation: str, expect: set[str], **params: Any) -> dict[str, Any] | None:
        """Call ``operation``; ``expect`` empty: it must succeed, else fail with one of ``expect``."""
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            assert code in MODELED, f"{operation} raised unmodeled {code}"
            assert error.response["Error"]["Message"]
            assert code in expect, (
                f"{operation}({params}) raised {code}: {error}; expected {expect or 'success'}"
            )
            event(f"{operation}: {code}")
            return None
        event(f"{operation}: success")
        assert not expect, f"{operation}({params}) succeeded; expected one of {expect}"
        return response

    def new_arn(self, arn: str) -> None:
        """An ARN handed out by a create: unique unless its predecessor is gone."""
        self.handed_out.add(arn)

    def pick(self, data: st.DataObject, preferred: list[str], pool: list[str]) -> str:
        if preferred and data.draw(st.integers(0, 4)) > 0:
            return data.draw(st.sampled_from(sorted(preferred)))
        return data.draw(st.sampled_from(pool))

    def describe_dataset(self, arn: str) -> dict[str, Any]:
        detail: dict[str, Any] = self.client.describe_dataset(datasetArn=arn)["dataset"]
        tracked = self.datasets[arn]
        tracked.observe(detail["status"])
        tracked.observe_update(detail.get("latestDatasetUpdate"))
        return detail

    def describe_campaign(self, arn: str) -> dict[str, Any]:
        detail: dict[str, Any] = self.client.describe_campaign(campaignArn=arn)["campaign"]
        tracked = self.campaigns[arn]
        tracked.observe(detail["status"])
        tracked.observe_update(detail.get("latestCampaignUpdate"))
        return detail

    def version_status(self, arn: str) -> str:
        status: str = self.client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"][
            "status"
        ]
        return status

    # -- setup -------------------------------------------------------------------------------------

    @initialize()
    def groups_solution_and_a_version(self) -> None:
        for name in GROUPS:
            self.client.create_dataset_group(name=name)
        self.mock.settle()
        self.solution = self.client.create_solution(
            name="s", datasetGroupArn=PREFIX + "dataset-group/g", recipeArn=RECIPE, performAutoTraining=False
        )["solutionArn"]
        self.train()
        self.mock.settle()
        assert self.version_status(self.versions[0]) == "ACTIVE"
        # One schema of each kind to start with, so most dataset creations can succeed.
        for name, kind in zip(SCHEMA_NAMES, sorted(SCHEMA_FIELDS), strict=False):
            self.create_schema(name, kind)

    # -- schemas -------------------------------------------------------------------------------------

    @rule(name=st.sampled_from(SCHEMA_NAMES), kind=st.sampled_from(sorted(SCHEMA_FIELDS)))
    def create_schema(self, name: str, kind: str) -> None:
        arn = PREFIX + "schema/" + name
        expect = {"ResourceAlreadyExistsException"} if arn in self.schemas else set()
        text = (
            '{"type": "record", "name": "R", "namespace": "com.amazonaws.personalize.schema", "fields": ['
            + ", ".join(f'{{"name": "{f}", "type": "string"}}' for f in SCHEMA_FIELDS[kind])
            + '], "version": "1.0"}'
        )
        if self.call("create_schema", expect, name=name, schema=text) is not None:
            self.schemas[arn] = Schema(arn, kind)
            assert self.client.describe_schema(schemaArn=arn)["schema"]["name"] == name

    def schema_users(self, arn: str) -> list[str]:
        """Live datasets that use ``arn``, or are being updated to it."""
        users = []
        for dataset_arn in self.live_datasets():
            detail = self.describe_dataset(dataset_arn)
            update = detail.get("latestDatasetUpdate")
            if detail["schemaArn"] == arn or (
                update and update["status"] != "ACTIVE" and update["schemaArn"] == arn
            ):
                users.append(dataset_arn)
        return users

    @rule(name=st.sampled_from(SCHEMA_NAMES))
    def delete_schema(self, name: str) -> None:
        arn = PREFIX + "schema/" + name
        if arn not in self.schemas:
            expect = {"ResourceNotFoundException"}
        elif self.schema_users(arn):
            expect = {"ResourceInUseException"}
        else:
            expect = set()
        if self.call("delete_schema", expect, schemaArn=arn) is not None:
            # schema_delete lasts 0 s: gone at once.
            del self.schemas[arn]
            self.call("describe_schema", {"ResourceNotFoundException"}, schemaArn=arn)

    # -- datasets ------------------------------------------------------------------------------------

    @rule(data=st.data(), group=st.sampled_from(GROUPS), dataset_type=st.sampled_from(DATASET_TYPES))
    def create_dataset(self, data: st.DataObject, group: str, dataset_type: str) -> None:
        arn = f"{PREFIX}dataset/{group}/{dataset_type}"
        fitting = [
            name
            for name in SCHEMA_NAMES
            if PREFIX + "schema/" + name in self.schemas
            and REQUIRED[dataset_type] <= set(SCHEMA_FIELDS[self.schemas[PREFIX + "schema/" + name].kind])
        ]
        schema = self.pick(data, fitting, SCHEMA_NAMES)
        schema_arn = PREFIX + "schema/" + schema
        if arn in self.live_datasets():
            expect = {"ResourceAlreadyExistsException"}
        elif schema_arn not in self.schemas:
            expect = {"ResourceNotFoundException"}
        elif not REQUIRED[dataset_type] <= set(SCHEMA_FIELDS[self.schemas[schema_arn].kind]):
            expect = {"InvalidInputException"}
        else:
            expect = set()
        response = self.call(
            "create_dataset",
            expect,
            name=f"{group}-{dataset_type.lower()}",
            datasetGroupArn=PREFIX + "dataset-group/" + group,
            datasetType=dataset_type.capitalize(),
            schemaArn=schema_arn,
        )
        if response is not None:
            assert response["datasetArn"] == arn
            self.datasets[arn] = Dataset(arn, DATASET_EDGES, group=group, dataset_type=dataset_type)
            detail = self.describe_dataset(arn)
            assert detail["status"] == "CREATE PENDING"
            assert detail["schemaArn"] == schema_arn

    @precondition(lambda self: bool(self.datasets))
    @rule(data=st.data(), schema=st.sampled_from(SCHEMA_NAMES))
    def update_dataset(self, data: st.DataObject, schema: str) -> None:
        arn = data.draw(st.sampled_from(list(self.datasets)))
        dataset = self.datasets[arn]
        schema_arn = PREFIX + "schema/" + schema
        if arn not in self.live_datasets():
            expect = {"ResourceNotFoundException"}
        elif self.describe_dataset(arn)["status"] != "ACTIVE":
            expect = {"ResourceInUseException"}
        elif schema_arn not in self.schemas:
            expect = {"ResourceNotFoundException"}
        elif not REQUIRED[dataset.dataset_type] <= set(SCHEMA_FIELDS[self.schemas[schema_arn].kind]):
            expect = {"InvalidInputException"}
        else:
            expect = set()
        if self.call("update_dataset", expect, datasetArn=arn, schemaArn=schema_arn) is not None:
            dataset.start_flow("update")
            detail = self.describe_dataset(arn)
            assert detail["status"] == "UPDATE PENDING"
            assert detail["latestDatasetUpdate"]["schemaArn"] == schema_arn
            assert detail["latestDatasetUpdate"]["status"] == "CREATE PENDING"

    def training_in_flight(self) -> bool:
        return any(self.version_status(arn) in CREATING for arn in self.versions)

    def campaign_deployed(self) -> bool:
        """A campaign of group g's solution is being created or is ACTIVE (blocks DeleteDataset)."""
        return any(
            self.describe_campaign(arn)["status"] in CREATING | {"ACTIVE"} for arn in self.live_campaigns()
        )

    @precondition(lambda self: bool(self.datasets))
    @rule(data=st.data())
    def delete_dataset(self, data: st.DataObject) -> None:
        arn = data.draw(st.sampled_from(list(self.datasets)))
        dataset = self.datasets[arn]
        if arn not in self.live_datasets():
            expect = {"ResourceNotFoundException"}
        elif self.describe_dataset(arn)["status"] not in ("ACTIVE", "CREATE FAILED") or (
            # Training in the group reads the dataset; so do its deployed campaigns
            # ("Deleting a dataset", developer guide).
            dataset.group == "g" and (self.training_in_flight() or self.campaign_deployed())
        ):
            expect = {"ResourceInUseException"}
        else:
            expect = set()
        begun = self.now()
        if self.call("delete_dataset", expect, datasetArn=arn) is not None:
            dataset.deleted = begun
            dataset.start_flow("delete")
            assert self.describe_dataset(arn)["status"] == "DELETE PENDING"

    # -- versions and campaigns --------------------------------------------------------------------

    @rule()
    def train(self) -> None:
        in_flight = sum(self.version_status(arn) in CREATING for arn in self.versions)
        full = in_flight >= QUOTAS["solution_versions_in_flight"]
        expect = {"LimitExceededException"} if full else set()
        response = self.call("create_solution_version", expect, solutionArn=self.solution)
        if response is not None:
            arn = response["solutionVersionArn"]
            assert arn not in self.versions
            self.versions.append(arn)

    @precondition(lambda self: bool(self.versions))
    @rule(data=st.data(), name=st.sampled_from(CAMPAIGN_NAMES))
    def create_campaign(self, data: st.DataObject, name: str) -> None:
        arn = PREFIX + "campaign/" + name
        version = data.draw(st.sampled_from(self.versions))
        undeleted = [c for c in self.live_campaigns().values() if c.deleted is None]
        if arn in self.live_campaigns():
            expect = {"ResourceAlreadyExistsException"}
        elif self.version_status(version) != "ACTIVE":
            expect = {"ResourceInUseException"}
        elif len(undeleted) >= QUOTAS["campaigns_per_dataset_group"]:
            expect = {"LimitExceededException"}
        else:
            expect = set()
        response = self.call("create_campaign", expect, name=name, solutionVersionArn=version)
        if response is not None:
            assert response["campaignArn"] == arn
            self.campaigns[arn] = Campaign(arn, CAMPAIGN_EDGES, name=name)
            detail = self.describe_campaign(arn)
            assert detail["status"] == "CREATE PENDING"
            assert detail["solutionVersionArn"] == version
            assert "latestCampaignUpdate" not in detail

    @precondition(lambda self: bool(self.campaigns))
    @rule(data=st.data(), tps=st.integers(1, 5), new_version=st.booleans())
    def update_campaign(self, data: st.DataObject, tps: int, new_version: bool) -> None:
        arn = data.draw(st.sampled_from(list(self.campaigns)))
        version = data.draw(st.sampled_from(self.versions)) if new_version else None
        params: dict[str, Any] = {"campaignArn": arn, "minProvisionedTPS": tps}
        if version is not None:
            params["solutionVersionArn"] = version
        expect: set[str] = set()
        if arn not in self.live_campaigns():
            expect = {"ResourceNotFoundException"}
        else:
            detail = self.describe_campaign(arn)
            update = detail.get("latestCampaignUpdate")
            if (
                detail["status"] not in ("ACTIVE", "CREATE FAILED")
                or (update is not None and update["status"] in CREATING)  # an update is running
                or (version is not None and self.version_status(version) != "ACTIVE")
            ):
                expect = {"ResourceInUseException"}
        if self.call("update_campaign", expect, **params) is not None:
            update = self.describe_campaign(arn)["latestCampaignUpdate"]
            assert update["status"] == "CREATE PENDING"
            assert update["minProvisionedTPS"] == tps
            if version is not None:
                assert update["solutionVersionArn"] == version

    @precondition(lambda self: bool(self.campaigns))
    @rule(data=st.data())
    def delete_campaign(self, data: st.DataObject) -> None:
        arn = data.draw(st.sampled_from(list(self.campaigns)))
        campaign = self.campaigns[arn]
        if arn not in self.live_campaigns():
            expect = {"ResourceNotFoundException"}
        elif self.describe_campaign(arn)["status"] not in ("ACTIVE", "CREATE FAILED"):
            expect = {"ResourceInUseException"}
        else:
            expect = set()
        begun = self.now()
        if self.call("delete_campaign", expect, campaignArn=arn) is not None:
            campaign.deleted = begun
            campaign.start_flow("delete")
            assert self.describe_campaign(arn)["status"] == "DELETE PENDING"

    # -- faults and time ---------------------------------------------------------------------------

    @rule(kind=st.sampled_from(["campaign", "campaign_update", "dataset", "solution_version"]))
    def fail_next(self, kind: str) -> None:
        self.mock.fail_next(kind)

    @rule(seconds=st.sampled_from([1, 5, 6, 9, 30, 60, 600, 3600, 86400]))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)

    @rule()
    def settle(self) -> None:
        self.mock.settle()
        for arn in self.live_datasets():
            detail = self.describe_dataset(arn)
            assert detail["status"] in ("ACTIVE", "CREATE FAILED"), detail
            update = detail.get("latestDatasetUpdate")
            assert update is None or update["status"] == "ACTIVE"
        for arn in self.live_campaigns():
            detail = self.describe_campaign(arn)
            assert detail["status"] in ("ACTIVE", "CREATE FAILED"), detail
            update = detail.get("latestCampaignUpdate")
            assert update is None or update["status"] in ("ACTIVE", "CREATE FAILED")
        for arn in self.versions:
            assert self.version_status(arn) in ("ACTIVE", "CREATE FAILED")

    # -- invariants ----------------------------------------------------------------------------------

    @invariant()
    def datasets_match_the_model(self) -> None:
        live = self.live_datasets()
        listed = self.client.list_datasets()["datasets"]
        arns = [summary["datasetArn"] for summary in listed]
        assert len(arns) == len(set(arns)), arns
        assert set(arns) == set(live)
        for summary in listed:
            detail = self.describe_dataset(summary["datasetArn"])
            assert summary["status"] == detail["status"]
        for group in GROUPS:
            own = self.client.list_datasets(datasetGroupArn=PREFIX + "dataset-group/" + group)["datasets"]
            assert {s["datasetArn"] for s in own} == {arn for arn, d in live.items() if d.group == group}
        for arn in set(self.datasets) - set(live):
            self.call("describe_dataset", {"ResourceNotFoundException"}, datasetArn=arn)

    @invariant()
    def campaigns_match_the_model(self) -> None:
        live = self.live_campaigns()
        listed = self.client.list_campaigns()["campaigns"]
        arns = [summary["campaignArn"] for summary in listed]
        assert len(arns) == len(set(arns)), arns
        assert set(arns) == set(live)
        for summary in listed:
            detail = self.describe_campaign(summary["campaignArn"])
            assert summary["status"] == detail["status"]
            assert detail["solutionVersionArn"] in self.versions
        own = self.client.list_campaigns(solutionArn=self.solution)["campaigns"]
        assert {s["campaignArn"] for s in own} == set(live)
        for arn in set(self.campaigns) - set(live):
            self.call("describe_campaign", {"ResourceNotFoundException"}, campaignArn=arn)

    @invariant()
    def schemas_match_the_model(self) -> None:
        listed = [s["schemaArn"] for s in self.client.list_schemas()["schemas"]]
        assert len(listed) == len(set(listed))
        assert set(listed) == set(self.schemas)

    @invariant()
    def versions_are_all_listed_once(self) -> None:
        listed = [v["solutionVersionArn"] for v in self.client.list_solution_versions()["solutionVersions"]]
        assert sorted(listed) == sorted(self.versions)


DeploymentMachine.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDeployment = DeploymentMachine.TestCase
