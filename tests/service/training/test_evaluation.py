"""Offline evaluation (GetSolutionMetrics from the data) on generated data with a planted signal.

Users belong to one of a few taste clusters and interact with items of their cluster only; a
model that learns from co-occurrence must find the cluster, a popularity count cannot.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from runtime_world import RECIPE, clients, make_world, stream, train

from personalize_mock import PersonalizeMock
from personalize_mock.service.data.data_store import BULK, Batch
from personalize_mock.service.data.data_views import DataView, build_view, data_view
from personalize_mock.service.training.catalogue import (
    PERSONALIZED_ACTIONS,
    PERSONALIZED_RANKING,
    POPULAR_ITEMS,
    RELATED_ITEMS,
    USER_PERSONALIZATION,
)
from personalize_mock.service.training.evaluation import MAX_TEST_USERS, Evaluation, _user_metrics, evaluate
from personalize_mock.service.training.metrics import STANDARD_METRICS, evaluated_metrics, solution_metrics
from personalize_mock.service.training.recommendation_engine import Training
from personalize_mock.service.training.training_data import EventSelection

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/g"


def training(recipe: str = "r", **options: Any) -> Training:
    """A version of the group's training (``evaluate`` reads its settings, not its time)."""
    return Training(key="arn:v", group_arn=GROUP, at=0.0, recipe_name=recipe, **options)


T0 = 1_700_000_000
CLUSTERS = 10
ITEMS_PER_CLUSTER = 20


def planted(users: int, per_user: int, *, seed: int = 7, shuffled: bool = False) -> list[tuple[str, str]]:
    """(user, item) rows in time order: each user picks items of their own cluster."""
    draw = random.Random(seed)
    rows = []
    for user in range(users):
        cluster = user % CLUSTERS
        for _ in range(per_user):
            rows.append((f"u{user}", f"i{cluster}-{draw.randrange(ITEMS_PER_CLUSTER)}"))
    if shuffled:
        # Same users, same items, same counts: only who-did-what is broken.
        items = [item for _, item in rows]
        draw.shuffle(items)
        rows = [(user, item) for (user, _), item in zip(rows, items, strict=True)]
    return rows


def view_of(rows: list[tuple[str, str]], event_type: str = "click") -> DataView:
    records = [
        {"USER_ID": user, "ITEM_ID": item, "EVENT_TYPE": event_type, "TIMESTAMP": str(T0 + n)}
        for n, (user, item) in enumerate(rows)
    ]
    return build_view([Batch("INTERACTIONS", 0.0, BULK, tuple(records))])


def metrics_of(view: DataView, category: str, recipe: str, **options: Any) -> dict[str, float]:
    found = evaluate(view, training(recipe, **options), category=category)
    assert found is not None
    return evaluated_metrics(category, "arn:v", found.values, recipe_name=recipe)


def test_user_personalization_beats_popularity_count() -> None:
    view = view_of(planted(400, 12))
    personal = metrics_of(view, USER_PERSONALIZATION, "aws-user-personalization")
    popular = metrics_of(view, POPULAR_ITEMS, "aws-popularity-count")
    for name in ("normalized_discounted_cumulative_gain_at_10", "precision_at_10"):
        assert personal[name] > 2 * popular[name], (name, personal[name], popular[name])
    # Popularity recommends the same list to everybody: it covers less of the catalogue.
    assert personal["coverage"] > popular["coverage"]
    assert list(personal) == sorted(personal) and set(STANDARD_METRICS) == set(personal)


def test_informative_interactions_raise_the_metrics() -> None:
    sparse = metrics_of(view_of(planted(400, 4)), USER_PERSONALIZATION, "aws-user-personalization")
    rich = metrics_of(view_of(planted(400, 16)), USER_PERSONALIZATION, "aws-user-personalization")
    assert (
        rich["normalized_discounted_cumulative_gain_at_10"]
        > sparse["normalized_discounted_cumulative_gain_at_10"]
    )
    assert rich["precision_at_10"] > sparse["precision_at_10"]


def test_shuffled_interactions_lower_the_metrics() -> None:
    real = metrics_of(view_of(planted(400, 12)), USER_PERSONALIZATION, "aws-user-personalization")
    noise = metrics_of(
        view_of(planted(400, 12, shuffled=True)), USER_PERSONALIZATION, "aws-user-personalization"
    )
    for name in (
        "normalized_discounted_cumulative_gain_at_10",
        "precision_at_10",
        "mean_reciprocal_rank_at_25",
    ):
        assert noise[name] < real[name], name


def test_the_same_data_gives_the_same_metrics() -> None:
    first = metrics_of(view_of(planted(300, 10)), USER_PERSONALIZATION, "aws-user-personalization")
    second = metrics_of(view_of(planted(300, 10)), USER_PERSONALIZATION, "aws-user-personalization")
    assert first == second


@pytest.mark.parametrize(
    ("category", "recipe"),
    [(RELATED_ITEMS, "aws-similar-items"), (PERSONALIZED_RANKING, "aws-personalized-ranking")],
)
def test_every_item_category_is_evaluated_within_the_ranges(category: str, recipe: str) -> None:
    metrics = metrics_of(view_of(planted(200, 10)), category, recipe)
    assert all(0.0 < value <= 1.0 for value in metrics.values())
    assert metrics["normalized_discounted_cumulative_gain_at_10"] > 0.05


def test_nothing_to_evaluate() -> None:
    assert evaluate(view_of([]), training(), category=USER_PERSONALIZATION) is None
    assert evaluate(view_of(planted(50, 5)), training(), category=PERSONALIZED_ACTIONS) is None
    # Every user has a single event: none can be split into input and held-out data.
    single = view_of([(f"u{n}", f"i{n}") for n in range(30)])
    assert evaluate(single, training(), category=USER_PERSONALIZATION) is None


def test_event_filters_apply_to_the_split() -> None:
    view = view_of(planted(100, 8), event_type="click")
    # No event is of the wanted type: nothing counts, nothing is evaluated.
    assert (
        evaluate(view, training(selection=EventSelection(event_type="buy")), category=USER_PERSONALIZATION)
        is None
    )
    kept = evaluate(view, training(event_type="click"), category=USER_PERSONALIZATION)
    assert kept is not None and kept.test_users == 10


def test_test_users_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("personalize_mock.service.training.evaluation.MAX_TEST_USERS", 3)
    found = evaluate(view_of(planted(100, 5)), training(), category=USER_PERSONALIZATION)
    assert isinstance(found, Evaluation) and found.test_users == 3
    assert MAX_TEST_USERS >= 100


def test_user_metrics_by_hand() -> None:
    values = _user_metrics(["a", "b", "c"] + [f"z{n}" for n in range(22)], {"b", "q"})
    assert values["mean_reciprocal_rank_at_25"] == 0.5
    assert values["precision_at_5"] == pytest.approx(1 / 5)
    ideal = 1.0 + 1 / 1.5849625007211563
    assert values["normalized_discounted_cumulative_gain_at_5"] == pytest.approx(
        (1 / 1.5849625007211563) / ideal
    )
    assert _user_metrics(["x"] * 25, {"b"})["mean_reciprocal_rank_at_25"] == 0.0


def test_evaluated_metrics_keep_the_objective_metric_hash_derived() -> None:
    values = dict.fromkeys(STANDARD_METRICS, 0.0) | {"normalized_discounted_cumulative_gain_at_5": 1.0}
    metrics = evaluated_metrics(USER_PERSONALIZATION, "arn:v", values, with_objective=True)
    hashed = solution_metrics(USER_PERSONALIZATION, "arn:v", with_objective=True)
    assert metrics["average_rewards_at_k"] == hashed["average_rewards_at_k"]
    # Bounded as the hash-derived values are: never 0, NDCG below 1.
    assert metrics["precision_at_5"] == 0.0001
    assert metrics["normalized_discounted_cumulative_gain_at_5"] == 0.9999


# -- through boto3 ----------------------------------------------------------------------------


def _streamed_histories(users: int, per_user: int) -> dict[str, list[str]]:
    by_user: dict[str, list[str]] = {}
    for user, item in planted(users, per_user):
        by_user.setdefault(user, []).append(item)
    return by_user


def test_get_solution_metrics_reports_the_evaluation_of_streamed_events(pm: PersonalizeMock) -> None:
    client, _, events = clients()
    world = make_world(pm, client, "evaluated", types=("INTERACTIONS",))

    made = iter(range(100))

    def metrics(recipe: str) -> dict[str, float]:
        solution = client.create_solution(
            name=f"s{next(made)}", datasetGroupArn=world.group, recipeArn=RECIPE + recipe
        )["solutionArn"]
        version = train(pm, client, solution)
        found: dict[str, float] = client.get_solution_metrics(solutionVersionArn=version)["metrics"]
        # Computed once: asked again (the data unchanged), the same values.
        assert client.get_solution_metrics(solutionVersionArn=version)["metrics"] == found
        return found

    # Without readable data: today's stable hash-derived values.
    before = metrics("aws-user-personalization")
    stream(events, world.tracking_id, _streamed_histories(200, 10))
    personal = metrics("aws-user-personalization")
    popular = metrics("aws-popularity-count")
    assert personal != before
    assert personal["precision_at_10"] > popular["precision_at_10"]
    backend = pm.state.backend("us-east-1")
    view = data_view(backend, world.group, backend.clock.time())
    assert personal == metrics_of(view, USER_PERSONALIZATION, "aws-user-personalization")
    # Action and segmentation recipes are not evaluated: hash-derived keys and values.
    assert set(metrics("aws-item-affinity")) == {"coverage", "hits_at_1_percent", "recall_at_1_percent"}
