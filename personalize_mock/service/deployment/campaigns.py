"""Campaigns: Create / Describe / List / Update / Delete.

A campaign deploys one solution version and is listed under its solution (which it keeps
from being deleted). UpdateCampaign runs its own lifecycle, reported in
``latestCampaignUpdate``; meanwhile the campaign stays ACTIVE and keeps its old settings,
which switch to the new ones the moment the update reaches ACTIVE (behaviour reference
§11.4). With ``campaignConfig.syncWithLatestSolutionVersion`` the campaign serves the newest
ACTIVE full version of its solution. Both are derived on read from the simulated clock.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from personalize_mock.clock import floor_ms
from personalize_mock.errors import InvalidInputException, ResourceInUseException
from personalize_mock.service.core.common import (
    active_quota_message,
    check_quota,
    list_output,
    new_timeline,
    require_active,
    require_deletable,
    require_status,
    require_unused_arn,
    start_deletion,
    status_fields,
    tags_from,
)
from personalize_mock.service.core.exploration_config import check_item_exploration
from personalize_mock.service.core.lifecycle import ACTIVE, CREATE_FAILED, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, UpdatableResource
from personalize_mock.service.deployment.deployment_updates import DeploymentUpdate
from personalize_mock.service.training.solution_model import Solution, get_solution, solutions
from personalize_mock.service.training.solution_versions import FULL_TRAININGS, SolutionVersion, versions

KIND = "campaign"
ARN_TYPE = "campaign"
UPDATE_KIND = "campaign_update"
#: ``<solutionArn>/$LATEST``: deploy the newest version (with syncWithLatestSolutionVersion).
LATEST_SUFFIX = "/$LATEST"
DEFAULT_MIN_PROVISIONED_TPS = 1


class Deployment:
    """What a campaign serves: a version, its minimum TPS and the config exactly as given."""

    __slots__ = ("config", "min_tps", "version_arn")

    def __init__(self, version_arn: str, min_tps: int, config: dict[str, Any] | None) -> None:
        self.version_arn = version_arn
        self.min_tps = min_tps
        self.config = config

    @property
    def syncs(self) -> bool:
        return _syncs(self.config)


class CampaignUpdate(DeploymentUpdate):
    """One UpdateCampaign request: the deployment it switches the campaign to."""

    __slots__ = ("deployment",)

    def __init__(self, backend: RegionBackend, deployment: Deployment) -> None:
        super().__init__(backend, UPDATE_KIND)
        self.deployment = deployment


class Campaign(UpdatableResource):
    __slots__ = ("deployed_since", "deployment", "solution")
    #: The latest CampaignUpdate (the slot and its ``None`` start are UpdatableResource's).
    update: CampaignUpdate | None

    def __init__(
        self,
        arn: str,
        name: str,
        seq: int,
        created: float,
        timeline: Timeline,
        solution: Solution,
        deployment: Deployment,
    ) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.solution = solution
        #: The deployment in force until ``update`` applies, and since when.
        self.deployment = deployment
        self.deployed_since = created

    def parent_arn(self) -> str:
        return self.solution.arn

    def deployment_at(self, now: float) -> tuple[Deployment, float]:
        """The deployment in force at ``now`` and when it took effect."""
        update = self.update
        if update is not None and update.applied(now):
            return update.deployment, update.timeline.settles_at
        return self.deployment, self.deployed_since


def campaigns(backend: RegionBackend) -> Collection[Campaign]:
    """The region's campaigns (listed under their solution)."""
    return backend.collection(KIND)


def get_campaign(backend: RegionBackend, arn: str, now: float) -> Campaign:
    """The campaign ``arn`` (``ResourceNotFoundException`` if it does not exist)."""
    return campaigns(backend).get(arn, now)


def _syncs(config: Mapping[str, Any] | None) -> bool:
    return bool((config or {}).get("syncWithLatestSolutionVersion"))


def latest_full_version(backend: RegionBackend, solution: Solution, now: float) -> SolutionVersion | None:
    """The newest version of ``solution`` trained FULL (or automatically) that is ACTIVE at ``now``."""
    for version in reversed(versions(backend).listed(solution.arn)):
        if version.training_mode in FULL_TRAININGS and version.status(now) == ACTIVE:
            return version
    return None


def _serving(
    backend: RegionBackend, campaign: Campaign, deployment: Deployment, now: float
) -> tuple[str, float]:
    """The ARN of the version serving at ``now``, and when the campaign moved to it (0 if it did not)."""
    if deployment.syncs:
        # Choice (docs/choices.md): a syncing campaign serves the newest FULL/AUTOTRAIN version
        # ACTIVE at each moment, switching the moment it is ACTIVE (no latestCampaignUpdate), and
        # reports that version's ARN as solutionVersionArn (never "$LATEST").
        newest = latest_full_version(backend, campaign.solution, now)
        if newest is not None and newest.arn != deployment.version_arn:
            return newest.arn, newest.timeline.changed_at(now)
    return deployment.version_arn, 0.0


def deployed_version_arn(backend: RegionBackend, campaign: Campaign, now: float) -> str:
    """The ARN of the solution version ``campaign`` serves at ``now`` (for the runtime)."""
    deployment, _ = campaign.deployment_at(now)
    return _serving(backend, campaign, deployment, now)[0]


def _resolve_version(
    backend: RegionBackend,
    requested: str,
    config: Mapping[str, Any] | None,
    now: float,
    solution: Solution | None = None,
) -> SolutionVersion:
    """The ACTIVE version ``requested`` names (``<solutionArn>/$LATEST`` included).

    ``solution``, when given, is the only solution whose versions are acceptable (updates).
    """
    if requested.endswith(LATEST_SUFFIX):
        if not _syncs(config):
            raise InvalidInputException(
                f"solutionVersionArn {requested} can only be used when "
                "campaignConfig.syncWithLatestSolutionVersion is true."
            )
        owner = get_solution(backend, requested[: -len(LATEST_SUFFIX)], now)
        _require_same_solution(owner, solution, requested)
        newest = latest_full_version(backend, owner, now)
        if newest is None:
            # Choice (docs/choices.md): "$LATEST" with no ACTIVE FULL version is ResourceInUseException.
            raise ResourceInUseException(
                f"Solution {owner.arn} has no ACTIVE solution version trained with trainingMode FULL."
            )
        return newest
    if _syncs(config):
        raise InvalidInputException(
            "When campaignConfig.syncWithLatestSolutionVersion is true, solutionVersionArn must be "
            f"in SolutionArn/$LATEST format; got {requested}."
        )
    # A bare solution ARN is not a version: ResourceNotFoundException (aws-sdk-js-v3#4982).
    version = versions(backend).get(requested, now)
    _require_same_solution(version.solution, solution, requested)
    status = version.status(now)
    if status != ACTIVE:
        raise ResourceInUseException(
            f"Solution version {version.arn} is in {status} state; a campaign can only deploy an "
            "ACTIVE solution version."
        )
    return version


def _require_same_solution(owner: Solution, expected: Solution | None, requested: str) -> None:
    # INFERRED: an update may move a campaign to any version of the same solution only.
    if expected is not None and owner is not expected:
        raise InvalidInputException(
            f"Solution version {requested} does not belong to solution {expected.arn}; a campaign "
            "can only be updated to a version of the solution it was created from."
        )


def _campaigns_in_group(backend: RegionBackend, group_arn: str, now: float) -> int:
    collection = campaigns(backend)
    return sum(
        collection.count_undeleted(solution.arn) for solution in solutions(backend).live(now, group_arn)
    )


def create_campaign(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = campaigns(backend)
    arn = backend.arn(ARN_TYPE, params["name"])
    require_unused_arn(collection, arn, now)
    config = copy.deepcopy(params.get("campaignConfig"))
    check_item_exploration(config, "campaignConfig")
    version = _resolve_version(backend, params["solutionVersionArn"], config, now)
    solution = version.solution
    require_active(solution, now, "Solution")
    limit = backend.quota("campaigns_per_dataset_group")
    check_quota(
        _campaigns_in_group(backend, solution.dataset_group_arn, now),
        limit,
        active_quota_message("campaign", limit),
    )
    tags = tags_from(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    deployment = Deployment(version.arn, params.get("minProvisionedTPS", DEFAULT_MIN_PROVISIONED_TPS), config)
    campaign = Campaign(arn, params["name"], backend.next_seq(), created, timeline, solution, deployment)
    campaign.failure_reason = reason
    campaign.tags = tags
    collection.add(campaign, now)
    return {"campaignArn": arn}


def _update_summary(update: CampaignUpdate, now: float) -> dict[str, Any]:
    deployment = update.deployment
    summary: dict[str, Any] = {
        "solutionVersionArn": deployment.version_arn,
        "minProvisionedTPS": deployment.min_tps,
    }
    if deployment.config is not None:
        summary["campaignConfig"] = deployment.config
    update.report(summary, now)
    return summary


def _in_force(backend: RegionBackend, campaign: Campaign, now: float) -> tuple[Deployment, str, float]:
    """The deployment in force at ``now``, the version serving, and the top-level lastUpdatedDateTime."""
    deployment, since = campaign.deployment_at(now)
    version_arn, followed = _serving(backend, campaign, deployment, now)
    # Whole milliseconds like every other time the service reports: the phases a deletion or
    # an update starts begin at the unrounded time of the call.
    return deployment, version_arn, floor_ms(max(campaign.timeline.changed_at(now), since, followed))


def describe_campaign(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    # Not a describer: what the campaign serves depends on its solution's versions.
    now = backend.clock.time()
    campaign = get_campaign(backend, params["campaignArn"], now)
    deployment, version_arn, last_updated = _in_force(backend, campaign, now)
    detail: dict[str, Any] = {
        "name": campaign.name,
        "campaignArn": campaign.arn,
        "solutionVersionArn": version_arn,
        "minProvisionedTPS": deployment.min_tps,
    }
    if deployment.config is not None:
        detail["campaignConfig"] = deployment.config
    status_fields(detail, campaign, now, updated=last_updated, failure_first=True)
    if campaign.update is not None:
        detail["latestCampaignUpdate"] = _update_summary(campaign.update, now)
    return {"campaign": detail}


def list_campaigns(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    def summary(campaign: Campaign, now: float) -> dict[str, Any]:
        output: dict[str, Any] = {"name": campaign.name, "campaignArn": campaign.arn}
        status_fields(output, campaign, now, updated=_in_force(backend, campaign, now)[2])
        return output

    return list_output(backend, params, KIND, "campaigns", "ListCampaigns", summary, parent_key="solutionArn")


def update_campaign(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    campaign = get_campaign(backend, params["campaignArn"], now)
    status = require_status(campaign, now, (ACTIVE, CREATE_FAILED), "Campaign")
    previous = campaign.update
    if previous is not None and previous.in_flight(now):
        raise ResourceInUseException(
            f"Campaign {campaign.arn} has an update in progress; wait until latestCampaignUpdate is "
            "ACTIVE or CREATE FAILED."
        )
    current, since = campaign.deployment_at(now)
    config = copy.deepcopy(params["campaignConfig"]) if "campaignConfig" in params else current.config
    check_item_exploration(config, "campaignConfig")
    requested = params.get("solutionVersionArn")
    if requested is None:
        # Choice (docs/choices.md): omitted members keep their current values; an update that
        # changes nothing is accepted and still runs its lifecycle.
        version_arn = _serving(backend, campaign, current, now)[0]
    else:
        version_arn = _resolve_version(backend, requested, config, now, campaign.solution).arn
    min_tps = params.get("minProvisionedTPS", current.min_tps)
    # The finished update (if any) is folded in, so only the newest one needs a timeline.
    campaign.deployment, campaign.deployed_since = current, since
    update = CampaignUpdate(backend, Deployment(version_arn, min_tps, config))
    campaign.update = update
    collection = backend.collection(KIND)
    if status == CREATE_FAILED and update.applied_at is not None:
        # Choice (docs/choices.md): updating a CREATE FAILED campaign redeploys it; it becomes
        # ACTIVE when the update does.
        collection.rewrite(campaign, now, [(ACTIVE, update.applied_at - now)])
    else:
        collection.track(campaign)
    return {"campaignArn": campaign.arn}


def delete_campaign(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    campaign = get_campaign(backend, params["campaignArn"], now)
    require_deletable(campaign, now, "Campaign")
    if campaign.update is not None and campaign.update.in_flight(now):
        # Choice (docs/choices.md): an ACTIVE campaign can be deleted during an update (cleanup
        # code checks only the top-level status); the update never applies.
        campaign.update.abandon(now)
    start_deletion(backend, campaign, KIND, now)
    return {}
