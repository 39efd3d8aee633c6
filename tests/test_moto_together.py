"""moto and personalize_mock active at the same time, in both orders of nesting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import helpers
import moto
import pytest
from helpers import CAMPAIGN_ARN, assert_reset, ensure_unimplemented, env_snapshot, no_network

from personalize_mock import NotImplementedOperation, PersonalizeMock, mock_personalize

BUCKET = "training-data-bucket"


def client(service: str = "personalize") -> Any:
    """A client from a session made now: it carries moto's handler as well as ours."""
    return helpers.client(service, fresh=True)


@contextmanager
def moto_outside() -> Iterator[PersonalizeMock]:
    with moto.mock_aws(), mock_personalize() as pm:
        yield pm


@contextmanager
def personalize_outside() -> Iterator[PersonalizeMock]:
    with mock_personalize() as pm, moto.mock_aws():
        yield pm


ORDERS: list[Callable[[], AbstractContextManager[PersonalizeMock]]] = [moto_outside, personalize_outside]


@pytest.fixture(params=ORDERS, ids=["moto-outside", "personalize-outside"])
def both(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Both mocks active (in the parametrized order), with the network blocked."""
    before = env_snapshot()
    with no_network(monkeypatch) as attempts, request.param():
        yield attempts
    assert attempts == []
    assert_reset(before)


def test_s3_and_personalize_work_together(both: list[str]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="interactions.csv", Body=b"USER_ID,ITEM_ID,TIMESTAMP\n")
    personalize = client()
    arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
    assert personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["name"] == "g"
    body = s3.get_object(Bucket=BUCKET, Key="interactions.csv")["Body"].read()
    assert body.startswith(b"USER_ID")
    assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == [BUCKET]


def test_sts_account_matches_personalize_arns(both: list[str]) -> None:
    account = client("sts").get_caller_identity()["Account"]
    assert account == "123456789012"
    arn = client().create_dataset_group(name="g")["datasetGroupArn"]
    expected = f"arn:aws:personalize:us-east-1:{account}:dataset-group/g"
    assert arn == expected
    assert client().describe_dataset_group(datasetGroupArn=expected)["datasetGroup"]["datasetGroupArn"] == arn


def test_iam_role_from_moto_is_accepted(both: list[str]) -> None:
    iam = client("iam")
    role_arn = iam.create_role(RoleName="personalize-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    personalize = client()
    arn = personalize.create_dataset_group(name="g", roleArn=role_arn)["datasetGroupArn"]
    assert personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["roleArn"] == role_arn


def test_unimplemented_personalize_operation_still_fails_closed_under_moto(
    both: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_unimplemented(monkeypatch)
    with pytest.raises(NotImplementedOperation):
        client("personalize-runtime").get_recommendations(campaignArn=CAMPAIGN_ARN, userId="u")


@pytest.mark.parametrize("order", ORDERS, ids=["moto-outside", "personalize-outside"])
def test_exits_restore_everything(
    order: Callable[[], AbstractContextManager[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAORIGINAL00000001")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    before = env_snapshot()
    with pytest.raises(RuntimeError, match="inside both"), order():
        client().create_dataset_group(name="g")
        raise RuntimeError("inside both")
    assert_reset(before)


def test_moto_after_personalize_exit_still_works() -> None:
    with moto.mock_aws():
        with mock_personalize():
            client().create_dataset_group(name="g")
        s3 = client("s3")
        s3.create_bucket(Bucket=BUCKET)
        assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == [BUCKET]
    assert_reset()


def test_personalize_after_moto_exit_still_works() -> None:
    with mock_personalize():
        with moto.mock_aws():
            client("s3").create_bucket(Bucket=BUCKET)
        arn = client().create_dataset_group(name="g")["datasetGroupArn"]
        assert client().describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["name"] == "g"
    assert_reset()


def test_decorators_stack_with_moto() -> None:
    @moto.mock_aws
    @mock_personalize
    def body() -> tuple[str, str]:
        account = client("sts").get_caller_identity()["Account"]
        arn: str = client().create_dataset_group(name="g")["datasetGroupArn"]
        return account, arn

    account, arn = body()
    assert arn.split(":")[4] == account
    assert_reset()
