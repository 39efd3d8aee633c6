"""Activation cost (repeated, in this process) and the fixed cost of one test.

"First" activations are measured in fresh interpreters by :mod:`bench_fresh`; here every
figure is a repeated one: the median over interleaved batches.

The per-test fixed cost is what a test pays before and after its own work: activate, make a
client with ``boto3.client(...)`` from the default session, one call, deactivate. Its floor —
making the client and one call answered by a bare ``before-call`` handler, with no mock at
all — is measured beside it, since client creation is botocore's and no mock can avoid it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from bench_core import Contender, Series, Settings, clean_session, interleave, perf_counter_ns
from bench_percall import READ_REGION, floor_handler

from personalize_mock import mock_personalize

REUSED = "personalize_mock, client reused"


@dataclass
class Activation:
    enter_exit: dict[str, Series]  # µs per enter+exit
    per_test: dict[str, Series]  # µs per test
    list_operation: str


def _repeat(body: Callable[[], Any]) -> Contender:
    def run(n: int) -> int:
        start = perf_counter_ns()
        for _ in range(n):
            body()
        return perf_counter_ns() - start

    return run


def _after_warm_up(body: Callable[[], Any]) -> Contender:
    # One untimed iteration first: moto swaps boto3.DEFAULT_SESSION while active, and a
    # batch must not pay for a default session another contender's batch dropped.
    def run(n: int) -> int:
        body()
        return _repeat(body)(n)

    return run


def run(settings: Settings, list_method: str) -> Activation:
    from moto import mock_aws

    prebuilt = mock_personalize()

    def with_prebuilt() -> None:
        with prebuilt:
            pass

    def with_new() -> None:
        with mock_personalize():
            pass

    @mock_personalize
    def decorated() -> None:
        pass

    moto_prebuilt = mock_aws()

    def moto_with() -> None:
        with moto_prebuilt:
            pass

    @mock_aws
    def moto_decorated() -> None:
        pass

    moto_calls = max(2, settings.activations // 200)
    enter_exit = interleave(
        {
            "with prebuilt": _repeat(with_prebuilt),
            "with mock_personalize()": _repeat(with_new),
            "decorated": _repeat(decorated),
            "moto with prebuilt": _repeat(moto_with),
            "moto decorated": _repeat(moto_decorated),
        },
        {
            "with prebuilt": settings.activations,
            "with mock_personalize()": settings.activations,
            "decorated": settings.activations,
            "moto with prebuilt": moto_calls,
            "moto decorated": moto_calls,
        },
        settings.rounds,
    )

    # -- per-test fixed cost --------------------------------------------------------------------
    floor_session = clean_session(aws_access_key_id="testing", aws_secret_access_key="testing")
    canned = {
        "ListDatasetGroups": {"datasetGroups": [], "ResponseMetadata": {}},
        "ListSchemas": {"schemas": []},
    }
    operation = "".join(part.capitalize() for part in list_method.split("_"))
    canned.setdefault(operation, {})
    handler = floor_handler(canned)

    def floor_test() -> None:
        client = floor_session.client("personalize", region_name=READ_REGION)
        client.meta.events.register("before-call.personalize", handler)
        getattr(client, list_method)()

    def mock_test() -> None:
        with mock_personalize():
            getattr(boto3.client("personalize", region_name=READ_REGION), list_method)()

    reused = boto3.client("personalize", region_name=READ_REGION)

    def mock_test_reused_client() -> None:
        # The handlers are global and gated by the active flag, so a client made once (a
        # session-scoped fixture) keeps working in every later activation.
        with mock_personalize():
            getattr(reused, list_method)()

    def moto_test() -> None:
        with mock_aws():
            boto3.client("personalize", region_name=READ_REGION).list_schemas()

    per_test = interleave(
        {
            "floor: client + one call": _after_warm_up(floor_test),
            "personalize_mock": _after_warm_up(mock_test),
            REUSED: _after_warm_up(mock_test_reused_client),
            "moto": _after_warm_up(moto_test),
        },
        {
            "floor: client + one call": settings.tests,
            "personalize_mock": settings.tests,
            REUSED: settings.tests * 10,
            "moto": max(2, settings.tests // 4),
        },
        settings.rounds,
    )
    return Activation(enter_exit, per_test, operation)
