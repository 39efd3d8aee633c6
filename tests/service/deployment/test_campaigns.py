"""CreateCampaign, DescribeCampaign, ListCampaigns, UpdateCampaign, DeleteCampaign."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

CREATE = DEFAULT_DURATIONS["campaign"]
UPDATE = DEFAULT_DURATIONS["campaign_update"]
DELETE = DEFAULT_DURATIONS["campaign_delete"]
# The PENDING share of each phase is 10 %: these moments fall inside each phase.
INTO_PENDING = 0.05
INTO_IN_PROGRESS = 0.5
SYNC = {"syncWithLatestSolutionVersion": True}

# The factories of conftest.py.
MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]


class World:
    """A dataset group with one solution and one ACTIVE FULL version, plus helpers."""

    def __init__(
        self,
        pm: PersonalizeMock,
        client: Any,
        make_dataset_group: MakeDatasetGroup,
        make_solution: MakeSolution,
        train_version: TrainVersion,
    ) -> None:
        self.pm = pm
        self.client = client
        self.make_solution = make_solution
        self.train_version = train_version
        self.group = make_dataset_group("dsg")
        self.solution = make_solution(self.group, "sol")
        self.version = train_version(self.solution)

    def campaign(self, name: str = "camp", *, wait: bool = True, **params: Any) -> str:
        params.setdefault("solutionVersionArn", self.version)
        arn: str = self.client.create_campaign(name=name, **params)["campaignArn"]
        if wait:
            self.pm.advance(CREATE)
        return arn

    def describe(self, arn: str) -> dict[str, Any]:
        campaign: dict[str, Any] = self.client.describe_campaign(campaignArn=arn)["campaign"]
        return campaign

    def status(self, arn: str) -> str:
        return str(self.describe(arn)["status"])


@pytest.fixture
def world(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> World:
    return World(pm, client, make_dataset_group, make_solution, train_version)


# -- CreateCampaign / DescribeCampaign -----------------------------------------------------------


def test_create_campaign_runs_pending_in_progress_active(world: World) -> None:
    output = world.client.create_campaign(name="camp", solutionVersionArn=world.version)
    arn = output["campaignArn"]
    assert arn == "arn:aws:personalize:us-east-1:123456789012:campaign/camp"
    # Create responses hold no datetimes: sample code json.dumps them (§11.6).
    del output["ResponseMetadata"]
    assert json.loads(json.dumps(output)) == {"campaignArn": arn}

    first = world.describe(arn)
    assert first["status"] == "CREATE PENDING"
    assert first["name"] == "camp"
    assert first["solutionVersionArn"] == world.version
    assert first["minProvisionedTPS"] == 1
    assert "campaignConfig" not in first
    assert "latestCampaignUpdate" not in first
    assert "failureReason" not in first
    assert first["creationDateTime"] == first["lastUpdatedDateTime"]
    assert first["creationDateTime"].tzinfo is not None

    world.pm.advance(CREATE * INTO_IN_PROGRESS)
    assert world.status(arn) == "CREATE IN_PROGRESS"
    world.pm.advance(CREATE)
    active = world.describe(arn)
    assert active["status"] == "ACTIVE"
    assert active["lastUpdatedDateTime"] > active["creationDateTime"]


def test_campaign_config_is_echoed_exactly_as_given(world: World) -> None:
    config = {
        "itemExplorationConfig": {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"},
        "enableMetadataWithRecommendations": False,
    }
    given = json.loads(json.dumps(config))
    arn = world.campaign(campaignConfig=given, minProvisionedTPS=7)
    given["itemExplorationConfig"]["explorationWeight"] = "0.9"  # the caller reuses its dict
    described = world.describe(arn)
    assert described["campaignConfig"] == config
    assert described["minProvisionedTPS"] == 7


def test_create_campaign_with_an_existing_name_is_refused(world: World) -> None:
    arn = world.campaign(wait=False)
    with pytest.raises(world.client.exceptions.ResourceAlreadyExistsException) as info:
        world.campaign(wait=False)
    assert info.value.response["Error"]["Message"] == f"Another resource with Arn {arn} already exists."


def test_create_campaign_needs_a_version_arn_not_a_solution_arn(world: World) -> None:
    # Real behaviour (aws-sdk-js-v3#4982): a bare solution ARN is "not found".
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.campaign(solutionVersionArn=world.solution, wait=False)
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.campaign(solutionVersionArn=f"{world.solution}/0badc0de", wait=False)


def test_create_campaign_needs_an_active_version(world: World) -> None:
    training = world.client.create_solution_version(solutionArn=world.solution)["solutionVersionArn"]
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.campaign(solutionVersionArn=training, wait=False)
    world.pm.fail_next("solution_version")
    failed = world.train_version(world.solution)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.campaign(solutionVersionArn=failed, wait=False)


def test_latest_requires_sync_and_sync_requires_latest(world: World) -> None:
    with pytest.raises(world.client.exceptions.InvalidInputException) as info:
        world.campaign(solutionVersionArn=f"{world.solution}/$LATEST", wait=False)
    assert "syncWithLatestSolutionVersion" in info.value.response["Error"]["Message"]
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.campaign(solutionVersionArn=world.version, campaignConfig=SYNC, wait=False)
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.campaign(
            solutionVersionArn=f"{world.solution}-missing/$LATEST", campaignConfig=SYNC, wait=False
        )


def test_latest_without_an_active_full_version_is_refused(world: World) -> None:
    fresh = world.make_solution(world.group, "fresh")
    world.client.create_solution_version(solutionArn=fresh)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.campaign(solutionVersionArn=f"{fresh}/$LATEST", campaignConfig=SYNC, wait=False)


def test_sync_campaign_follows_the_newest_active_full_version(world: World) -> None:
    arn = world.campaign(solutionVersionArn=f"{world.solution}/$LATEST", campaignConfig=SYNC)
    described = world.describe(arn)
    assert described["solutionVersionArn"] == world.version
    assert described["campaignConfig"] == SYNC

    newer = world.client.create_solution_version(solutionArn=world.solution)["solutionVersionArn"]
    world.pm.advance(DEFAULT_DURATIONS["solution_version"] / 2)
    assert world.describe(arn)["solutionVersionArn"] == world.version  # still training
    world.pm.advance(DEFAULT_DURATIONS["solution_version"])
    followed = world.describe(arn)
    assert followed["solutionVersionArn"] == newer
    assert followed["status"] == "ACTIVE"
    assert "latestCampaignUpdate" not in followed
    assert followed["lastUpdatedDateTime"] > described["lastUpdatedDateTime"]

    # UPDATE-mode versions are not followed: only FULL (and automatic) trainings are.
    world.train_version(world.solution, trainingMode="UPDATE")
    assert world.describe(arn)["solutionVersionArn"] == newer


def test_create_failed_campaign_reports_its_reason_and_can_be_deleted(world: World) -> None:
    world.pm.fail_next("campaign", reason="Insufficient capacity.")
    arn = world.campaign()
    described = world.describe(arn)
    assert described["status"] == "CREATE FAILED"
    assert described["failureReason"] == "Insufficient capacity."
    summary = world.client.list_campaigns(solutionArn=world.solution)["campaigns"][0]
    assert summary["failureReason"] == "Insufficient capacity."
    world.client.delete_campaign(campaignArn=arn)
    assert world.status(arn) == "DELETE PENDING"


def test_create_campaign_with_too_many_tags_is_refused(world: World) -> None:
    tags = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
    with pytest.raises(world.client.exceptions.TooManyTagsException):
        world.campaign(tags=tags, wait=False)


def test_campaign_tags_are_kept(world: World) -> None:
    arn = world.campaign(tags=[{"tagKey": "team", "tagValue": "recs"}], wait=False)
    assert world.client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"tagKey": "team", "tagValue": "recs"}
    ]


@pytest.mark.personalize_mock(quotas={"campaigns_per_dataset_group": 2})
def test_campaign_quota_counts_live_campaigns_of_the_dataset_group(world: World) -> None:
    other_solution = world.make_solution(world.group, "other")
    other_version = world.train_version(other_solution)
    first = world.campaign("one")
    world.campaign("two", solutionVersionArn=other_version, wait=False)
    with pytest.raises(world.client.exceptions.LimitExceededException) as info:
        world.campaign("three", wait=False)
    assert info.value.response["Error"]["Message"] == (
        "Cannot create a campaign. More than 2 resources in ACTIVE state. Please delete some and try again."
    )
    # A campaign being deleted no longer counts.
    world.client.delete_campaign(campaignArn=first)
    world.campaign("three", wait=False)


def test_describe_campaign_errors(world: World) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:campaign/missing"
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_campaign(campaignArn=missing)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.describe_campaign(campaignArn="not-an-arn")


# -- ListCampaigns ---------------------------------------------------------------------------------


def test_list_campaigns_filters_by_solution_and_pages(world: World) -> None:
    other_solution = world.make_solution(world.group, "other")
    other_version = world.train_version(other_solution)
    a = world.campaign("a", wait=False)
    b = world.campaign("b", wait=False)
    c = world.campaign("c", solutionVersionArn=other_version, wait=False)

    everything = world.client.list_campaigns()["campaigns"]
    assert [s["campaignArn"] for s in everything] == [a, b, c]
    assert set(everything[0]) == {"name", "campaignArn", "status", "creationDateTime", "lastUpdatedDateTime"}
    assert [
        s["campaignArn"] for s in world.client.list_campaigns(solutionArn=other_solution)["campaigns"]
    ] == [c]

    page = world.client.list_campaigns(solutionArn=world.solution, maxResults=1)
    assert [s["campaignArn"] for s in page["campaigns"]] == [a]
    rest = world.client.list_campaigns(solutionArn=world.solution, maxResults=1, nextToken=page["nextToken"])
    assert [s["campaignArn"] for s in rest["campaigns"]] == [b]
    assert "nextToken" not in rest

    paginator = world.client.get_paginator("list_campaigns")
    listed = [
        s["campaignArn"] for p in paginator.paginate(PaginationConfig={"PageSize": 2}) for s in p["campaigns"]
    ]
    assert listed == [a, b, c]


def test_list_campaigns_errors(world: World) -> None:
    world.campaign("a", wait=False)
    world.campaign("b", wait=False)
    page = world.client.list_campaigns(maxResults=1)
    with pytest.raises(world.client.exceptions.InvalidNextTokenException):
        world.client.list_campaigns(solutionArn=world.solution, nextToken=page["nextToken"])
    with pytest.raises(world.client.exceptions.InvalidNextTokenException):
        world.client.list_campaigns(nextToken="garbage")
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.list_campaigns(solutionArn="not-an-arn")


# -- UpdateCampaign --------------------------------------------------------------------------------


def test_update_campaign_switches_settings_when_the_update_is_active(world: World) -> None:
    arn = world.campaign(campaignConfig={"enableMetadataWithRecommendations": False})
    before = world.describe(arn)
    newer = world.train_version(world.solution, trainingMode="UPDATE")
    new_config = {"itemExplorationConfig": {"explorationWeight": "0.5"}}
    output = world.client.update_campaign(
        campaignArn=arn, solutionVersionArn=newer, minProvisionedTPS=5, campaignConfig=new_config
    )
    assert output["campaignArn"] == arn

    pending = world.describe(arn)
    assert pending["status"] == "ACTIVE"
    assert pending["solutionVersionArn"] == world.version
    assert pending["minProvisionedTPS"] == 1
    assert pending["campaignConfig"] == {"enableMetadataWithRecommendations": False}
    update = pending["latestCampaignUpdate"]
    assert update["status"] == "CREATE PENDING"
    assert update["solutionVersionArn"] == newer
    assert update["minProvisionedTPS"] == 5
    assert update["campaignConfig"] == new_config
    assert update["creationDateTime"] > before["lastUpdatedDateTime"]
    assert pending["lastUpdatedDateTime"] == before["lastUpdatedDateTime"]

    world.pm.advance(UPDATE * INTO_IN_PROGRESS)
    assert world.describe(arn)["latestCampaignUpdate"]["status"] == "CREATE IN_PROGRESS"
    world.pm.advance(UPDATE)
    done = world.describe(arn)
    assert done["status"] == "ACTIVE"
    assert done["latestCampaignUpdate"]["status"] == "ACTIVE"
    assert done["solutionVersionArn"] == newer
    assert done["minProvisionedTPS"] == 5
    assert done["campaignConfig"] == new_config
    assert done["lastUpdatedDateTime"] == done["latestCampaignUpdate"]["lastUpdatedDateTime"]


def test_update_campaign_keeps_omitted_members(world: World) -> None:
    config = {"enableMetadataWithRecommendations": True}
    arn = world.campaign(campaignConfig=config, minProvisionedTPS=3)
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=4)
    update = world.describe(arn)["latestCampaignUpdate"]
    assert update["solutionVersionArn"] == world.version
    assert update["campaignConfig"] == config
    assert update["minProvisionedTPS"] == 4


def test_second_update_starts_from_the_first_ones_settings(world: World) -> None:
    arn = world.campaign()
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=2)
    world.pm.settle()
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=3)
    during = world.describe(arn)
    assert during["minProvisionedTPS"] == 2
    assert during["latestCampaignUpdate"]["minProvisionedTPS"] == 3
    world.pm.settle()
    assert world.describe(arn)["minProvisionedTPS"] == 3


def test_failed_update_leaves_the_campaign_as_it_was(world: World) -> None:
    arn = world.campaign()
    world.pm.fail_next("campaign_update", reason="Deployment failed.")
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=9)
    world.pm.settle()
    described = world.describe(arn)
    assert described["status"] == "ACTIVE"
    assert described["minProvisionedTPS"] == 1
    assert described["latestCampaignUpdate"]["status"] == "CREATE FAILED"
    assert described["latestCampaignUpdate"]["failureReason"] == "Deployment failed."
    # A failed update is over: another one may start.
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=9)
    world.pm.settle()
    assert world.describe(arn)["minProvisionedTPS"] == 9


def test_updating_a_create_failed_campaign_redeploys_it(world: World) -> None:
    world.pm.fail_next("campaign")
    arn = world.campaign()
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=2)
    assert world.status(arn) == "CREATE FAILED"
    world.pm.settle()
    described = world.describe(arn)
    assert described["status"] == "ACTIVE"
    assert "failureReason" not in described
    assert described["minProvisionedTPS"] == 2


def test_update_to_latest_turns_sync_on(world: World) -> None:
    arn = world.campaign()
    world.client.update_campaign(
        campaignArn=arn, solutionVersionArn=f"{world.solution}/$LATEST", campaignConfig=SYNC
    )
    world.pm.settle()
    newer = world.train_version(world.solution)
    described = world.describe(arn)
    assert described["campaignConfig"] == SYNC
    assert described["solutionVersionArn"] == newer


def test_update_campaign_refusals(world: World) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:campaign/missing"
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.update_campaign(campaignArn=missing, minProvisionedTPS=2)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.update_campaign(campaignArn="not-an-arn")

    arn = world.campaign(wait=False)
    with pytest.raises(world.client.exceptions.ResourceInUseException) as info:
        world.client.update_campaign(campaignArn=arn, minProvisionedTPS=2)
    assert "CREATE PENDING" in info.value.response["Error"]["Message"]
    world.pm.advance(CREATE)

    other_solution = world.make_solution(world.group, "other")
    other_version = world.train_version(other_solution)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.update_campaign(campaignArn=arn, solutionVersionArn=other_version)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.update_campaign(
            campaignArn=arn, solutionVersionArn=f"{other_solution}/$LATEST", campaignConfig=SYNC
        )
    training = world.client.create_solution_version(solutionArn=world.solution)["solutionVersionArn"]
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.update_campaign(campaignArn=arn, solutionVersionArn=training)
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.update_campaign(campaignArn=arn, solutionVersionArn=f"{world.solution}/0badc0de")


def test_settle_waits_for_a_campaign_update(world: World) -> None:
    arn = world.campaign()
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=6)
    world.pm.settle()
    described = world.describe(arn)
    assert described["latestCampaignUpdate"]["status"] == "ACTIVE"
    assert described["minProvisionedTPS"] == 6


# -- DeleteCampaign --------------------------------------------------------------------------------


def test_delete_campaign_runs_to_not_found(world: World) -> None:
    arn = world.campaign()
    assert world.client.delete_campaign(campaignArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert world.status(arn) == "DELETE PENDING"
    world.pm.advance(DELETE * INTO_IN_PROGRESS)
    assert world.status(arn) == "DELETE IN_PROGRESS"
    assert [s["status"] for s in world.client.list_campaigns()["campaigns"]] == ["DELETE IN_PROGRESS"]
    world.pm.advance(DELETE)
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_campaign(campaignArn=arn)
    assert world.client.list_campaigns()["campaigns"] == []
    # The name is free again.
    world.campaign(wait=False)


def test_delete_campaign_refusals(world: World) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:campaign/missing"
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.delete_campaign(campaignArn=missing)
    with pytest.raises(world.client.exceptions.InvalidInputException):
        world.client.delete_campaign(campaignArn="not-an-arn")
    arn = world.campaign(wait=False)
    world.pm.advance(CREATE * INTO_PENDING)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.delete_campaign(campaignArn=arn)
    world.pm.advance(CREATE * INTO_IN_PROGRESS)
    with pytest.raises(world.client.exceptions.ResourceInUseException):
        world.client.delete_campaign(campaignArn=arn)
    world.pm.advance(CREATE)
    world.client.delete_campaign(campaignArn=arn)
    with pytest.raises(world.client.exceptions.ResourceInUseException) as info:
        world.client.delete_campaign(campaignArn=arn)
    assert "already being deleted" in info.value.response["Error"]["Message"]


def test_delete_during_an_update_abandons_the_update(world: World) -> None:
    arn = world.campaign()
    world.client.update_campaign(campaignArn=arn, minProvisionedTPS=8)
    world.pm.advance(UPDATE * INTO_IN_PROGRESS)
    world.client.delete_campaign(campaignArn=arn)
    deleting = world.describe(arn)
    assert deleting["status"] == "DELETE PENDING"
    assert deleting["minProvisionedTPS"] == 1
    assert deleting["latestCampaignUpdate"]["status"] == "CREATE IN_PROGRESS"
    world.pm.settle()
    with pytest.raises(world.client.exceptions.ResourceNotFoundException):
        world.client.describe_campaign(campaignArn=arn)
