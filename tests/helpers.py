"""Shared helpers of the tests: ``assert_reset()``, a ``client()`` factory, network blocking.

Modules directly under ``tests/`` import this as ``helpers`` (pytest's default "prepend"
import mode puts ``tests/`` on ``sys.path``; no conftest is needed for that).

``assert_reset()`` follows the habit of ``responses``: after every way of switching the mock
on and off, check that nothing it patched is left behind.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.handlers
import botocore.httpsession
import botocore.session
import pytest

import personalize_mock.activation.mock as mock_module
from personalize_mock.activation import sleep as sleep_module
from personalize_mock.activation.environment import FAKE_CREDENTIALS
from personalize_mock.interception import dispatch, hooks, operations

REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
OTHER_ACCOUNT = "111122223333"
CREDENTIAL_NAMES = tuple(FAKE_CREDENTIALS)
#: A well-formed ARN for personalize-runtime calls (tests of the fail-closed path unimplement them).
CAMPAIGN_ARN = f"arn:aws:personalize:{REGION}:{DEFAULT_ACCOUNT}:campaign/c"

#: The real functions, captured when the tests are imported (no mock is active then).
ORIGINAL_SEND = botocore.httpsession.URLLib3Session.__dict__["send"]
ORIGINAL_TIME_SLEEP = sleep_module.real_sleep()
ORIGINAL_ASYNCIO_SLEEP = asyncio.sleep


def env_snapshot() -> dict[str, str | None]:
    """The credential variables as they are now (``None`` for unset)."""
    return {name: os.environ.get(name) for name in CREDENTIAL_NAMES}


ENV_AT_IMPORT = env_snapshot()


def _aio_sessions() -> list[type]:
    classes: list[type] = []
    for module_name in ("aiobotocore.httpsession", "aiobotocore.httpxsession"):
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for name in ("AIOHTTPSession", "HttpxSession"):
            cls = module.__dict__.get(name)
            if isinstance(cls, type) and "send" in cls.__dict__:
                classes.append(cls)
    return classes


def assert_reset(env_before: Mapping[str, str | None] | None = None) -> None:
    """Assert that no mock is active and everything a mock patches is back to the original.

    ``env_before`` is the credential snapshot taken before the mock started (defaults to the
    one taken when this module was imported).
    """
    expected_env = ENV_AT_IMPORT if env_before is None else dict(env_before)
    assert dispatch.active.state is None
    assert mock_module._current is None
    assert env_snapshot() == expected_env
    assert time.sleep is ORIGINAL_TIME_SLEEP
    assert asyncio.sleep is ORIGINAL_ASYNCIO_SLEEP
    assert botocore.httpsession.URLLib3Session.__dict__["send"] is ORIGINAL_SEND
    for cls in _aio_sessions():
        assert not hasattr(cls.__dict__["send"], "__wrapped__"), f"{cls.__name__}.send still guarded"
    freezegun_api = sys.modules.get("freezegun.api")
    if freezegun_api is not None:
        assert not freezegun_api.freeze_factories, "freezegun left running"
    time_machine = sys.modules.get("time_machine")
    if time_machine is not None:
        assert not time_machine.traveller_stack, "the wall clock is still travelling"


_shared_session: list[boto3.session.Session] = []


def client(service: str = "personalize", region: str = REGION, *, fresh: bool = False) -> Any:
    """A new boto3 client, from a brand-new session when ``fresh``.

    Otherwise the session is shared (loading service models is what makes a new session slow).
    It is created on first use, after ``import personalize_mock``, so its clients carry the
    handlers; a library that registers botocore handlers at import (moto) must be imported
    before that first use, or its tests should ask for ``fresh=True``.
    """
    if fresh:
        return boto3.session.Session().client(service, region_name=region)
    if not _shared_session:
        _shared_session.append(boto3.session.Session())
    return _shared_session[0].client(service, region_name=region)


def handlerless_botocore_session(monkeypatch: pytest.MonkeyPatch) -> botocore.session.Session:
    """A botocore session like one created before ``import personalize_mock``: without its handlers."""
    with without_global_handlers(monkeypatch):
        session = botocore.session.Session()
    return session


@contextmanager
def without_global_handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Sessions created inside the block lack personalize_mock's handlers (as before the import)."""
    specs = hooks._HANDLER_SPECS
    original = botocore.handlers.BUILTIN_HANDLERS
    with monkeypatch.context() as patch:
        patch.setattr(botocore.handlers, "BUILTIN_HANDLERS", [spec for spec in original if spec not in specs])
        yield


#: Operations the fail-closed tests call; not implemented yet, and kept so by ensure_unimplemented.
UNIMPLEMENTED = (("personalize-runtime", "GetRecommendations"), ("personalize-events", "PutEvents"))


def ensure_unimplemented(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure the :data:`UNIMPLEMENTED` operations have no handler for this test.

    The fail-closed tests then keep testing an unimplemented operation once these get one.
    """
    for service, operation in UNIMPLEMENTED:
        monkeypatch.delitem(operations.TABLE[service], operation, raising=False)


class NetworkAttempt(AssertionError):
    """Raised (and recorded) when a test tries to open a connection."""


@contextmanager
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail any DNS lookup or connection attempt; yields the list of attempts made."""
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args!r}")
            raise NetworkAttempt(f"network access attempted: {name}{args!r}")

        return refused

    with monkeypatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse("socket.connect"))
        patch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
        patch.setattr(socket, "create_connection", refuse("socket.create_connection"))
        patch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
        yield attempts


def run_fresh_interpreter(script: str) -> str:
    """Run ``script`` with ``python -c`` in a new interpreter; its stdout, or fail with its stderr.

    For what a test process cannot show any more: what importing or first use loads.
    """
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()
