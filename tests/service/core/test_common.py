"""The machinery every family shares: status fields, delete blockers, Describe* and List* outputs.

Driven on plain stored resources in a bare backend, so each rule is seen without any family's
own rules in the way (the families' tests show them applied).
"""

from __future__ import annotations

import base64
import random
from datetime import datetime, timezone
from typing import Any

import pytest

from personalize_mock.clock import SimulatedClock
from personalize_mock.errors import ResourceInUseException, ResourceNotFoundException
from personalize_mock.faults import Faults
from personalize_mock.options import DEFAULT_DURATIONS, MockOptions
from personalize_mock.service.core import pagination
from personalize_mock.service.core.common import (
    NEVER,
    UNTIL_DELETING,
    UNTIL_GONE,
    Blocker,
    deleter,
    describer,
    failure_field,
    list_output,
    lister,
    require_no_blockers,
    start_deletion,
    status_fields,
    time_fields,
)
from personalize_mock.service.core.lifecycle import (
    ACTIVE,
    CREATE_FAILED,
    CREATE_IN_PROGRESS,
    DELETE_PENDING,
    GONE,
    Timeline,
)
from personalize_mock.service.core.store import RegionBackend, Resource

NOW = 1_000.0


class Child(Resource):
    """A stored resource listed under ``parent``."""

    __slots__ = ("parent",)

    def __init__(self, arn: str, seq: int, timeline: Timeline, parent: str = "") -> None:
        super().__init__(arn, arn.rpartition("/")[2], seq, 0.0, timeline)
        self.parent = parent

    def parent_arn(self) -> str:
        return self.parent


def at(status: str) -> Timeline:
    """A timeline that has been ``status`` since time 0."""
    return Timeline((status,), (0.0,))


@pytest.fixture
def backend() -> RegionBackend:
    return RegionBackend(
        account_id="123456789012",
        region="us-east-1",
        clock=SimulatedClock(),
        options=MockOptions.build(),
        faults=Faults(),
        rng=random.Random(0),
    )


def store(backend: RegionBackend, kind: str, arn: str, status: str = ACTIVE, parent: str = "") -> Child:
    child = Child(arn, backend.next_seq(), at(status), parent)
    backend.collection(kind).add(child)
    return child


def utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)


# -- status fields -------------------------------------------------------------------------------


def failed_resource() -> Resource:
    # CREATE PENDING at 10, IN_PROGRESS at 10.5, CREATE FAILED at 15.0005 (not a whole millisecond).
    resource = Resource("arn:x/r", "r", 1, 10.0, Timeline.creation(10.0, 0.5, 5.0005, failed=True))
    resource.failure_reason = "broken"
    return resource


def test_status_fields_add_the_status_the_times_and_the_failure_in_that_order() -> None:
    fields: dict[str, Any] = {"name": "r"}
    status = status_fields(fields, failed_resource(), 20.0)
    assert status == CREATE_FAILED
    assert list(fields.items()) == [
        ("name", "r"),
        ("status", CREATE_FAILED),
        ("creationDateTime", utc(10.0)),
        # The start of the current phase, truncated to the millisecond.
        ("lastUpdatedDateTime", utc(15.0)),
        ("failureReason", "broken"),
    ]


def test_no_failure_reason_before_the_resource_has_failed() -> None:
    fields: dict[str, Any] = {}
    assert status_fields(fields, failed_resource(), 12.0) == CREATE_IN_PROGRESS
    assert list(fields) == ["status", "creationDateTime", "lastUpdatedDateTime"]
    assert fields["lastUpdatedDateTime"] == utc(10.5)


def test_a_status_the_caller_placed_is_not_added_again() -> None:
    fields: dict[str, Any] = {"status": "placed", "jobOutput": {}}
    assert status_fields(fields, failed_resource(), 20.0, CREATE_FAILED) == CREATE_FAILED
    assert list(fields.items())[:2] == [("status", "placed"), ("jobOutput", {})]
    assert list(fields)[2:] == ["creationDateTime", "lastUpdatedDateTime", "failureReason"]


def test_the_failed_status_and_shapes_without_a_failure_reason() -> None:
    resource = failed_resource()
    without: dict[str, Any] = {}
    status_fields(without, resource, 20.0, failed=None)
    assert "failureReason" not in without
    other: dict[str, Any] = {}
    status_fields(other, resource, 20.0, failed="FAILED")
    assert "failureReason" not in other
    resource.timeline = Timeline(("PENDING", "FAILED"), (10.0, 11.0))
    failed: dict[str, Any] = {}
    assert status_fields(failed, resource, 20.0, failed="FAILED") == "FAILED"
    assert failed["failureReason"] == "broken"


def test_a_last_update_the_resource_decides_and_the_failure_before_the_times() -> None:
    fields: dict[str, Any] = {}
    status_fields(fields, failed_resource(), 20.0, updated=15.0005, failure_first=True)
    assert list(fields) == ["status", "failureReason", "creationDateTime", "lastUpdatedDateTime"]
    # Taken as given: not truncated to the millisecond.
    assert fields["lastUpdatedDateTime"] == utc(15.0005)


def test_times_and_failure_alone_for_shapes_that_split_the_fields() -> None:
    fields: dict[str, Any] = {}
    resource = failed_resource()
    time_fields(fields, resource, 20.0)
    fields["datasetGroupArn"] = "arn:g"
    failure_field(fields, resource, CREATE_IN_PROGRESS)
    assert list(fields) == ["creationDateTime", "lastUpdatedDateTime", "datasetGroupArn"]
    failure_field(fields, resource, CREATE_FAILED)
    assert fields["failureReason"] == "broken"


def test_the_last_update_never_precedes_the_creation_stamp() -> None:
    # The first phase began a little before the stamp (work measured from the clock's reading).
    resource = Resource("arn:x/r", "r", 1, 10.002, Timeline.creation(10.0, 1.0, 2.0))
    fields: dict[str, Any] = {}
    time_fields(fields, resource, 10.5)
    assert fields["lastUpdatedDateTime"] == utc(10.002)


# -- delete blockers -------------------------------------------------------------------------------


def refusal(backend: RegionBackend, resource: Resource, blockers: tuple[Blocker, ...]) -> str | None:
    try:
        require_no_blockers(backend, resource, blockers, NOW, "parent")
    except ResourceInUseException as error:
        return error.message
    return None


def test_children_block_until_their_deletion_has_started(backend: RegionBackend) -> None:
    parent = store(backend, "parent", "arn:parent/p")
    store(backend, "child", "arn:child/going", DELETE_PENDING, parent.arn)
    blockers = (Blocker("child", "child"),)
    assert refusal(backend, parent, blockers) is None
    store(backend, "child", "arn:child/c", ACTIVE, parent.arn)
    assert refusal(backend, parent, blockers) == (
        "Cannot delete parent arn:parent/p: child arn:child/c must be deleted first."
    )


def test_the_first_blocker_in_order_is_named_with_its_status(backend: RegionBackend) -> None:
    parent = store(backend, "parent", "arn:parent/p")
    store(backend, "job", "arn:job/done", ACTIVE, parent.arn)
    store(backend, "job", "arn:job/running", CREATE_IN_PROGRESS, parent.arn)
    store(backend, "child", "arn:child/c", ACTIVE, parent.arn)
    blockers = (
        Blocker("job", "job", "is {status}; wait for it to finish", {CREATE_IN_PROGRESS}),
        Blocker("child", "child"),
    )
    assert refusal(backend, parent, blockers) == (
        "Cannot delete parent arn:parent/p: job arn:job/running is CREATE IN_PROGRESS; wait for it to finish."
    )


def test_siblings_are_found_under_the_resource_s_own_parent(backend: RegionBackend) -> None:
    deleted = store(backend, "thing", "arn:thing/t", parent="arn:group/g")
    store(backend, "other", "arn:other/elsewhere", parent="arn:group/h")
    blockers = (Blocker("other", "other", where="siblings"),)
    assert refusal(backend, deleted, blockers) is None
    store(backend, "other", "arn:other/o", parent="arn:group/g")
    assert refusal(backend, deleted, blockers) == (
        "Cannot delete parent arn:thing/t: other arn:other/o must be deleted first."
    )


def test_region_wide_blockers_narrowed_by_a_predicate(backend: RegionBackend) -> None:
    deleted = store(backend, "thing", "arn:thing/t")
    store(backend, "user", "arn:user/unrelated", parent="arn:group/g")
    store(backend, "user", "arn:user/u", DELETE_PENDING, parent="arn:group/h")

    def uses(thing: Resource, user: Resource, now: float) -> bool:
        assert now == NOW
        return user.arn.endswith("/u")

    blockers = (Blocker("user", "user", "uses it", UNTIL_GONE, where="region", when=uses),)
    # Blocks even while it is being deleted: only once it is gone does it let go.
    assert refusal(backend, deleted, blockers) == "Cannot delete parent arn:thing/t: user arn:user/u uses it."


def test_blockers_within_each_resource_of_a_level(backend: RegionBackend) -> None:
    deleted = store(backend, "thing", "arn:thing/t", parent="arn:group/g")
    first = store(backend, "model", "arn:model/m1", ACTIVE, "arn:group/g")
    second = store(backend, "model", "arn:model/m2", ACTIVE, "arn:group/g")
    store(backend, "job", "arn:job/j1", ACTIVE, first.arn)
    blockers = (
        Blocker(
            "model",
            "model",
            statuses=NEVER,
            where="siblings",
            within=(Blocker("job", "job", "is {status}", {CREATE_IN_PROGRESS}),),
        ),
    )
    assert refusal(backend, deleted, blockers) is None
    store(backend, "job", "arn:job/j2", CREATE_IN_PROGRESS, second.arn)
    assert refusal(backend, deleted, blockers) == (
        "Cannot delete parent arn:thing/t: job arn:job/j2 is CREATE IN_PROGRESS."
    )


def test_status_sets_of_blockers() -> None:
    assert ACTIVE in UNTIL_DELETING and DELETE_PENDING not in UNTIL_DELETING
    assert DELETE_PENDING in UNTIL_GONE and ACTIVE in UNTIL_GONE
    assert ACTIVE not in NEVER


def test_a_deletion_takes_the_children_without_a_delete_api_with_it(backend: RegionBackend) -> None:
    parent = store(backend, "dataset", "arn:dataset/d")
    job = store(backend, "dataset_import_job", "arn:job/j", CREATE_IN_PROGRESS, parent.arn)
    other = store(backend, "dataset_import_job", "arn:job/other", ACTIVE, "arn:dataset/e")
    gone_at = start_deletion(backend, parent, "dataset", NOW, taking=("dataset_import_job",))
    assert gone_at == NOW + DEFAULT_DURATIONS["dataset_delete"]
    assert job.status(gone_at - 0.001) == CREATE_IN_PROGRESS
    assert job.status(gone_at) is GONE
    assert other.status(gone_at) == ACTIVE


# -- Describe* and List* ---------------------------------------------------------------------------


def render(resource: Resource, now: float) -> dict[str, Any]:
    return {"arn": resource.arn}


def test_a_describer_renders_the_named_resource(backend: RegionBackend) -> None:
    store(backend, "thing", "arn:thing/t")
    describe = describer("thing", "thingArn", "thing", render)
    assert describe(backend, {"thingArn": "arn:thing/t"}) == {"thing": {"arn": "arn:thing/t"}}
    with pytest.raises(ResourceNotFoundException, match="arn:thing/none does not exist"):
        describe(backend, {"thingArn": "arn:thing/none"})


def test_a_deleter_applies_the_shared_rules_then_starts_the_deletion(backend: RegionBackend) -> None:
    schema = store(backend, "schema", "arn:schema/s")
    user = store(backend, "dataset", "arn:dataset/d")
    blockers = (Blocker("dataset", "dataset", "uses it", where="region", when=lambda s, d, now: True),)
    delete = deleter("schema", "schemaArn", "Schema", blockers)
    with pytest.raises(
        ResourceInUseException, match="Cannot delete schema arn:schema/s: dataset arn:dataset/d uses it"
    ):
        delete(backend, {"schemaArn": schema.arn})
    user.timeline = at(DELETE_PENDING)
    assert delete(backend, {"schemaArn": schema.arn}) == {}
    # schema_delete takes no time by default: it is gone at once.
    assert backend.collection("schema").find(schema.arn, backend.clock.time()) is None


def test_a_deleter_refuses_what_is_being_deleted(backend: RegionBackend) -> None:
    store(backend, "filter", "arn:filter/f", DELETE_PENDING)
    with pytest.raises(ResourceInUseException, match="Filter arn:filter/f is already being deleted"):
        deleter("filter", "filterArn", "Filter")(backend, {"filterArn": "arn:filter/f"})


def listing_of(token: str) -> str:
    # A token is a keyed tag followed by "pm2\n<listing>\n<seq>": read the listing behind the tag.
    return base64.urlsafe_b64decode(token)[pagination._TAG_SIZE :].decode().split("\n")[1]


def test_list_output_narrows_to_a_parent_and_names_the_listing_in_tokens(backend: RegionBackend) -> None:
    store(backend, "group", "arn:group/g")
    for name in ("a", "b", "c"):
        store(backend, "thing", f"arn:thing/{name}", parent="arn:group/g")
    store(backend, "thing", "arn:thing/elsewhere", parent="arn:group/h")

    def arns(output: dict[str, Any]) -> list[str]:
        return [item["arn"] for item in output["things"]]

    everything = lister("thing", "things", "ListThings", render)(backend, {})
    assert len(arns(everything)) == 4
    params = {"groupArn": "arn:group/g", "maxResults": 2}
    page = list_output(backend, params, "thing", "things", "ListThings", render, parent_key="groupArn")
    assert arns(page) == ["arn:thing/a", "arn:thing/b"]
    assert listing_of(page["nextToken"]) == "ListThings|arn:group/g"
    unfiltered = list_output(
        backend, {"maxResults": 1}, "thing", "things", "ListThings", render, parent_key="groupArn"
    )
    assert listing_of(unfiltered["nextToken"]) == "ListThings|"


def test_list_output_checks_the_parent_exists_and_keeps_what_is_wanted(backend: RegionBackend) -> None:
    store(backend, "group", "arn:group/g")
    store(backend, "thing", "arn:thing/a", parent="arn:group/g")
    store(backend, "thing", "arn:thing/b", parent="arn:group/g")
    with pytest.raises(ResourceNotFoundException):
        list_output(
            backend,
            {"groupArn": "arn:group/none"},
            "thing",
            "things",
            "ListThings",
            render,
            parent_key="groupArn",
            parent_kind="group",
        )
    output = list_output(
        backend,
        {"groupArn": "arn:group/g"},
        "thing",
        "things",
        "ListThings",
        render,
        parent_key="groupArn",
        parent_kind="group",
        keep=lambda thing, now: thing.arn.endswith("/b"),
        newest_first=True,
    )
    assert output == {"things": [{"arn": "arn:thing/b"}]}
