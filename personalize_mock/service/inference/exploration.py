"""Item exploration of user-personalization campaigns (``campaignConfig.itemExplorationConfig``).

The guide ("Configuring exploration for a domain recommender",
https://docs.aws.amazon.com/personalize/latest/dg/create-recommender-configure-exploration.html,
the same settings as a User-Personalization campaign's): the exploration weight is "between 0
to 1 [...] The closer the value is to 1, the more exploration. With more exploration,
recommendations include more items with less item interactions data or relevance [...] At
zero, no exploration occurs"; the item age cut-off is "the maximum item age in days since the
latest interaction across all items in the Item interactions dataset", age coming from the
item's creation timestamp "or, if creation timestamp data is missing, item interactions data".

Here a list of ``n`` entries gives about ``weight * n`` of its places to explored items: the
items the model learned little about (none, or less than a tenth of the mean popularity) that
are young enough (created within the cut-off before the latest interaction; an item without
``CREATION_TIMESTAMP`` counts as young). The places are spread evenly through the list and the
explored items are taken from a model-wide order (a stable hash) from a place that depends on
the user, so the same request gets the same list. The pool is derived once per model, data
view and configuration; a request reads only the entries it returns, whatever the catalogue's
size.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from personalize_mock.service.data.data_views import DataView, number
from personalize_mock.service.training.recommendation_engine import (
    DAY,
    MIN_SCORE,
    Model,
    Ranking,
    Scored,
    unit,
)

#: Recipes whose campaigns explore (the itemExplorationConfig recipes of the guide).
EXPLORING_RECIPES = frozenset({"aws-user-personalization", "aws-user-personalization-v2"})
#: Default cut-off, in days, when only the weight is given (the guide's default).
DEFAULT_AGE_CUT_OFF = 30.0
#: An item with less than this share of the mean popularity counts as having few interactions.
FEW_INTERACTIONS_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Exploration:
    """A campaign's exploration settings: ``weight`` in (0, 1], ``age_cut_off`` in days."""

    weight: float
    age_cut_off: float


def exploration_of(recipe_name: str, config: Mapping[str, Any] | None) -> Exploration | None:
    """The exploration of a campaign, or ``None`` when its lists are pure relevance.

    Choice: only an explicit ``explorationWeight`` above 0 explores (a campaign without the
    setting keeps its pure relevance ranking); values are validated when the campaign is made.
    """
    if recipe_name not in EXPLORING_RECIPES:
        return None
    found = ((config or {}).get("itemExplorationConfig") or {}).get("explorationWeight")
    weight = number(found)
    if weight is None or not weight > 0:
        return None
    cut_off = number(((config or {}).get("itemExplorationConfig") or {}).get("explorationItemAgeCutOff"))
    return Exploration(min(weight, 1.0), DEFAULT_AGE_CUT_OFF if cut_off is None else cut_off)


def exploration_pool(
    model: Model, view: DataView, exploration: Exploration, trained_at: float
) -> tuple[str, ...]:
    """The items ``model`` may explore, in a stable model-wide order (derived once per model)."""
    known = model.popularity
    mean = sum(known.values()) / len(known) if known else 0.0
    latest = max((event.timestamp for event in view.interactions), default=trained_at)
    oldest = latest - exploration.age_cut_off * DAY
    pool = []
    for item in model.catalogue:
        if known.get(item, 0.0) >= FEW_INTERACTIONS_SHARE * mean and not model.is_cold(item):
            continue
        created = number(view.items.get(item, {}).get("CREATION_TIMESTAMP"))
        if created is not None and created < oldest:
            continue
        pool.append(item)
    return tuple(sorted(pool, key=lambda item: (unit(model.seed, "explore", item), item)))


def explored_place(position: int, weight: float) -> bool:
    """Whether place ``position`` (from 0) of a list goes to an explored item: about ``weight``
    of the places, spread evenly (the first places go to relevance unless the weight is high)."""
    return math.floor((position + 1) * weight) > math.floor(position * weight)


class Explored:
    """``ranked`` with explored items mixed in, read lazily (the first k entries cost O(k))."""

    __slots__ = ("_pool", "_ranked", "_start", "_tops", "_weight")

    def __init__(self, ranked: Ranking, pool: tuple[str, ...], weight: float, user_id: str) -> None:
        self._ranked = ranked
        self._pool = pool
        self._weight = weight
        self._start = int(unit("explore", user_id) * len(pool)) if pool else 0
        self._tops: dict[int, tuple[Scored, ...]] = {}

    def __len__(self) -> int:
        return len(self._ranked)

    def __iter__(self) -> Iterator[Scored]:
        seen: set[str] = set()
        pool, weight, start = self._pool, self._weight, self._start
        explored = 0
        relevant = iter(self._ranked)
        for position in range(len(self._ranked)):
            entry: Scored | None = None
            while explored < len(pool) and explored_place(position, weight) and entry is None:
                item = pool[(start + explored) % len(pool)]
                explored += 1
                if item not in seen:
                    entry = Scored(item, MIN_SCORE, True)
            while entry is None:
                candidate = next(relevant)
                if candidate.item_id not in seen:
                    entry = candidate
            seen.add(entry.item_id)
            yield entry

    def top(self, count: int) -> tuple[Scored, ...]:
        """The first ``count`` entries, the same tuple for the same count."""
        found = self._tops.get(count)
        if found is None:
            chosen: list[Scored] = []
            for entry in self:
                if len(chosen) >= count:
                    break
                chosen.append(entry)
            found = self._tops[count] = tuple(chosen)
        return found


#: Pools and explored rankings already derived, by the identity of what they were derived from
#: (held in the entry, so an id is never reused while its entry lives); bounded.
_POOLS: dict[tuple[int, int, Exploration], tuple[Model, DataView, tuple[str, ...]]] = {}
_EXPLORED: dict[tuple[int, str, Exploration], tuple[Ranking, Explored]] = {}
_KEPT = 4096


def explored(
    model: Model, view: DataView, exploration: Exploration, trained_at: float, ranked: Ranking, user_id: str
) -> Explored:
    """``ranked`` (the user's relevance ranking) with exploration mixed in; kept per ranking."""
    key = (id(ranked), user_id, exploration)
    found = _EXPLORED.get(key)
    if found is not None:
        return found[1]
    pool_key = (id(model), id(view), exploration)
    pooled = _POOLS.get(pool_key)
    if pooled is None:
        if len(_POOLS) >= _KEPT:
            _POOLS.clear()
        pooled = _POOLS[pool_key] = (model, view, exploration_pool(model, view, exploration, trained_at))
    if len(_EXPLORED) >= _KEPT:
        _EXPLORED.clear()
    made = Explored(ranked, pooled[2], exploration.weight, user_id)
    _EXPLORED[key] = (ranked, made)
    return made
