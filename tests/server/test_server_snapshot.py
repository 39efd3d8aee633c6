"""``pm.snapshot()`` / ``PersonalizeMock.restore()``: the state the server's --state-file holds."""

from __future__ import annotations

import importlib.util
import io
import pickle
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.server.control import describe_state
from personalize_mock.snapshot import MAGIC, SnapshotError, read_options

RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
EVERY_OPERATION = Path(__file__).resolve().parent.parent / "service" / "test_every_operation.py"


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def personalize() -> Any:
    return boto3.client("personalize", region_name="us-east-1")


def restored_listing(data: bytes) -> dict[str, Any]:
    with PersonalizeMock.restore(data) as pm:
        return describe_state(pm.state)


def test_a_restored_mock_has_every_resource_with_its_status_at_the_snapshot() -> None:
    with mock_personalize(require_data=False) as pm:
        client = personalize()
        active = client.create_dataset_group(name="active")["datasetGroupArn"]
        pm.settle()
        pending = client.create_dataset_group(name="pending")["datasetGroupArn"]
        boto3.client("personalize", region_name="eu-west-1").create_dataset_group(name="west")
        before = describe_state(pm.state)
        data = pm.snapshot()

    time.sleep(0.05)  # wall time passes; simulated time stands still while saved
    with PersonalizeMock.restore(data) as restored:
        client = personalize()
        statuses = [
            client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]
            for arn in (active, pending)
        ]
        after = describe_state(restored.state)

    assert statuses == ["ACTIVE", "CREATE PENDING"]
    assert after["resources"] == before["resources"]
    assert seconds(after["now"]) == pytest.approx(seconds(before["now"]), abs=1.0)


def test_every_outermost_activation_starts_from_the_snapshot() -> None:
    with mock_personalize() as pm:
        personalize().create_dataset_group(name="base")
        data = pm.snapshot()
    restored = PersonalizeMock.restore(data)

    with restored:
        personalize().create_dataset_group(name="extra")
        assert len(personalize().list_dataset_groups()["datasetGroups"]) == 2
    with restored:
        names = [group["name"] for group in personalize().list_dataset_groups()["datasetGroups"]]

    assert names == ["base"]


def test_the_random_ids_and_creation_stamps_continue_where_they_were() -> None:
    with mock_personalize(require_data=False) as pm:
        client = personalize()
        group = client.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        solution = client.create_solution(name="s", datasetGroupArn=group, recipeArn=RECIPE)["solutionArn"]
        data = pm.snapshot()
        original = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        original_created = client.describe_solution_version(solutionVersionArn=original)["solutionVersion"][
            "creationDateTime"
        ]

    with PersonalizeMock.restore(data):
        client = personalize()
        again = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        solution_created = client.describe_solution(solutionArn=solution)["solution"]["creationDateTime"]
        again_created = client.describe_solution_version(solutionVersionArn=again)["solutionVersion"][
            "creationDateTime"
        ]

    assert again == original  # the generator's state was restored: the same next id
    assert again_created > solution_created
    assert abs((again_created - original_created).total_seconds()) < 5


def test_scheduled_work_runs_after_a_restore() -> None:
    # UpdateSolution applies its settings and automatic training starts runs through the
    # backend's schedule; both must survive the pickle.
    with mock_personalize(require_data=False) as pm:
        client = personalize()
        group = client.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        solution = client.create_solution(name="s", datasetGroupArn=group, recipeArn=RECIPE)["solutionArn"]
        client.update_solution(
            solutionArn=solution,
            performAutoTraining=True,
            solutionUpdateConfig={"autoTrainingConfig": {"schedulingExpression": "rate(1 day)"}},
        )
        data = pm.snapshot()

    with PersonalizeMock.restore(data) as pm:
        client = personalize()
        pm.advance(2 * 86400)
        described = client.describe_solution(solutionArn=solution)["solution"]
        versions = client.list_solution_versions(solutionArn=solution)["solutionVersions"]

    assert described["performAutoTraining"] is True
    assert described["latestSolutionUpdate"]["status"] == "ACTIVE"
    assert versions and all(version["trainingType"] == "AUTOMATIC" for version in versions)


def test_a_deletion_in_progress_ends_in_not_found_after_a_restore() -> None:
    # Statuses compared by identity (``is GONE``) must keep their identity through the pickle.
    with mock_personalize() as pm:
        client = personalize()
        group = client.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        client.delete_dataset_group(datasetGroupArn=group)
        data = pm.snapshot()

    with PersonalizeMock.restore(data) as pm:
        client = personalize()
        assert (
            client.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"] == "DELETE PENDING"
        )
        pm.settle()
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_dataset_group(datasetGroupArn=group)
        assert client.list_dataset_groups()["datasetGroups"] == []


def test_a_snapshot_keeps_the_options_and_not_the_injected_faults() -> None:
    with mock_personalize(
        account_id="111122223333", durations={"dataset_group": 42}, quotas={"schemas": 7}
    ) as pm:
        pm.inject_error("ListDatasetGroups", "ThrottlingException")
        data = pm.snapshot()

    options = read_options(data)
    with PersonalizeMock.restore(data) as restored:
        groups = personalize().list_dataset_groups()["datasetGroups"]

    assert (options.account_id, options.durations["dataset_group"], options.quotas["schemas"]) == (
        "111122223333",
        42,
        7,
    )
    assert restored.options == options
    assert groups == []


def test_a_frozen_mock_restores_at_its_snapshot_time() -> None:
    with mock_personalize(freeze=True) as pm:
        pm.advance(3600)
        taken = pm.now()
        data = pm.snapshot()

    with PersonalizeMock.restore(data) as restored:
        # Frozen at the snapshot's time (give or take the microseconds the restore took), and
        # freezegun reports the same time: the offset is not counted twice.
        assert restored.now().timestamp() == pytest.approx(taken.timestamp(), abs=0.5)
        assert time.time() == pytest.approx(restored.now().timestamp(), abs=1e-3)
        frozen = time.time()
        assert time.time() == frozen


def test_every_kind_of_resource_survives_a_snapshot() -> None:
    spec = importlib.util.spec_from_file_location("every_operation_walk", EVERY_OPERATION)
    assert spec is not None and spec.loader is not None
    walk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(walk)
    with mock_personalize(validate_responses=True) as pm:
        walk.test_every_control_plane_operation_answers_in_the_shape_botocore_expects(pm)
        kinds = {kind for backend in pm.state.backends.values() for kind in backend.collections}
        before = describe_state(pm.state)
        data = pm.snapshot()

    assert len(kinds) >= 10
    assert restored_listing(data)["resources"] == before["resources"]


def test_a_restored_mock_joining_an_active_one_warns_and_loads_nothing() -> None:
    with mock_personalize() as pm:
        data = pm.snapshot()
    with mock_personalize():
        personalize().create_dataset_group(name="outer")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with PersonalizeMock.restore(data):
                names = [group["name"] for group in personalize().list_dataset_groups()["datasetGroups"]]

    assert names == ["outer"]
    assert any("snapshot is not loaded" in str(warning.message) for warning in caught)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a personalize_mock snapshot"),
        (b"\x80\x05garbage", "not a personalize_mock snapshot"),
        (b"personalize_mock snapshot 99\n", "another format version"),
        (MAGIC + b"\x80\x05", "header could not be read"),
        (MAGIC + pickle.dumps({"options": {}, "now": 0.0}), "header is incomplete"),
        (MAGIC + pickle.dumps(["options", "now", "last_stamp", "rng"]), "header is incomplete"),
    ],
)
def test_data_that_is_no_snapshot_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(SnapshotError, match=message):
        PersonalizeMock.restore(data)


def test_truncated_backends_are_refused_at_activation() -> None:
    with mock_personalize() as pm:
        personalize().create_dataset_group(name="g")
        data = pm.snapshot()

    restored = PersonalizeMock.restore(data[:-10])
    with pytest.raises(SnapshotError, match="backends could not be loaded"):
        restored.start()
    assert not restored.active


def test_a_snapshot_is_bytes() -> None:
    with pytest.raises(TypeError):
        PersonalizeMock.restore("text")  # type: ignore[arg-type]


def _header_only(data: bytes) -> bytes:
    """The magic line and header of snapshot ``data``, without its backends."""
    stream = io.BytesIO(data)
    stream.seek(len(MAGIC))
    pickle.load(stream)
    return data[: stream.tell()]


def test_backends_that_are_not_a_mapping_of_regions_are_refused_at_activation() -> None:
    with mock_personalize() as pm:
        data = _header_only(pm.snapshot()) + pickle.dumps(["us-east-1"])

    restored = PersonalizeMock.restore(data)
    with pytest.raises(SnapshotError, match="backends are not a mapping of regions"):
        restored.start()
    assert not restored.active


class _ForeignReference:
    pass


@pytest.mark.parametrize("reference", ["shared:secrets", "module:os.system"])
def test_a_reference_this_version_does_not_write_is_refused(reference: str) -> None:
    class ForeignPickler(pickle.Pickler):
        def persistent_id(self, obj: Any) -> Any:
            return reference if isinstance(obj, _ForeignReference) else None

    with mock_personalize() as pm:
        backends = io.BytesIO()
        ForeignPickler(backends, protocol=pickle.HIGHEST_PROTOCOL).dump({"us-east-1": _ForeignReference()})
        data = _header_only(pm.snapshot()) + backends.getvalue()

    with pytest.raises(SnapshotError, match=f"unknown reference {reference!r} in the snapshot"):
        PersonalizeMock.restore(data).start()
