"""personalize-runtime: GetRecommendations, GetPersonalizedRanking, GetActionRecommendations.

A request names a campaign (which serves one solution version) or a recommender; the
recipe behind it decides which call and which ids apply (behaviour reference §1.2). The
answer comes from the model the version (or recommender) trained
(:mod:`personalize_mock.service.training.recommendation_engine`), narrowed by a filter applied to the
data visible now (:mod:`personalize_mock.service.inference.runtime_filters`).

Errors: an unknown campaign, recommender or filter is ``ResourceNotFoundException`` (HTTP 404
on this service); everything else, including a campaign or recommender that exists but is not
ACTIVE, is ``InvalidInputException`` — the only other error the runtime models.

Every request is checked in full (resources, statuses, ids, limits, filter values); what it
reads is kept while its inputs are unchanged: the group's view of its data once nothing is
pending (:func:`current_view`), the model's rankings, the bound filter's verdicts. A request
then costs about the same at 100 items as at 100,000 (docs/performance.md, "Runtime at
catalogue scale").
"""

from __future__ import annotations

import hashlib
import math
import random
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.lifecycle import ACTIVE, DELETING
from personalize_mock.service.core.store import RegionBackend, Resource
from personalize_mock.service.data import dataset_columns
from personalize_mock.service.data.data_store import group_data
from personalize_mock.service.data.data_views import DataView, data_view, text
from personalize_mock.service.data.datasets import datasets
from personalize_mock.service.deployment.campaigns import deployed_version_arn, get_campaign
from personalize_mock.service.deployment.recommenders import get_recommender
from personalize_mock.service.inference.auto_updates import updated_training
from personalize_mock.service.inference.exploration import Explored, exploration_of, explored
from personalize_mock.service.inference.filter_expressions import ACTION_ID, ITEM_ID
from personalize_mock.service.inference.runtime_filters import BoundFilter, bind_filter
from personalize_mock.service.training.catalogue import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    POPULAR_ITEMS,
    RELATED_ITEMS,
    USER_PERSONALIZATION,
    USER_SEGMENTATION,
    Recipe,
)
from personalize_mock.service.training.recommendation_engine import (
    DataStamp,
    Model,
    Ranking,
    Scored,
    Training,
    data_stamp,
    model_for,
    settled_at,
    version_training,
)
from personalize_mock.service.training.solution_versions import versions

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
#: numResults / inputList limit when metadata columns are requested.
MAX_RESULTS_WITH_METADATA = 50
MAX_METADATA_COLUMNS = 10
DEFAULT_ACTION_RESULTS = 5
MAX_ACTION_RESULTS = 100
#: Recommenders retrain by themselves this often (from their creation).
RECOMMENDER_RETRAINING = 7 * 86400.0
#: Recipes whose recommendations explain themselves with ``reason``.
REASON_RECIPES = frozenset({"aws-user-personalization-v2"})
PROMOTED_REASON = "Promoted item"
EXPLORATION_REASON = "Exploration"
_OTHER_API = {
    PERSONALIZED_RANKING: "use GetPersonalizedRanking",
    USER_SEGMENTATION: "user segments come from batch segment jobs (CreateBatchSegmentJob)",
    PERSONALIZED_ACTIONS: "use GetActionRecommendations",
}


@dataclass(slots=True)
class Serving:
    """What answers a request: a campaign's deployed version or a recommender, and its model."""

    arn: str
    what: str
    group_arn: str
    recipe: Recipe
    config: Mapping[str, Any] | None
    training: Training


def _require_active(resource: Resource, now: float, what: str) -> None:
    status = resource.status(now)
    if status != ACTIVE:
        # Choice (docs/choices.md): a campaign or recommender that exists but is not ACTIVE
        # (being created, failed, stopped, being deleted) is InvalidInputException, never
        # ResourceNotFoundException, which callers read as "gone".
        raise InvalidInputException(
            f"{what} {resource.arn} is in {status} state; it can serve recommendations once it is ACTIVE."
        )


def campaign_serving(backend: RegionBackend, arn: str, now: float) -> Serving:
    """The ACTIVE campaign ``arn`` and the version it serves at ``now``."""
    campaign = get_campaign(backend, arn, now)
    _require_active(campaign, now, "Campaign")
    version = versions(backend).get(deployed_version_arn(backend, campaign, now), now)
    solution = campaign.solution
    deployment, _ = campaign.deployment_at(now)
    recipe = solution.training_recipe()
    training = updated_training(backend, version_training(version), recipe.name, now)
    return Serving(campaign.arn, "Campaign", solution.dataset_group_arn, recipe, deployment.config, training)


def recommender_serving(backend: RegionBackend, arn: str, now: float) -> Serving:
    """The ACTIVE recommender ``arn`` and the model it serves at ``now``."""
    recommender = get_recommender(backend, arn, now)
    _require_active(recommender, now, "Recommender")
    config, since = recommender.config_at(now)
    # Choice (docs/choices.md): a recommender trains when created, retrains every 7 days from
    # then, and when an UpdateRecommender takes effect; each training sees the data visible then.
    periods = math.floor(max(0.0, now - recommender.created) / RECOMMENDER_RETRAINING)
    trained_at = max(recommender.created + periods * RECOMMENDER_RETRAINING, since)
    recipe = recommender.recipe
    training = Training(
        key=f"{recommender.arn}@{trained_at!r}",
        group_arn=recommender.dataset_group_arn,
        at=trained_at,
        recipe_name=recipe.name,
    )
    return Serving(recommender.arn, "Recommender", recommender.dataset_group_arn, recipe, config, training)


#: The bits ``uuid.UUID(int=..., version=4)`` clears and sets (variant RFC 4122, version 4).
_UUID4_CLEARED = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def _recommendation_id(backend: RegionBackend) -> str:
    # "RID-" + UUID4, 40 characters (behaviour reference §1.2); drawn from the mock's generator.
    # Exactly str(uuid.UUID(int=bits, version=4)), without building the UUID object.
    value = (backend.rng.getrandbits(128) & _UUID4_CLEARED) | _UUID4_SET
    digits = value.to_bytes(16, "big").hex()
    return f"RID-{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


@dataclass(frozen=True, slots=True)
class _Settled:
    """A group's view for "now", valid while its data is unchanged and nothing is pending."""

    stamp: DataStamp
    #: ``settled_at`` of the data the stamp describes.
    since: float
    view: DataView


# Per backend (weakly, so a reset mock frees them): group ARN -> its settled view.
_VIEWS: weakref.WeakKeyDictionary[RegionBackend, dict[str, _Settled]] = weakref.WeakKeyDictionary()


def current_view(backend: RegionBackend, group_arn: str, now: float) -> tuple[DataView, DataStamp]:
    """``data_view(backend, group_arn, now)`` and the group's :func:`data_stamp`, without the
    view's scan of the group's batches when it cannot have changed.

    Once every batch of the group is visible and every clear has happened (``settled_at``),
    the same batches count at any later time; the view found then is reused while the group's
    batches and clears are the very same (a tuple comparison, by identity).
    """
    data = group_data(backend, group_arn)
    stamp = data_stamp(data)
    views = _VIEWS.setdefault(backend, {})
    settled = views.get(group_arn)
    # The same stamp means the same batches and clears, hence the same ``settled_at``.
    if settled is not None and settled.since <= now and settled.stamp == stamp:
        return settled.view, stamp
    view = data_view(backend, group_arn, now)
    since = settled_at(data)
    if since <= now:
        views[group_arn] = _Settled(stamp, since, view)
    return view, stamp


def _count(params: Mapping[str, Any], key: str, default: int, limit: int, why: str = "") -> int:
    value: int = params.get(key, default)
    if value > limit:
        raise InvalidInputException(f"{key} must be at most {limit}{why}; got {value}.")
    return value


def _metadata_columns(
    backend: RegionBackend, serving: Serving, params: Mapping[str, Any], now: float
) -> list[str]:
    """The Items columns requested in ``metadataColumns`` (checked), or [] when none are."""
    requested: Mapping[str, list[str]] = params.get("metadataColumns") or {}
    for key in requested:
        if key != "ITEMS":
            raise InvalidInputException(f"metadataColumns key {key!r} is not valid; the only key is ITEMS.")
    columns = list(requested.get("ITEMS", []))
    if not columns:
        return []
    if not (serving.config or {}).get("enableMetadataWithRecommendations"):
        raise InvalidInputException(
            f"{serving.what} {serving.arn} does not return metadata: enable it with "
            f"enableMetadataWithRecommendations in its {serving.what.lower()}Config."
        )
    if len(columns) > MAX_METADATA_COLUMNS:
        raise InvalidInputException(
            f"metadataColumns ITEMS lists {len(columns)} columns; at most {MAX_METADATA_COLUMNS} are allowed."
        )
    has_items = any(
        dataset.dataset_type == "ITEMS" and dataset.status(now) not in DELETING
        for dataset in datasets(backend).live(now, serving.group_arn)
    )
    if not has_items:
        raise InvalidInputException(
            f"metadataColumns needs an Items dataset; dataset group {serving.group_arn} has none."
        )
    dataset_columns.check_columns(
        backend, serving.group_arn, [("ITEMS", column) for column in columns], now, "metadataColumns request"
    )
    return columns


def _metadata(view: DataView, item_id: str, columns: Sequence[str]) -> dict[str, str]:
    row = view.items.get(item_id, {})
    found: dict[str, str] = {}
    for column in columns:
        value = row.get(column.upper())
        if value is not None:
            found[column] = text(value)
    return found


def _bind(
    backend: RegionBackend,
    serving: Serving,
    source: Mapping[str, Any],
    view: DataView,
    now: float,
    *,
    target: str,
    user_id: str | None,
    item_id: str | None = None,
    what: str = "filterArn",
) -> BoundFilter | None:
    """The filter ``source`` (a request or a promotion) names in ``filterArn``, bound to its values."""
    arn: str | None = source.get("filterArn")
    values: Mapping[str, str] | None = source.get("filterValues")
    if arn is None:
        if values:
            # Choice (docs/choices.md): values without a filter are refused, not ignored.
            raise InvalidInputException("filterValues were given without a filterArn.")
        return None
    return bind_filter(
        backend,
        arn,
        values,
        group_arn=serving.group_arn,
        target=target,
        view=view,
        user_id=user_id,
        current_item=item_id,
        now=now,
        what=what,
    )


@dataclass(frozen=True, slots=True)
class _Promotion:
    name: str
    percent: int
    rules: BoundFilter


def _promotion(
    backend: RegionBackend,
    serving: Serving,
    params: Mapping[str, Any],
    view: DataView,
    now: float,
    user_id: str | None,
    item_id: str | None,
) -> _Promotion | None:
    promotions: list[Mapping[str, Any]] = params.get("promotions") or []
    if not promotions:
        return None
    promotion = promotions[0]
    missing = [key for key in ("name", "percentPromotedItems", "filterArn") if key not in promotion]
    if missing:
        raise InvalidInputException(f"A promotion needs {', '.join(missing)}.")
    bound = _bind(
        backend,
        serving,
        promotion,
        view,
        now,
        target=ITEM_ID,
        user_id=user_id,
        item_id=item_id,
        what="promotions.filterArn",
    )
    assert bound is not None
    return _Promotion(promotion["name"], promotion["percentPromotedItems"], bound)


def _select(
    ranked: Ranking | Explored, count: int, keep: BoundFilter | None, promotion: _Promotion | None
) -> tuple[tuple[Scored, ...], tuple[Scored, ...]]:
    """The promoted items and the other recommended items, each in rank order.

    As "Promoting items in real-time recommendations" describes
    (https://docs.aws.amazon.com/personalize/latest/dg/promoting-items.html): the promotion's
    filter alone picks the promoted items ("a promotion filter applies to only promoted items,
    while a request filter applies to only the remaining recommended items") — the best-ranked
    ones, up to the promotion's share of ``count``, or as many as there are; the remaining
    places go to the best-ranked other items that pass the request filter ``keep``. An item
    is listed once. ``ranked`` is read only as far as needed.
    """
    if promotion is None:
        # The usual request: the first ``count`` entries that pass, from what the ranking keeps
        # (and, with a filter, from what the bound filter kept from the same question).
        return (), ranked.top(count) if keep is None else keep.first(ranked, count)
    # Choice (docs/choices.md): the promoted share is rounded up (1 % of 10 results is 1 item).
    share = min(count, math.ceil(count * promotion.percent / 100))
    promoted: list[Scored] = []
    rest: list[Scored] = []
    for entry in ranked:
        if len(promoted) >= share and len(rest) >= count - len(promoted):
            break
        if len(promoted) < share and promotion.rules.keep(entry.item_id):
            promoted.append(entry)
        elif len(rest) < count and (keep is None or keep.keep(entry.item_id)):
            rest.append(entry)
    return tuple(promoted), tuple(rest[: count - len(promoted)])


#: Answer entries already rendered, per tuple of entries (by identity; the tuple is held, so
#: its id stays its own): {id key: id, "score": score} dicts, copied for every answer.
_RENDERED: dict[tuple[int, str], tuple[tuple[Scored, ...], list[dict[str, Any]]]] = {}
_RENDERED_KEPT = 4096


def _wire(entries: tuple[Scored, ...], id_key: str) -> list[dict[str, Any]]:
    """``[{id_key: id, "score": score}, ...]`` for ``entries``: new dicts for every answer.

    Rankings and filters hand out the same tuple for the same question, so the dicts are
    built once per tuple and copied after that (``dict.copy`` is about twice as fast as
    building a dict; the caller may change what it gets).
    """
    key = (id(entries), id_key)
    known = _RENDERED.get(key)
    if known is None:
        if len(_RENDERED) >= _RENDERED_KEPT:
            _RENDERED.clear()
        known = _RENDERED[key] = (entries, [{id_key: item, "score": score} for item, score, _ in entries])
    return list(map(dict.copy, known[1]))


def _placed(
    promoted: Sequence[Scored], rest: Sequence[Scored], request: Sequence[str]
) -> list[tuple[Scored, bool]]:
    """``promoted`` and ``rest`` merged, each entry paired with whether it is promoted.

    The guide: "promoted items are positioned randomly relative to other recommended items,
    but in sorted order relative to other promoted items". Choice (docs/choices.md): the
    places are drawn from a hash of ``request`` (what was asked) and the items chosen, so the
    same request on the same data gets the same list.
    """
    if not promoted:
        return [(entry, False) for entry in rest]
    size = len(promoted) + len(rest)
    seed = "|".join([*request, *(entry.item_id for entry in promoted), *(entry.item_id for entry in rest)])
    digest = hashlib.sha256(seed.encode()).digest()
    places = set(random.Random(int.from_bytes(digest[:8], "big")).sample(range(size), len(promoted)))
    promoted_entries, other_entries = iter(promoted), iter(rest)
    return [
        (next(promoted_entries), True) if place in places else (next(other_entries), False)
        for place in range(size)
    ]


def _serving_for(backend: RegionBackend, params: Mapping[str, Any], now: float) -> Serving:
    campaign_arn, recommender_arn = params.get("campaignArn"), params.get("recommenderArn")
    if (campaign_arn is None) == (recommender_arn is None):
        raise InvalidInputException("Provide exactly one of campaignArn and recommenderArn.")
    if campaign_arn is not None:
        return campaign_serving(backend, campaign_arn, now)
    assert recommender_arn is not None
    return recommender_serving(backend, recommender_arn, now)


def _ranked(model: Model, category: str, view: DataView, user_id: str | None, item_id: str | None) -> Ranking:
    if category == RELATED_ITEMS:
        assert item_id is not None
        return model.related(item_id)
    if category == USER_PERSONALIZATION:
        assert user_id is not None
        return model.for_user(user_id, model.history(user_id, view.by_user.get(user_id, ())))
    return model.popular()


def get_recommendations(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    serving = _serving_for(backend, params, now)
    category = serving.recipe.category
    if category in _OTHER_API:
        raise InvalidInputException(
            f"{serving.what} {serving.arn} uses recipe {serving.recipe.name} ({category}); "
            f"GetRecommendations does not apply: {_OTHER_API[category]}."
        )
    user_id = params.get("userId") or None
    item_id = params.get("itemId") or None
    if category == USER_PERSONALIZATION and user_id is None:
        raise InvalidInputException(f"userId is required: {serving.arn} recommends items for a user.")
    if category == RELATED_ITEMS and item_id is None:
        raise InvalidInputException(f"itemId is required: {serving.arn} recommends items related to an item.")
    if category == POPULAR_ITEMS:
        item_id = None
    columns = _metadata_columns(backend, serving, params, now)
    limit = MAX_RESULTS_WITH_METADATA if columns else MAX_RESULTS
    count = _count(
        params,
        "numResults",
        DEFAULT_RESULTS,
        limit,
        " when metadata columns are requested" if columns else "",
    )
    view, stamp = current_view(backend, serving.group_arn, now)
    keep = _bind(backend, serving, params, view, now, target=ITEM_ID, user_id=user_id, item_id=item_id)
    promotion = _promotion(backend, serving, params, view, now, user_id, item_id)
    model = model_for(backend, serving.training, stamp)
    ranked: Ranking | Explored = _ranked(model, category, view, user_id, item_id)
    if serving.config and category == USER_PERSONALIZATION and serving.what == "Campaign":
        # Item exploration (exploration.py): only campaigns set it, on the recipes that have it.
        exploring = exploration_of(serving.recipe.name, serving.config)
        if exploring is not None:
            assert user_id is not None and isinstance(ranked, Ranking)
            ranked = explored(model, view, exploring, serving.training.at, ranked, user_id)
    promoted, rest = _select(ranked, count, keep, promotion)
    explains = serving.recipe.name in REASON_RECIPES
    items: list[dict[str, Any]]
    if not promoted and not columns and not explains:
        # The usual answer: ids and scores only.
        items = _wire(rest, "itemId")
    else:
        items = []
        for entry, is_promoted in _placed(promoted, rest, (serving.arn, user_id or "", item_id or "")):
            predicted: dict[str, Any] = {"itemId": entry.item_id, "score": entry.score}
            if is_promoted:
                assert promotion is not None
                predicted["promotionName"] = promotion.name
            if columns:
                predicted["metadata"] = _metadata(view, entry.item_id, columns)
            if explains and (is_promoted or entry.cold):
                predicted["reason"] = [PROMOTED_REASON if is_promoted else EXPLORATION_REASON]
            items.append(predicted)
    return {"itemList": items, "recommendationId": _recommendation_id(backend)}


def get_personalized_ranking(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    serving = campaign_serving(backend, params["campaignArn"], now)
    if serving.recipe.category != PERSONALIZED_RANKING:
        raise InvalidInputException(
            f"Campaign {serving.arn} uses recipe {serving.recipe.name} ({serving.recipe.category}); "
            "GetPersonalizedRanking needs a campaign of a PERSONALIZED_RANKING recipe."
        )
    user_id: str = params["userId"]
    input_list: list[str] = params["inputList"]
    columns = _metadata_columns(backend, serving, params, now)
    limit = MAX_RESULTS_WITH_METADATA if columns else MAX_RESULTS
    if not input_list:
        raise InvalidInputException("inputList must hold at least one item.")
    if len(input_list) > limit:
        why = " when metadata columns are requested" if columns else ""
        raise InvalidInputException(f"inputList must hold at most {limit} items{why}; got {len(input_list)}.")
    view, stamp = current_view(backend, serving.group_arn, now)
    keep = _bind(backend, serving, params, view, now, target=ITEM_ID, user_id=user_id)
    model = model_for(backend, serving.training, stamp)
    history = model.history(user_id, view.by_user.get(user_id, ()))
    known, unknown = model.rank(user_id, history, input_list)
    passed = known.top(len(known)) if keep is None else keep.first(known, len(known))
    ranking = _wire(passed, "itemId")
    # Items the model never saw come last, in input order, without a score (§1.2, observed).
    ranking.extend({"itemId": item} for item in unknown if keep is None or keep.keep(item))
    if columns:
        for predicted in ranking:
            predicted["metadata"] = _metadata(view, predicted["itemId"], columns)
    return {"personalizedRanking": ranking, "recommendationId": _recommendation_id(backend)}


def get_action_recommendations(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    campaign_arn = params.get("campaignArn")
    if campaign_arn is None:
        raise InvalidInputException("campaignArn is required.")
    serving = campaign_serving(backend, campaign_arn, now)
    if serving.recipe.category != PERSONALIZED_ACTIONS:
        raise InvalidInputException(
            f"Campaign {serving.arn} uses recipe {serving.recipe.name} ({serving.recipe.category}); "
            "GetActionRecommendations needs a campaign of a PERSONALIZED_ACTIONS recipe."
        )
    count = _count(params, "numResults", DEFAULT_ACTION_RESULTS, MAX_ACTION_RESULTS)
    user_id = params.get("userId") or None
    view, stamp = current_view(backend, serving.group_arn, now)
    keep = _bind(backend, serving, params, view, now, target=ACTION_ID, user_id=user_id)
    model = model_for(backend, serving.training, stamp)
    if user_id is None:
        # Choice (docs/choices.md): without a userId (optional in the model), popular actions.
        ranked = model.popular()
    else:
        ranked = model.for_user(user_id, model.history(user_id, view.actions_by_user.get(user_id, ())))
    _, chosen = _select(ranked, count, keep, None)
    actions = _wire(chosen, "actionId")
    return {"actionList": actions, "recommendationId": _recommendation_id(backend)}
