"""No network, proven: representative scenarios run with every way out of the process refused.

``socket.socket.connect``/``connect_ex``, ``socket.create_connection`` and
``socket.getaddrinfo`` are replaced by functions that record the attempt and fail
(``helpers.no_network``). The scenarios cover the whole control plane (a seeded world of
every resource kind, S3 locations included), the runtime and events APIs, a client whose
session predates the import (blocked at the HTTP layer), and an operation without a handler
(refused in process). None of them may even try to connect or resolve a name.

With real-looking credentials in the environment, in a shared credentials file and a named
profile, mocked Personalize calls never load credentials (every botocore credential
provider's ``load`` is recorded) and never sign a request (``RequestSigner.sign`` fails).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.credentials
import botocore.signers
import fuzzing
import pytest
from botocore import xform_name
from helpers import assert_reset, env_snapshot, handlerless_botocore_session, no_network

from personalize_mock import EscapedRequestError, NotImplementedOperation, mock_personalize
from personalize_mock.interception import operations

REAL_LOOKING = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLETOKEN",
}


def control_plane_and_data(personalize: Any, pm: Any) -> fuzzing.World:
    """Every kind of control-plane resource, then a read of each listing."""
    world = fuzzing.build_world(pm, personalize)
    for operation in sorted(operations.CONTROL_PLANE):
        if operation.startswith("List") and operation not in (
            "ListTagsForResource",
            "ListMetricAttributionMetrics",
        ):
            getattr(personalize, xform_name(operation))()
    personalize.list_tags_for_resource(resourceArn=world.by_member["solutionArn"][0])
    return world


def runtime_and_events(world: fuzzing.World) -> None:
    """One call of each runtime and events operation the table implements."""
    clients = fuzzing.clients()
    for service in ("personalize-runtime", "personalize-events"):
        for operation in sorted(operations.TABLE[service]):
            template = fuzzing.TEMPLATES.get(operation)
            if template is not None:
                # Success or a modeled refusal: either way answered in process.
                fuzzing.call(clients[service], operation, template(world))


def test_control_plane_runtime_and_events_never_touch_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_personalize(validate_responses=True) as pm, no_network(monkeypatch) as attempts:
        personalize = boto3.client("personalize", region_name=fuzzing.REGION)
        world = control_plane_and_data(personalize, pm)
        runtime_and_events(world)
        pm.settle()
    assert attempts == []
    assert_reset()


def test_escaped_client_is_blocked_before_any_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    session = handlerless_botocore_session(monkeypatch)
    with mock_personalize(), no_network(monkeypatch) as attempts:
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("personalize", "list_dataset_groups", {}),
            (
                "personalize-runtime",
                "get_recommendations",
                {"campaignArn": fuzzing.PREFIX + "campaign/c", "userId": "u"},
            ),
            (
                "personalize-events",
                "put_events",
                {"trackingId": "t", "sessionId": "s", "eventList": [{"eventType": "click", "sentAt": 0}]},
            ),
        ]
        for service, method, params in calls:
            escaped = session.create_client(service, region_name=fuzzing.REGION)
            with pytest.raises(EscapedRequestError):
                getattr(escaped, method)(**params)
    assert attempts == []
    assert_reset()


def test_unsupported_operation_is_refused_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(operations.CONTROL_PLANE, "ListRecipes")
    monkeypatch.delitem(operations.RUNTIME, "GetRecommendations", raising=False)
    with mock_personalize(), no_network(monkeypatch) as attempts:
        with pytest.raises(NotImplementedOperation, match="ListRecipes"):
            boto3.client("personalize", region_name=fuzzing.REGION).list_recipes()
        with pytest.raises(NotImplementedOperation, match="GetRecommendations"):
            boto3.client("personalize-runtime", region_name=fuzzing.REGION).get_recommendations(
                campaignArn=fuzzing.PREFIX + "campaign/c", userId="u1"
            )
    assert attempts == []
    assert_reset()


# --------------------------------------------------------------------------------------------
# Credentials and signing
# --------------------------------------------------------------------------------------------


@pytest.fixture
def real_looking_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Credentials in the environment, in a shared credentials file, and a profile naming them."""
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[production]\n"
        "aws_access_key_id = AKIAI44QH8DHBEXAMPLE\n"
        "aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n"
    )
    config = tmp_path / "config"
    config.write_text("[profile production]\nregion = us-east-1\n")
    for name, value in REAL_LOOKING.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "production")
    yield


class Recorder:
    """Records credential loads and refuses signing while ``armed``."""

    def __init__(self) -> None:
        self.armed = False
        self.loads: list[str] = []
        self.signatures: list[str] = []


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recording = Recorder()
    for name, cls in vars(botocore.credentials).items():
        if (
            inspect.isclass(cls)
            and issubclass(cls, botocore.credentials.CredentialProvider)
            and "load" in vars(cls)
        ):
            monkeypatch.setattr(cls, "load", _recording_load(recording, name, vars(cls)["load"]))
    original_resolve = botocore.credentials.CredentialResolver.load_credentials
    monkeypatch.setattr(
        botocore.credentials.CredentialResolver,
        "load_credentials",
        _recording_load(recording, "CredentialResolver", original_resolve),
    )

    def refuse_to_sign(self: Any, operation_name: str, request: Any, *args: Any, **kwargs: Any) -> None:
        recording.signatures.append(operation_name)
        raise AssertionError(f"a request for {operation_name} was signed")

    monkeypatch.setattr(botocore.signers.RequestSigner, "sign", refuse_to_sign)
    return recording


def _recording_load(recording: Recorder, name: str, original: Any) -> Any:
    def load(self: Any, *args: Any, **kwargs: Any) -> Any:
        if recording.armed:
            recording.loads.append(name)
        return original(self, *args, **kwargs)

    return load


@pytest.mark.usefixtures("real_looking_credentials")
def test_mocked_calls_neither_load_credentials_nor_sign(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    before = env_snapshot()
    assert before["AWS_ACCESS_KEY_ID"] == REAL_LOOKING["AWS_ACCESS_KEY_ID"]
    with mock_personalize(validate_responses=True) as pm, no_network(monkeypatch) as attempts:
        # The environment's credentials are replaced by fake ones for as long as the mock runs.
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        # Clients resolve credentials when they are created (botocore does that eagerly); the
        # calls made afterwards must not load or use any.
        session = boto3.session.Session()
        personalize = session.client("personalize", region_name=fuzzing.REGION)
        clients = {
            service: session.client(service, region_name=fuzzing.REGION)
            for service in ("personalize-runtime", "personalize-events")
        }
        recorder.armed = True
        world = control_plane_and_data(personalize, pm)
        for service, client in clients.items():
            for operation in sorted(operations.TABLE[service]):
                template = fuzzing.TEMPLATES.get(operation)
                if template is not None:
                    fuzzing.call(client, operation, template(world))
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_solution(solutionArn=fuzzing.PREFIX + "solution/none")
        assert recorder.loads == []
        # Control: the recorder does see credential loads (a new session's first client).
        boto3.session.Session().client("personalize", region_name=fuzzing.REGION)
        assert recorder.loads
        recorder.armed = False
    assert recorder.signatures == []
    assert attempts == []
    assert_reset(before)


def test_the_instruments_catch_what_they_watch(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> None:
    """Controls: outside a mock the same instruments record a connection attempt and a signature."""
    import socket

    with no_network(monkeypatch) as attempts:
        with pytest.raises(AssertionError, match="network access attempted"):
            socket.create_connection(("personalize.us-east-1.amazonaws.com", 443))
        with pytest.raises(AssertionError, match="network access attempted"):
            socket.getaddrinfo("personalize.us-east-1.amazonaws.com", 443)
    assert len(attempts) == 2
    personalize = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x", region_name=fuzzing.REGION
    ).client("personalize")
    with no_network(monkeypatch) as attempts, pytest.raises(AssertionError, match="was signed"):
        personalize.list_dataset_groups()
    assert recorder.signatures == ["ListDatasetGroups"]
    assert attempts == []


@pytest.mark.usefixtures("real_looking_credentials")
def test_default_session_client_inside_the_mock_signs_nothing(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    before = env_snapshot()
    with mock_personalize(), no_network(monkeypatch) as attempts:
        personalize = boto3.client("personalize", region_name=fuzzing.REGION)
        recorder.armed = True
        arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        personalize.describe_dataset_group(datasetGroupArn=arn)
        with pytest.raises(NotImplementedOperation):
            monkeypatch.delitem(operations.CONTROL_PLANE, "ListSchemas")
            personalize.list_schemas()
        recorder.armed = False
    assert recorder.loads == []
    assert recorder.signatures == []
    assert attempts == []
    assert_reset(before)
