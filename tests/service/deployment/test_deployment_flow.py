"""The deployment slice of a real pipeline, end to end, polled the way client code polls.

solution → FULL version ACTIVE → campaign ACTIVE → UPDATE version ACTIVE → UpdateCampaign to
it (the campaign keeps serving the old version, ACTIVE, while latestCampaignUpdate runs, then
switches) → a second UpdateCampaign during an update is refused → the solution cannot be
deleted while the campaign lives → cleanup ends in ResourceNotFoundException everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from personalize_mock import PersonalizeMock

RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
POLL_SECONDS = 30


def wait_for(
    describe: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Poll with time.sleep as client code does (the mock's simulated sleep makes this instant)."""
    for _ in range(1000):
        result = describe()
        if done(result):
            return result
        time.sleep(POLL_SECONDS)
    raise AssertionError("never reached the expected state")


def wait_until_gone(describe: Callable[[], Any]) -> None:
    """The cleanup loop of AWS sample code: poll until ResourceNotFoundException."""
    for _ in range(1000):
        try:
            describe()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return
            raise
        time.sleep(POLL_SECONDS)
    raise AssertionError("never went away")


def test_campaign_lifecycle_slice(pm: PersonalizeMock, client: Any) -> None:
    group = client.create_dataset_group(name="flow")["datasetGroupArn"]
    wait_for(lambda: client.describe_dataset_group(datasetGroupArn=group)["datasetGroup"], active)
    solution = client.create_solution(name="flow-sol", datasetGroupArn=group, recipeArn=RECIPE)["solutionArn"]

    full = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    trained = wait_for(lambda: version(client, full), settled)
    assert (trained["status"], trained["trainingMode"]) == ("ACTIVE", "FULL")

    campaign = client.create_campaign(name="flow-camp", solutionVersionArn=full)["campaignArn"]
    assert describe(client, campaign)["status"] in {"CREATE PENDING", "CREATE IN_PROGRESS"}
    deployed = wait_for(lambda: describe(client, campaign), settled)
    assert deployed["status"] == "ACTIVE"
    assert deployed["solutionVersionArn"] == full
    assert "latestCampaignUpdate" not in deployed

    incremental = client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")[
        "solutionVersionArn"
    ]
    assert wait_for(lambda: version(client, incremental), settled)["status"] == "ACTIVE"

    client.update_campaign(campaignArn=campaign, solutionVersionArn=incremental)
    during = describe(client, campaign)
    assert during["status"] == "ACTIVE"
    assert during["solutionVersionArn"] == full
    assert during["latestCampaignUpdate"]["status"] in {"CREATE PENDING", "CREATE IN_PROGRESS"}
    assert during["latestCampaignUpdate"]["solutionVersionArn"] == incremental

    with pytest.raises(client.exceptions.ResourceInUseException):
        client.update_campaign(campaignArn=campaign, solutionVersionArn=full)

    # AWS polling code reads the update status once the top-level status is ACTIVE.
    switched = wait_for(
        lambda: describe(client, campaign),
        lambda c: c["status"] == "ACTIVE" and c["latestCampaignUpdate"]["status"] == "ACTIVE",
    )
    assert switched["solutionVersionArn"] == incremental
    assert switched["lastUpdatedDateTime"] > deployed["lastUpdatedDateTime"]

    with pytest.raises(client.exceptions.ResourceInUseException):
        client.delete_solution(solutionArn=solution)

    client.delete_campaign(campaignArn=campaign)
    assert describe(client, campaign)["status"] in {"DELETE PENDING", "DELETE IN_PROGRESS"}
    wait_until_gone(lambda: describe(client, campaign))
    assert client.list_campaigns(solutionArn=solution)["campaigns"] == []

    client.delete_solution(solutionArn=solution)
    wait_until_gone(lambda: client.describe_solution(solutionArn=solution))
    for arn in (full, incremental):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_solution_version(solutionVersionArn=arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_campaign(campaignArn=campaign)

    client.delete_dataset_group(datasetGroupArn=group)
    wait_until_gone(lambda: client.describe_dataset_group(datasetGroupArn=group))


def test_polls_never_see_the_campaign_leave_active_during_an_update(pm: PersonalizeMock, client: Any) -> None:
    group = client.create_dataset_group(name="poll")["datasetGroupArn"]
    pm.settle()
    solution = client.create_solution(name="poll-sol", datasetGroupArn=group, recipeArn=RECIPE)["solutionArn"]
    first = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.settle()
    campaign = client.create_campaign(name="poll-camp", solutionVersionArn=first)["campaignArn"]
    pm.settle()
    second = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.settle()
    client.update_campaign(campaignArn=campaign, solutionVersionArn=second)

    seen: list[tuple[str, str, str]] = []
    while True:
        current = describe(client, campaign)
        update_status = current["latestCampaignUpdate"]["status"]
        seen.append((current["status"], current["solutionVersionArn"], update_status))
        if update_status == "ACTIVE":
            break
        time.sleep(POLL_SECONDS)
    assert {status for status, _, _ in seen} == {"ACTIVE"}
    assert all(arn == first for _, arn, update in seen if update != "ACTIVE")
    assert seen[-1][1] == second


def describe(client: Any, campaign: str) -> dict[str, Any]:
    result: dict[str, Any] = client.describe_campaign(campaignArn=campaign)["campaign"]
    return result


def version(client: Any, arn: str) -> dict[str, Any]:
    result: dict[str, Any] = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
    return result


def active(resource: dict[str, Any]) -> bool:
    return bool(resource["status"] == "ACTIVE")


def settled(resource: dict[str, Any]) -> bool:
    return resource["status"] in {"ACTIVE", "CREATE FAILED"}
