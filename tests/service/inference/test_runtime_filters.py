"""Filters applied at request time (personalize_mock.service.inference.runtime_filters).

test_runtime.py covers the common clauses (IN, placeholders, CurrentUser/CurrentItem, errors);
these are the remaining comparisons: NOT IN on the user's interactions and on item metadata,
numbers compared for equality, and orderings against values that are not numbers. A
popularity campaign ranks the whole catalogue, so each answer is exactly the items the filter
lets through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from runtime_world import clients, deploy, ids, make_filter, make_world, put_items, stream

from personalize_mock import PersonalizeMock

ITEMS: dict[str, dict[str, Any]] = {
    "shoe-1": {"genre": "shoes", "price": 50, "title": "Runner"},
    "shoe-2": {"genre": "shoes|sale", "price": 60.0, "title": "2024"},
    "boot-1": {"genre": "boots", "price": 120.5, "title": "1999"},
    "sock-1": {"genre": "socks", "price": 5},
    "hat-1": {"title": "Sun hat"},  # no genre, no price
}
HISTORIES = {"u1": ["shoe-1", "sock-1"], "u2": ["boot-1", "shoe-2"]}


@dataclass
class Shop:
    pm: PersonalizeMock
    client: Any
    runtime: Any
    events: Any
    group: str
    tracking_id: str
    campaign: str
    filters: dict[str, str] = field(default_factory=dict)

    def recommend(self, expression: str, **params: Any) -> list[str]:
        """Every item the filter ``expression`` lets through (sorted by id)."""
        if expression not in self.filters:
            name = f"filter-{len(self.filters)}"
            self.filters[expression] = make_filter(self.pm, self.client, self.group, name, expression)
        arn = self.filters[expression]
        answer = self.runtime.get_recommendations(
            campaignArn=self.campaign, filterArn=arn, numResults=len(ITEMS), **params
        )
        return sorted(ids(answer))

    def purchase(self, user: str, item: str) -> None:
        self.events.put_events(
            trackingId=self.tracking_id,
            userId=user,
            sessionId=f"s-{user}",
            eventList=[{"eventType": "purchase", "itemId": item, "sentAt": self.pm.now()}],
        )


@pytest.fixture
def shop(pm: PersonalizeMock) -> Shop:
    client, runtime, events = clients()
    world = make_world(pm, client)
    put_items(events, world.datasets["ITEMS"], ITEMS)
    stream(events, world.tracking_id, HISTORIES)
    campaign = deploy(pm, client, world.group, "aws-popularity-count", "popular")
    return Shop(pm, client, runtime, events, world.group, world.tracking_id, campaign)


def test_not_in_on_interactions_means_no_interaction_of_those_types(shop: Shop) -> None:
    shop.purchase("u1", "boot-1")
    not_bought = 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("purchase")'
    # Items u1 clicked or never touched pass; the one u1 bought does not.
    assert shop.recommend(not_bought, userId="u1") == ["hat-1", "shoe-1", "shoe-2", "sock-1"]
    assert shop.recommend(not_bought, userId="u2") == sorted(ITEMS)
    only_touched = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("click", "purchase")'
    assert shop.recommend(only_touched, userId="u1") == ["boot-1", "shoe-1", "sock-1"]


def test_not_in_on_metadata_holds_for_items_without_the_column(shop: Shop) -> None:
    # Categorical values match by any part ("shoes|sale" is a shoe); a missing column
    # matches nothing, so NOT IN holds for hat-1.
    assert shop.recommend('INCLUDE ItemID WHERE Items.GENRE NOT IN ("shoes", "socks")') == [
        "boot-1",
        "hat-1",
    ]
    assert shop.recommend('EXCLUDE ItemID WHERE Items.GENRE NOT IN ("shoes")') == ["shoe-1", "shoe-2"]


def test_numbers_compare_equal_by_value(shop: Shop) -> None:
    # 60.0 (a float property) is stored as 60 and equals the literal 60; 120.5 only itself.
    assert shop.recommend("INCLUDE ItemID WHERE Items.PRICE = 60") == ["shoe-2"]
    assert shop.recommend("INCLUDE ItemID WHERE Items.PRICE IN (50, 120.5, 7)") == ["boot-1", "shoe-1"]
    assert shop.recommend("EXCLUDE ItemID WHERE Items.PRICE IN (5.0)") == [
        "boot-1",
        "hat-1",
        "shoe-1",
        "shoe-2",
    ]


def test_orderings_skip_values_that_are_not_numbers(shop: Shop) -> None:
    # TITLE holds text for most items; only titles that read as numbers can be compared.
    assert shop.recommend("INCLUDE ItemID WHERE Items.TITLE >= 2000") == ["shoe-2"]
    assert shop.recommend("INCLUDE ItemID WHERE Items.TITLE < 2000") == ["boot-1"]
    assert shop.recommend("EXCLUDE ItemID WHERE Items.TITLE > 0") == ["hat-1", "shoe-1", "sock-1"]
