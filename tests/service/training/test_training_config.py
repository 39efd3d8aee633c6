"""What a solution's training configuration does to the recommendations of its campaigns, end to
end through the three boto3 clients: CreateSolution's ``eventType``, ``solutionConfig``'s
``eventValueThreshold``, ``eventsConfig`` and ``optimizationObjective`` (developer guide:
event-values-types.html, optimizing-solution-events-config.html,
optimizing-solution-for-objective.html). The model's rules are pinned on small data in
test_recommendation_engine.py; the training minimums in test_training_data.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from runtime_world import START, World, clients, deploy, ids, make_world, put_items, train

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

#: (user, item, event type, event value or None)
Event = tuple[str, str, str, float | None]


def record(events: Any, world: World, rows: Sequence[Event]) -> None:
    """PutEvents, one call per row, a minute apart."""
    for minute, (user, item, kind, value) in enumerate(rows):
        event: dict[str, Any] = {
            "eventType": kind,
            "itemId": item,
            "sentAt": START + timedelta(minutes=minute),
        }
        if value is not None:
            event["eventValue"] = value
        events.put_events(trackingId=world.tracking_id, userId=user, sessionId=f"s-{user}", eventList=[event])


@pytest.fixture
def world(pm: PersonalizeMock) -> World:
    client, _, _ = clients()
    return make_world(pm, client, "config", types=("INTERACTIONS", "ITEMS"))


def recommended(runtime: Any, campaign: str, user: str) -> list[str]:
    return ids(runtime.get_recommendations(campaignArn=campaign, userId=user, numResults=100))


# Ratings: "blockbuster" is rated 1 by everybody, "gem" and "classic" 4 and 5 by a few.
RATINGS: list[Event] = [
    *[(f"u{n}", "blockbuster", "rating", 1.0) for n in range(6)],
    ("u0", "gem", "rating", 4.0),
    ("u1", "gem", "rating", 3.0),
    ("u2", "classic", "rating", 5.0),
    ("u3", "classic", "rating", 5.0),
]


def test_an_event_value_threshold_keeps_items_below_it_out_of_recommendations(
    pm: PersonalizeMock, world: World
) -> None:
    client, runtime, events = clients()
    record(events, world, RATINGS)
    everything = deploy(pm, client, world.group, "aws-user-personalization", "all", performAutoTraining=False)
    rated = deploy(
        pm,
        client,
        world.group,
        "aws-user-personalization",
        "rated",
        performAutoTraining=False,
        solutionConfig={"eventValueThreshold": "3"},
    )
    # Without a threshold the most interacted item leads for a new user.
    assert recommended(runtime, everything, "newcomer")[0] == "blockbuster"
    # With 3, "blockbuster" was only seen with value 1.0: it was not learned, so it is never
    # recommended, to new users or to the users who rated it.
    for user in ("newcomer", "u0", "u4"):
        assert "blockbuster" not in recommended(runtime, rated, user)
    assert sorted(recommended(runtime, rated, "newcomer")) == ["classic", "gem"]


def test_the_event_type_keeps_other_types_out_of_recommendations(pm: PersonalizeMock, world: World) -> None:
    client, runtime, events = clients()
    rows: list[Event] = [(f"u{n}", "clicked", "click", None) for n in range(5)]
    rows += [("u0", "bought", "purchase", None), ("u1", "bought", "purchase", None)]
    record(events, world, rows)
    purchases = deploy(
        pm,
        client,
        world.group,
        "aws-user-personalization",
        "purchases",
        performAutoTraining=False,
        eventType="purchase",
    )
    assert recommended(runtime, purchases, "newcomer") == ["bought"]
    everything = deploy(pm, client, world.group, "aws-user-personalization", "all", performAutoTraining=False)
    assert recommended(runtime, everything, "newcomer") == ["clicked", "bought"]


# Four users click "trinket"; two buy "watch".
SHOPPING: list[Event] = [
    *[(f"u{n}", "trinket", "click", None) for n in range(4)],
    ("u4", "watch", "purchase", None),
    ("u5", "watch", "purchase", None),
]
PURCHASES_FIRST = {
    "eventParametersList": [{"eventType": "purchase", "weight": 1.0}, {"eventType": "click", "weight": 0.1}]
}
CLICKS_FIRST = {
    "eventParametersList": [{"eventType": "purchase", "weight": 0.1}, {"eventType": "click", "weight": 1.0}]
}


@pytest.mark.parametrize("recipe", ["aws-user-personalization-v2", "aws-personalized-ranking-v2"])
def test_events_config_weights_change_the_ranking(pm: PersonalizeMock, world: World, recipe: str) -> None:
    client, runtime, events = clients()
    record(events, world, SHOPPING)

    def ranked(campaign: str) -> list[str]:
        if recipe == "aws-personalized-ranking-v2":
            response = runtime.get_personalized_ranking(
                campaignArn=campaign, userId="newcomer", inputList=["trinket", "watch"]
            )
            return ids(response, "personalizedRanking")
        return recommended(runtime, campaign, "newcomer")

    by_purchases = deploy(
        pm, client, world.group, recipe, "purchases", performAutoTraining=False,
        solutionConfig={"eventsConfig": PURCHASES_FIRST},
    )  # fmt: skip
    by_clicks = deploy(
        pm, client, world.group, recipe, "clicks", performAutoTraining=False,
        solutionConfig={"eventsConfig": CLICKS_FIRST},
    )  # fmt: skip
    assert ranked(by_purchases) == ["watch", "trinket"]
    assert ranked(by_clicks) == ["trinket", "watch"]


def test_an_updated_events_config_shapes_the_versions_trained_after_it(
    pm: PersonalizeMock, world: World
) -> None:
    client, runtime, events = clients()
    record(events, world, SHOPPING)
    solution = client.create_solution(
        name="shop",
        datasetGroupArn=world.group,
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization-v2",
        performAutoTraining=False,
        solutionConfig={"eventsConfig": CLICKS_FIRST},
    )["solutionArn"]
    before = train(pm, client, solution)
    client.update_solution(solutionArn=solution, solutionUpdateConfig={"eventsConfig": PURCHASES_FIRST})
    pm.advance(DEFAULT_DURATIONS["solution_update"])
    after = train(pm, client, solution)
    campaigns = {}
    for name, version in (("before", before), ("after", after)):
        campaigns[name] = client.create_campaign(name=name, solutionVersionArn=version)["campaignArn"]
    pm.advance(DEFAULT_DURATIONS["campaign"])
    # Each version keeps the configuration it was trained with.
    assert recommended(runtime, campaigns["before"], "newcomer") == ["trinket", "watch"]
    assert recommended(runtime, campaigns["after"], "newcomer") == ["watch", "trinket"]


def test_an_optimization_objective_favours_items_with_higher_values(
    pm: PersonalizeMock, world: World
) -> None:
    client, runtime, events = clients()
    # "basic" is interacted with most, "deluxe" costs most.
    rows: list[Event] = [(f"u{n}", "basic", "click", None) for n in range(3)]
    rows += [
        ("u3", "deluxe", "click", None),
        ("u4", "deluxe", "click", None),
        ("u5", "middle", "click", None),
    ]
    record(events, world, rows)
    put_items(
        events,
        world.datasets["ITEMS"],
        {"basic": {"price": 5.0}, "middle": {"price": 50.0}, "deluxe": {"price": 500.0}},
    )
    plain = deploy(pm, client, world.group, "aws-user-personalization", "plain", performAutoTraining=False)
    revenue = deploy(
        pm, client, world.group, "aws-user-personalization", "revenue", performAutoTraining=False,
        solutionConfig={"optimizationObjective": {"itemAttribute": "PRICE", "objectiveSensitivity": "HIGH"}},
    )  # fmt: skip
    assert recommended(runtime, plain, "newcomer") == ["basic", "deluxe", "middle"]
    # "Amazon Personalize gives more importance to items with higher values for this column."
    assert recommended(runtime, revenue, "newcomer") == ["deluxe", "basic", "middle"]
