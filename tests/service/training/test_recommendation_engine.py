"""The recommendation engine and the filter-value parser, driven directly with records.

The runtime tests (test_runtime.py, test_runtime_flow.py) cover the same behaviour through
boto3; these pin the model's rules on small hand-made data.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.errors import InvalidInputException
from personalize_mock.service.data.data_store import BULK, PUT, Batch, group_data
from personalize_mock.service.data.data_views import Interaction, build_view, data_view
from personalize_mock.service.inference.runtime_filters import parse_filter_values
from personalize_mock.service.training.recommendation_engine import (
    DAY,
    MIN_SCORE,
    Model,
    Objective,
    Training,
    _Cache,
    _certified,
    _in_time_order,
    _Scale,
    action_weight,
    learn_actions,
    learn_items,
    model_for,
    objective_of,
    round_score,
)
from personalize_mock.service.training.training_data import EventSelection, event_selection

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/g"
T0 = 1_700_000_000


def interactions(*rows: tuple[str, str], event_type: str = "click", at: float = T0) -> Batch:
    """An INTERACTIONS batch: (user, item) rows, one second apart from ``at``."""
    records = [
        {"USER_ID": user, "ITEM_ID": item, "EVENT_TYPE": event_type, "TIMESTAMP": str(int(at) + n)}
        for n, (user, item) in enumerate(rows)
    ]
    return Batch("INTERACTIONS", 0.0, BULK, tuple(records))


def items_model(
    *batches: Batch, recipe: str = "aws-user-personalization", event_type: str | None = None
) -> Model:
    return learn_items(build_view(batches), seed=GROUP, recipe_name=recipe, event_type=event_type)


def order(scored: Sequence[Any]) -> list[str]:
    return [entry.item_id for entry in scored]


def check_scores(scored: Sequence[Any]) -> None:
    scores = [entry.score for entry in scored]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert all(round(score, 7) == score for score in scores)


# A small shop: everyone buys a; b and c go together; d is bought once; e only in the catalogue.
SHOP = interactions(
    ("u1", "a"), ("u1", "b"), ("u1", "c"),
    ("u2", "a"), ("u2", "b"), ("u2", "c"),
    ("u3", "a"), ("u3", "b"),
    ("u4", "a"), ("u4", "d"),
)  # fmt: skip
CATALOGUE = Batch("ITEMS", 0.0, BULK, ({"ITEM_ID": "e", "GENRE": "toys"}, {"item_id": "a"}))


def test_popular_items_rank_by_interaction_count() -> None:
    model = items_model(SHOP, CATALOGUE, recipe="aws-popularity-count")
    popular = model.popular()
    assert order(popular) == ["a", "b", "c", "d", "e"]
    check_scores(popular)
    # Scores are shares of the catalogue (the service's softmax scores sum to 1).
    assert math.isclose(sum(entry.score for entry in popular), 1.0, abs_tol=1e-5)
    # e has no interactions: it is in the catalogue (from the Items dataset), explored a little.
    assert popular[-1].cold and not popular[0].cold


def test_a_ranking_is_a_sequence_over_the_catalogue() -> None:
    model = items_model(SHOP, CATALOGUE, recipe="aws-popularity-count")
    popular = model.popular()
    assert len(popular) == 5  # a, b, c, d from the interactions, e from the Items dataset
    assert len(model.popular(exclude="a")) == 4
    assert popular[1:3] == [popular[1], popular[2]]
    assert list(popular) == popular[:]
    assert next(reversed(popular)) == popular[-1]


def test_popularity_is_recency_weighted_and_trending_more_so() -> None:
    old = interactions(("u1", "old"), ("u2", "old"), ("u3", "old"), at=T0)
    new = interactions(("u4", "new"), ("u5", "new"), at=T0 + 20 * DAY)
    assert order(items_model(old, new, recipe="aws-popularity-count").popular()) == ["old", "new"]
    # 20 days at a 30-day half-life: 3 x 0.63 = 1.9 < 2.
    assert order(items_model(old, new, recipe="aws-user-personalization").popular()) == ["new", "old"]
    trending = items_model(old, new, recipe="aws-trending-now").popular()
    assert order(trending) == ["new", "old"]
    assert trending[1].score < 1e-5  # 2^-20 of the newest


def test_related_items_follow_co_occurrence() -> None:
    model = items_model(SHOP, CATALOGUE, recipe="aws-sims")
    related = model.related("c")
    assert "c" not in order(related)
    # a and b were both bought by c's 2 buyers; b is less popular overall, so it is the
    # stronger signal (SIMS discounts popularity).
    assert order(related)[:2] == ["b", "a"]
    check_scores(related)
    assert order(model.related("d"))[0] == "a"
    # An item the model never saw gets popular items.
    assert order(model.related("zzz")) == order(model.popular())


def test_user_personalization_uses_the_history_and_cold_users_get_popular_items() -> None:
    model = items_model(SHOP, CATALOGUE)
    assert model.history("u4") == ("a", "d")
    for_u4 = model.for_user("u4", model.history("u4"))
    check_scores(for_u4)
    # u4 bought a: what a's other buyers bought (b, c) ranks above the rest.
    assert order(for_u4)[:2] == ["b", "c"]
    # Items the user already interacted with may be recommended again (like the service).
    assert "a" in order(for_u4)
    assert order(model.for_user("stranger", model.history("stranger"))) == order(model.popular())


def test_live_events_change_a_users_history_among_known_items_only() -> None:
    model = items_model(SHOP)
    live = [
        Interaction("stranger", "c", "click", T0, {}),
        Interaction("stranger", "unknown", "click", T0, {}),
    ]
    assert model.history("stranger", live) == ("c",)
    assert order(model.for_user("stranger", ("c",)))[0] in {"a", "b"}
    assert model.history("u4") == ("a", "d")
    assert model.history("u4", live) == ("a", "d", "c")


def test_event_type_of_the_solution_selects_the_interactions() -> None:
    bought = interactions(("u9", "d"), ("u8", "d"), ("u7", "d"), ("u6", "d"), event_type="buy")
    model = items_model(SHOP, bought, event_type="buy")
    assert order(model.popular())[0] == "d"
    assert model.histories.keys() == {"u6", "u7", "u8", "u9"}


def valued(*rows: tuple[str, str, str, float | None]) -> Batch:
    """An INTERACTIONS batch of (user, item, event type, event value) rows, one second apart."""
    records = [
        {"USER_ID": user, "ITEM_ID": item, "EVENT_TYPE": kind, "EVENT_VALUE": value, "TIMESTAMP": T0 + n}
        for n, (user, item, kind, value) in enumerate(rows)
    ]
    return Batch("INTERACTIONS", 0.0, BULK, tuple(records))


def selected(*batches: Batch, config: dict[str, Any], event_type: str | None = None) -> Model:
    return (
        items_model(*batches, event_type=event_type)
        if not config
        else learn_items(
            build_view(batches),
            seed=GROUP,
            recipe_name="aws-user-personalization-v2",
            event_type=event_type,
            selection=event_selection(event_type, config),
        )
    )


# Ratings: "hit" is rated 5 by three users, "meh" 1.0 by five, "ok" 3 by two.
RATINGS = valued(
    ("u1", "hit", "rating", 5.0), ("u2", "hit", "rating", 5.0), ("u3", "hit", "rating", 5.0),
    ("u1", "meh", "rating", 1.0), ("u2", "meh", "rating", 1.0), ("u3", "meh", "rating", 1.0),
    ("u4", "meh", "rating", 1.0), ("u5", "meh", "rating", 1.0),
    ("u4", "ok", "rating", 3.0), ("u5", "ok", "rating", 3.0), ("u6", "ok", "rating", None),
)  # fmt: skip


def test_an_event_value_threshold_keeps_low_valued_items_out_of_the_model() -> None:
    # Without a threshold, "meh" is the most popular item.
    assert order(selected(RATINGS, config={}).popular())[0] == "meh"
    # "Only events with a value greater than or equal to this threshold are used for training":
    # an item only seen with value 1.0 is not learned, so it is never recommended.
    model = selected(RATINGS, config={"eventValueThreshold": "3"})
    assert order(model.popular()) == ["hit", "ok"]
    assert "meh" not in model.known
    assert model.history("u1") == ("hit",)
    # u6's event has no value: none that reaches the threshold.
    assert "u6" not in model.histories
    # An item the Items dataset lists stays in the catalogue, without interactions (cold).
    listed = selected(
        RATINGS, Batch("ITEMS", 0.0, BULK, ({"ITEM_ID": "meh"},)), config={"eventValueThreshold": "3"}
    )
    assert order(listed.popular())[-1] == "meh" and listed.popular()[-1].cold


def test_the_event_type_keeps_other_types_out_of_the_model() -> None:
    watched = interactions(("u1", "film"), ("u2", "film"), event_type="watch")
    model = items_model(SHOP, watched, event_type="watch")
    assert order(model.popular()) == ["film"]
    assert model.known == {"film"}


# Clicks make "clicked" the most popular item; purchases are fewer but of "bought".
MIXED = valued(
    ("u1", "clicked", "click", None), ("u2", "clicked", "click", None), ("u3", "clicked", "click", None),
    ("u4", "clicked", "click", None), ("u5", "bought", "purchase", 10.0), ("u6", "bought", "purchase", 2.0),
    ("u7", "cheap", "purchase", 1.0), ("u8", "viewed", "view", None),
)  # fmt: skip


def test_events_config_weights_change_the_ranking() -> None:
    plain = selected(MIXED, config={})
    assert order(plain.popular())[:2] == ["clicked", "bought"]
    weights = {
        "eventsConfig": {
            "eventParametersList": [
                {"eventType": "purchase", "weight": 0.9},
                {"eventType": "click", "weight": 0.1},
            ]
        }
    }
    weighted = selected(MIXED, config=weights)
    # 2 purchases x 0.9 outweigh 4 clicks x 0.1.
    assert order(weighted.popular())[:2] == ["bought", "cheap"]
    # Types the configuration does not list are not used ("viewed" was only viewed).
    assert "viewed" not in weighted.known
    # Only the ratio of the weights matters.
    doubled = {
        "eventsConfig": {
            "eventParametersList": [
                {"eventType": "purchase", "weight": 0.6},
                {"eventType": "click", "weight": 0.2 / 3},
            ]
        }
    }
    assert [(e.item_id, e.score) for e in selected(MIXED, config=doubled).popular()] == [
        (e.item_id, e.score) for e in weighted.popular()
    ]


def test_events_config_thresholds_apply_per_event_type() -> None:
    config = {
        "eventsConfig": {
            "eventParametersList": [
                {"eventType": "purchase", "eventValueThreshold": 5.0},
                {"eventType": "click"},
            ]
        }
    }
    model = selected(MIXED, config=config)
    # Purchases below 5 are dropped ("cheap" entirely); clicks have no threshold, and an entry
    # without a weight counts fully.
    assert order(model.popular()) == ["clicked", "bought"]
    # One purchase of "bought" remains (recency-weighted: a little under 1).
    assert model.popularity["bought"] == pytest.approx(1.0, rel=1e-5)


def test_weights_shape_what_a_user_is_recommended() -> None:
    # The guide's example: with purchases weighted above clicks, an item that users like u1
    # bought ranks above one they only clicked.
    rows = valued(
        ("u1", "shoes", "click", None),
        ("u2", "shoes", "purchase", None), ("u2", "socks", "purchase", None),
        ("u3", "shoes", "click", None), ("u3", "laces", "click", None),
        ("u4", "shoes", "click", None), ("u4", "laces", "click", None),
    )  # fmt: skip
    plain = selected(rows, config={})
    before = order(plain.for_user("u1", plain.history("u1")))
    assert before.index("laces") < before.index("socks")
    config = {
        "eventsConfig": {
            "eventParametersList": [
                {"eventType": "purchase", "weight": 1.0},
                {"eventType": "click", "weight": 0.2},
            ]
        }
    }
    weighted = selected(rows, config=config)
    after = order(weighted.for_user("u1", weighted.history("u1")))
    assert after.index("socks") < after.index("laces")


def test_event_selection_combines_every_filter() -> None:
    selection = event_selection(
        "purchase",
        {
            "eventValueThreshold": "2",
            "eventsConfig": {
                "eventParametersList": [{"eventType": "purchase", "eventValueThreshold": 4.0, "weight": 0.5}]
            },
        },
    )
    assert selection == EventSelection("purchase", 2.0, (("purchase", 4.0, 1.0),))

    def event(kind: str, value: object) -> Interaction:
        return Interaction("u", "i", kind, T0, {"EVENT_VALUE": value})

    assert [selection.weight(event("purchase", value)) for value in (5.0, "4", 3.0, None)] == [
        1.0,
        1.0,
        0.0,
        0.0,
    ]
    assert selection.weight(event("click", 5.0)) == 0.0
    # Every weight 0: nothing is used.
    nothing = event_selection(
        None, {"eventsConfig": {"eventParametersList": [{"eventType": "click", "weight": 0.0}]}}
    )
    assert nothing.weight(event("click", None)) == 0.0
    # No filter: every event counts once. An empty events configuration is none.
    assert event_selection(None, None).weight(event("anything", None)) == 1.0
    assert event_selection(None, {"eventsConfig": {"eventParametersList": []}}) == EventSelection()


SHOES = Batch(
    "ITEMS",
    0.0,
    BULK,
    (
        {"ITEM_ID": "a", "PRICE": 10.0}, {"ITEM_ID": "b", "PRICE": 20.0}, {"ITEM_ID": "c", "PRICE": 500.0},
        {"ITEM_ID": "d", "PRICE": 5.0}, {"ITEM_ID": "e"},
    ),
)  # fmt: skip


def test_an_optimization_objective_favours_items_with_higher_values() -> None:
    def model(config: dict[str, Any]) -> Model:
        return learn_items(
            build_view([SHOP, SHOES]),
            seed=GROUP,
            recipe_name="aws-user-personalization",
            event_type=None,
            objective=objective_of(config),
        )

    plain = model({})
    assert order(plain.for_user("u4", plain.history("u4")))[:2] == ["b", "c"]
    high = model({"optimizationObjective": {"itemAttribute": "price", "objectiveSensitivity": "HIGH"}})
    # "Amazon Personalize gives more importance to items with higher values for this column."
    assert order(high.for_user("u4", high.history("u4")))[:2] == ["c", "b"]
    # A cold user's popular items are raised too: "c" overtakes the more popular "b".
    assert order(plain.for_user("stranger", ())).index("c") > order(plain.for_user("stranger", ())).index("b")
    assert order(high.for_user("stranger", ())).index("c") < order(high.for_user("stranger", ())).index("b")
    # Ranking is personalized the same way.
    ranked, _ = high.rank("u4", high.history("u4"), ["b", "c"])
    assert order(ranked) == ["c", "b"]
    # OFF leaves relevance alone; so does a column without differing values.
    off = model({"optimizationObjective": {"itemAttribute": "PRICE", "objectiveSensitivity": "OFF"}})
    assert off.for_user("u4", off.history("u4"))[:] == plain.for_user("u4", plain.history("u4"))[:]
    flat = model({"optimizationObjective": {"itemAttribute": "YEAR"}})
    assert flat.boost == {}
    # Without a sensitivity, MEDIUM: "c" (the most expensive) is raised by half.
    medium = model({"optimizationObjective": {"itemAttribute": "PRICE"}})
    assert objective_of({"optimizationObjective": {"itemAttribute": "PRICE"}}) == Objective("PRICE", "MEDIUM")
    assert medium.boost["c"] == 1.5 and medium.boost["d"] == 1.0 and "e" not in medium.boost


def test_ranking_puts_unknown_items_last_in_input_order() -> None:
    model = items_model(SHOP)
    known, unknown = model.rank("u4", model.history("u4"), ["x", "d", "b", "y", "b", "c"])
    assert sorted(order(known)) == ["b", "c", "d"]
    assert unknown == ["x", "y"]
    assert math.isclose(sum(entry.score for entry in known), 1.0, abs_tol=1e-5)
    check_scores(known)


def test_without_readable_data_a_synthetic_catalogue_stands_in() -> None:
    model = learn_items(build_view([]), seed=GROUP, recipe_name="aws-sims", event_type=None)
    assert model.synthetic
    assert (
        len(model.catalogue) == 100 and model.catalogue[0] == "item-1" and model.catalogue[-1] == "item-100"
    )
    opaque = Batch("INTERACTIONS", 0.0, BULK, (), opaque=True)
    again = learn_items(build_view([opaque]), seed=GROUP, recipe_name="aws-sims", event_type=None)
    # Same group, same answers; users and items get their own lists.
    assert order(again.related("item-3")) == order(model.related("item-3"))
    assert order(model.for_user("u1", ())) == order(again.for_user("u1", ()))
    assert order(model.for_user("u1", ())) != order(model.for_user("u2", ()))
    other = learn_items(build_view([]), seed=GROUP + "x", recipe_name="aws-sims", event_type=None)
    assert order(other.popular()) != order(model.popular())
    check_scores(model.related("item-3"))


def test_action_models_weigh_taken_over_viewed_and_score_relative_to_the_best() -> None:
    rows = [
        ("u1", "join", "Taken"), ("u2", "join", "TAKEN"), ("u1", "app", "Viewed"),
        ("u2", "app", "Viewed"), ("u3", "app", "Viewed"), ("u3", "spam", "Not Taken"),
    ]  # fmt: skip
    records = tuple(
        {"USER_ID": u, "ACTION_ID": a, "EVENT_TYPE": e, "TIMESTAMP": T0 + n}
        for n, (u, a, e) in enumerate(rows)
    )
    view = build_view(
        [Batch("ACTION_INTERACTIONS", 0.0, PUT, records), Batch("ACTIONS", 0.0, PUT, ({"ACTION_ID": "new"},))]
    )
    model = learn_actions(view, seed=GROUP)
    popular = model.popular()
    assert order(popular)[:2] == ["join", "app"]
    assert popular[0].score == 1.0
    assert {"spam", "new"} <= set(order(popular))
    assert action_weight(Interaction("u", "a", "not taken", 0, {})) == 0.0
    synthetic = learn_actions(build_view([]), seed=GROUP)
    assert synthetic.catalogue[:2] == ("action-1", "action-2") and len(synthetic.catalogue) == 25


def test_views_keep_the_latest_metadata_and_the_first_event_of_an_id() -> None:
    events = Batch(
        "INTERACTIONS",
        0.0,
        PUT,
        (
            {"USER_ID": "u", "ITEM_ID": "a", "EVENT_TYPE": "click", "TIMESTAMP": T0, "EVENT_ID": "e1"},
            {"USER_ID": "u", "ITEM_ID": "b", "EVENT_TYPE": "click", "TIMESTAMP": T0, "EVENT_ID": "e1"},
            {"SESSION_ID": "anonymous", "ITEM_ID": "c", "EVENT_TYPE": "click", "TIMESTAMP": T0},
        ),
    )
    first = Batch("ITEMS", 0.0, PUT, ({"ITEM_ID": "a", "genre": "old"},))
    second = Batch("ITEMS", 1.0, PUT, ({"ITEM_ID": "a", "GENRE": "new"},))
    view = build_view([events, first, second])
    assert [event.target for event in view.interactions] == ["a", "c"]
    assert view.by_user.keys() == {"u", "anonymous"}
    assert view.items["a"]["GENRE"] == "new"


def test_models_are_cached_per_key_and_relearned_when_their_data_changes(pm: PersonalizeMock) -> None:
    backend = pm.state.backend("us-east-1")
    data = group_data(backend, GROUP)
    data.add(Batch("INTERACTIONS", 10.0, PUT, SHOP.records))
    training = Training(key="v1", group_arn=GROUP, at=20.0, recipe_name="aws-user-personalization")
    model = model_for(backend, training)
    assert model_for(backend, training) is model
    assert data_view(backend, GROUP, 20.0) is data_view(backend, GROUP, 25.0)
    # Data arriving later does not change what the version learned...
    data.add(Batch("INTERACTIONS", 30.0, PUT, interactions(("u9", "z")).records))
    assert model_for(backend, training) is model
    assert "z" not in model.known
    # ...a version trained later sees it.
    later = model_for(
        backend, Training(key="v2", group_arn=GROUP, at=40.0, recipe_name="aws-user-personalization")
    )
    assert "z" in later.known
    # A FULL bulk import replaces the bulk data before it (the data store's rule).
    data.add(Batch("INTERACTIONS", 50.0, BULK, interactions(("u1", "only")).records, replaces_bulk=True))
    assert "only" in model_for(backend, Training("v3", GROUP, 60.0, "aws-user-personalization")).known


def test_round_score_keeps_scores_in_the_unit_interval() -> None:
    assert round_score(0.123456789) == 0.1234568
    assert round_score(1e-12) == MIN_SCORE
    assert round_score(1.0000001) == 1.0


@pytest.mark.parametrize(
    ("raw", "values"),
    [
        ('"shoes","boots"', ("shoes", "boots")),
        ('"shoes", "boots"', ("shoes", "boots")),
        ('"a,b"', ("a,b",)),
        (r'"say \"hi\""', ('say "hi"',)),
        ("10", ("10",)),
        ('"10", 20', ("10", "20")),
    ],
)
def test_filter_values_are_comma_separated_and_usually_quoted(raw: str, values: tuple[str, ...]) -> None:
    assert parse_filter_values(raw, "P") == values


@pytest.mark.parametrize("raw", ['"open', '"a" "b"', "", " , "])
def test_bad_filter_values_are_invalid_input(raw: str) -> None:
    with pytest.raises(InvalidInputException, match="filterValues P"):
        parse_filter_values(raw, "P")


# -- answers at catalogue scale: the same answers as the direct computation ---------------------
#
# The engine derives rankings once per model (model-wide orders, co-occurrence rows, rankings
# per user and per item) and merges them lazily; scores are certified from an approximate
# divisor. The reference below is the rule as first written: every answer blends and sorts the
# whole catalogue and divides by the plain sum. Both must agree exactly: ids, order and scores.


def reference_learning(
    events: Sequence[Interaction], weight: Any, half_life: float | None
) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
    """Popularity and histories the direct way: (time, order)-sorted events, distinct latest 30."""
    newest = max((event.timestamp for event in events), default=0.0)
    popularity: dict[str, float] = {}
    sequences: dict[str, list[tuple[float, int, str]]] = {}
    for position, event in enumerate(events):
        strength = weight(event)
        if strength <= 0:
            continue
        decay = 1.0 if half_life is None else 0.5 ** ((newest - event.timestamp) / half_life)
        popularity[event.target] = popularity.get(event.target, 0.0) + strength * decay
        sequences.setdefault(event.user, []).append((event.timestamp, position, event.target))
    histories = {}
    for user, sequence in sequences.items():
        last: dict[str, int] = {}
        for position, (_, _, target) in enumerate(sorted(sequence)):
            last[target] = position
        histories[user] = tuple(sorted(last, key=last.__getitem__)[-30:])
    return popularity, histories


class Reference:
    """Rankings of ``model`` computed the direct way from its learned data."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.cooc: dict[str, dict[str, float]] = {}
        self.users_with: dict[str, float] = {}
        for user, history in model.histories.items():
            strength = model.strengths.get(user, {})
            for a in history:
                sa = strength.get(a, 1.0)
                self.users_with[a] = self.users_with.get(a, 0.0) + sa
                row = self.cooc.setdefault(a, {})
                for b in history:
                    if b != a:
                        row[b] = row.get(b, 0.0) + sa * strength.get(b, 1.0)

    def scored(self, raw: dict[str, float]) -> list[tuple[str, float, bool]]:
        model = self.model
        if not raw:
            return []
        scale = max(raw.values()) if model.relative_scores else sum(raw.values())
        ordered = sorted(raw.items(), key=lambda pair: (-pair[1], pair[0]))
        return [(item, round_score(value / scale), model.is_cold(item)) for item, value in ordered]

    def blend(self, affinity: dict[str, float], candidates: Sequence[str]) -> dict[str, float]:
        top = max(affinity.values(), default=0.0) or 1.0
        base, top_base = self.model.base, self.model.top_base
        return {
            item: (1 - 0.2) * affinity.get(item, 0.0) / top + 0.2 * base[item] / top_base
            for item in candidates
        }

    def boosted(self, raw: dict[str, float]) -> dict[str, float]:
        boost = self.model.boost
        return {item: value * boost.get(item, 1.0) for item, value in raw.items()} if boost else raw

    def popular(self, exclude: str | None = None) -> list[tuple[str, float, bool]]:
        model = self.model
        return self.scored({item: model.base[item] for item in model.catalogue if item != exclude})

    def related(self, item_id: str) -> list[tuple[str, float, bool]]:
        model = self.model
        candidates = [item for item in model.catalogue if item != item_id]
        row = self.cooc.get(item_id)
        if not row:
            return self.popular(exclude=item_id)
        affinity = {other: count / math.sqrt(self.users_with[other]) for other, count in row.items()}
        return self.scored(self.blend(affinity, candidates))

    def personalized(self, user: str, history: Sequence[str], pool: Sequence[str]) -> dict[str, float]:
        model = self.model
        if not history:
            return self.boosted({item: model.base[item] for item in pool})
        affinity: dict[str, float] = {}
        own = model.strengths.get(user, {})
        for age, seen in enumerate(reversed(history)):
            recency = 0.9**age * own.get(seen, 1.0)
            for other, count in self.cooc.get(seen, {}).items():
                affinity[other] = affinity.get(other, 0.0) + recency * count / math.sqrt(
                    self.users_with[other]
                )
        return self.boosted(self.blend(affinity, pool))


def entries(ranking: Sequence[Any]) -> list[tuple[str, float, bool]]:
    return [(entry.item_id, entry.score, entry.cold) for entry in ranking]


def random_view(rng: random.Random, *, actions: bool) -> Any:
    """Interactions (or action interactions) of a random shop, with metadata for some items."""
    size = rng.choice([1, 2, 7, 40, 150])
    kind, column, prefix = (
        ("ACTION_INTERACTIONS", "ACTION_ID", "a") if actions else ("INTERACTIONS", "ITEM_ID", "i")
    )
    types = ["Taken", "Viewed", "Not Taken"] if actions else ["click", "purchase"]
    records = [
        {
            "USER_ID": f"u{user}",
            column: f"{prefix}{int(size * rng.random() ** 2)}",
            "EVENT_TYPE": rng.choice(types),
            "EVENT_VALUE": rng.choice([None, 1.0, 4.0]),
            # Out of order now and then, with ties.
            "TIMESTAMP": T0 + 3600 * rng.randrange(0, 60 * 24),
        }
        for user in range(rng.choice([1, 5, 30]))
        for _ in range(rng.randint(1, 25))
    ]
    metadata = tuple(
        {column: f"{prefix}{n}", "PRICE": rng.choice([None, 1.0, 7.0, 30.0])} for n in range(size + 3)
    )
    return build_view(
        [
            Batch(kind, 0.0, BULK, tuple(records)),
            Batch("ACTIONS" if actions else "ITEMS", 0.0, BULK, metadata),
        ]
    )


@pytest.mark.parametrize("seed", range(16))
def test_answers_are_exactly_those_of_the_whole_catalogue_computation(seed: int) -> None:
    rng = random.Random(seed)
    actions = seed % 4 == 3
    view = random_view(rng, actions=actions)
    half_life: float | None
    if actions:
        model, weight, half_life = learn_actions(view, seed=GROUP), action_weight, 30 * DAY
        events = view.action_interactions
    else:
        recipe = rng.choice(["aws-user-personalization", "aws-trending-now", "aws-popularity-count"])
        config: dict[str, Any] = rng.choice(
            [
                {},
                {"eventValueThreshold": "2"},
                {
                    "eventsConfig": {
                        "eventParametersList": [
                            {"eventType": "purchase", "weight": 0.8},
                            {"eventType": "click", "weight": 0.2},
                        ]
                    }
                },
            ]
        )
        if seed % 2:
            config["optimizationObjective"] = {"itemAttribute": "price", "objectiveSensitivity": "HIGH"}
        selection = event_selection(None, config)
        model = learn_items(
            view,
            seed=GROUP,
            recipe_name=recipe,
            event_type=None,
            selection=selection,
            objective=objective_of(config),
        )
        weight, half_life = (
            selection.weight,
            {"aws-trending-now": DAY, "aws-popularity-count": None}.get(recipe, 30 * DAY),
        )
        events = view.interactions
    popularity, histories = reference_learning(events, weight, half_life)
    assert model.popularity == popularity
    assert list(model.histories.items()) == list(histories.items())
    reference = Reference(model)
    catalogue = list(model.catalogue)

    assert entries(model.popular().top(3)) == reference.popular()[:3]
    assert entries(model.popular()) == reference.popular()
    for item in [*rng.sample(catalogue, min(4, len(catalogue))), "unknown"]:
        assert entries(model.popular(exclude=item)) == reference.popular(exclude=item)
        if not actions:
            # Read a few entries first: the rest is merged on from where the first read stopped.
            assert entries(model.related(item)[:2]) == reference.related(item)[:2]
            assert entries(model.related(item)) == reference.related(item)
    for user in [*list(model.histories)[:6], "stranger"]:
        live = [*view.by_user.get(user, ()), Interaction(user, rng.choice(catalogue), "click", T0, {})]
        history = model.history(user, live)
        assert model.history(user, live) is history
        assert (
            entries(model.for_user(user, history).top(5))
            == reference.scored(reference.personalized(user, history, catalogue))[:5]
        )
        assert entries(model.for_user(user, history)) == reference.scored(
            reference.personalized(user, history, catalogue)
        )
        wanted = [*rng.sample(catalogue, min(6, len(catalogue))), "unknown"]
        known = [item for item in dict.fromkeys(wanted) if item in model.known]
        ranked, unknown = model.rank(user, history, wanted)
        assert entries(ranked) == reference.scored(reference.personalized(user, history, known))
        assert unknown == ["unknown"]
        assert model.personalized(user, history, known) == reference.personalized(user, history, known)


def test_a_divisor_the_approximation_cannot_decide_is_computed_exactly() -> None:
    # 257 items bought once each: without one of them, each of the other 256 scores exactly
    # 1/256 = 0.00390625, halfway between two 7-decimal scores. The approximate divisor cannot
    # say which way the service's plain sum rounds, so the plain sum is computed.
    records = interactions(*((f"u{n}", f"i{n:03}") for n in range(257)))
    model = items_model(records, recipe="aws-popularity-count")
    reference = Reference(model)
    assert entries(model.popular(exclude="i000")) == reference.popular(exclude="i000")
    assert model.popular(exclude="i000")[0].score == round_score(1 / 256) == 0.0039062


def test_certified_divisors_fall_back_to_the_exact_sum_when_they_cannot_be_trusted() -> None:
    exact = 3.0
    for approx, terms in ((0.0, 3), (math.inf, 3), (2.9, 10**12)):
        scale = _certified(approx, terms, 1.0, lambda: exact)
        assert scale.scores([1.0]) == [round_score(1.0 / exact)]


def test_a_certified_divisor_decides_scores_clamped_alike_without_the_exact_sum() -> None:
    computed: list[float] = []

    def compute() -> float:
        computed.append(1.0)
        return 1.0

    # 0.5e-7 lies on the rounding boundary between 0 and 1e-7: the interval's ends round to
    # 0.0 and 1e-7, which both clamp to MIN_SCORE, so the score is decided without the sum.
    scale = _Scale(None, 1.0, 1e-9, compute)
    assert scale.scores([0.5e-7, 0.3]) == [MIN_SCORE, 0.3] and computed == []
    # 0.25 + 0.5e-7 straddles two scores that differ: the exact divisor decides, from that
    # entry on (the entries before it keep the certified scores).
    assert scale.scores([0.3, 0.25000005, 0.7]) == [0.3, round_score(0.25000005), 0.7]
    assert computed == [1.0]
    assert scale.scores([0.25000005]) == [round_score(0.25000005)] and computed == [1.0]


def test_a_ranking_reads_like_a_sequence() -> None:
    model = items_model(SHOP, CATALOGUE, recipe="aws-popularity-count")
    everything = model.popular()[:]
    ranking = model.for_user("u4", model.history("u4"))
    fresh = items_model(SHOP, CATALOGUE, recipe="aws-popularity-count").popular()
    assert fresh[-1] == everything[-1] and fresh[-5] == everything[0]
    with pytest.raises(IndexError):
        fresh[5]
    with pytest.raises(IndexError):
        fresh[-6]
    assert fresh[::-2] == everything[::-2]
    assert fresh[1:4:2] == everything[1:4:2]
    assert list(iter(ranking)) == ranking[:] and len(ranking) == 5
    assert list(model.popular().top(2)) == everything[:2] and model.popular().top(2) is model.popular().top(2)
    assert order(model.popular(exclude="a")) == order(everything[1:])


def test_rankings_of_a_catalogue_of_one_item() -> None:
    model = items_model(interactions(("u1", "solo")))
    assert model.related("solo")[:] == [] and len(model.popular(exclude="solo")) == 0
    assert [entry.item_id for entry in model.for_user("u1", model.history("u1"))] == ["solo"]


def test_relative_scores_leave_out_the_excluded_best_item() -> None:
    records = tuple(
        {"USER_ID": f"u{n}", "ACTION_ID": action, "EVENT_TYPE": "Taken", "TIMESTAMP": T0}
        for n, action in enumerate(["best", "best", "next"])
    )
    model = learn_actions(build_view([Batch("ACTION_INTERACTIONS", 0.0, PUT, records)]), seed=GROUP)
    assert [(entry.item_id, entry.score) for entry in model.popular(exclude="best")] == [("next", 1.0)]


def test_caches_drop_their_oldest_entries() -> None:
    cache: _Cache[str, int] = _Cache(3)
    cache.put("a", 1, 2)
    cache.put("b", 2)
    cache.put("a", 3, 2)  # replaces "a", now the newest
    cache.put("c", 4)
    assert cache.get("b") is None and cache.get("a") == 3 and cache.get("c") == 4
    cache.put("big", 5, 10)  # over budget on its own: kept, everything else dropped
    assert cache.get("big") == 5 and cache.get("a") is None


def test_a_users_history_is_kept_while_the_same_live_events_are_passed() -> None:
    model = items_model(SHOP)
    live = [Interaction("u4", "c", "click", T0 + 100, {})]
    first = model.history("u4", live)
    assert first == ("a", "d", "c") and model.history("u4", live) is first
    live.append(Interaction("u4", "b", "click", T0 + 200, {}))
    assert model.history("u4", live) == ("a", "d", "c", "b")
    # Events of items the model does not know change nothing.
    assert model.history("u4", [Interaction("u4", "zzz", "click", T0, {})]) == ("a", "d")


def test_events_out_of_time_order_are_ordered_as_their_time_and_arrival_say() -> None:
    times = [3.0, 1.0, 1.0, math.nan, 2.0, math.nan, 0.5]
    targets = ["a", "b", "c", "d", "e", "f", "g"]
    expected = [target for _, _, target in sorted(zip(times, range(7), targets, strict=True))]
    assert _in_time_order(times, targets) == expected
    assert _in_time_order([1.0, 1.0, 2.0], ["x", "y", "z"]) == ["x", "y", "z"]
    late = interactions(("u1", "late"), at=T0 + 50)
    early = interactions(("u1", "early"), ("u1", "middle"), at=T0)
    assert items_model(late, early).history("u1") == ("early", "middle", "late")


def test_synthetic_models_keep_their_draws_per_user() -> None:
    model = learn_items(build_view([]), seed=GROUP, recipe_name="aws-user-personalization", event_type=None)
    ranked, unknown = model.rank("u1", (), ["item-3", "item-7", "not-in-catalogue"])
    assert [entry.item_id for entry in ranked] == sorted(
        ["item-3", "item-7"], key=lambda item: -model.personalized("u1", (), ["item-3", "item-7"])[item]
    )
    assert unknown == ["not-in-catalogue"]
    assert model.for_user("u1", ("item-9",)) is model.for_user("u1", ())


def test_a_history_holds_the_latest_thirty_distinct_items() -> None:
    rows = [("u1", f"i{n}") for n in range(35)] + [("u1", "i0")]
    history = items_model(interactions(*rows)).history("u1")
    assert history == tuple([f"i{n}" for n in range(6, 35)] + ["i0"])


def _scores_by_two_roundings(values: list[float], approx: float, error: float, exact: float) -> list[float]:
    """The rule as first written: both ends of the interval rounded, else the exact divisor."""
    found = []
    for value in values:
        low = round_score(value / approx * (1.0 - error))
        found.append(
            low if low == round_score(value / approx * (1.0 + error)) else round_score(value / exact)
        )
    return found


def test_scores_taken_without_round_are_those_of_the_two_roundings() -> None:
    draw = random.Random(11)
    for _ in range(300):
        approx = draw.choice([1.0, 3.0, draw.uniform(0.5, 5e4)])
        error = draw.choice([0.0, 1e-15, 2e-12, draw.uniform(0.0, 1e-7)])
        values = []
        for _ in range(40):
            kind = draw.random()
            if kind < 0.4:
                quotient = draw.random()
            elif kind < 0.8:
                # On or within a hair of a halfway point between two 7-decimal scores.
                quotient = (draw.randrange(10**7) + 0.5) / 10**7 + draw.choice([0.0, 1e-15, -1e-15, 3e-9])
            else:
                quotient = draw.choice([1e-9, 4.9e-8, 5e-8, 1.0, 1.5, 0.99999995, 250.0])
            values.append(quotient * approx)
        scale = _Scale(None, approx, error, functools.partial(float, approx))
        assert scale.scores(values) == _scores_by_two_roundings(values, approx, error, approx)
