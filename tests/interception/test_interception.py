"""Interception: the before-call handlers, patch_client, fail-closed behaviour, no network."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.exceptions
import botocore.handlers
import botocore.session
import pytest
from helpers import (
    CAMPAIGN_ARN,
    REGION,
    assert_reset,
    client,
    ensure_unimplemented,
    handlerless_botocore_session,
    no_network,
    run_fresh_interpreter,
    without_global_handlers,
)

import personalize_mock
from personalize_mock import EscapedRequestError, NotImplementedOperation, mock_personalize, patch_client
from personalize_mock.activation.mock import PersonalizeMock
from personalize_mock.interception import hooks as interception
from personalize_mock.interception.hooks import install_global_handlers


def escaped_client(monkeypatch: pytest.MonkeyPatch, service: str = "personalize") -> Any:
    """A client whose session was created as if before ``import personalize_mock``."""
    session = handlerless_botocore_session(monkeypatch)
    return session.create_client(
        service,
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


# -- registration ----------------------------------------------------------------------------------


def test_handlers_are_registered_once_in_builtin_handlers() -> None:
    for spec in interception._HANDLER_SPECS:
        assert botocore.handlers.BUILTIN_HANDLERS.count(spec) == 1
    # Installing again (as a re-import would) adds nothing.
    install_global_handlers()
    for spec in interception._HANDLER_SPECS:
        assert botocore.handlers.BUILTIN_HANDLERS.count(spec) == 1
    events = {name for name, _ in interception._HANDLER_SPECS}
    for service in ("personalize", "personalize-runtime", "personalize-events"):
        assert f"before-call.{service}" in events


def test_existing_default_boto3_session_gets_the_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    with without_global_handlers(monkeypatch):
        old_session = boto3.session.Session()
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", old_session)
    with mock_personalize(), no_network(monkeypatch) as attempts:
        with pytest.raises(EscapedRequestError):
            boto3.client("personalize", region_name=REGION).list_dataset_groups()
        install_global_handlers()
        assert boto3.client("personalize", region_name=REGION).list_dataset_groups()["datasetGroups"] == []
    assert attempts == []
    assert_reset()


def test_handlers_do_nothing_while_no_mock_is_active() -> None:
    assert interception._answer(model=None, params={}, context={}) is None
    interception._refuse_send(request=None)  # does not raise
    context: dict[str, Any] = {}
    interception._capture_params(params={"a": 1}, context=context)
    assert context == {}


# -- answering through botocore ------------------------------------------------------------------------


def test_success_response_metadata() -> None:
    with mock_personalize():
        response = client().list_dataset_groups()
    metadata = response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 200
    assert metadata["RetryAttempts"] == 0
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]
    assert len(metadata["RequestId"]) == 36
    assert_reset()


def test_modeled_error_raises_client_exception_with_status_code() -> None:
    with mock_personalize():
        personalize = client()
        missing = f"arn:aws:personalize:{REGION}:123456789012:dataset-group/missing"
        with pytest.raises(personalize.exceptions.ResourceNotFoundException) as caught:
            personalize.describe_dataset_group(datasetGroupArn=missing)
    response = caught.value.response
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert isinstance(caught.value, botocore.exceptions.ClientError)
    assert caught.value.operation_name == "DescribeDatasetGroup"
    assert_reset()


def test_already_exists_error() -> None:
    with mock_personalize():
        personalize = client()
        personalize.create_dataset_group(name="g")
        with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException) as caught:
            personalize.create_dataset_group(name="g")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert_reset()


def test_status_codes_come_from_each_services_model() -> None:
    with mock_personalize() as pm:
        state = pm.state
        assert state.status_for("personalize", "ResourceNotFoundException") == 400
        # The same code is a 404 on the runtime service.
        assert state.status_for("personalize-runtime", "ResourceNotFoundException") == 404
        assert state.status_for("personalize", "ThrottlingException") == 400
        assert state.status_for("personalize", "InternalFailure") == 500
    assert_reset()


def test_botocore_parameter_validation_still_runs_first() -> None:
    with mock_personalize():
        personalize = client()
        with pytest.raises(botocore.exceptions.ParamValidationError):
            personalize.create_dataset_group()
        with pytest.raises(botocore.exceptions.ParamValidationError):
            personalize.create_dataset_group(name=5)
    assert_reset()


def test_paginators_work() -> None:
    with mock_personalize(quotas={"dataset_groups": 20}):
        personalize = client()
        names = [f"g{index:02d}" for index in range(7)]
        for name in names:
            personalize.create_dataset_group(name=name)
        pages = list(
            personalize.get_paginator("list_dataset_groups").paginate(PaginationConfig={"PageSize": 3})
        )
    assert [len(page["datasetGroups"]) for page in pages] == [3, 3, 1]
    assert sorted(group["name"] for page in pages for group in page["datasetGroups"]) == names
    assert_reset()


def test_after_call_hooks_still_run() -> None:
    seen: list[tuple[str, int]] = []

    def after_call(model: Any, parsed: dict[str, Any], **_: Any) -> None:
        seen.append((model.name, parsed["ResponseMetadata"]["HTTPStatusCode"]))

    with mock_personalize():
        personalize = client()
        personalize.meta.events.register("after-call.personalize.ListDatasetGroups", after_call)
        personalize.list_dataset_groups()
    assert seen == [("ListDatasetGroups", 200)]
    assert_reset()


def test_regions_have_separate_backends() -> None:
    with mock_personalize():
        east = client(region="us-east-1")
        west = client(region="eu-west-1")
        east_arn = east.create_dataset_group(name="g")["datasetGroupArn"]
        west_arn = west.create_dataset_group(name="g")["datasetGroupArn"]
        assert east_arn == "arn:aws:personalize:us-east-1:123456789012:dataset-group/g"
        assert west_arn == "arn:aws:personalize:eu-west-1:123456789012:dataset-group/g"
        assert [group["datasetGroupArn"] for group in west.list_dataset_groups()["datasetGroups"]] == [
            west_arn
        ]
    assert_reset()


def test_low_level_botocore_client_is_intercepted() -> None:
    with mock_personalize():
        personalize = botocore.session.Session().create_client("personalize", region_name=REGION)
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        assert client().describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["name"] == "g"
    assert_reset()


# -- fail closed -----------------------------------------------------------------------------------------


def test_unimplemented_runtime_operation_raises_not_implemented(monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_unimplemented(monkeypatch)
    with mock_personalize(), no_network(monkeypatch) as attempts:
        runtime = client("personalize-runtime")
        with pytest.raises(NotImplementedOperation) as caught:
            runtime.get_recommendations(campaignArn=CAMPAIGN_ARN, userId="u1")
    error = caught.value
    assert isinstance(error, NotImplementedError)
    assert isinstance(error, personalize_mock.PersonalizeMockError)
    assert error.service == "personalize-runtime"
    assert error.operation == "GetRecommendations"
    assert "GetRecommendations" in str(error)
    assert "docs/coverage.md" in str(error)
    assert attempts == []
    assert_reset()


def test_unimplemented_events_operation_raises_not_implemented(monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_unimplemented(monkeypatch)
    with mock_personalize(), no_network(monkeypatch) as attempts:
        events = client("personalize-events")
        with pytest.raises(NotImplementedOperation, match="PutEvents"):
            events.put_events(
                trackingId="t",
                sessionId="s",
                eventList=[{"eventType": "click", "sentAt": 0}],
            )
    assert attempts == []
    assert_reset()


def test_escaped_client_raises_and_names_patch_client(monkeypatch: pytest.MonkeyPatch) -> None:
    personalize = escaped_client(monkeypatch)
    with mock_personalize(), no_network(monkeypatch) as attempts:
        with pytest.raises(EscapedRequestError) as caught:
            personalize.list_dataset_groups()
        assert "patch_client" in str(caught.value)
        assert caught.value.url.startswith("https://personalize.us-east-1.amazonaws.com")
        # The runtime service (also signed as "personalize") is blocked the same way.
        runtime = escaped_client(monkeypatch, "personalize-runtime")
        with pytest.raises(EscapedRequestError):
            runtime.get_recommendations(campaignArn=CAMPAIGN_ARN, userId="u1")
    assert attempts == []
    assert_reset()


def test_patch_client_routes_an_escaped_client_through_the_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_unimplemented(monkeypatch)
    personalize = escaped_client(monkeypatch)
    assert patch_client(personalize) is personalize
    with mock_personalize(), no_network(monkeypatch) as attempts:
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        # The patched client shares the mock's state with ordinary clients.
        assert client().describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["name"] == "g"
        runtime = patch_client(escaped_client(monkeypatch, "personalize-runtime"))
        with pytest.raises(NotImplementedOperation):
            runtime.get_recommendations(campaignArn=CAMPAIGN_ARN, userId="u1")
    assert attempts == []
    assert_reset()


def test_patch_client_inside_active_mock_and_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    personalize = escaped_client(monkeypatch)
    with mock_personalize(), no_network(monkeypatch) as attempts:
        with pytest.raises(EscapedRequestError):
            personalize.list_dataset_groups()
        patch_client(personalize)
        patch_client(personalize)
        personalize.create_dataset_group(name="g")
        assert [group["name"] for group in personalize.list_dataset_groups()["datasetGroups"]] == ["g"]
    assert attempts == []
    assert_reset()


def test_patch_client_on_ordinary_client_is_harmless() -> None:
    with mock_personalize():
        personalize = patch_client(client())
        personalize.create_dataset_group(name="g")
        assert [group["name"] for group in personalize.list_dataset_groups()["datasetGroups"]] == ["g"]
    assert_reset()


def test_patch_client_refuses_non_clients() -> None:
    with pytest.raises(TypeError, match="botocore client"):
        patch_client(object())
    with pytest.raises(TypeError, match="PersonalizeMock"):
        patch_client(PersonalizeMock())


def test_before_send_refuses_when_nothing_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    # A client where only our before-call handler is missing: before-send still fails closed.
    with mock_personalize(), no_network(monkeypatch) as attempts:
        personalize = client()
        personalize.meta.events.unregister("before-call.personalize", interception._answer)
        with pytest.raises(EscapedRequestError, match="patch_client"):
            personalize.list_dataset_groups()
    assert attempts == []
    assert_reset()


def test_params_are_read_from_the_body_when_not_captured(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_personalize(), no_network(monkeypatch) as attempts:
        personalize = client()
        personalize.meta.events.unregister("before-parameter-build.personalize", interception._capture_params)
        arn = personalize.create_dataset_group(name="from-body")["datasetGroupArn"]
        assert arn.endswith("dataset-group/from-body")
    assert attempts == []
    assert_reset()


def test_other_services_are_not_intercepted(monkeypatch: pytest.MonkeyPatch) -> None:
    # An S3 call goes to the HTTP layer (where the test's no_network catches it): the mock
    # only answers Personalize.
    with mock_personalize(), no_network(monkeypatch) as attempts:
        s3 = client("s3")
        with pytest.raises(Exception) as caught:
            s3.list_buckets()
        assert not isinstance(caught.value, (EscapedRequestError, NotImplementedOperation))
    assert attempts, "the S3 request should have tried the network"
    assert_reset()


def test_client_created_before_activation_is_intercepted(monkeypatch: pytest.MonkeyPatch) -> None:
    # A module-level client: made while no mock is active, and without any credentials.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    personalize = client(fresh=True)
    before = dict.fromkeys(("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"))
    with mock_personalize(), no_network(monkeypatch) as attempts:
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        assert personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["name"] == "g"
    assert attempts == []
    assert_reset(before)


def test_custom_endpoint_url_is_still_intercepted(monkeypatch: pytest.MonkeyPatch) -> None:
    # A VPC endpoint or proxy is still AWS: answered in-process. Only loopback endpoints (a
    # local server the test started, tests/interception/test_loopback.py) are left alone.
    endpoint = "https://vpce-0abc.personalize.us-east-1.vpce.amazonaws.com"
    with mock_personalize(), no_network(monkeypatch) as attempts:
        session = boto3.session.Session()
        personalize = session.client("personalize", region_name=REGION, endpoint_url=endpoint)
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        assert arn.startswith(f"arn:aws:personalize:{REGION}:")
    assert attempts == []
    assert_reset()


LAZY_TABLE_SCRIPT = """
import sys
import boto3
import personalize_mock
from personalize_mock import mock_personalize
assert "personalize_mock.interception.operations" not in sys.modules, "import loaded the operation table"
with mock_personalize():
    client = boto3.client("personalize", region_name="us-east-1")
    assert "personalize_mock.interception.operations" not in sys.modules, "activation loaded the table"
    assert client.list_dataset_groups()["datasetGroups"] == []
    assert "personalize_mock.interception.operations" in sys.modules
print("ok")
"""


def test_the_operation_table_loads_at_the_first_call_not_at_import() -> None:
    # A fresh interpreter: in this process it is loaded already.
    assert run_fresh_interpreter(LAZY_TABLE_SCRIPT) == "ok"
