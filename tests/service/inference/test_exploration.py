"""Item exploration: explorationWeight mixes cold and young items into user-personalization lists."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_world import clients, deploy, ids, make_world, put_items, stream

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.data.data_store import BULK, Batch
from personalize_mock.service.data.data_views import build_view
from personalize_mock.service.inference import exploration as exploration_module
from personalize_mock.service.inference.exploration import (
    DEFAULT_AGE_CUT_OFF,
    Exploration,
    Explored,
    exploration_of,
    exploration_pool,
    explored,
    explored_place,
)
from personalize_mock.service.training.recommendation_engine import DAY, learn_items

#: Thirty users, each with the ten items of one of three clusters; forty items nobody used.
HOT = {c: [f"hot-{c * 10 + n}" for n in range(10)] for c in range(3)}
COLD = [f"cold-{n}" for n in range(40)]


def _histories() -> dict[str, list[str]]:
    return {f"u{k}": [HOT[k % 3][j % 10] for j in range(20)] for k in range(30)}


def _cold_share(runtime: Any, campaign: str, users: int = 9) -> float:
    listed = [
        item
        for k in range(users)
        for item in ids(runtime.get_recommendations(campaignArn=campaign, userId=f"u{k}"))
    ]
    return sum(item.startswith("cold-") for item in listed) / len(listed)


def test_the_share_of_cold_items_grows_with_the_exploration_weight(pm: PersonalizeMock) -> None:
    client, runtime, events = clients()
    world = make_world(pm, client, "explore", types=("INTERACTIONS", "ITEMS"))
    stream(events, world.tracking_id, _histories())
    put_items(events, world.datasets["ITEMS"], {item: {"genre": "g"} for item in COLD})
    campaign = deploy(pm, client, world.group, "aws-user-personalization", "explore")
    # Without the setting: pure relevance, as at weight 0.
    assert _cold_share(runtime, campaign) == 0.0
    shares = {}
    for weight in ("0", "0.1", "0.5", "0.9"):
        config = {"itemExplorationConfig": {"explorationWeight": weight, "explorationItemAgeCutOff": "30"}}
        client.update_campaign(campaignArn=campaign, campaignConfig=config)
        pm.advance(DEFAULT_DURATIONS["campaign_update"])
        shares[weight] = _cold_share(runtime, campaign)
        # Deterministic: the same request, the same list.
        first = runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=40)
        again = runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=40)
        assert ids(first) == ids(again)
        assert len(set(ids(first))) == 40
    assert shares["0"] == 0.0
    assert 0.0 < shares["0.1"] < shares["0.5"] < shares["0.9"]
    # v2 explains explored items.
    config = {"itemExplorationConfig": {"explorationWeight": "0.5"}}
    v2 = deploy(pm, client, world.group, "aws-user-personalization-v2", "v2", campaign_config=config)
    listed = runtime.get_recommendations(campaignArn=v2, userId="u0")["itemList"]
    assert any(
        entry.get("reason") == ["Exploration"] for entry in listed if entry["itemId"].startswith("cold-")
    )


def test_exploration_settings() -> None:
    config = {"itemExplorationConfig": {"explorationWeight": "0.4", "explorationItemAgeCutOff": "7"}}
    assert exploration_of("aws-user-personalization", config) == Exploration(0.4, 7.0)
    assert exploration_of(
        "aws-user-personalization-v2", {"itemExplorationConfig": {"explorationWeight": "2"}}
    ) == (Exploration(1.0, DEFAULT_AGE_CUT_OFF))
    assert exploration_of("aws-similar-items", config) is None
    assert (
        exploration_of("aws-user-personalization", {"itemExplorationConfig": {"explorationWeight": "0"}})
        is None
    )
    assert exploration_of("aws-user-personalization", {}) is None
    assert exploration_of("aws-user-personalization", None) is None


def test_explored_places_follow_the_weight() -> None:
    assert [explored_place(n, 0.5) for n in range(4)] == [False, True, False, True]
    assert sum(explored_place(n, 0.3) for n in range(100)) == 30
    assert all(explored_place(n, 1.0) for n in range(10))


def test_the_pool_holds_little_known_young_items() -> None:
    t0 = 1_700_000_000
    rows = [{"USER_ID": f"u{n % 5}", "ITEM_ID": f"hot-{n % 4}", "TIMESTAMP": str(t0 + n)} for n in range(100)]
    rows.append({"USER_ID": "u0", "ITEM_ID": "rare", "TIMESTAMP": str(t0 + 100)})
    items = [
        {"ITEM_ID": "young", "CREATION_TIMESTAMP": str(t0 - 5 * DAY)},
        {"ITEM_ID": "old", "CREATION_TIMESTAMP": str(t0 - 90 * DAY)},
        {"ITEM_ID": "undated"},
    ]
    view = build_view(
        [Batch("INTERACTIONS", 0.0, BULK, tuple(rows)), Batch("ITEMS", 0.0, BULK, tuple(items))]
    )
    model = learn_items(view, seed="g", recipe_name="aws-user-personalization", event_type=None)
    pool = exploration_pool(model, view, Exploration(0.5, 30.0), float(t0))
    assert set(pool) == {"rare", "young", "undated"}
    assert pool == exploration_pool(model, view, Exploration(0.5, 30.0), float(t0))
    assert "old" in exploration_pool(model, view, Exploration(0.5, 365.0), float(t0))


def test_explored_lists_read_lazily_and_never_repeat() -> None:
    t0 = 1_700_000_000
    rows = [{"USER_ID": f"u{n % 5}", "ITEM_ID": f"hot-{n % 6}", "TIMESTAMP": str(t0 + n)} for n in range(60)]
    items = [{"ITEM_ID": f"cold-{n}"} for n in range(3)] + [{"ITEM_ID": "hot-0"}]
    view = build_view(
        [Batch("INTERACTIONS", 0.0, BULK, tuple(rows)), Batch("ITEMS", 0.0, BULK, tuple(items))]
    )
    model = learn_items(view, seed="g", recipe_name="aws-user-personalization", event_type=None)
    ranked = model.for_user("u1", model.history("u1"))
    # "hot-0" is in the pool too (listed twice): it is listed once.
    made = Explored(ranked, ("cold-0", "hot-0", "cold-1", "cold-2"), 0.9, "u1")
    every = [entry.item_id for entry in made]
    assert len(every) == len(set(every)) == len(made) == len(model.catalogue)
    assert made.top(3) is made.top(3)
    assert [entry.item_id for entry in made.top(50)] == every
    assert Explored(ranked, (), 0.5, "u1").top(5) == ranked.top(5)


@pytest.mark.parametrize("weight", ["nan", "-1", "x"])
def test_unusable_weights_do_not_explore(weight: str) -> None:
    assert (
        exploration_of("aws-user-personalization", {"itemExplorationConfig": {"explorationWeight": weight}})
        is None
    )


def test_kept_pools_and_lists_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exploration_module, "_KEPT", 1)
    rows = [
        {"USER_ID": f"u{n % 3}", "ITEM_ID": f"i{n % 5}", "TIMESTAMP": str(1_700_000_000 + n)}
        for n in range(30)
    ]
    view = build_view([Batch("INTERACTIONS", 0.0, BULK, tuple(rows))])
    model = learn_items(view, seed="g", recipe_name="aws-user-personalization", event_type=None)
    ranked = model.for_user("u1", model.history("u1"))
    first = explored(model, view, Exploration(0.5, 30.0), 0.0, ranked, "u1")
    assert explored(model, view, Exploration(0.5, 30.0), 0.0, ranked, "u1") is first
    # Another configuration replaces both kept entries (the bound is one).
    other = explored(model, view, Exploration(0.9, 30.0), 0.0, ranked, "u1")
    assert other is not first
    assert len(exploration_module._POOLS) == len(exploration_module._EXPLORED) == 1


def test_an_item_met_twice_in_the_pool_is_listed_once() -> None:
    rows = [
        {"USER_ID": f"u{n % 3}", "ITEM_ID": f"i{n % 5}", "TIMESTAMP": str(1_700_000_000 + n)}
        for n in range(30)
    ]
    items = [{"ITEM_ID": "cold-0"}, {"ITEM_ID": "cold-1"}]
    view = build_view(
        [Batch("INTERACTIONS", 0.0, BULK, tuple(rows)), Batch("ITEMS", 0.0, BULK, tuple(items))]
    )
    model = learn_items(view, seed="g", recipe_name="aws-user-personalization", event_type=None)
    made = Explored(model.for_user("u1", model.history("u1")), ("cold-0", "cold-0", "cold-1"), 0.9, "u1")
    listed = [entry.item_id for entry in made]
    assert sorted(listed) == sorted(model.catalogue)
    assert listed[1] in ("cold-0", "cold-1") and listed[0].startswith("i")
