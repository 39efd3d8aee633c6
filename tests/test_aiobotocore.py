"""aiobotocore clients are intercepted like botocore's (coroutines run with ``asyncio.run``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiobotocore.session
import pytest
from helpers import (
    CAMPAIGN_ARN,
    REGION,
    assert_reset,
    ensure_unimplemented,
    no_network,
    without_global_handlers,
)

from personalize_mock import EscapedRequestError, NotImplementedOperation, mock_personalize, patch_client
from personalize_mock.interception.dispatch import active

T = TypeVar("T")


def run(factory: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await factory()

    return asyncio.run(main())


def aio_client(service: str = "personalize", session: Any = None) -> Any:
    session = session or aiobotocore.session.get_session()
    return session.create_client(service, region_name=REGION)


def test_create_describe_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    async def body() -> None:
        async with mock_personalize() as pm, aio_client() as personalize:
            arn = (await personalize.create_dataset_group(name="g"))["datasetGroupArn"]
            assert arn == f"arn:aws:personalize:{REGION}:123456789012:dataset-group/g"
            group = (await personalize.describe_dataset_group(datasetGroupArn=arn))["datasetGroup"]
            assert group["status"] == "CREATE PENDING"
            assert group["creationDateTime"].tzinfo is not None
            pm.settle()
            group = (await personalize.describe_dataset_group(datasetGroupArn=arn))["datasetGroup"]
            assert group["status"] == "ACTIVE"
            with pytest.raises(personalize.exceptions.ResourceAlreadyExistsException) as caught:
                await personalize.create_dataset_group(name="g")
            assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            with pytest.raises(personalize.exceptions.ResourceNotFoundException):
                await personalize.describe_dataset_group(datasetGroupArn=arn + "-missing")

    with no_network(monkeypatch) as attempts:
        run(body)
    assert attempts == []
    assert_reset()


def test_inject_error_reaches_aio_client() -> None:
    async def body() -> dict[str, Any]:
        async with mock_personalize() as pm, aio_client() as personalize:
            pm.inject_error("ListDatasetGroups", "ThrottlingException", message="slow down")
            with pytest.raises(Exception) as caught:
                await personalize.list_dataset_groups()
            response: dict[str, Any] = caught.value.response  # type: ignore[attr-defined]
            return response

    response = run(body)
    assert response["Error"] == {"Code": "ThrottlingException", "Message": "slow down"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert_reset()


def test_polling_with_asyncio_sleep_finishes_in_simulated_time() -> None:
    async def body() -> tuple[int, float]:
        async with mock_personalize(durations={"dataset_group": 600}) as pm, aio_client() as personalize:
            arn = (await personalize.create_dataset_group(name="g"))["datasetGroupArn"]
            polls = 0
            while True:
                described = await personalize.describe_dataset_group(datasetGroupArn=arn)
                if described["datasetGroup"]["status"] == "ACTIVE":
                    return polls, pm.state.clock.offset
                polls += 1
                assert polls < 100
                await asyncio.sleep(30)

    polls, offset = run(body)
    assert polls == 20
    assert offset == 600
    assert_reset()


def test_paginator() -> None:
    async def body() -> list[int]:
        async with mock_personalize(quotas={"dataset_groups": 10}), aio_client() as personalize:
            for index in range(5):
                await personalize.create_dataset_group(name=f"g{index}")
            paginator = personalize.get_paginator("list_dataset_groups")
            pages = paginator.paginate(PaginationConfig={"PageSize": 2})
            return [len(page["datasetGroups"]) async for page in pages]

    assert run(body) == [2, 2, 1]
    assert_reset()


def test_unimplemented_operation_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_unimplemented(monkeypatch)

    async def body() -> None:
        async with mock_personalize(), aio_client("personalize-runtime") as runtime:
            with pytest.raises(NotImplementedOperation, match="GetRecommendations"):
                await runtime.get_recommendations(campaignArn=CAMPAIGN_ARN, userId="u")

    with no_network(monkeypatch) as attempts:
        run(body)
    assert attempts == []
    assert_reset()


def test_escaped_aio_client_is_blocked_then_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    with without_global_handlers(monkeypatch):
        old_session = aiobotocore.session.AioSession()
    old_session.set_credentials("AKIDEXAMPLE", "secret")

    async def body() -> list[str]:
        async with mock_personalize(), aio_client(session=old_session) as personalize:
            with pytest.raises(EscapedRequestError, match="patch_client"):
                await personalize.list_dataset_groups()
            assert patch_client(personalize) is personalize
            await personalize.create_dataset_group(name="g")
            groups = (await personalize.list_dataset_groups())["datasetGroups"]
            return [group["name"] for group in groups]

    with no_network(monkeypatch) as attempts:
        assert run(body) == ["g"]
    assert attempts == []
    assert_reset()


def test_decorated_coroutine_with_aio_client() -> None:
    @mock_personalize(account_id="111122223333")
    async def body() -> str:
        async with aio_client() as personalize:
            await asyncio.sleep(0)
            assert active.state is not None
            arn: str = (await personalize.create_dataset_group(name="g"))["datasetGroupArn"]
            return arn

    assert asyncio.run(body()) == f"arn:aws:personalize:{REGION}:111122223333:dataset-group/g"
    assert_reset()


def test_concurrent_calls_share_state() -> None:
    async def body() -> list[str]:
        async with mock_personalize(quotas={"dataset_groups": 10}), aio_client() as personalize:
            await asyncio.gather(*(personalize.create_dataset_group(name=f"g{index}") for index in range(5)))
            groups = (await personalize.list_dataset_groups())["datasetGroups"]
            return sorted(group["name"] for group in groups)

    assert run(body) == [f"g{index}" for index in range(5)]
    assert_reset()
