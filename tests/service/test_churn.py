"""Memory bounded by what exists: resources whose deletion has finished are forgotten.

Create → settle → delete → settle cycles leave the collections, the in-flight heaps and the
per-resource data holding only live resources; gone ones still answer
ResourceNotFoundException, and ``settle()`` reads only the resources with work in flight.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import RECIPE_PREFIX

from personalize_mock import PersonalizeMock
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.snapshot import dump_state, load_state

SCHEMA = (
    '{"type": "record", "name": "Interactions", "namespace": "com.amazonaws.personalize.schema", '
    '"fields": [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"}, '
    '{"name": "TIMESTAMP", "type": "long"}], "version": "1.0"}'
)


def backend(pm: PersonalizeMock) -> RegionBackend:
    return pm.state.backends["us-east-1"]


def sizes(pm: PersonalizeMock) -> dict[str, tuple[int, int, int, int]]:
    """Per kind: (by_arn, order, resources under parents, unsettled) of every non-empty collection.

    Read after a sweep at the current time, as the next create (or ``settle()``) does: a
    ``settle()`` sweeps before it moves the clock, so what it finished is swept by the next one.
    """
    region = backend(pm)
    region.in_flight.sweep(pm.state.clock.time())
    found: dict[str, tuple[int, int, int, int]] = {}
    for kind, collection in region.collections.items():
        under = sum(len(items) for items in collection.by_parent.values())
        counts = (len(collection.by_arn), len(collection.order), under, len(collection.unsettled))
        if any(counts):
            found[kind] = counts
    return found


def cycle(pm: PersonalizeMock, client: Any, name: str) -> dict[str, str]:
    """One create → settle → delete → settle cycle over a group, its dataset, solution and version."""
    group = client.create_dataset_group(name=name)["datasetGroupArn"]
    pm.settle()
    schema = client.create_schema(name=name, schema=SCHEMA)["schemaArn"]
    dataset = client.create_dataset(
        name=name, schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    solution = client.create_solution(
        name=name, datasetGroupArn=group, recipeArn=RECIPE_PREFIX + "aws-user-personalization"
    )["solutionArn"]
    pm.settle()
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.settle()
    client.delete_solution(solutionArn=solution)
    client.delete_dataset(datasetArn=dataset)
    pm.settle()
    client.delete_schema(schemaArn=schema)
    client.delete_dataset_group(datasetGroupArn=group)
    pm.settle()
    return {"group": group, "dataset": dataset, "solution": solution, "version": version}


def test_churn_leaves_only_live_resources(pm: PersonalizeMock, client: Any) -> None:
    keep = client.create_dataset_group(name="kept")["datasetGroupArn"]
    arns = [cycle(pm, client, f"churn-{n}") for n in range(5)]
    assert sizes(pm) == {"dataset_group": (1, 1, 0, 0)}
    assert list(backend(pm).collection("dataset_group").by_arn) == [keep]
    assert backend(pm).in_flight.heap == []
    # A gone group's records are forgotten with it; the quota counters keep no parent either.
    assert backend(pm).data_stores.keys() <= {keep}
    for collection in backend(pm).collections.values():
        assert set(collection.undeleted_by_parent) <= {""}
    for each in arns:
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            client.describe_dataset_group(datasetGroupArn=each["group"])
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            client.describe_solution_version(solutionVersionArn=each["version"])
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            client.describe_dataset(datasetArn=each["dataset"])


def test_a_deleted_resource_is_visible_until_its_deletion_finishes(pm: PersonalizeMock, client: Any) -> None:
    group = client.create_dataset_group(name="g")["datasetGroupArn"]
    pm.settle()
    client.delete_dataset_group(datasetGroupArn=group)
    # Creates sweep the in-flight heap: one now must not drop the group while DELETE PENDING.
    client.create_dataset_group(name="other")
    assert group in backend(pm).collection("dataset_group").by_arn
    status = client.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"]
    assert status == "DELETE PENDING"
    pm.settle()
    client.create_dataset_group(name="third")
    assert group not in backend(pm).collection("dataset_group").by_arn
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.describe_dataset_group(datasetGroupArn=group)


def test_a_reused_arn_names_the_new_resource(pm: PersonalizeMock, client: Any) -> None:
    old = client.create_dataset_group(name="same")["datasetGroupArn"]
    pm.settle()
    client.delete_dataset_group(datasetGroupArn=old)
    pm.advance(3600)
    # The old group is gone but not yet swept: the create below reuses its ARN.
    new = client.create_dataset_group(name="same")["datasetGroupArn"]
    assert new == old
    pm.settle()
    assert client.describe_dataset_group(datasetGroupArn=new)["datasetGroup"]["status"] == "ACTIVE"
    assert sizes(pm) == {"dataset_group": (1, 1, 0, 0)}


def test_versions_go_with_their_solution(pm: PersonalizeMock, client: Any, make_dataset_group: Any) -> None:
    group = make_dataset_group()
    solution = client.create_solution(
        name="s", datasetGroupArn=group, recipeArn=RECIPE_PREFIX + "aws-user-personalization"
    )["solutionArn"]
    versions = [client.create_solution_version(solutionArn=solution)["solutionVersionArn"] for _ in range(2)]
    client.stop_solution_version_creation(solutionVersionArn=versions[1])
    pm.settle()
    client.delete_solution(solutionArn=solution)
    pm.settle()
    assert "solution_version" not in sizes(pm)
    assert backend(pm).collection("solution_version").count_undeleted() == 0
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.describe_solution_version(solutionVersionArn=versions[0])


def test_data_deletion_jobs_go_with_their_group(
    pm: PersonalizeMock, client: Any, make_dataset_group: Any
) -> None:
    group = make_dataset_group()
    job = client.create_data_deletion_job(
        jobName="j",
        datasetGroupArn=group,
        dataSource={"dataLocation": "s3://bucket/users.csv"},
        roleArn="arn:aws:iam::123456789012:role/personalize",
    )["dataDeletionJobArn"]
    pm.settle()
    client.delete_dataset_group(datasetGroupArn=group)
    pm.settle()
    assert sizes(pm) == {}
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.describe_data_deletion_job(dataDeletionJobArn=job)


@pytest.mark.personalize_mock(quotas={"dataset_groups": 100})
def test_settle_reads_only_resources_in_flight(
    pm: PersonalizeMock, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(30):
        client.create_dataset_group(name=f"settled-{n}")
    pm.settle()
    client.create_dataset_group(name="fresh")
    calls = 0
    original = Resource.settles_at

    def counted(resource: Resource) -> float:
        nonlocal calls
        calls += 1
        return original(resource)

    monkeypatch.setattr(Resource, "settles_at", counted)
    pm.settle()
    # The one group in flight: its entries are read (30 settled groups are not).
    assert 1 <= calls <= 3
    pm.settle()  # sweeps what the last one finished
    calls = 0
    pm.settle()
    assert calls == 0


def test_settle_sees_rewritten_timelines(pm: PersonalizeMock, client: Any, make_dataset_group: Any) -> None:
    group = make_dataset_group()
    pm.settle()
    before = pm.state.clock.time()
    client.delete_dataset_group(datasetGroupArn=group)
    # The deletion was tracked: settle() runs until it is gone, not "now".
    assert pm.state.settle_time() > before
    assert pm.state.work_in_flight()
    pm.settle()
    assert not pm.state.work_in_flight()


def test_a_snapshot_after_churn_restores_only_live_resources(pm: PersonalizeMock, client: Any) -> None:
    keep = client.create_dataset_group(name="kept")["datasetGroupArn"]
    gone = cycle(pm, client, "snap")["group"]
    client.delete_dataset_group(datasetGroupArn=keep)
    restored = load_state(dump_state(pm.state))
    region = restored.backends["us-east-1"]
    now = restored.clock.time()
    groups = region.collection("dataset_group")
    assert groups.find(gone, now) is None
    # The restored heap holds the deletion in flight, bound to the restored collections.
    target = restored.settle_time()
    assert target > now
    region.in_flight.sweep(target)
    assert groups.by_arn == {}
    assert region.in_flight.heap == []


def test_a_collection_on_its_own_forgets_without_a_backend() -> None:
    from personalize_mock.service.core.lifecycle import GONE, Timeline

    things: Collection[Resource] = Collection("thing")
    thing = things.add(Resource("arn:thing/1", "thing", 1, 0.0, Timeline((GONE,), (1.0,))))
    things.in_flight.sweep(0.5)
    assert len(things) == 1
    things.in_flight.sweep(2.0)
    assert len(things) == 0
    # Forgetting what is no longer stored changes nothing.
    things.forget(thing)
    assert things.undeleted_by_parent == {}
