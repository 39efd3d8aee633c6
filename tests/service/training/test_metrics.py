"""Deterministic GetSolutionMetrics values (behaviour reference §4.4)."""

from __future__ import annotations

import json

import pytest

from personalize_mock.service.training.metrics import (
    OBJECTIVE_METRIC,
    SEGMENTATION_METRICS,
    STANDARD_METRICS,
    solution_metrics,
)

RECOMMENDING = [
    "USER_PERSONALIZATION",
    "PERSONALIZED_RANKING",
    "RELATED_ITEMS",
    "POPULAR_ITEMS",
    "PERSONALIZED_ACTIONS",
]
SEEDS = [f"arn:aws:personalize:us-east-1:123456789012:solution/s/{i:08x}" for i in range(300)]


def test_key_tuples_are_the_reference_keys_sorted() -> None:
    assert list(STANDARD_METRICS) == sorted(STANDARD_METRICS)
    assert set(STANDARD_METRICS) == {
        "coverage",
        "mean_reciprocal_rank_at_25",
        "normalized_discounted_cumulative_gain_at_5",
        "normalized_discounted_cumulative_gain_at_10",
        "normalized_discounted_cumulative_gain_at_25",
        "precision_at_5",
        "precision_at_10",
        "precision_at_25",
    }
    assert SEGMENTATION_METRICS == ("coverage", "hits_at_1_percent", "recall_at_1_percent")


@pytest.mark.parametrize("category", [*RECOMMENDING, "USER_SEGMENTATION"])
def test_same_seed_same_values_other_seed_other_values(category: str) -> None:
    first = solution_metrics(category, "seed-a", recipe_name="r")
    assert solution_metrics(category, "seed-a", recipe_name="r") == first
    assert solution_metrics(category, "seed-b", recipe_name="r") != first
    assert solution_metrics(category, "seed-a", recipe_name="other") != first


def test_values_are_pinned() -> None:
    # SHA-256 based, so the values must never change between runs, processes or Pythons.
    assert solution_metrics("USER_PERSONALIZATION", "x")["precision_at_5"] == 0.1167
    assert solution_metrics("USER_SEGMENTATION", "x")["hits_at_1_percent"] == 12.7176


@pytest.mark.parametrize("category", RECOMMENDING)
def test_recommending_categories_report_the_standard_keys(category: str) -> None:
    metrics = solution_metrics(category, "s")
    assert tuple(metrics) == STANDARD_METRICS


def test_segmentation_keys() -> None:
    assert tuple(solution_metrics("USER_SEGMENTATION", "s")) == SEGMENTATION_METRICS


@pytest.mark.parametrize("category", [*RECOMMENDING, "USER_SEGMENTATION"])
def test_objective_adds_average_rewards_and_changes_nothing_else(category: str) -> None:
    plain = solution_metrics(category, "s")
    with_objective = solution_metrics(category, "s", with_objective=True)
    assert list(with_objective) == sorted(with_objective)
    assert 0.0 <= with_objective.pop(OBJECTIVE_METRIC) <= 1.0
    assert with_objective == plain


@pytest.mark.parametrize("category", RECOMMENDING)
def test_standard_values_are_plausible(category: str) -> None:
    for seed in SEEDS:
        m = solution_metrics(category, seed, with_objective=True)
        for key, value in m.items():
            assert type(value) is float, key
            assert round(value, 4) == value, key
            assert 0.0 < value <= 1.0, (key, value)
        assert m["precision_at_5"] >= m["precision_at_10"] >= m["precision_at_25"]
        ndcg = [m[f"normalized_discounted_cumulative_gain_at_{k}"] for k in (5, 10, 25)]
        assert ndcg == sorted(ndcg)
        assert all(0.0 < value < 1.0 for value in ndcg)


def test_segmentation_values_are_plausible() -> None:
    hits = []
    for seed in SEEDS:
        m = solution_metrics("USER_SEGMENTATION", seed)
        assert 0.0 < m["coverage"] <= 1.0
        assert 0.0 < m["recall_at_1_percent"] <= 1.0
        assert 1.0 <= m["hits_at_1_percent"] <= 25.0
        assert all(round(value, 4) == value for value in m.values())
        hits.append(m["hits_at_1_percent"])
    # hits_at_1_percent is a count, not a ratio: it goes above 1.
    assert max(hits) > 10.0


def test_popular_items_cover_less_of_the_catalogue_than_related_items() -> None:
    popular = max(solution_metrics("POPULAR_ITEMS", seed)["coverage"] for seed in SEEDS)
    related = min(solution_metrics("RELATED_ITEMS", seed)["coverage"] for seed in SEEDS)
    assert popular < related


def test_metrics_are_json_serialisable() -> None:
    # Sample code json.dumps GetSolutionMetrics output without default= (reference §11.6).
    json.dumps(solution_metrics("USER_PERSONALIZATION", "s", with_objective=True))


def test_unknown_category() -> None:
    with pytest.raises(ValueError, match="unknown recipe category"):
        solution_metrics("SOMETHING_ELSE", "s")
