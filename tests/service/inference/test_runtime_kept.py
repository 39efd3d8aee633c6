"""What the runtime keeps between requests, and when it lets go of it.

Answers come from rankings a model derives once (recommendation_engine), filters bound once per
data view with their verdicts (runtime_filters), a settled view of the group's data and a
training per version (runtime). Each test asks the same question again after something changed
and checks the answer follows, and that bounded stores stay correct once they are full.
"""

from __future__ import annotations

import random
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from runtime_world import clients, deploy, ids, make_filter, make_world, put_items, stream

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.data.data_store import PUT, Batch, group_data
from personalize_mock.service.inference import runtime, runtime_filters
from personalize_mock.service.training import recommendation_engine

ITEMS: dict[str, dict[str, Any]] = {
    "shoe-1": {"genre": "shoes"},
    "shoe-2": {"genre": "shoes"},
    "boot-1": {"genre": "boots"},
    "sock-1": {"genre": "socks"},
    "hat-1": {"genre": "hats"},
}
HISTORIES = {
    "u1": ["shoe-1", "sock-1", "shoe-2"],
    "u2": ["shoe-1", "sock-1", "boot-1"],
    "u3": ["boot-1", "hat-1", "sock-1"],
}


class Shop:
    def __init__(self, pm: PersonalizeMock) -> None:
        self.pm = pm
        self.client, self.runtime, self.events = clients()
        self.world = make_world(pm, self.client, types=("INTERACTIONS", "ITEMS", "USERS"))
        put_items(self.events, self.world.datasets["ITEMS"], ITEMS)
        stream(self.events, self.world.tracking_id, HISTORIES)
        self.campaign = deploy(pm, self.client, self.world.group, "aws-user-personalization", "personal")

    def filter(self, expression: str, name: str) -> str:
        return make_filter(self.pm, self.client, self.world.group, name, expression)

    def recommend(self, user: str, **params: Any) -> list[str]:
        return ids(self.runtime.get_recommendations(campaignArn=self.campaign, userId=user, **params))

    def purchase(self, user: str, item: str) -> None:
        self.events.put_events(
            trackingId=self.world.tracking_id,
            userId=user,
            sessionId=f"s-{user}",
            eventList=[{"eventType": "purchase", "itemId": item, "sentAt": self.pm.now()}],
        )


@pytest.fixture
def shop(pm: PersonalizeMock) -> Shop:
    return Shop(pm)


def test_the_same_question_gets_the_same_answer_until_the_data_changes(shop: Shop) -> None:
    bought = shop.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")', "bought")
    first = shop.recommend("u1", filterArn=bought, numResults=3)
    assert shop.recommend("u1", filterArn=bought, numResults=3) == first
    assert shop.recommend("u1", filterArn=bought, numResults=0) == []
    shop.purchase("u1", first[0])
    # A new event: a new view of the data, so the filter is bound (and tests items) afresh.
    after = shop.recommend("u1", filterArn=bought, numResults=3)
    assert first[0] not in after and after[:2] == first[1:]


def test_a_batch_still_to_come_counts_once_it_is_visible(shop: Shop) -> None:
    hats = shop.filter('EXCLUDE ItemID WHERE Items.GENRE IN ("hats")', "hats")
    assert "boot-1" in shop.recommend("u3", filterArn=hats)
    backend = shop.pm.state.backend("us-east-1")
    later = shop.pm.now().timestamp() + 60
    # Records that become visible in a minute (as an import job's rows do when it finishes).
    group_data(backend, shop.world.group).add(
        Batch("ITEMS", later, PUT, ({"ITEM_ID": "boot-1", "GENRE": "hats"},))
    )
    assert "boot-1" in shop.recommend("u3", filterArn=hats)
    shop.pm.advance(61)
    assert "boot-1" not in shop.recommend("u3", filterArn=hats)
    assert "boot-1" not in shop.recommend("u3", filterArn=hats)


def test_a_filter_made_again_under_the_same_name_is_bound_again(shop: Shop) -> None:
    arn = shop.filter('EXCLUDE ItemID WHERE Items.GENRE IN ("shoes")', "again")
    assert not {"shoe-1", "shoe-2"} & set(shop.recommend("u1", filterArn=arn))
    shop.client.delete_filter(filterArn=arn)
    shop.pm.advance(DEFAULT_DURATIONS["filter_delete"])
    assert shop.filter('EXCLUDE ItemID WHERE Items.GENRE IN ("socks")', "again") == arn
    answer = shop.recommend("u1", filterArn=arn)
    assert "sock-1" not in answer and {"shoe-1", "shoe-2"} <= set(answer)


def test_full_stores_of_bindings_selections_and_answers_start_over(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", "genre")
    clicked = shop.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")', "clicked")
    # Room for one of each: every new question drops what the previous one kept.
    for name in ("_BINDINGS_KEPT", "_BOUND_KEPT", "_FIRSTS_KEPT"):
        monkeypatch.setattr(runtime_filters, name, 1)
    monkeypatch.setattr(runtime, "_RENDERED_KEPT", 1)

    def asked() -> list[set[str]]:
        return [
            set(shop.recommend("u1", filterArn=genre, filterValues={"GENRE": '"shoes"'})),
            set(shop.recommend("u1", filterArn=genre, filterValues={"GENRE": '"boots", "hats"'})),
            set(shop.recommend("u1", filterArn=clicked)),
            set(shop.recommend("u2", filterArn=clicked)),
            set(shop.recommend("u2", filterArn=clicked, numResults=1)),
        ]

    expected = [{"shoe-1", "shoe-2"}, {"boot-1", "hat-1"}, {"boot-1", "hat-1"}, {"shoe-2", "hat-1"}]
    first = asked()
    assert first[:4] == expected and first[4] < expected[3]
    assert asked() == first


def test_trainings_are_kept_per_version(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    popular = deploy(shop.pm, shop.client, shop.world.group, "aws-popularity-count", "popular")
    monkeypatch.setattr(recommendation_engine, "_TRAININGS_KEPT", 1)
    # Two versions in turn, with room for one training: each answer learns nothing new.
    answers = [
        (shop.recommend("u1"), ids(shop.runtime.get_recommendations(campaignArn=popular))) for _ in range(3)
    ]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][1][0] == "sock-1"  # in every history


def test_recommendation_ids_are_the_uuid4_of_the_bits_drawn() -> None:
    # The id is formatted without building a UUID object: the same text for the same draw.
    drawn, expected = random.Random(7), random.Random(7)
    backend: Any = SimpleNamespace(rng=drawn)
    for _ in range(1000):
        assert runtime._recommendation_id(backend) == "RID-" + str(
            uuid.UUID(int=expected.getrandbits(128), version=4)
        )
