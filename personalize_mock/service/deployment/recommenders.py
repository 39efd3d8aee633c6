"""Recommenders: Create / Describe / List / Update / Delete / Start / Stop.

A recommender serves one domain recipe (use case) of a domain dataset group, under which it
is listed (and which it keeps from being deleted). Besides creation and deletion it can be
stopped (ACTIVE → STOP PENDING → STOP IN_PROGRESS → INACTIVE) and started again (INACTIVE →
START PENDING → START IN_PROGRESS → ACTIVE). UpdateRecommender runs its own lifecycle in
``latestRecommenderUpdate``; the new ``recommenderConfig`` takes effect when it is ACTIVE.

Like a solution version, a recommender trains on the dataset group's data: without the data
its use case needs (see :func:`data_failure`) it ends CREATE FAILED with a ``failureReason``,
unless ``mock_personalize(require_data=False)``.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from typing import Any

from personalize_mock.clock import floor_ms
from personalize_mock.errors import InvalidInputException, ResourceInUseException, ResourceNotFoundException
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import (
    active_quota_message,
    check_quota,
    describer,
    lister,
    new_timeline,
    require_active,
    require_status,
    require_unused_arn,
    start_deletion,
    status_fields,
    tags_from,
)
from personalize_mock.service.core.exploration_config import check_item_exploration
from personalize_mock.service.core.lifecycle import (
    ACTIVE,
    CREATE_FAIL_FLOW,
    CREATE_FAILED,
    CREATING,
    DELETING,
    Timeline,
)
from personalize_mock.service.core.store import Collection, RegionBackend, UpdatableResource
from personalize_mock.service.data.data_store import INTERACTIONS, ITEMS, group_data
from personalize_mock.service.data.data_views import data_view
from personalize_mock.service.data.dataset_groups import get_dataset_group
from personalize_mock.service.deployment.deployment_updates import DeploymentUpdate
from personalize_mock.service.training.catalogue import Recipe, find_recipe
from personalize_mock.service.training.metrics import solution_metrics
from personalize_mock.service.training.training_data import (
    FEW_INTERACTIONS,
    FEW_USERS,
    MIN_INTERACTIONS,
    MIN_USER_INTERACTIONS,
    MIN_USERS,
    NO_DATA,
    NO_DATASET,
    data_required,
)

KIND = "recommender"
ARN_TYPE = "recommender"
UPDATE_KIND = "recommender_update"

# Recommender-only statuses (model docs, behaviour reference §3.2).
STOP_PENDING = "STOP PENDING"
STOP_IN_PROGRESS = "STOP IN_PROGRESS"
INACTIVE = "INACTIVE"
START_PENDING = "START PENDING"
START_IN_PROGRESS = "START IN_PROGRESS"
#: Statuses in which DeleteRecommender is accepted.
DELETABLE = (ACTIVE, INACTIVE, CREATE_FAILED)
#: Statuses without a trained model to report: ``modelMetrics`` is null (omitted) then.
WITHOUT_METRICS = CREATING | DELETING | {CREATE_FAILED}

#: The event type each use case needs at least ``MIN_INTERACTIONS`` of ("Required event
#: types" on https://docs.aws.amazon.com/personalize/latest/dg/ECOMMERCE-use-cases.html and
#: https://docs.aws.amazon.com/personalize/latest/dg/VIDEO_ON_DEMAND-use-cases.html). Use
#: cases not listed take events of any type: More like X ("1000 events of any type") and
#: Trending now (none stated).
USE_CASE_EVENT_TYPES = {
    "aws-ecomm-popular-items-by-views": "View",
    "aws-ecomm-customers-who-viewed-x-also-viewed": "View",
    "aws-ecomm-recommended-for-you": "View",
    "aws-ecomm-popular-items-by-purchases": "Purchase",
    "aws-ecomm-frequently-bought-together": "Purchase",
    "aws-vod-because-you-watched-x": "Watch",
    "aws-vod-most-popular": "Watch",
    "aws-vod-top-picks": "Watch",
}
#: Use cases that also train on item metadata and need an Items dataset with data.
NEEDS_ITEMS = frozenset({"aws-vod-more-like-x"})
# Choice (docs/choices.md): worded like the solution version's "fewer than 1000 interactions".
FEW_EVENTS = (
    f"Create failed. Dataset has fewer than {MIN_INTERACTIONS} {{event_type}} events, "
    "which the {use_case} use case needs."
)


class RecommenderUpdate(DeploymentUpdate):
    """One UpdateRecommender request: the config it switches the recommender to."""

    __slots__ = ("config",)

    def __init__(self, backend: RegionBackend, config: dict[str, Any]) -> None:
        super().__init__(backend, UPDATE_KIND)
        self.config = config


class Recommender(UpdatableResource):
    __slots__ = ("config", "config_since", "dataset_group_arn", "recipe", "recipe_arn")
    #: The latest RecommenderUpdate (the slot and its ``None`` start are UpdatableResource's).
    update: RecommenderUpdate | None

    def __init__(
        self, arn: str, name: str, seq: int, created: float, timeline: Timeline, recipe: Recipe
    ) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.recipe = recipe
        self.recipe_arn = ""
        self.dataset_group_arn = ""
        #: The config in force until ``update`` applies, and since when.
        self.config: dict[str, Any] | None = None
        self.config_since = created

    def parent_arn(self) -> str:
        return self.dataset_group_arn

    def config_at(self, now: float) -> tuple[dict[str, Any] | None, float]:
        """The ``recommenderConfig`` in force at ``now`` and when it took effect."""
        update = self.update
        if update is not None and update.applied(now):
            return update.config, update.timeline.settles_at
        return self.config, self.config_since


def recommenders(backend: RegionBackend) -> Collection[Recommender]:
    """The region's recommenders (listed under their dataset group)."""
    return backend.collection(KIND)


def get_recommender(backend: RegionBackend, arn: str, now: float) -> Recommender:
    """The recommender ``arn`` (``ResourceNotFoundException`` if it does not exist)."""
    return recommenders(backend).get(arn, now)


def _domain_recipe(arn: str, domain: str) -> Recipe:
    recipe = find_recipe(arn)
    if recipe is None:
        raise ResourceNotFoundException(f"Resource Arn {arn} does not exist.")
    if recipe.domain is None:
        raise InvalidInputException(
            f"Recipe {arn} is a custom recipe; a recommender needs a use case (domain recipe) of {domain}."
        )
    if recipe.domain != domain:
        raise InvalidInputException(
            f"Recipe {arn} is a use case of the {recipe.domain} domain; "
            f"the dataset group's domain is {domain}."
        )
    return recipe


def _dataset_types(backend: RegionBackend, group_arn: str, at: float) -> set[str]:
    # By collection kind rather than through datasets.py, which imports the families above it.
    return {
        dataset.dataset_type
        for dataset in backend.collection("dataset").live(at, group_arn)
        if dataset.status(at) not in DELETING
    }


def data_failure(backend: RegionBackend, group_arn: str, recipe: Recipe, at: float) -> str | None:
    """Why a recommender of ``recipe`` whose training starts at ``at`` fails for lack of data.

    ``None`` when the data is enough (or ``require_data`` is off). The developer guide's
    rules for every use case: an Interactions dataset holding at least 1000 interactions
    from at least 25 users with two interactions each; most use cases also need 1000 events
    of one type (:data:`USE_CASE_EVENT_TYPES`, matched without regard to case), and More like
    X an Items dataset with data. Opaque data (an import moto could not serve) counts as
    enough, as for solution versions.
    """
    if not data_required(backend):
        return None
    kinds = [INTERACTIONS, *([ITEMS] if recipe.name in NEEDS_ITEMS else [])]
    present = _dataset_types(backend, group_arn, at)
    data = group_data(backend, group_arn)
    for kind in kinds:
        words = {"type": kind.lower(), "data": kind.lower()}
        if kind not in present:
            return NO_DATASET.format(**words)
        if not data.effective(at, kind):
            return NO_DATA.format(**words)
    if not data.readable(at, INTERACTIONS):
        return None
    # Counted on the indexed view the model learns from, as the solution version's rules are.
    view = data_view(backend, group_arn, at)
    per_user: Counter[str] = Counter(event.user for event in view.interactions)
    events: Counter[str] = Counter(event.event_type.lower() for event in view.interactions)
    if len(view.interactions) < MIN_INTERACTIONS:
        return FEW_INTERACTIONS
    if sum(1 for count in per_user.values() if count >= MIN_USER_INTERACTIONS) < MIN_USERS:
        return FEW_USERS
    event_type = USE_CASE_EVENT_TYPES.get(recipe.name)
    if event_type is not None and events[event_type.lower()] < MIN_INTERACTIONS:
        return FEW_EVENTS.format(event_type=event_type, use_case=recipe.name)
    return None


def create_recommender(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = recommenders(backend)
    arn = backend.arn(ARN_TYPE, params["name"])
    require_unused_arn(collection, arn, now)
    check_item_exploration(params.get("recommenderConfig"), "recommenderConfig")
    group = get_dataset_group(backend, params["datasetGroupArn"])
    require_active(group, now, "Dataset group")
    if group.domain is None:
        # The real wording (behaviour reference §5.1); the exception type is INFERRED.
        raise InvalidInputException("Please use a domains-specific Dataset Group to create the Recommender")
    recipe = _domain_recipe(params["recipeArn"], group.domain)
    limit = backend.quota("recommenders_per_dataset_group")
    check_quota(collection.count_undeleted(group.arn), limit, active_quota_message("recommender", limit))
    tags = tags_from(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    if reason is None:
        # Decided from the data visible when training starts, as for a solution version.
        reason = data_failure(backend, group.arn, recipe, timeline.starts[0])
        if reason is not None:
            timeline = Timeline(CREATE_FAIL_FLOW, timeline.starts)
    recommender = Recommender(arn, params["name"], backend.next_seq(), created, timeline, recipe)
    recommender.failure_reason = reason
    recommender.recipe_arn = params["recipeArn"]
    recommender.dataset_group_arn = group.arn
    recommender.config = copy.deepcopy(params.get("recommenderConfig"))
    recommender.tags = tags
    collection.add(recommender, now)
    return {"recommenderArn": arn}


def _summary(recommender: Recommender, now: float, failed: str | None = None) -> dict[str, Any]:
    """RecommenderSummary (no failureReason); with ``failed``, the start of Recommender's detail."""
    config, since = recommender.config_at(now)
    summary: dict[str, Any] = {
        "name": recommender.name,
        "recommenderArn": recommender.arn,
        "datasetGroupArn": recommender.dataset_group_arn,
        "recipeArn": recommender.recipe_arn,
    }
    if config is not None:
        summary["recommenderConfig"] = config
    # Whole milliseconds: a deletion's phases begin at the unrounded time of the call.
    updated = floor_ms(max(recommender.timeline.changed_at(now), since))
    status_fields(summary, recommender, now, failed=failed, updated=updated)
    return summary


def _detail(recommender: Recommender, now: float) -> dict[str, Any]:
    detail = _summary(recommender, now, CREATE_FAILED)
    update = recommender.update
    if update is not None:
        latest: dict[str, Any] = {"recommenderConfig": update.config}
        update.report(latest, now)
        detail["latestRecommenderUpdate"] = latest
    if detail["status"] not in WITHOUT_METRICS:
        # Deterministic per recommender, like GetSolutionMetrics per version.
        recipe = recommender.recipe
        detail["modelMetrics"] = solution_metrics(recipe.category, recommender.arn, recipe_name=recipe.name)
    return detail


describe_recommender = describer(KIND, "recommenderArn", "recommender", _detail)


list_recommenders = lister(KIND, "recommenders", "ListRecommenders", _summary, parent_key="datasetGroupArn")


def _require_no_update(recommender: Recommender, now: float) -> None:
    if recommender.update is not None and recommender.update.in_flight(now):
        raise ResourceInUseException(
            f"Recommender {recommender.arn} has an update in progress; wait until "
            "latestRecommenderUpdate is ACTIVE or CREATE FAILED."
        )


def update_recommender(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    recommender = get_recommender(backend, params["recommenderArn"], now)
    check_item_exploration(params["recommenderConfig"], "recommenderConfig")
    require_active(recommender, now, "Recommender")
    _require_no_update(recommender, now)
    # The finished update (if any) is folded in, so only the newest one needs a timeline.
    recommender.config, recommender.config_since = recommender.config_at(now)
    recommender.update = RecommenderUpdate(backend, copy.deepcopy(params["recommenderConfig"]))
    backend.collection(KIND).track(recommender)
    return {"recommenderArn": recommender.arn}


def _move(
    backend: RegionBackend, recommender: Recommender, now: float, key: str, flow: tuple[str, ...]
) -> None:
    """Rewrite the timeline from ``now``: ``flow`` is (pending, in progress, final) statuses."""
    total = backend.duration(key)
    pending, in_progress, final = flow
    backend.collection(KIND).rewrite(
        recommender, now, [(pending, 0.0), (in_progress, total * PENDING_SHARE), (final, total)]
    )


def stop_recommender(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    recommender = get_recommender(backend, params["recommenderArn"], now)
    require_status(recommender, now, (ACTIVE,), "Recommender")
    # Choice (docs/choices.md): a recommender cannot be stopped while an update is in flight.
    _require_no_update(recommender, now)
    _move(backend, recommender, now, "recommender_stop", (STOP_PENDING, STOP_IN_PROGRESS, INACTIVE))
    return {"recommenderArn": recommender.arn}


def start_recommender(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    recommender = get_recommender(backend, params["recommenderArn"], now)
    require_status(recommender, now, (INACTIVE,), "Recommender")
    _move(backend, recommender, now, "recommender_start", (START_PENDING, START_IN_PROGRESS, ACTIVE))
    return {"recommenderArn": recommender.arn}


def delete_recommender(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    recommender = get_recommender(backend, params["recommenderArn"], now)
    status = recommender.status(now)
    if status in DELETING:
        raise ResourceInUseException(f"Recommender {recommender.arn} is already being deleted.")
    require_status(recommender, now, DELETABLE, "Recommender")
    if recommender.update is not None and recommender.update.in_flight(now):
        # Choice (docs/choices.md): an ACTIVE recommender can be deleted during an update; the
        # update never applies.
        recommender.update.abandon(now)
    start_deletion(backend, recommender, KIND, now)
    return {}
