"""Small paths of the core modules that the scenario tests do not take on their own.

Each test names the situation that reaches the path: a second uninstall, a model loaded by
another thread while this one waited for the lock, a request body that is text, a region of
another partition, and so on.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import boto3
import pytest
from helpers import assert_reset

from personalize_mock import mock_personalize
from personalize_mock.activation.guard import SendGuard
from personalize_mock.activation.sleep import SimulatedSleep
from personalize_mock.clock import SimulatedClock
from personalize_mock.errors import CommonServiceError, wire_code
from personalize_mock.faults import Faults
from personalize_mock.interception import hooks as interception
from personalize_mock.model import loader
from personalize_mock.service.core.lifecycle import ACTIVE, CREATE_FLOW, Timeline
from personalize_mock.service.core.store import Collection, Resource, partition_for


def test_common_error_carries_its_own_wire_code() -> None:
    error = CommonServiceError("ThrottlingException", "slow down")
    assert error.wire_code == "ThrottlingException"
    assert wire_code(error) == "ThrottlingException"


def test_faults_with_nothing_injected_answer_none() -> None:
    faults = Faults()
    assert faults.take_error("ListSchemas") is None
    assert faults.take_failure("dataset_group") is None
    faults.inject_error("ListSchemas", "ThrottlingException", "m", 1)
    assert faults.take_error("ListRecipes") is None  # armed, but not for this operation


def test_send_guard_without_botocore_http_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "botocore.httpsession")
    guard = SendGuard()
    assert all(cls.__module__ != "botocore.httpsession" for cls in guard._targets())


def test_params_are_read_from_a_text_body() -> None:
    assert interception._params_from_body({"body": '{"name": "g"}'}) == {"name": "g"}
    assert interception._params_from_body({"body": "[1, 2]"}) == {}
    assert interception._params_from_body({}) == {}


def test_service_model_loaded_by_another_thread_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Double-checked locking: the waiter uses the model the lock holder loaded."""
    model = loader.service_model("personalize")
    monkeypatch.setattr(loader, "_SERVICES", {})
    real_lock = threading.Lock()
    waiting = threading.Event()

    class SignallingLock:
        def __enter__(self) -> None:
            waiting.set()
            real_lock.acquire()

        def __exit__(self, *exc: object) -> None:
            real_lock.release()

    monkeypatch.setattr(loader, "_LOAD_LOCK", SignallingLock())
    results: list[Any] = []
    with real_lock:  # "another thread" holds the lock while it loads
        worker = threading.Thread(target=lambda: results.append(loader.service_model("personalize")))
        worker.start()
        assert waiting.wait(10)
        loader._SERVICES["personalize"] = model
    worker.join(10)
    assert results == [model]


def test_simulated_sleep_uninstalled_twice_is_harmless() -> None:
    sleep = SimulatedSleep(SimulatedClock(), threading.get_ident())
    sleep.install()
    sleep.uninstall()
    sleep.uninstall()
    assert_reset()


def test_timeline_repr_names_its_phases() -> None:
    timeline = Timeline(CREATE_FLOW, (0.0, 1.0, 10.0))
    assert repr(timeline) == "Timeline(CREATE PENDING@0.000, CREATE IN_PROGRESS@1.000, ACTIVE@10.000)"
    assert timeline.final_status == ACTIVE


def test_collection_discards_once_and_counts() -> None:
    collection: Collection[Resource] = Collection("thing")
    first = collection.add(Resource("arn:1", "one", 1, 0.0, Timeline((ACTIVE,), (0.0,))))
    collection.add(Resource("arn:2", "two", 2, 0.0, Timeline((ACTIVE,), (0.0,))))
    assert len(collection) == 2
    collection.discard(first)
    collection.discard(first)  # already gone: nothing happens
    assert len(collection) == 1
    assert [r.arn for r in collection.listed()] == ["arn:2"]


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
    ],
)
def test_arn_partition_of_each_region(region: str, partition: str) -> None:
    assert partition_for(region) == partition


def test_arns_in_a_china_region_use_its_partition() -> None:
    with mock_personalize():
        personalize = boto3.client("personalize", region_name="cn-north-1")
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
    assert arn == "arn:aws-cn:personalize:cn-north-1:123456789012:dataset-group/g"
    assert_reset()
