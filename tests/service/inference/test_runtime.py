"""personalize-runtime: GetRecommendations, GetPersonalizedRanking, GetActionRecommendations.

Behaviour reference §1.2: ids required per recipe type, numResults / inputList limits,
``RID-`` + UUID4 recommendation ids, unknown items ranked last without a score, errors
InvalidInputException (400) and ResourceNotFoundException (404). The data comes from
PutEvents / PutItems / PutUsers (see test_events.py) and trains with ``require_data=False``
(the conftest default), so a handful of events is enough.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from runtime_world import (
    ALL_TYPES,
    RECIPE,
    World,
    clients,
    deploy,
    ids,
    make_filter,
    make_world,
    put_items,
    status_of,
    stream,
)

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

ITEMS: dict[str, dict[str, Any]] = {
    "shoe-1": {"genre": "shoes", "price": 50, "title": "Runner"},
    "shoe-2": {"genre": "shoes", "price": 60, "title": "Walker"},
    "shoe-3": {"genre": "shoes", "price": 70},
    "boot-1": {"genre": "boots", "price": 120},
    "boot-2": {"genre": "boots", "price": 140},
    "sock-1": {"genre": "socks", "price": 5},
    "sock-2": {"genre": "socks|sale", "price": 4},
    # Never interacted with: known from the Items dataset only.
    "hat-1": {"genre": "hats", "price": 20},
}
HISTORIES = {
    "u1": ["shoe-1", "sock-1", "shoe-2"],
    "u2": ["shoe-1", "sock-1", "sock-2"],
    "u3": ["boot-1", "boot-2", "sock-2"],
    "u4": ["boot-1", "sock-1"],
    "u5": ["shoe-1", "shoe-3", "sock-1"],
    "u6": ["shoe-2", "shoe-3"],
}
USERS = {"u1": {"membership": "gold"}, "u2": {"membership": "basic"}}
RID = re.compile(r"RID-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
METADATA = {"enableMetadataWithRecommendations": True}


@dataclass
class Shop:
    pm: PersonalizeMock
    world: World
    client: Any
    runtime: Any
    events: Any

    @property
    def group(self) -> str:
        return self.world.group

    def campaign(self, recipe: str, name: str | None = None, **options: Any) -> str:
        return deploy(self.pm, self.client, self.group, recipe, name or recipe.replace("aws-", ""), **options)

    def filter(self, expression: str, name: str = "f", *, wait: bool = True) -> str:
        return make_filter(self.pm, self.client, self.group, name, expression, wait=wait)


@pytest.fixture
def shop(pm: PersonalizeMock) -> Shop:
    client, runtime, events = clients()
    world = make_world(pm, client, types=ALL_TYPES)
    put_items(events, world.datasets["ITEMS"], ITEMS)
    events.put_users(
        datasetArn=world.datasets["USERS"],
        users=[{"userId": user, "properties": json.dumps(props)} for user, props in USERS.items()],
    )
    stream(events, world.tracking_id, HISTORIES)
    return Shop(pm, world, client, runtime, events)


def invalid(shop: Shop, call: Callable[[], Any], match: str) -> ClientError:
    with pytest.raises(shop.runtime.exceptions.InvalidInputException, match=match) as caught:
        call()
    assert status_of(caught.value) == 400
    return caught.value


def not_found(shop: Shop, call: Callable[[], Any], match: str = "does not exist") -> ClientError:
    with pytest.raises(shop.runtime.exceptions.ResourceNotFoundException, match=match) as caught:
        call()
    assert status_of(caught.value) == 404
    return caught.value


def assert_scores(entries: list[dict[str, Any]]) -> None:
    scores = [entry["score"] for entry in entries]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 and round(score, 7) == score for score in scores)


# -- GetRecommendations: the answer ------------------------------------------------------------


def test_user_personalization_recommends_the_catalogue_for_a_user(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    first = shop.runtime.get_recommendations(campaignArn=campaign, userId="u4")
    assert set(first) == {"itemList", "recommendationId", "ResponseMetadata"}
    assert RID.fullmatch(first["recommendationId"]) and len(first["recommendationId"]) == 40
    # Default numResults is 25; the catalogue (events + Items dataset) has 8 items.
    assert sorted(ids(first)) == sorted(ITEMS)
    assert_scores(first["itemList"])
    assert all(set(entry) == {"itemId", "score"} for entry in first["itemList"])
    # u4 bought boot-1 and sock-1: boot-2 (bought with boot-1) beats the shoes.
    assert ids(first).index("boot-2") < ids(first).index("shoe-3")
    # Deterministic: same question, same answer; a new recommendation id each time.
    again = shop.runtime.get_recommendations(campaignArn=campaign, userId="u4")
    assert again["itemList"] == first["itemList"]
    assert again["recommendationId"] != first["recommendationId"]
    # Another user, another list; a user never seen gets popular items.
    assert ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="u6")) != ids(first)
    stranger = ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="stranger"))
    assert stranger[0] == "sock-1"  # bought by four users


def test_num_results(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")

    def recommend(count: int) -> list[str]:
        return ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=count))

    assert recommend(3) == recommend(500)[:3]
    assert recommend(0) == []
    invalid(shop, lambda: recommend(501), "numResults must be at most 500")


def test_without_data_a_synthetic_catalogue_answers(pm: PersonalizeMock) -> None:
    client, runtime, _ = clients()
    world = make_world(pm, client, "empty", types=(), tracker=False)
    campaign = deploy(pm, client, world.group, "aws-user-personalization", "c")
    default = ids(runtime.get_recommendations(campaignArn=campaign, userId="u1"))
    assert len(default) == 25 and all(re.fullmatch(r"item-\d+", item) for item in default)
    everything = ids(runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=500))
    assert sorted(everything) == sorted(f"item-{n}" for n in range(1, 101))
    assert everything[:25] == default
    assert ids(runtime.get_recommendations(campaignArn=campaign, userId="u2")) != default


def test_popular_and_related_items(shop: Shop) -> None:
    popular = shop.campaign("aws-popularity-count")
    related = shop.campaign("aws-sims")
    top = shop.runtime.get_recommendations(campaignArn=popular)
    assert ids(top)[:2] == ["sock-1", "shoe-1"]  # 4 and 3 interactions
    assert_scores(top["itemList"])
    # A userId is accepted (filters may need it) and does not personalize popular items.
    assert ids(shop.runtime.get_recommendations(campaignArn=popular, userId="u3")) == ids(top)
    similar = shop.runtime.get_recommendations(campaignArn=related, itemId="boot-1")
    assert ids(similar)[0] == "boot-2"  # the only other item of boot-1's only buyer of both
    assert "boot-1" not in ids(similar)
    assert_scores(similar["itemList"])
    # An item the model never saw: popular items.
    assert ids(shop.runtime.get_recommendations(campaignArn=related, itemId="new", numResults=1)) == [
        "sock-1"
    ]


def test_a_users_new_events_change_their_recommendations_at_once(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    before = ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="newcomer"))
    shop.events.put_events(
        trackingId=shop.world.tracking_id,
        userId="newcomer",
        sessionId="s",
        eventList=[{"eventType": "click", "itemId": "boot-1", "sentAt": shop.pm.now()}],
    )
    after = ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="newcomer"))
    assert after != before
    assert after[0] == "boot-2"
    # Anonymous events are recorded under the session id, which then works as a userId.
    shop.events.put_events(
        trackingId=shop.world.tracking_id,
        sessionId="anon-1",
        eventList=[{"eventType": "click", "itemId": "boot-1", "sentAt": shop.pm.now()}],
    )
    assert ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="anon-1")) == after


# -- GetRecommendations: errors ---------------------------------------------------------------


def test_exactly_one_of_campaign_and_recommender(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    recommender = campaign.replace(":campaign/", ":recommender/")
    invalid(shop, lambda: shop.runtime.get_recommendations(userId="u1"), "exactly one of campaignArn")
    invalid(
        shop,
        lambda: shop.runtime.get_recommendations(
            campaignArn=campaign, recommenderArn=recommender, userId="u1"
        ),
        "exactly one of campaignArn",
    )


def test_unknown_campaign_recommender_and_filter_are_404(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    missing = campaign + "-missing"
    runtime = shop.runtime
    error = not_found(shop, lambda: runtime.get_recommendations(campaignArn=missing, userId="u1"))
    assert error.response["Error"]["Code"] == "ResourceNotFoundException"
    not_found(
        shop,
        lambda: runtime.get_recommendations(
            recommenderArn=campaign.replace(":campaign/", ":recommender/"), userId="u1"
        ),
    )
    no_filter = campaign.replace(":campaign/", ":filter/")
    not_found(
        shop, lambda: runtime.get_recommendations(campaignArn=campaign, userId="u1", filterArn=no_filter)
    )
    promotion = {"name": "p", "percentPromotedItems": 10, "filterArn": no_filter}
    not_found(
        shop, lambda: runtime.get_recommendations(campaignArn=campaign, userId="u1", promotions=[promotion])
    )
    not_found(
        shop, lambda: runtime.get_personalized_ranking(campaignArn=missing, userId="u", inputList=["a"])
    )
    not_found(shop, lambda: runtime.get_action_recommendations(campaignArn=missing, userId="u"))


def test_a_campaign_that_is_not_active_is_invalid_input(shop: Shop) -> None:
    campaign = deploy(shop.pm, shop.client, shop.group, "aws-user-personalization", "c", wait=False)
    invalid(
        shop,
        lambda: shop.runtime.get_recommendations(campaignArn=campaign, userId="u1"),
        "is in CREATE PENDING state",
    )
    shop.pm.advance(DEFAULT_DURATIONS["campaign"] * 0.5)
    invalid(
        shop,
        lambda: shop.runtime.get_recommendations(campaignArn=campaign, userId="u1"),
        "CREATE IN_PROGRESS",
    )
    shop.pm.advance(DEFAULT_DURATIONS["campaign"] * 0.5)
    assert shop.runtime.get_recommendations(campaignArn=campaign, userId="u1")["itemList"]
    shop.client.delete_campaign(campaignArn=campaign)
    invalid(
        shop, lambda: shop.runtime.get_recommendations(campaignArn=campaign, userId="u1"), "DELETE PENDING"
    )
    shop.pm.advance(DEFAULT_DURATIONS["campaign_delete"])
    not_found(shop, lambda: shop.runtime.get_recommendations(campaignArn=campaign, userId="u1"))


def test_ids_the_recipe_needs(shop: Shop) -> None:
    personal = shop.campaign("aws-user-personalization")
    related = shop.campaign("aws-sims")
    popular = shop.campaign("aws-trending-now")
    invalid(shop, lambda: shop.runtime.get_recommendations(campaignArn=personal), "userId is required")
    invalid(shop, lambda: shop.runtime.get_recommendations(campaignArn=personal, itemId="shoe-1"), "userId")
    invalid(
        shop, lambda: shop.runtime.get_recommendations(campaignArn=related, userId="u1"), "itemId is required"
    )
    assert shop.runtime.get_recommendations(campaignArn=popular)["itemList"]


@pytest.mark.parametrize(
    ("recipe", "hint"),
    [
        ("aws-personalized-ranking", "use GetPersonalizedRanking"),
        ("aws-item-affinity", "batch segment jobs"),
        ("aws-next-best-action", "use GetActionRecommendations"),
    ],
)
def test_get_recommendations_on_other_recipe_types_is_invalid_input(
    shop: Shop, recipe: str, hint: str
) -> None:
    campaign = shop.campaign(recipe)
    invalid(shop, lambda: shop.runtime.get_recommendations(campaignArn=campaign, userId="u1"), hint)


# -- Filters -----------------------------------------------------------------------------------


def test_a_filter_applies_to_the_data_visible_now(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    bought = shop.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")')
    before = ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="u1", filterArn=bought))
    assert "boot-2" in before
    shop.events.put_events(
        trackingId=shop.world.tracking_id,
        userId="u1",
        sessionId="s",
        eventList=[{"eventType": "purchase", "itemId": "boot-2", "sentAt": shop.pm.now()}],
    )
    after = ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="u1", filterArn=bought))
    assert sorted(after) == sorted(item for item in before if item != "boot-2")
    # Other users are not affected.
    assert "boot-2" in ids(
        shop.runtime.get_recommendations(campaignArn=campaign, userId="u2", filterArn=bought)
    )


def test_include_filter_with_placeholder_values(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    genres = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)")

    def recommend(**params: Any) -> list[str]:
        return ids(
            shop.runtime.get_recommendations(campaignArn=campaign, userId="u1", filterArn=genres, **params)
        )

    assert sorted(recommend(filterValues={"GENRES": '"boots","sale"'})) == ["boot-1", "boot-2", "sock-2"]
    assert recommend(filterValues={"GENRES": '"nothing"'}) == []
    invalid(shop, lambda: recommend(), r"needs a value for \$GENRES")
    invalid(shop, lambda: recommend(filterValues={"GENRES": '"a"', "OTHER": '"b"'}), "OTHER, which is not a")
    invalid(shop, lambda: recommend(filterValues={"GENRES": '"open'}), "unterminated")


def test_an_exclude_placeholder_without_a_value_is_not_used(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    excluded = shop.filter("EXCLUDE ItemID WHERE Items.GENRE IN ($GENRES)")

    def recommend(**params: Any) -> list[str]:
        return ids(
            shop.runtime.get_recommendations(campaignArn=campaign, userId="u1", filterArn=excluded, **params)
        )

    assert sorted(recommend()) == sorted(ITEMS)
    assert not any(item.startswith("sock") for item in recommend(filterValues={"GENRES": '"socks"'}))


def test_numeric_conditions_and_chained_clauses(shop: Shop) -> None:
    campaign = shop.campaign("aws-popularity-count")
    chained = shop.filter(
        'EXCLUDE ItemID WHERE Items.PRICE > 65 | INCLUDE ItemID WHERE Items.GENRE IN ("shoes", "hats")'
    )
    assert sorted(ids(shop.runtime.get_recommendations(campaignArn=campaign, filterArn=chained))) == [
        "hat-1",
        "shoe-1",
        "shoe-2",
    ]
    cheap = shop.filter("INCLUDE ItemID WHERE Items.PRICE <= $MAX", "cheap")
    found = ids(
        shop.runtime.get_recommendations(campaignArn=campaign, filterArn=cheap, filterValues={"MAX": '"5"'})
    )
    assert sorted(found) == ["sock-1", "sock-2"]


def test_current_user_and_current_item_conditions(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    related = shop.campaign("aws-sims")
    socks_for_basic = shop.filter(
        'INCLUDE ItemID WHERE Items.GENRE IN ("socks") IF CurrentUser.MEMBERSHIP = "basic"'
    )
    basic = ids(
        shop.runtime.get_recommendations(campaignArn=campaign, userId="u2", filterArn=socks_for_basic)
    )
    assert sorted(basic) == ["sock-1", "sock-2"]
    gold = ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="u1", filterArn=socks_for_basic))
    assert sorted(gold) == sorted(ITEMS)  # the clause does not apply to gold members
    same_genre = shop.filter("INCLUDE ItemID WHERE Items.GENRE IN (CurrentItem.GENRE)", "same")
    found = ids(shop.runtime.get_recommendations(campaignArn=related, itemId="shoe-1", filterArn=same_genre))
    assert sorted(found) == ["shoe-2", "shoe-3"]


def test_filter_errors(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    popular = shop.campaign("aws-popularity-count")
    runtime = shop.runtime

    def recommend(filter_arn: str, **params: Any) -> Any:
        return lambda: runtime.get_recommendations(
            campaignArn=campaign, userId="u1", filterArn=filter_arn, **params
        )

    pending = shop.filter('EXCLUDE ItemID WHERE Items.GENRE IN ("hats")', "pending", wait=False)
    invalid(shop, recommend(pending), "is in CREATE PENDING state")
    users = shop.filter('INCLUDE UserID WHERE Users.MEMBERSHIP IN ("gold")', "users")
    invalid(shop, recommend(users), "filters UserID")
    actions = shop.filter('EXCLUDE ActionID WHERE Actions.CHANNEL IN ("sms")', "actions")
    invalid(shop, recommend(actions), "filters ActionID")
    other = make_world(shop.pm, shop.client, "other", types=(), tracker=False)
    foreign = make_filter(
        shop.pm, shop.client, other.group, "foreign", 'EXCLUDE ItemID WHERE Items.GENRE IN ("x")'
    )
    invalid(shop, recommend(foreign), "belongs to dataset group")
    bought = shop.filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")', "bought")
    invalid(
        shop, lambda: runtime.get_recommendations(campaignArn=popular, filterArn=bought), "provide a userId"
    )
    assert runtime.get_recommendations(campaignArn=popular, filterArn=bought, userId="u1")["itemList"]
    invalid(
        shop,
        lambda: runtime.get_recommendations(campaignArn=campaign, userId="u1", filterValues={"A": '"b"'}),
        "without a filterArn",
    )


# -- Promotions, metadata, reasons -------------------------------------------------------------


def test_promotions_mark_their_share_of_the_list(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    socks = shop.filter('INCLUDE ItemID WHERE Items.GENRE IN ("socks")', "socks")
    plain = shop.runtime.get_recommendations(campaignArn=campaign, userId="u3", numResults=4)
    promoted = shop.runtime.get_recommendations(
        campaignArn=campaign,
        userId="u3",
        numResults=4,
        promotions=[{"name": "sock-week", "percentPromotedItems": 50, "filterArn": socks}],
    )
    entries = promoted["itemList"]
    assert len(entries) == 4
    marked = [entry for entry in entries if entry.get("promotionName") == "sock-week"]
    assert sorted(entry["itemId"] for entry in marked) == ["sock-1", "sock-2"]
    unmarked = [entry for entry in entries if "promotionName" not in entry]
    assert [entry["itemId"] for entry in unmarked] == [
        item for item in ids(plain) if not item.startswith("sock")
    ][:2]
    # Promoted items sit at random places, but each group keeps its own order (test_promotions.py).
    assert_scores(marked)
    assert_scores(unmarked)
    # 1 % of 4 results still promotes one item (the share is rounded up).
    one = shop.runtime.get_recommendations(
        campaignArn=campaign,
        userId="u3",
        numResults=4,
        promotions=[{"name": "p", "percentPromotedItems": 1, "filterArn": socks}],
    )
    assert sum("promotionName" in entry for entry in one["itemList"]) == 1


def test_a_promoted_item_ranked_below_the_results_still_gets_its_share(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    hats = shop.filter('INCLUDE ItemID WHERE Items.GENRE IN ("hats")', "hats")
    plain = ids(shop.runtime.get_recommendations(campaignArn=campaign, userId="u3"))
    assert plain[-1] == "hat-1"  # never interacted with: ranked last
    promoted = shop.runtime.get_recommendations(
        campaignArn=campaign,
        userId="u3",
        numResults=2,
        promotions=[{"name": "hat-day", "percentPromotedItems": 50, "filterArn": hats}],
    )["itemList"]
    # Half of 2 results is promoted: the hat from the bottom of the list, and the best item.
    assert sorted((entry["itemId"], entry.get("promotionName") or "") for entry in promoted) == sorted(
        [(plain[0], ""), ("hat-1", "hat-day")]
    )


def test_promotion_errors(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization")
    pending = shop.filter('INCLUDE ItemID WHERE Items.GENRE IN ("socks")', "pending", wait=False)

    def promote(**promotion: Any) -> Any:
        return lambda: shop.runtime.get_recommendations(
            campaignArn=campaign, userId="u1", promotions=[promotion]
        )

    invalid(shop, promote(name="p", percentPromotedItems=10), "needs filterArn")
    invalid(shop, promote(name="p", filterArn=pending), "needs percentPromotedItems")
    invalid(shop, promote(name="p", percentPromotedItems=10, filterArn=pending), "CREATE PENDING")
    invalid(shop, promote(name="p", percentPromotedItems=101, filterArn=pending), "less than or equal to 100")


def test_metadata_columns(shop: Shop) -> None:
    with_metadata = shop.campaign("aws-user-personalization", "meta", campaign_config=METADATA)
    without = shop.campaign("aws-popularity-count")
    runtime = shop.runtime

    def recommend(campaign: str = with_metadata, **params: Any) -> Any:
        return runtime.get_recommendations(campaignArn=campaign, userId="u1", **params)

    found = recommend(metadataColumns={"ITEMS": ["GENRE", "price", "TITLE"]}, numResults=50)["itemList"]
    by_id = {entry["itemId"]: entry["metadata"] for entry in found}
    assert by_id["shoe-1"] == {"GENRE": "shoes", "price": "50", "TITLE": "Runner"}
    assert by_id["sock-2"] == {"GENRE": "socks|sale", "price": "4"}
    assert "metadata" not in recommend()["itemList"][0]
    invalid(
        shop,
        lambda: recommend(without, metadataColumns={"ITEMS": ["GENRE"]}),
        "enableMetadataWithRecommendations",
    )
    invalid(shop, lambda: recommend(metadataColumns={"ITEMS": ["GENRE"]}, numResults=51), "at most 50")
    invalid(shop, lambda: recommend(metadataColumns={"ITEMS": ["GENRE"] * 11}), "at most 10 are allowed")
    invalid(shop, lambda: recommend(metadataColumns={"ITEMS": ["COLOUR"]}), "COLOUR, which is not a column")
    invalid(shop, lambda: recommend(metadataColumns={"USERS": ["MEMBERSHIP"]}), "the only key is ITEMS")


def test_metadata_needs_an_items_dataset(pm: PersonalizeMock) -> None:
    client, runtime, _ = clients()
    world = make_world(pm, client, "no-items", types=("INTERACTIONS",), tracker=False)
    campaign = deploy(pm, client, world.group, "aws-user-personalization", "c", campaign_config=METADATA)
    with pytest.raises(runtime.exceptions.InvalidInputException, match="needs an Items dataset"):
        runtime.get_recommendations(campaignArn=campaign, userId="u", metadataColumns={"ITEMS": ["GENRE"]})


def test_user_personalization_v2_explains_exploration_and_promotion(shop: Shop) -> None:
    campaign = shop.campaign("aws-user-personalization-v2")
    socks = shop.filter('INCLUDE ItemID WHERE Items.GENRE IN ("socks")', "socks")
    entries = shop.runtime.get_recommendations(
        campaignArn=campaign,
        userId="u3",
        promotions=[{"name": "p", "percentPromotedItems": 20, "filterArn": socks}],
    )["itemList"]
    reasons = {entry["itemId"]: entry.get("reason") for entry in entries}
    assert reasons["hat-1"] == ["Exploration"]  # never interacted with
    assert reasons["sock-2"] == ["Promoted item"]
    assert reasons["boot-1"] is None
    v1 = shop.campaign("aws-user-personalization")
    assert all(
        "reason" not in entry
        for entry in shop.runtime.get_recommendations(campaignArn=v1, userId="u3")["itemList"]
    )


# -- GetPersonalizedRanking -----------------------------------------------------------------------


def test_personalized_ranking_reorders_and_puts_unknown_items_last(shop: Shop) -> None:
    campaign = shop.campaign("aws-personalized-ranking", campaign_config=METADATA)
    inputs = ["new-a", "shoe-3", "boot-2", "new-b", "sock-1", "hat-1", "shoe-3"]
    response = shop.runtime.get_personalized_ranking(campaignArn=campaign, userId="u4", inputList=inputs)
    assert set(response) == {"personalizedRanking", "recommendationId", "ResponseMetadata"}
    assert RID.fullmatch(response["recommendationId"])
    ranking = response["personalizedRanking"]
    ranked = ids(response, "personalizedRanking")
    assert ranked[-2:] == ["new-a", "new-b"]
    assert all("score" not in entry for entry in ranking[-2:])
    scored = ranking[:-2]
    assert sorted(ids({"x": scored}, "x")) == ["boot-2", "hat-1", "shoe-3", "sock-1"]
    assert_scores(scored)
    assert math.isclose(sum(entry["score"] for entry in scored), 1.0, abs_tol=1e-5)
    assert ranked[0] == "boot-2"  # bought with u4's boot-1
    # A filter removes items, unknown ones included; metadata for every item that has some.
    no_boots = shop.filter('EXCLUDE ItemID WHERE Items.GENRE IN ("boots")')
    filtered = shop.runtime.get_personalized_ranking(
        campaignArn=campaign,
        userId="u4",
        inputList=inputs,
        filterArn=no_boots,
        metadataColumns={"ITEMS": ["GENRE"]},
    )["personalizedRanking"]
    assert [entry["itemId"] for entry in filtered] == [item for item in ranked if item != "boot-2"]
    assert filtered[0]["metadata"] == {"GENRE": ITEMS[filtered[0]["itemId"]]["genre"]}
    assert filtered[-1]["metadata"] == {}


def test_personalized_ranking_errors(shop: Shop) -> None:
    ranking = shop.campaign("aws-personalized-ranking", campaign_config=METADATA)
    personal = shop.campaign("aws-user-personalization")
    runtime = shop.runtime

    def rank(campaign: str = ranking, **params: Any) -> Any:
        return lambda: runtime.get_personalized_ranking(campaignArn=campaign, userId="u1", **params)

    invalid(shop, rank(personal, inputList=["a"]), "needs a campaign of a PERSONALIZED_RANKING recipe")
    invalid(shop, rank(inputList=[]), "at least one item")
    invalid(shop, rank(inputList=[f"i{n}" for n in range(501)]), "at most 500 items")
    rank(inputList=[f"i{n}" for n in range(500)])()
    invalid(
        shop,
        rank(inputList=[f"i{n}" for n in range(51)], metadataColumns={"ITEMS": ["GENRE"]}),
        "at most 50 items when metadata",
    )
    pending = deploy(shop.pm, shop.client, shop.group, "aws-personalized-ranking", "pending", wait=False)
    invalid(shop, rank(pending, inputList=["a"]), "CREATE PENDING")


# -- GetActionRecommendations ----------------------------------------------------------------------


def test_action_recommendations(shop: Shop) -> None:
    events = shop.events
    events.put_actions(
        datasetArn=shop.world.datasets["ACTIONS"],
        actions=[
            {"actionId": "join", "properties": '{"channel": "email"}'},
            {"actionId": "app", "properties": '{"channel": "sms"}'},
            {"actionId": "survey", "properties": '{"channel": "email"}'},
        ],
    )
    taken = [("u1", "join"), ("u2", "join"), ("u3", "join"), ("u1", "app"), ("u2", "app")]
    events.put_action_interactions(
        # DescribeDataset reports the Action interactions dataset's own tracking id.
        trackingId=shop.client.describe_dataset(datasetArn=shop.world.datasets["ACTION_INTERACTIONS"])[
            "dataset"
        ]["trackingId"],
        actionInteractions=[
            {
                "actionId": action,
                "userId": user,
                "sessionId": "s",
                "timestamp": shop.pm.now(),
                "eventType": "Taken",
            }
            for user, action in taken
        ],
    )
    campaign = shop.campaign("aws-next-best-action")
    response = shop.runtime.get_action_recommendations(campaignArn=campaign, userId="u9")
    assert set(response) == {"actionList", "recommendationId", "ResponseMetadata"}
    assert RID.fullmatch(response["recommendationId"])
    actions = ids(response, "actionList", "actionId")
    assert actions == ["join", "app", "survey"]
    assert response["actionList"][0]["score"] == 1.0
    assert_scores(response["actionList"])
    assert (
        ids(shop.runtime.get_action_recommendations(campaignArn=campaign), "actionList", "actionId")
        == actions
    )
    no_sms = shop.filter('EXCLUDE ActionID WHERE Actions.CHANNEL IN ("sms")', "no-sms")
    filtered = shop.runtime.get_action_recommendations(campaignArn=campaign, userId="u9", filterArn=no_sms)
    assert ids(filtered, "actionList", "actionId") == ["join", "survey"]


def test_action_recommendations_default_to_five_of_a_synthetic_catalogue(pm: PersonalizeMock) -> None:
    client, runtime, _ = clients()
    world = make_world(pm, client, "empty", types=(), tracker=False)
    campaign = deploy(pm, client, world.group, "aws-next-best-action", "nba")
    actions = ids(
        runtime.get_action_recommendations(campaignArn=campaign, userId="u1"), "actionList", "actionId"
    )
    assert len(actions) == 5 and all(re.fullmatch(r"action-\d+", action) for action in actions)
    many = runtime.get_action_recommendations(campaignArn=campaign, userId="u1", numResults=100)
    assert len(many["actionList"]) == 25


def test_action_recommendation_errors(shop: Shop) -> None:
    actions = shop.campaign("aws-next-best-action")
    personal = shop.campaign("aws-user-personalization")
    items_filter = shop.filter('EXCLUDE ItemID WHERE Items.GENRE IN ("x")')
    runtime = shop.runtime
    invalid(shop, lambda: runtime.get_action_recommendations(userId="u1"), "campaignArn is required")
    invalid(
        shop,
        lambda: runtime.get_action_recommendations(campaignArn=personal, userId="u1"),
        "needs a campaign of a PERSONALIZED_ACTIONS recipe",
    )
    invalid(
        shop, lambda: runtime.get_action_recommendations(campaignArn=actions, numResults=101), "at most 100"
    )
    invalid(
        shop,
        lambda: runtime.get_action_recommendations(campaignArn=actions, filterArn=items_filter),
        "needs a filter of ActionID",
    )


# -- Recommenders ------------------------------------------------------------------------------


def test_recommenders_answer_while_active_and_retrain_weekly(pm: PersonalizeMock) -> None:
    client, runtime, events = clients()
    world = make_world(pm, client, "retail", types=("INTERACTIONS", "ITEMS"), domain="ECOMMERCE")
    stream(events, world.tracking_id, HISTORIES, event_type="View")
    recommender = client.create_recommender(
        name="most-viewed",
        datasetGroupArn=world.group,
        recipeArn=RECIPE + "aws-ecomm-popular-items-by-views",
        recommenderConfig=METADATA,
    )["recommenderArn"]
    with pytest.raises(runtime.exceptions.InvalidInputException, match=r"Recommender .* CREATE PENDING"):
        runtime.get_recommendations(recommenderArn=recommender)
    pm.advance(DEFAULT_DURATIONS["recommender"])
    top = runtime.get_recommendations(recommenderArn=recommender, metadataColumns={"ITEMS": ["GENRE"]})
    assert ids(top)[:2] == ["sock-1", "shoe-1"]
    assert all(entry["metadata"] == {} for entry in top["itemList"])  # no item metadata was put

    # A streamed item is known from the next weekly training on.
    stream(events, world.tracking_id, {"u7": ["gloves"], "u8": ["gloves"]}, event_type="View", start=pm.now())
    assert "gloves" not in ids(runtime.get_recommendations(recommenderArn=recommender, numResults=500))
    pm.advance(7 * 86400)
    assert "gloves" in ids(runtime.get_recommendations(recommenderArn=recommender, numResults=500))

    client.stop_recommender(recommenderArn=recommender)
    pm.advance(DEFAULT_DURATIONS["recommender_stop"])
    with pytest.raises(runtime.exceptions.InvalidInputException, match="INACTIVE") as stopped:
        runtime.get_recommendations(recommenderArn=recommender)
    assert status_of(stopped.value) == 400
    client.start_recommender(recommenderArn=recommender)
    pm.advance(DEFAULT_DURATIONS["recommender_start"])
    assert runtime.get_recommendations(recommenderArn=recommender)["itemList"]


def test_recommendation_ids_are_uuid4(shop: Shop) -> None:
    campaign = shop.campaign("aws-popularity-count")
    made = {shop.runtime.get_recommendations(campaignArn=campaign)["recommendationId"] for _ in range(5)}
    assert len(made) == 5
    assert all(uuid.UUID(rid[4:]).version == 4 for rid in made)
