"""End to end through the three boto3 clients, with the training data rules on
(``require_data=True``): stream events, train, deploy, recommend; stream a new item, which
only becomes recommendable once an UPDATE version is trained and deployed; filters, ranking
and determinism along the way.
"""

from __future__ import annotations

from typing import Any

import pytest
from runtime_world import RECIPE, clients, ids, make_filter, make_world, stream, train

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

USERS = 30
#: Three tastes: user k likes the ten items of cluster k % 3.
CLUSTERS = {c: [f"p-{c * 10 + n}" for n in range(10)] for c in range(3)}
EVENTS_PER_USER = 34  # 30 x 34 = 1020: above the 1000-interaction training minimum


def cluster(user: int) -> list[str]:
    return CLUSTERS[user % 3]


def histories() -> dict[str, list[str]]:
    return {f"u{k}": [cluster(k)[j % 10] for j in range(EVENTS_PER_USER)] for k in range(USERS)}


def status(client: Any, version: str) -> str:
    found: str = client.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["status"]
    return found


@pytest.mark.personalize_mock(require_data=True)
def test_streamed_item_becomes_recommendable_after_update_training(pm: PersonalizeMock) -> None:
    client, runtime, events = clients()
    world = make_world(pm, client, "flow", types=("INTERACTIONS", "ITEMS"))
    solution = client.create_solution(
        name="personal", datasetGroupArn=world.group, recipeArn=RECIPE + "aws-user-personalization"
    )["solutionArn"]

    # Without data, training fails (the data rules are on).
    empty = train(pm, client, solution)
    assert status(client, empty) == "CREATE FAILED"

    stream(events, world.tracking_id, histories())
    full = train(pm, client, solution)
    assert status(client, full) == "ACTIVE"
    campaign = client.create_campaign(name="personal", solutionVersionArn=full)["campaignArn"]
    pm.advance(DEFAULT_DURATIONS["campaign"])

    def recommend(user: str, **params: Any) -> list[str]:
        return ids(runtime.get_recommendations(campaignArn=campaign, userId=user, **params))

    # Each user's taste comes first; the answer is the same every time.
    for k in range(3):
        assert set(recommend(f"u{k}")[:10]) == set(cluster(k))
    assert recommend("u7", numResults=500) == recommend("u7", numResults=500)
    assert len(recommend("u7", numResults=500)) == 30

    # A new item is streamed by two users of cluster 1.
    stream(events, world.tracking_id, {"u1": ["new-item"] * 3, "u4": ["new-item"] * 3}, start=pm.now())
    assert "new-item" not in recommend("u7", numResults=500)

    # The deployed model does not know it until an UPDATE version is trained and deployed.
    update = train(pm, client, solution, "UPDATE")
    assert status(client, update) == "ACTIVE"
    assert "new-item" not in recommend("u7", numResults=500)
    client.update_campaign(campaignArn=campaign, solutionVersionArn=update)
    pm.advance(DEFAULT_DURATIONS["campaign_update"])
    described = client.describe_campaign(campaignArn=campaign)["campaign"]
    assert described["solutionVersionArn"] == update
    after = recommend("u7", numResults=500)
    assert len(after) == 31
    # Liked by users who share u7's taste: right after the cluster's own items.
    assert after.index("new-item") == 10
    assert set(recommend("u0", numResults=10)) == set(cluster(0))

    # A filter on interactions applies to the data as it is now.
    unbought = make_filter(
        pm, client, world.group, "unbought", 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("buy")'
    )
    events.put_events(
        trackingId=world.tracking_id,
        userId="u7",
        sessionId="s-u7",
        eventList=[{"eventType": "buy", "itemId": "new-item", "sentAt": pm.now()}],
    )
    assert "new-item" not in recommend("u7", numResults=500, filterArn=unbought)
    assert "new-item" in recommend("u10", numResults=500, filterArn=unbought)

    # Without new data, another UPDATE is refused (the data rules read the same store).
    train(pm, client, solution, "UPDATE")
    with pytest.raises(client.exceptions.InvalidInputException, match="updates to at least one dataset"):
        client.create_solution_version(solutionArn=solution, trainingMode="UPDATE")


@pytest.mark.personalize_mock(require_data=True)
def test_ranking_and_related_items_from_streamed_data(pm: PersonalizeMock) -> None:
    client, runtime, events = clients()
    world = make_world(pm, client, "flow", types=("INTERACTIONS",))
    stream(events, world.tracking_id, histories())
    campaigns = {}
    for recipe in ("aws-personalized-ranking", "aws-sims"):
        solution = client.create_solution(
            name=recipe[4:], datasetGroupArn=world.group, recipeArn=RECIPE + recipe
        )
        version = train(pm, client, solution["solutionArn"])
        assert status(client, version) == "ACTIVE"
        campaigns[recipe] = client.create_campaign(name=recipe[4:], solutionVersionArn=version)["campaignArn"]
    pm.advance(DEFAULT_DURATIONS["campaign"])

    ranking = runtime.get_personalized_ranking(
        campaignArn=campaigns["aws-personalized-ranking"],
        userId="u0",
        inputList=["p-25", "never-seen", "p-3", "p-14"],
    )["personalizedRanking"]
    assert ranking[0]["itemId"] == "p-3"  # u0's taste
    assert ranking[-1] == {"itemId": "never-seen"}
    assert all("score" in entry for entry in ranking[:-1])

    related = ids(runtime.get_recommendations(campaignArn=campaigns["aws-sims"], itemId="p-12", numResults=9))
    assert set(related) == set(CLUSTERS[1]) - {"p-12"}
