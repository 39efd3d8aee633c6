"""The send-layer guard: Personalize requests never reach the network while a mock is active."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from typing import Any

import botocore.exceptions
import botocore.httpsession
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSRequest
from helpers import ORIGINAL_SEND, assert_reset, no_network

from personalize_mock import EscapedRequestError, mock_personalize
from personalize_mock.activation.guard import SendGuard, _guarded, is_personalize_request

SCOPE = "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/{service}/aws4_request, SignedHeaders=host"


def request(url: str, authorization: str | bytes | None = None) -> AWSPreparedRequest:
    headers: dict[str, Any] = {}
    if authorization is not None:
        headers["Authorization"] = authorization
    prepared: AWSPreparedRequest = AWSRequest(method="POST", url=url, headers=headers, data=b"{}").prepare()
    return prepared


# -- recognising Personalize requests ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://personalize.us-east-1.amazonaws.com/",
        "https://personalize-runtime.eu-west-1.amazonaws.com/recommendations",
        "https://personalize-events.us-west-2.amazonaws.com/events",
    ],
)
def test_default_personalize_hosts_are_recognised(url: str) -> None:
    assert is_personalize_request(request(url))


@pytest.mark.parametrize("as_bytes", [True, False])
def test_signing_scope_is_recognised_on_any_endpoint(as_bytes: bool) -> None:
    authorization = SCOPE.format(service="personalize")
    header: str | bytes = authorization.encode() if as_bytes else authorization
    # A custom endpoint (VPC endpoint, proxy): only the signature tells.
    assert is_personalize_request(request("https://vpce-123.example.internal/", header))


@pytest.mark.parametrize(
    ("url", "authorization"),
    [
        ("https://s3.us-east-1.amazonaws.com/bucket", SCOPE.format(service="s3")),
        ("https://sts.amazonaws.com/", None),
        ("https://personalized.example.com/", None),
        ("http://127.0.0.1:5000/", SCOPE.format(service="personalizer")),
    ],
)
def test_other_requests_are_not_recognised(url: str, authorization: str | None) -> None:
    assert not is_personalize_request(request(url, authorization))


def test_request_without_headers_or_url() -> None:
    class Bare:
        pass

    assert not is_personalize_request(Bare())


# -- the wrappers ---------------------------------------------------------------------------------------


def test_guarded_sync_send_blocks_personalize_and_passes_others() -> None:
    sent: list[str] = []

    def original(self: Any, prepared: Any) -> str:
        sent.append(prepared.url)
        return "response"

    guarded = _guarded(original)
    assert guarded.__wrapped__ is original
    other = request("https://s3.us-east-1.amazonaws.com/bucket")
    assert guarded(object(), other) == "response"
    with pytest.raises(EscapedRequestError) as caught:
        guarded(object(), request("https://personalize.us-east-1.amazonaws.com/"))
    assert caught.value.url == "https://personalize.us-east-1.amazonaws.com/"
    assert sent == ["https://s3.us-east-1.amazonaws.com/bucket"]


def test_guarded_async_send_blocks_personalize_and_passes_others() -> None:
    sent: list[str] = []

    async def original(self: Any, prepared: Any) -> str:
        sent.append(prepared.url)
        return "response"

    guarded = _guarded(original)
    assert inspect.iscoroutinefunction(guarded)
    assert asyncio.run(guarded(object(), request("https://sts.amazonaws.com/"))) == "response"
    with pytest.raises(EscapedRequestError, match="patch_client"):
        asyncio.run(guarded(object(), request("https://personalize-runtime.us-east-1.amazonaws.com/")))
    assert sent == ["https://sts.amazonaws.com/"]


# -- SendGuard ---------------------------------------------------------------------------------------------


def test_send_guard_installs_and_restores_the_exact_function() -> None:
    guard = SendGuard()
    guard.install()
    try:
        patched = botocore.httpsession.URLLib3Session.__dict__["send"]
        assert patched is not ORIGINAL_SEND
        assert patched.__wrapped__ is ORIGINAL_SEND
    finally:
        guard.uninstall()
    assert botocore.httpsession.URLLib3Session.__dict__["send"] is ORIGINAL_SEND
    guard.uninstall()  # idempotent
    assert botocore.httpsession.URLLib3Session.__dict__["send"] is ORIGINAL_SEND


@pytest.mark.parametrize(
    ("module_name", "class_name"),
    [("aiobotocore.httpsession", "AIOHTTPSession"), ("aiobotocore.httpxsession", "HttpxSession")],
)
def test_send_guard_covers_aiobotocore_http_sessions(module_name: str, class_name: str) -> None:
    module = importlib.import_module(module_name)
    cls = getattr(module, class_name)
    original = cls.__dict__["send"]
    with mock_personalize():
        patched = cls.__dict__["send"]
        assert patched is not original
        assert patched.__wrapped__ is original
        assert inspect.iscoroutinefunction(patched)
    assert cls.__dict__["send"] is original
    assert_reset()


def test_mock_blocks_personalize_at_the_http_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_personalize(), no_network(monkeypatch) as attempts:
        assert botocore.httpsession.URLLib3Session.__dict__["send"] is not ORIGINAL_SEND
        session = botocore.httpsession.URLLib3Session()
        signed = request("https://vpce.example.internal/", SCOPE.format(service="personalize"))
        with pytest.raises(EscapedRequestError):
            session.send(signed)
        # Other requests go through to the real send (and meet the test's network block).
        with pytest.raises(botocore.exceptions.BotoCoreError, match="network access attempted"):
            session.send(request("https://s3.us-east-1.amazonaws.com/bucket"))
    assert any("getaddrinfo" in attempt for attempt in attempts)
    assert_reset()


def test_guard_is_installed_once_for_nested_activations() -> None:
    with mock_personalize():
        patched = botocore.httpsession.URLLib3Session.__dict__["send"]
        with mock_personalize():
            assert botocore.httpsession.URLLib3Session.__dict__["send"] is patched
        assert botocore.httpsession.URLLib3Session.__dict__["send"] is patched
    assert_reset()
