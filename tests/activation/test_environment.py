"""Static fake credentials in the environment while a mock is active, restored exactly on exit."""

from __future__ import annotations

import asyncio
import os

import boto3
import pytest
from helpers import CREDENTIAL_NAMES, assert_reset, env_snapshot

from personalize_mock import mock_personalize
from personalize_mock.activation.environment import FAKE_CREDENTIALS, FakeCredentials


@pytest.fixture
def unset_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def real_looking_credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "AWS_ACCESS_KEY_ID": "AKIAREALLOOKING00001",
        "AWS_SECRET_ACCESS_KEY": "real/looking/secret",
        "AWS_SESSION_TOKEN": "real-looking-token",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def assert_fake_credentials() -> None:
    for name, value in FAKE_CREDENTIALS.items():
        assert os.environ[name] == value


def test_fake_credentials_cover_the_three_variables() -> None:
    assert set(FAKE_CREDENTIALS) == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


def test_unset_variables_are_set_then_removed(unset_credentials: None) -> None:
    before = env_snapshot()
    assert before == dict.fromkeys(CREDENTIAL_NAMES)
    with mock_personalize():
        assert_fake_credentials()
    for name in CREDENTIAL_NAMES:
        assert name not in os.environ
    assert_reset(before)


def test_existing_variables_are_replaced_then_restored(real_looking_credentials: dict[str, str]) -> None:
    before = env_snapshot()
    with mock_personalize():
        assert_fake_credentials()
    for name, value in real_looking_credentials.items():
        assert os.environ[name] == value
    assert_reset(before)


def test_partially_set_variables_are_restored_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAONLYKEY000000001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    before = env_snapshot()
    with mock_personalize():
        assert_fake_credentials()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAONLYKEY000000001"
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == ""
    assert "AWS_SESSION_TOKEN" not in os.environ
    assert_reset(before)


def test_restored_when_the_body_raises(real_looking_credentials: dict[str, str]) -> None:
    before = env_snapshot()
    with pytest.raises(OSError, match="inside"), mock_personalize():
        raise OSError("inside")
    assert_reset(before)


def test_restored_when_decorated_function_raises(unset_credentials: None) -> None:
    @mock_personalize
    def body() -> None:
        assert_fake_credentials()
        raise OSError("inside")

    with pytest.raises(OSError, match="inside"):
        body()
    assert_reset(dict.fromkeys(CREDENTIAL_NAMES))


def test_restored_after_async_activation(real_looking_credentials: dict[str, str]) -> None:
    before = env_snapshot()

    async def body() -> None:
        async with mock_personalize():
            assert_fake_credentials()

    asyncio.run(body())
    assert_reset(before)


def test_changes_made_inside_are_undone(real_looking_credentials: dict[str, str]) -> None:
    before = env_snapshot()
    with mock_personalize():
        os.environ["AWS_ACCESS_KEY_ID"] = "changed-inside"
        del os.environ["AWS_SESSION_TOKEN"]
    assert_reset(before)


def test_nested_activation_keeps_fake_credentials_until_outermost_exit(
    real_looking_credentials: dict[str, str],
) -> None:
    before = env_snapshot()
    with mock_personalize():
        with mock_personalize():
            assert_fake_credentials()
        assert_fake_credentials()
    assert_reset(before)


def test_boto3_resolves_the_fake_credentials(real_looking_credentials: dict[str, str]) -> None:
    before = env_snapshot()
    with mock_personalize():
        credentials = boto3.session.Session().get_credentials()
        assert credentials is not None
        frozen = credentials.get_frozen_credentials()
        assert frozen.access_key == "testing"
        assert frozen.secret_key == "testing"
        assert frozen.token == "testing"
    assert_reset(before)


def test_fake_credentials_object_round_trip(unset_credentials: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "kept")
    fake = FakeCredentials()
    fake.uninstall()  # nothing saved yet: a no-op
    assert os.environ["AWS_ACCESS_KEY_ID"] == "kept"
    fake.install()
    assert_fake_credentials()
    fake.uninstall()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "kept"
    assert "AWS_SECRET_ACCESS_KEY" not in os.environ
    assert "AWS_SESSION_TOKEN" not in os.environ
    # A second uninstall does not clobber anything.
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "set-later")
    fake.uninstall()
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "set-later"


def test_values_already_fake_are_left_alone_and_the_rest_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")  # a suite that sets moto's test values
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real/looking/secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    before = env_snapshot()
    credentials = FakeCredentials()
    credentials.install()
    assert_fake_credentials()
    assert credentials._saved == {"AWS_SECRET_ACCESS_KEY": "real/looking/secret", "AWS_SESSION_TOKEN": None}
    credentials.uninstall()
    assert env_snapshot() == before
