"""Promotions in GetRecommendations, as "Promoting items in real-time recommendations" says
(https://docs.aws.amazon.com/personalize/latest/dg/promoting-items.html):

* "A promotion filter applies to only promoted items, while a request filter applies to only
  the remaining recommended items" — the request filter never removes a promoted item, and
  the promotion filter alone decides what is promoted;
* "promoted items are positioned randomly relative to other recommended items, but in sorted
  order relative to other promoted items" — the mock draws the places from a hash of the
  request, so one request always gets the same list (docs/choices.md);
* "If there aren't enough items that meet the promotion criteria, the result will contain as
  many promoted items as possible".

test_runtime.py covers the share (rounded up), the required fields and ``reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from runtime_world import clients, deploy, make_filter, make_world, put_items, stream

from personalize_mock import PersonalizeMock

ITEMS: dict[str, dict[str, Any]] = {
    "shoe-1": {"genre": "shoes"},
    "shoe-2": {"genre": "shoes"},
    "shoe-3": {"genre": "shoes"},
    "boot-1": {"genre": "boots"},
    "boot-2": {"genre": "boots"},
    "sock-1": {"genre": "socks"},
    "sock-2": {"genre": "socks"},
    "hat-1": {"genre": "hats"},
}
HISTORIES = {
    "u1": ["shoe-1", "sock-1", "shoe-2"],
    "u2": ["shoe-1", "sock-1", "sock-2"],
    "u3": ["boot-1", "boot-2", "sock-2"],
    "u4": ["boot-1", "sock-1"],
    "u5": ["shoe-1", "shoe-3", "sock-1"],
    "u6": ["shoe-2", "shoe-3"],
}
NO_SOCKS = 'EXCLUDE ItemID WHERE Items.GENRE IN ("socks")'
SOCKS = 'INCLUDE ItemID WHERE Items.GENRE IN ("socks")'
SHOES = 'INCLUDE ItemID WHERE Items.GENRE IN ("shoes")'
BOOTS = 'INCLUDE ItemID WHERE Items.GENRE IN ("boots")'
HATS = 'INCLUDE ItemID WHERE Items.GENRE IN ("hats")'


@dataclass
class Shop:
    pm: PersonalizeMock
    client: Any
    runtime: Any
    group: str
    campaign: str
    filters: dict[str, str]

    def filter(self, expression: str) -> str:
        if expression not in self.filters:
            name = f"f{len(self.filters)}"
            self.filters[expression] = make_filter(self.pm, self.client, self.group, name, expression)
        return self.filters[expression]

    def recommend(
        self,
        user: str,
        count: int,
        *,
        request: str | None = None,
        promote: str | None = None,
        percent: int = 50,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"campaignArn": self.campaign, "userId": user, "numResults": count}
        if request is not None:
            params["filterArn"] = self.filter(request)
        if promote is not None:
            params["promotions"] = [
                {"name": "promo", "percentPromotedItems": percent, "filterArn": self.filter(promote)}
            ]
        entries: list[dict[str, Any]] = self.runtime.get_recommendations(**params)["itemList"]
        return entries


@pytest.fixture
def shop(pm: PersonalizeMock) -> Shop:
    client, runtime, events = clients()
    world = make_world(pm, client, types=("INTERACTIONS", "ITEMS"))
    put_items(events, world.datasets["ITEMS"], ITEMS)
    stream(events, world.tracking_id, HISTORIES)
    campaign = deploy(pm, client, world.group, "aws-user-personalization", "personal")
    return Shop(pm, client, runtime, world.group, campaign, {})


def promoted(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["itemId"] for entry in entries if entry.get("promotionName") == "promo"]


def others(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["itemId"] for entry in entries if "promotionName" not in entry]


def ranking(shop: Shop, user: str) -> list[str]:
    """The campaign's whole ranking for ``user``, without filters or promotions."""
    return [entry["itemId"] for entry in shop.recommend(user, len(ITEMS))]


def test_the_request_filter_does_not_remove_promoted_items(shop: Shop) -> None:
    entries = shop.recommend("u2", 4, request=NO_SOCKS, promote=SOCKS)
    # Both socks are promoted although the request filter excludes socks ...
    assert sorted(promoted(entries)) == ["sock-1", "sock-2"]
    # ... and the request filter still applies to the rest of the list.
    expected_rest = [item for item in ranking(shop, "u2") if not item.startswith("sock")][:2]
    assert others(entries) == expected_rest
    assert len(entries) == 4


def test_the_promotion_filter_alone_picks_promoted_items(shop: Shop) -> None:
    entries = shop.recommend("u1", 4, request=SHOES, promote=BOOTS)
    assert sorted(promoted(entries)) == ["boot-1", "boot-2"]
    assert others(entries) == [item for item in ranking(shop, "u1") if item.startswith("shoe")][:2]


def test_promoted_items_are_the_best_ranked_ones_in_rank_order(shop: Shop) -> None:
    full = ranking(shop, "u3")
    socks = [item for item in full if item.startswith("sock")]
    # One place of four for the promotion: the better-ranked sock.
    entries = shop.recommend("u3", 4, promote=SOCKS, percent=25)
    assert promoted(entries) == socks[:1]
    # The other sock passes no promotion any more; with no request filter it may still be
    # recommended, unmarked, where the ranking puts it among the others.
    assert others(entries) == [item for item in full if item != socks[0]][:3]
    # With a request filter that excludes socks, the second sock is not listed at all.
    filtered = shop.recommend("u3", 4, request=NO_SOCKS, promote=SOCKS, percent=25)
    assert promoted(filtered) == socks[:1]
    assert socks[1] not in others(filtered)
    # Both groups keep the ranking's order (10 % of 8 places is one).
    everything = shop.recommend("u3", 8, promote=SOCKS, percent=10)
    assert promoted(everything) == socks[:1]
    assert others(everything) == [item for item in full if item != socks[0]]
    for user in HISTORIES:
        entries = shop.recommend(user, 6, promote=SHOES)
        by_score = [entry["itemId"] for entry in sorted(entries, key=lambda entry: -entry["score"])]
        assert len(promoted(entries)) == 3
        assert promoted(entries) == [item for item in by_score if item.startswith("shoe")]


def test_as_many_promoted_items_as_there_are(shop: Shop) -> None:
    # Half of 4 places, but only one hat: one promoted item and three others.
    entries = shop.recommend("u3", 4, promote=HATS)
    assert promoted(entries) == ["hat-1"]
    assert len(entries) == 4
    assert others(entries) == [item for item in ranking(shop, "u3") if item != "hat-1"][:3]


def test_promoted_items_sit_at_random_but_repeatable_places(shop: Shop) -> None:
    requests = [(user, count) for user in HISTORIES for count in (4, 5, 6)]
    places: set[tuple[int, ...]] = set()
    off_rank = 0
    for user, count in requests:
        entries = shop.recommend(user, count, promote=SHOES)
        # The same request on the same data gets the same list.
        assert shop.recommend(user, count, promote=SHOES) == entries
        at = tuple(index for index, entry in enumerate(entries) if "promotionName" in entry)
        places.add(at)
        scores = [entry["score"] for entry in entries]
        off_rank += scores != sorted(scores, reverse=True)
    # Neither always first, nor always where the scores would put them.
    assert len(places) > 3
    assert off_rank > 0
    assert {at[0] for at in places} != {0}
