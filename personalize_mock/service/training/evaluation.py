"""Offline evaluation of a solution version on its own data: the values of GetSolutionMetrics.

The split is the one the developer guide describes ("Evaluating an Amazon Personalize
solution version with metrics",
https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html): "the
training set consists of 90% of your users and their interactions data. The testing set
consists of the remaining 10% of users"; after training, the version is given "the oldest
90% of each user's data from the testing set as input", and metrics compare its
recommendations with "the real interactions in the most recent 10% of each user's data".

Here the model of the training set is learned by the same learner that answers
GetRecommendations (:func:`~personalize_mock.service.training.recommendation_engine.learn_items`,
same recipe, event filters and objective), and asked what the runtime would ask it. Test users
are the tenth of users with the smallest stable hash of their id (blake2b, so any process
agrees); at most :data:`MAX_TEST_USERS` of them are scored, so the cost stays bounded.

Applies to item recipes (USER_PERSONALIZATION, PERSONALIZED_RANKING, RELATED_ITEMS,
POPULAR_ITEMS) trained on readable interactions; other versions keep the stable hash-derived
values of :mod:`~personalize_mock.service.training.metrics`.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.data_views import (
    DataView,
    Interaction,
    PerKind,
    counting_batches,
    data_view,
    same_batches,
)
from personalize_mock.service.training.catalogue import (
    PERSONALIZED_RANKING,
    POPULAR_ITEMS,
    RELATED_ITEMS,
    USER_PERSONALIZATION,
)
from personalize_mock.service.training.recommendation_engine import (
    Model,
    Ranking,
    Training,
    _distinct_latest,
    learn_trained,
    unit,
)
from personalize_mock.service.training.training_data import EventSelection

#: Share of users held out for testing, and share of each test user's latest data held out.
TEST_USERS_SHARE = 0.1
HELD_OUT_SHARE = 0.1
#: Test users scored at most (the first by hash): bounds the evaluation's cost at any scale.
MAX_TEST_USERS = 200
#: The cut-offs the metric names carry.
CUTOFFS = (5, 10, 25)
#: Categories evaluated from the data.
EVALUATED = frozenset({USER_PERSONALIZATION, PERSONALIZED_RANKING, RELATED_ITEMS, POPULAR_ITEMS})


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Metric values averaged over the scored test users, unrounded."""

    values: dict[str, float]
    test_users: int


def _test_users(view: DataView) -> list[str]:
    """The tenth of users (at least one) with the smallest hash of their id, in hash order."""
    users = sorted(view.by_user, key=lambda user: (unit("evaluation", user), user))
    return users[: max(1, math.ceil(len(users) * TEST_USERS_SHARE))]


def _in_time_order(events: Sequence[Interaction]) -> list[Interaction]:
    # sorted is stable: events at the same time stay in the order they came in.
    return sorted(events, key=lambda event: event.timestamp)


def evaluate(view: DataView, training: Training, *, category: str) -> Evaluation | None:
    """The offline metrics of the ``category`` model ``training`` describes, learned from
    ``view``, or ``None`` when nothing can be evaluated (not an evaluated category, no
    interactions, or no test user with two counted events to split)."""
    if category not in EVALUATED or not view.interactions:
        return None
    chosen = training.selection
    if chosen is None:
        chosen = EventSelection(event_type=training.event_type)
    tested = _test_users(view)
    held_out = set(tested)
    training_view = DataView(
        items=view.items,
        users=view.users,
        interactions=[event for event in view.interactions if event.user not in held_out],
    )
    model = learn_trained(training_view, training)
    sums = dict.fromkeys(_NAMES, 0.0)
    recommended: set[str] = set()
    scored = 0
    for user in tested:
        counted = [event for event in _in_time_order(view.by_user[user]) if chosen.weight(event) > 0]
        if len(counted) < 2:
            continue
        split = len(counted) - max(1, math.ceil(len(counted) * HELD_OUT_SHARE))
        history = _distinct_latest([event.target for event in counted[:split] if event.target in model.known])
        truth = {event.target for event in counted[split:]}
        top = [entry.item_id for entry in _ranking(model, category, user, history).top(CUTOFFS[-1])]
        recommended.update(top)
        for name, value in _user_metrics(top, truth).items():
            sums[name] += value
        scored += 1
        if scored == MAX_TEST_USERS:
            break
    if scored == 0:
        return None
    values = {name: total / scored for name, total in sums.items()}
    values["coverage"] = len(recommended) / len(model.catalogue)
    return Evaluation(values, scored)


def _ranking(model: Model, category: str, user: str, history: tuple[str, ...]) -> Ranking:
    """What the runtime would ask the model for this user."""
    if category == POPULAR_ITEMS:
        return model.popular()
    if category == RELATED_ITEMS:
        # Items related to the user's latest item, as a "customers also viewed" widget shows.
        return model.related(history[-1]) if history else model.popular()
    return model.for_user(user, history)


_NAMES = (
    "mean_reciprocal_rank_at_25",
    *(f"normalized_discounted_cumulative_gain_at_{k}" for k in CUTOFFS),
    *(f"precision_at_{k}" for k in CUTOFFS),
)


def _user_metrics(top: Sequence[str], truth: set[str]) -> dict[str, float]:
    """Binary-relevance metrics of one user's list ``top`` against the items they went on to use."""
    hits = [item in truth for item in top]
    values: dict[str, float] = {}
    first = next((rank for rank, hit in enumerate(hits, 1) if hit), None)
    values["mean_reciprocal_rank_at_25"] = 0.0 if first is None else 1.0 / first
    for k in CUTOFFS:
        gain = sum(1.0 / math.log2(rank + 1) for rank, hit in enumerate(hits[:k], 1) if hit)
        ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(truth)) + 1))
        values[f"normalized_discounted_cumulative_gain_at_{k}"] = gain / ideal
        values[f"precision_at_{k}"] = sum(hits[:k]) / k
    return values


@dataclass(slots=True)
class _Evaluated:
    batches: PerKind
    evaluation: Evaluation | None


# Per backend (weakly, so a reset mock frees them): version ARN -> its evaluation.
_EVALUATIONS: weakref.WeakKeyDictionary[RegionBackend, dict[str, _Evaluated]] = weakref.WeakKeyDictionary()


def evaluation_for(backend: RegionBackend, training: Training, category: str) -> Evaluation | None:
    """The evaluation of the version ``training`` describes, computed once per version.

    It depends only on the records that count at the training's start, so it is kept while
    those batches are the same (checked by identity, no record is read).
    """
    if category not in EVALUATED:
        return None
    kept = _EVALUATIONS.setdefault(backend, {})
    batches = counting_batches(backend, training.group_arn, training.at)
    found = kept.get(training.key)
    if found is not None and same_batches(found.batches, batches):
        return found.evaluation
    view = data_view(backend, training.group_arn, training.at, batches)
    evaluation = evaluate(view, training, category=category)
    kept[training.key] = _Evaluated(batches, evaluation)
    return evaluation
