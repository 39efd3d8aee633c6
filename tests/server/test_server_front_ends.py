"""One implementation, two front ends: the same scenario in-process and over HTTP answers alike.

The scenario (server_scenario.py) runs once under ``mock_personalize`` with the server's
durations and once with boto3 clients pointed at the server; the parsed answers are compared
field by field after removing what differs between any two runs (absolute times, request
metadata; both draw random ids from one seed, and ids are normalised all the same). Errors
are compared with their code, message and HTTP status.
"""

from __future__ import annotations

from typing import Any

import boto3
import server_scenario
from server_helpers import Live

from personalize_mock import mock_personalize
from personalize_mock.server import SERVER_DURATIONS

#: Both states draw their random ids (ARN suffixes, recommendation ids) from this seed, so the
#: made-up metrics, which derive from the version ARN, are the same in both runs too.
SEED = 20240101


def in_process() -> list[tuple[str, Any]]:
    with mock_personalize(durations=SERVER_DURATIONS, validate_responses=True, simulate_sleep=False) as pm:
        pm.state.rng.seed(SEED)

        def client(service: str) -> Any:
            return boto3.client(service, region_name="us-east-1")

        return server_scenario.run(
            client, lambda seconds: pm.advance(seconds) and None, lambda: pm.settle() and None
        )


def over_http(live: Live) -> list[tuple[str, Any]]:
    live.server.app.state.rng.seed(SEED)
    return server_scenario.run(
        live.client,
        lambda seconds: live.control("advance", {"seconds": seconds}),
        lambda: live.control("settle"),
    )


def test_both_front_ends_answer_the_scenario_identically(live: Live) -> None:
    local = in_process()
    remote = over_http(live)

    assert [label for label, _ in remote] == [label for label, _ in local]
    for (label, mine), (_, theirs) in zip(local, remote, strict=True):
        assert server_scenario.normalise(theirs) == server_scenario.normalise(mine), label


def test_the_scenario_covers_statuses_errors_and_every_service(live: Live) -> None:
    steps = dict(over_http(live))

    assert steps["group pending"]["datasetGroup"]["status"] == "CREATE PENDING"
    assert steps["group in progress"]["datasetGroup"]["status"] == "CREATE IN_PROGRESS"
    assert steps["group active"]["datasetGroup"]["status"] == "ACTIVE"
    assert steps["duplicate group"]["Error"]["Code"] == "ResourceAlreadyExistsException"
    assert steps["name too long"]["Error"]["Code"] == "InvalidInputException"
    assert steps["full active"]["solutionVersion"]["status"] == "ACTIVE"
    assert steps["stopping"]["solutionVersion"]["status"] == "CREATE STOPPING"
    assert steps["stopped"]["solutionVersion"]["status"] == "CREATE STOPPED"
    assert len(steps["versions"]["solutionVersions"]) == 3
    assert len(steps["versions page 2"]["solutionVersions"]) == 1
    assert len(steps["recommend"]["itemList"]) == 5
    assert steps["recommend missing"]["HTTPStatusCode"] == 404
    assert steps["recommend missing"]["Error"]["Code"] == "ResourceNotFoundException"
    assert steps["campaign gone"]["Error"]["Code"] == "ResourceNotFoundException"
    assert steps["tags"]["tags"] == [{"tagKey": "team", "tagValue": "ml"}]
    created = steps["group active"]["datasetGroup"]["creationDateTime"]
    assert created.tzinfo is not None and created.microsecond % 1000 == 0  # milliseconds on the wire
