"""S3 is read and written only through moto, in process (personalize_mock.service.s3_access).

Import jobs and batch jobs exercise the common paths (test_import_reading.py,
test_batch_output.py). These tests pin the rest of the contract: without moto nothing is
read, checked or written; an object moto refuses to serve is unreadable, not missing; a
botocore whose client cannot be kept off the network is not used at all; and the stand-in
for botocore's HTTP session behaves like one when the client is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import moto
import pytest
from data_world import BUCKET, REGION, World, interactions_csv, make_world, no_network

from personalize_mock import PersonalizeMock
from personalize_mock.service.core import s3_access
from personalize_mock.service.data.data_store import group_data

pytestmark = pytest.mark.personalize_mock(require_data=True)


@pytest.fixture
def s3() -> Iterator[Any]:
    """moto's S3 with the data bucket."""
    with moto.mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET)
        yield client


def test_without_moto_nothing_is_read_checked_or_written(monkeypatch: pytest.MonkeyPatch) -> None:
    assert s3_access.moto_active() is False
    with no_network(monkeypatch) as attempts:
        assert s3_access.s3_client(REGION) is None
        with pytest.raises(s3_access.Unreadable):
            s3_access.read_objects(REGION, f"s3://{BUCKET}/data.csv")
        assert s3_access.bucket_exists(REGION, BUCKET) is None
        assert s3_access.write_object(REGION, f"s3://{BUCKET}/out.json", b"{}") is False
    assert attempts == []


def test_a_client_botocore_would_not_keep_in_process_is_not_used(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If botocore ever stops exposing the endpoint's HTTP session, the client could not be
    # kept off the network: the module then reads, checks and writes nothing.
    class EndpointlessSession:
        def client(self, *args: Any, **kwargs: Any) -> Any:
            made = boto3.session.Session().client(*args, **kwargs)
            made._endpoint = None
            return made

    monkeypatch.setattr(s3_access, "_boto3_session", EndpointlessSession)
    s3.put_object(Bucket=BUCKET, Key="data.csv", Body=b"USER_ID\n")
    assert s3_access.moto_active() is True
    assert s3_access.s3_client(REGION) is None
    with pytest.raises(s3_access.Unreadable):
        s3_access.read_objects(REGION, f"s3://{BUCKET}/data.csv")
    assert s3_access.bucket_exists(REGION, BUCKET) is None
    assert s3_access.write_object(REGION, f"s3://{BUCKET}/out.json", b"{}") is False
    assert [entry["Key"] for entry in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["data.csv"]


def test_a_client_can_be_closed_and_still_sends_nothing(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = s3_access.s3_client(REGION)
    assert client is not None
    client.close()  # botocore closes the endpoint's HTTP session: the stand-in's close
    with no_network(monkeypatch) as attempts:
        assert [bucket["Name"] for bucket in client.list_buckets()["Buckets"]] == [BUCKET]
    assert attempts == []


def test_an_object_moto_refuses_to_serve_is_unreadable(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="archived.csv", Body=b"USER_ID\n", StorageClass="GLACIER")
    with pytest.raises(s3_access.Unreadable):
        s3_access.read_objects(REGION, f"s3://{BUCKET}/archived.csv")
    with pytest.raises(s3_access.NotFound):
        s3_access.read_objects(REGION, f"s3://{BUCKET}/absent.csv")


def test_an_import_of_an_archived_object_is_opaque(pm: PersonalizeMock, client: Any, s3: Any) -> None:
    # moto answers GetObject on a GLACIER object with InvalidObjectState: the object exists
    # but cannot be read in process, so the import succeeds with rows unknown.
    world = World(pm, client, s3, make_world(pm, client, None).group)
    dataset = world.dataset()
    s3.put_object(
        Bucket=BUCKET, Key="archived.csv", Body=interactions_csv(2, 2).encode(), StorageClass="GLACIER"
    )
    job = world.load(dataset, f"s3://{BUCKET}/archived.csv")
    assert (job["status"], job.get("failureReason")) == ("ACTIVE", None)
    store = group_data(pm.state.backend(REGION), world.group)
    now = pm.state.clock.time()
    assert store.has_data(now, "INTERACTIONS") is True
    assert store.readable(now, "INTERACTIONS") is False
    assert list(store.records(now, "INTERACTIONS")) == []
    # Opaque data counts as enough for training, though the file holds only 4 interactions.
    assert world.train(world.solution())["status"] == "ACTIVE"
