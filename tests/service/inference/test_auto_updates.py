"""Automatic updates: user-personalization campaigns pick up new items every two hours."""

from __future__ import annotations

import pytest
from runtime_world import clients, deploy, ids, make_world, put_items, stream

from personalize_mock import PersonalizeMock
from personalize_mock.service.inference import auto_updates as runtime
from personalize_mock.service.inference.auto_updates import AUTO_UPDATE_INTERVAL

NEW = [f"new-{n}" for n in range(3)]


def _histories() -> dict[str, list[str]]:
    return {f"u{k}": [f"hot-{(k + j) % 12}" for j in range(10)] for k in range(12)}


def test_new_items_appear_after_the_next_two_hourly_update(pm: PersonalizeMock) -> None:
    client, recommendations, events = clients()
    world = make_world(pm, client, "updates", types=("INTERACTIONS", "ITEMS"))
    stream(events, world.tracking_id, _histories())
    personal = deploy(pm, client, world.group, "aws-user-personalization", "personal")
    popular = deploy(pm, client, world.group, "aws-popularity-count", "popular")

    def listed(campaign: str) -> set[str]:
        return set(
            ids(recommendations.get_recommendations(campaignArn=campaign, userId="u1", numResults=500))
        )

    before = listed(personal)
    put_items(events, world.datasets["ITEMS"], {item: {"genre": "g"} for item in NEW})
    # The model has not been updated since: the new items are unknown to it.
    assert listed(personal) == before
    pm.advance(60)
    assert not set(NEW) & listed(personal)
    pm.advance(AUTO_UPDATE_INTERVAL)
    assert set(NEW) <= listed(personal)
    assert listed(personal) == listed(personal)
    # Popularity-Count does not update itself.
    assert not set(NEW) & listed(popular)


def test_updates_without_new_data_keep_the_model(pm: PersonalizeMock) -> None:
    client, recommendations, events = clients()
    world = make_world(pm, client, "still", types=("INTERACTIONS",))
    stream(events, world.tracking_id, _histories())
    campaign = deploy(pm, client, world.group, "aws-user-personalization", "still")
    first = recommendations.get_recommendations(campaignArn=campaign, userId="u2")["itemList"]
    pm.advance(5 * AUTO_UPDATE_INTERVAL)
    assert recommendations.get_recommendations(campaignArn=campaign, userId="u2")["itemList"] == first
    kept = runtime._UPDATES[pm.state.backend("us-east-1")]
    # Every update found the version's own training (same data): no new model key.
    assert kept and all(training.key == key for (key, _), training in kept.items())


def test_kept_updates_are_bounded(pm: PersonalizeMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_UPDATES_KEPT", 1)
    client, recommendations, events = clients()
    world = make_world(pm, client, "bounded", types=("INTERACTIONS",))
    stream(events, world.tracking_id, _histories())
    campaign = deploy(pm, client, world.group, "aws-user-personalization", "bounded")
    for _ in range(3):
        pm.advance(AUTO_UPDATE_INTERVAL)
        recommendations.get_recommendations(campaignArn=campaign, userId="u2")
    assert len(runtime._UPDATES[pm.state.backend("us-east-1")]) == 1
