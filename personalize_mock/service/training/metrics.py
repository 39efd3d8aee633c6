"""Offline metrics of a trained solution version (GetSolutionMetrics).

A version trained on readable interactions with an item recipe reports the values of its
offline evaluation (:mod:`~personalize_mock.service.training.evaluation`), formatted by
:func:`evaluated_metrics`. Otherwise values are made up but stable: they derive from a
seed (typically the solution version ARN) through SHA-256, so the same version always
reports the same numbers, in any process and on any Python version, and tests can assert
on them. Key names and value ranges follow the behaviour reference §4.4.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from personalize_mock.service.training.catalogue import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    POPULAR_ITEMS,
    RELATED_ITEMS,
    USER_PERSONALIZATION,
    USER_SEGMENTATION,
)

#: Keys of every recommending category (§4.4), in the alphabetical order the service uses.
STANDARD_METRICS: tuple[str, ...] = (
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "precision_at_10",
    "precision_at_25",
    "precision_at_5",
)
#: Added when the solution has an optimization objective.
OBJECTIVE_METRIC = "average_rewards_at_k"
#: Keys of USER_SEGMENTATION recipes (Item-Affinity, Item-Attribute-Affinity).
SEGMENTATION_METRICS: tuple[str, ...] = ("coverage", "hits_at_1_percent", "recall_at_1_percent")

_DECIMALS = 4
# Smallest reported value: a metric rounded to zero would look like a failed evaluation.
_FLOOR = 10.0**-_DECIMALS
# NDCG is strictly inside (0, 1) after rounding.
_NDCG_CEILING = 1.0 - _FLOOR


@dataclass(frozen=True, slots=True)
class _Profile:
    """Ranges (low, high) of the independent metrics of one category."""

    coverage: tuple[float, float]
    precision_at_5: tuple[float, float]
    ndcg_at_5: tuple[float, float]


# Ranges are typical of published sample outputs: popularity recipes recommend the same few
# items to everybody (low coverage), related-items recipes cover much of the catalogue
# with lower precision, action recommendations choose among few actions (high coverage).
# Trending-Now is POPULAR_ITEMS: the reference names a "trend prediction accuracy" metric for
# it, but its key is UNCONFIRMED, so it reports the standard keys like Popularity-Count.
_PROFILES: dict[str, _Profile] = {
    USER_PERSONALIZATION: _Profile((0.05, 0.45), (0.03, 0.18), (0.08, 0.35)),
    PERSONALIZED_RANKING: _Profile((0.05, 0.35), (0.03, 0.15), (0.08, 0.30)),
    RELATED_ITEMS: _Profile((0.20, 0.80), (0.01, 0.08), (0.03, 0.15)),
    POPULAR_ITEMS: _Profile((0.001, 0.05), (0.01, 0.08), (0.02, 0.12)),
    PERSONALIZED_ACTIONS: _Profile((0.30, 1.00), (0.05, 0.25), (0.10, 0.45)),
}


class _Draws:
    """Uniform draws in [0, 1) from SHA-256 of the seed and a counter.

    Hand-rolled instead of ``random.Random`` so the values cannot change with the Python
    version and so nothing shares state with the backend's own RNG.
    """

    __slots__ = ("_count", "_material")

    def __init__(self, material: str) -> None:
        self._material = material.encode()
        self._count = 0

    def unit(self) -> float:
        digest = hashlib.sha256(self._material + b"\x1f" + str(self._count).encode()).digest()
        self._count += 1
        return int.from_bytes(digest[:8], "big") / 2.0**64

    def between(self, low: float, high: float) -> float:
        return low + (high - low) * self.unit()


def _ratio(value: float, ceiling: float = 1.0) -> float:
    return min(max(round(value, _DECIMALS), _FLOOR), ceiling)


def solution_metrics(
    category: str, seed: str, *, with_objective: bool = False, recipe_name: str = ""
) -> dict[str, float]:
    """The ``metrics`` map of GetSolutionMetrics for a version of a ``category`` recipe.

    ``seed`` makes the values (same seed, category and recipe → same values); pass the
    solution version ARN. ``with_objective`` adds ``average_rewards_at_k`` without changing
    the other values. Keys are in alphabetical order, values rounded to 4 decimals; ratios
    lie in [0, 1], precision falls and NDCG rises with k, and ``hits_at_1_percent`` of
    USER_SEGMENTATION is a count that may exceed 1. Raises ``ValueError`` for an unknown
    category.
    """
    draws = _Draws(f"{category}\x1f{recipe_name}\x1f{seed}")
    metrics: dict[str, float]
    if category == USER_SEGMENTATION:
        metrics = {
            "coverage": _ratio(draws.between(0.30, 1.00)),
            "hits_at_1_percent": round(draws.between(1.0, 25.0), _DECIMALS),
            "recall_at_1_percent": _ratio(draws.between(0.05, 0.60)),
        }
    else:
        profile = _PROFILES.get(category)
        if profile is None:
            raise ValueError(f"unknown recipe category {category!r}")
        metrics = _standard(profile, draws)
    if with_objective:
        # Drawn last, so adding the objective leaves the other values unchanged.
        metrics[OBJECTIVE_METRIC] = _ratio(draws.between(0.05, 0.60))
    return dict(sorted(metrics.items()))


def _standard(profile: _Profile, draws: _Draws) -> dict[str, float]:
    coverage = draws.between(*profile.coverage)
    precision_5 = draws.between(*profile.precision_at_5)
    # Fewer relevant items per slot as the list grows: precision falls with k.
    precision_10 = precision_5 * draws.between(0.70, 0.95)
    precision_25 = precision_10 * draws.between(0.55, 0.90)
    # NDCG accumulates more relevant items as k grows, so it rises with k.
    ndcg_5 = draws.between(*profile.ndcg_at_5)
    ndcg_10 = ndcg_5 * draws.between(1.05, 1.30)
    ndcg_25 = ndcg_10 * draws.between(1.05, 1.35)
    mrr_25 = ndcg_5 * draws.between(0.95, 1.25)
    # Rounding is monotonic, so the orderings above survive it.
    return {
        "coverage": _ratio(coverage),
        "mean_reciprocal_rank_at_25": _ratio(mrr_25),
        "normalized_discounted_cumulative_gain_at_10": _ratio(ndcg_10, _NDCG_CEILING),
        "normalized_discounted_cumulative_gain_at_25": _ratio(ndcg_25, _NDCG_CEILING),
        "normalized_discounted_cumulative_gain_at_5": _ratio(ndcg_5, _NDCG_CEILING),
        "precision_at_10": _ratio(precision_10),
        "precision_at_25": _ratio(precision_25),
        "precision_at_5": _ratio(precision_5),
    }


def evaluated_metrics(
    category: str,
    seed: str,
    values: dict[str, float],
    *,
    with_objective: bool = False,
    recipe_name: str = "",
) -> dict[str, float]:
    """The ``metrics`` map of a version evaluated on its data: ``values`` (from
    :func:`~personalize_mock.service.training.evaluation.evaluate`) over the standard keys,
    rounded and bounded as :func:`solution_metrics` reports them. ``average_rewards_at_k``
    (with an objective) is not evaluated: it keeps its hash-derived value.
    """
    metrics = solution_metrics(category, seed, with_objective=with_objective, recipe_name=recipe_name)
    for name in STANDARD_METRICS:
        ceiling = _NDCG_CEILING if name.startswith("normalized_discounted") else 1.0
        metrics[name] = _ratio(values[name], ceiling)
    return metrics
