"""Every filter expression printed in the developer guide's filter pages parses, and applies.

The table below holds each example exactly as printed, next to the page that prints it:

* Item recommendation filter expression examples (12),
* User segment filter expressions (4),
* Action recommendation filter expression examples (6),
* Combining multiple expressions (2),
* Promoting items in real-time recommendations (promotion filters, 1 seen on the current page),
* the archived guide's "Filter Expressions" and "Promoting items" pages (7 more, for the
  ``"*"`` event type and ``IF … AND …`` forms the current pages describe but do not print).

Each one goes through the parser and through CreateFilter. The item and action examples are
then applied through GetRecommendations / GetActionRecommendations to data built so that each
keeps some candidates and drops others; the user segment examples are parse-only because
batch segment jobs do not apply filters in the mock (docs/choices.md, batch output).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from runtime_world import clients, deploy, ids, make_filter, put_items

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.inference.filter_expressions import (
    ACTION_ID,
    ACTIONS,
    CURRENT_ITEM,
    CURRENT_USER,
    EXCLUDE,
    INCLUDE,
    ITEM_ID,
    NOT_IN,
    USER_ID,
    Condition,
    Reference,
    parse,
)

GUIDE = "https://docs.aws.amazon.com/personalize/latest/dg/"
ITEM_PAGE = GUIDE + "item-recommendation-filter-examples.html"
USER_PAGE = GUIDE + "user-segment-filter-examples.html"
ACTION_PAGE = GUIDE + "action-recommendation-filter-examples.html"
MULTIPLE_PAGE = GUIDE + "multiple-expression-example.html"
PROMOTION_PAGE = GUIDE + "promoting-items.html"
ARCHIVE = "https://github.com/awsdocs/amazon-personalize-developer-guide/blob/"
ARCHIVED_EXPRESSIONS_PAGE = (
    ARCHIVE + "011cefa748bee4db41c3915a613566c608a8ce7b/doc_source/filter-expressions.md"
)
ARCHIVED_PROMOTION_PAGE = ARCHIVE + "55c8cf5c850737d863f136d0057b68efcb266cc6/doc_source/promoting-items.md"


@dataclass(frozen=True)
class Example:
    """One printed expression, where it is printed, and what it filters with which parameters."""

    page: str
    expression: str
    target: str
    placeholders: tuple[str, ...] = ()


EXAMPLES = [
    # -- Item recommendation filter expression examples ---------------------------------------
    Example(
        ITEM_PAGE, "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)", ITEM_ID, ("EVENT_TYPE",)
    ),
    Example(ITEM_PAGE, 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")', ITEM_ID),
    Example(ITEM_PAGE, 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")', ITEM_ID),
    Example(ITEM_PAGE, "EXCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)", ITEM_ID, ("CATEGORY",)),
    Example(
        ITEM_PAGE,
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE",
        ITEM_ID,
    ),
    Example(
        ITEM_PAGE,
        'EXCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("shoe") AND Items.CATEGORY_L2 NOT IN ("boot")',
        ITEM_ID,
    ),
    Example(ITEM_PAGE, "INCLUDE ItemID WHERE Items.PRICE <= $PRICE", ITEM_ID, ("PRICE",)),
    Example(ITEM_PAGE, "INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP < $DATE", ITEM_ID, ("DATE",)),
    Example(ITEM_PAGE, "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)", ITEM_ID, ("GENRE",)),
    Example(
        ITEM_PAGE,
        "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.CREATION_TIMESTAMP > $DATE",
        ITEM_ID,
        ("DATE",),
    ),
    Example(
        ITEM_PAGE,
        "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE",
        ITEM_ID,
        ("GENRE", "AGE"),
    ),
    Example(
        ITEM_PAGE,
        'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("watch") AND Items.CATEGORY_L2 IN ("luxury") '
        "IF CurrentUser.AGE > 18",
        ITEM_ID,
    ),
    # -- User segment filter expressions ------------------------------------------------------
    Example(
        USER_PAGE, "INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)", USER_ID, ("MEMBERSHIP",)
    ),
    Example(USER_PAGE, "EXCLUDE UserID WHERE Users.AGE < $AGE", USER_ID, ("AGE",)),
    Example(USER_PAGE, 'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")', USER_ID),
    Example(
        USER_PAGE, "EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)", USER_ID, ("EVENT_TYPE",)
    ),
    # -- Action recommendation filter expression examples -------------------------------------
    Example(
        ACTION_PAGE,
        "INCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
        ACTION_ID,
        ("EVENT_TYPE",),
    ),
    Example(ACTION_PAGE, 'EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("NOT_TAKEN")', ACTION_ID),
    Example(ACTION_PAGE, "EXCLUDE ActionID WHERE Actions.CATEGORY IN ($CATEGORY)", ACTION_ID, ("CATEGORY",)),
    Example(ACTION_PAGE, "INCLUDE ActionID WHERE Actions.VALUE > ($VALUE)", ACTION_ID, ("VALUE",)),
    Example(
        ACTION_PAGE,
        'INCLUDE ActionID WHERE Action.MEMBERSHIP_LEVEL IN ("Premium") IF CurrentUser.MEMBERSHIP = $PREMIUM',
        ACTION_ID,
        ("PREMIUM",),
    ),
    Example(
        ACTION_PAGE,
        "EXCLUDE ActionID WHERE Actions.VALUE < ($VALUE) IF CurrentUser.MEMBERSHIP = $PREMIUM",
        ACTION_ID,
        ("VALUE", "PREMIUM"),
    ),
    # -- Combining multiple expressions -------------------------------------------------------
    Example(
        MULTIPLE_PAGE,
        "INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY) | "
        'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("favorite")',
        ITEM_ID,
        ("CATEGORY",),
    ),
    Example(
        MULTIPLE_PAGE,
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | "
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
        ITEM_ID,
        ("GENRE",),
    ),
    # -- Promoting items in real-time recommendations (promotion filters) ---------------------
    Example(PROMOTION_PAGE, 'INCLUDE ItemID WHERE Items.OWNER IN ("in-house")', ITEM_ID),
    # -- The archived guide (the GitHub copy of the developer guide, 2023) --------------------
    Example(
        ARCHIVED_PROMOTION_PAGE,
        'INCLUDE ItemID WHERE Items.CATEGORY IN ("clothing") AND Items.AVAILABLE IN ("True")',
        ITEM_ID,
    ),
    Example(ARCHIVED_EXPRESSIONS_PAGE, 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")', ITEM_ID),
    Example(
        ARCHIVED_EXPRESSIONS_PAGE,
        'EXCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") AND Items.DESCRIPTION NOT IN ("boot")',
        ITEM_ID,
    ),
    Example(ARCHIVED_EXPRESSIONS_PAGE, "INCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20", ITEM_ID),
    Example(
        ARCHIVED_EXPRESSIONS_PAGE,
        "EXCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20 "
        "IF CurrentUser.AGE > 18 AND CurrentUser.AGE < 30",
        ITEM_ID,
    ),
    Example(
        ARCHIVED_EXPRESSIONS_PAGE,
        'INCLUDE ItemID WHERE Items.CATEGORY IN ("watch") AND Items.DESCRIPTION IN ("luxury") '
        "IF CurrentUser.AGE > 18",
        ITEM_ID,
    ),
    Example(
        ARCHIVED_EXPRESSIONS_PAGE,
        'INCLUDE ItemID WHERE Items.GENRE IN ("drama") | '
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
        ITEM_ID,
    ),
]
BY_EXPRESSION = {example.expression: example for example in EXAMPLES}


def _label(example: Example) -> str:
    page = example.page.rsplit("/", 1)[-1].split(".")[0]
    return f"{page}:{EXAMPLES.index(example)}"


def test_the_table_holds_every_current_example_once() -> None:
    pages = [example.page for example in EXAMPLES]
    counts = {page: pages.count(page) for page in dict.fromkeys(pages)}
    assert counts == {
        ITEM_PAGE: 12,
        USER_PAGE: 4,
        ACTION_PAGE: 6,
        MULTIPLE_PAGE: 2,
        PROMOTION_PAGE: 1,
        ARCHIVED_PROMOTION_PAGE: 1,
        ARCHIVED_EXPRESSIONS_PAGE: 6,
    }
    assert len(BY_EXPRESSION) == len(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=_label)
def test_each_example_parses(example: Example) -> None:
    parsed = parse(example.expression)
    assert parsed.target == example.target
    assert parsed.placeholders == example.placeholders


@pytest.mark.parametrize("example", EXAMPLES, ids=_label)
def test_create_filter_accepts_each_example(
    pm: PersonalizeMock, client: Any, make_dataset_group: Any, example: Example
) -> None:
    group = make_dataset_group()
    arn = client.create_filter(name="guide", datasetGroupArn=group, filterExpression=example.expression)[
        "filterArn"
    ]
    pm.advance(DEFAULT_DURATIONS["filter"])
    described = client.describe_filter(filterArn=arn)["filter"]
    assert (described["status"], described["filterExpression"]) == ("ACTIVE", example.expression)


def test_the_forms_the_old_grammar_refused_parse_to_what_they_say() -> None:
    # IN with a reference and no brackets (the example quoted in the bug report).
    price, genre = parse(EXAMPLES[4].expression).clauses[0].conditions
    assert price == Condition("Items", "PRICE", "<", reference=Reference(CURRENT_ITEM, "PRICE"))
    assert genre == Condition("Items", "GENRE", "IN", reference=Reference(CURRENT_ITEM, "GENRE"))
    # A bracketed value after a comparison; "Action" is the Actions dataset; IF in an ActionID
    # filter.
    assert parse(EXAMPLES[19].expression).clauses[0].conditions == (
        Condition(ACTIONS, "VALUE", ">", placeholder="VALUE"),
    )
    premium = parse(EXAMPLES[20].expression).clauses[0]
    assert premium.conditions == (Condition(ACTIONS, "MEMBERSHIP_LEVEL", "IN", ("Premium",)),)
    assert premium.when == (Condition(CURRENT_USER, "MEMBERSHIP", "=", placeholder="PREMIUM"),)
    assert parse(EXAMPLES[20].expression).columns() == {
        ("ACTIONS", "MEMBERSHIP_LEVEL"),
        ("USERS", "MEMBERSHIP"),
    }
    # Two INCLUDE clauses stay two clauses (their union is applied at request time).
    assert [clause.action for clause in parse(EXAMPLES[22].expression).clauses] == [INCLUDE, INCLUDE]
    assert [clause.action for clause in parse(EXAMPLES[23].expression).clauses] == [INCLUDE, EXCLUDE]
    # != is one of the comparison operators of "Filter expression structure and elements".
    assert parse("INCLUDE ItemID WHERE Items.PRICE != 5").clauses[0].conditions == (
        Condition("Items", "PRICE", "!=", (5.0,)),
    )
    assert parse("EXCLUDE ItemID WHERE Items.GENRE NOT IN CurrentItem.GENRE").clauses[0].conditions == (
        Condition("Items", "GENRE", NOT_IN, reference=Reference(CURRENT_ITEM, "GENRE")),
    )


# --------------------------------------------------------------------------------------------
# Applying the examples


def _fields(*columns: tuple[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "type": kind} for name, kind in columns]


OPTIONAL_STRING = ["null", "string"]
SCHEMAS: dict[str, list[dict[str, Any]]] = {
    "INTERACTIONS": _fields(
        ("USER_ID", "string"), ("ITEM_ID", "string"), ("EVENT_TYPE", "string"), ("TIMESTAMP", "long")
    ),
    "ITEMS": [
        *_fields(("ITEM_ID", "string")),
        {"name": "GENRE", "type": OPTIONAL_STRING, "categorical": True},
        {"name": "CATEGORY", "type": OPTIONAL_STRING, "categorical": True},
        {"name": "CATEGORY_L1", "type": OPTIONAL_STRING, "categorical": True},
        {"name": "CATEGORY_L2", "type": OPTIONAL_STRING, "categorical": True},
        *_fields(
            ("PRICE", ["null", "float"]),
            ("CREATION_TIMESTAMP", ["null", "long"]),
            ("OWNER", OPTIONAL_STRING),
            ("AVAILABLE", OPTIONAL_STRING),
            ("NUMBER_OF_DOWNLOADS", ["null", "int"]),
        ),
    ],
    "USERS": _fields(("USER_ID", "string"), ("AGE", ["null", "int"]), ("MEMBERSHIP", OPTIONAL_STRING)),
    "ACTIONS": [
        *_fields(("ACTION_ID", "string"), ("VALUE", ["null", "float"])),
        {"name": "CATEGORY", "type": OPTIONAL_STRING, "categorical": True},
        {"name": "MEMBERSHIP_LEVEL", "type": OPTIONAL_STRING, "categorical": True},
    ],
    "ACTION_INTERACTIONS": _fields(
        ("USER_ID", "string"), ("ACTION_ID", "string"), ("TIMESTAMP", "long"), ("EVENT_TYPE", "string")
    ),
}
ITEMS: dict[str, dict[str, Any]] = {
    "drama-1": {
        "genre": "drama",
        "category": "movie",
        "price": 10,
        "creationTimestamp": 1000,
        "owner": "in-house",
        "numberOfDownloads": 5,
    },
    "drama-2": {"genre": "drama|comedy", "category": "movie", "price": 30, "creationTimestamp": 3000},
    "comedy-1": {
        "genre": "comedy",
        "category": "movie",
        "price": 20,
        "creationTimestamp": 2000,
        "owner": "in-house",
        "numberOfDownloads": 15,
    },
    "shoe-1": {
        "categoryL1": "shoe",
        "categoryL2": "boot",
        "category": "clothing",
        "available": "True",
        "price": 80,
    },
    "shoe-2": {"categoryL1": "shoe", "categoryL2": "sneaker", "category": "clothing", "available": "False"},
    "watch-1": {"categoryL1": "watch", "categoryL2": "luxury", "category": "accessory", "price": 900},
    "watch-2": {"categoryL1": "watch", "categoryL2": "sport", "category": "accessory", "price": 90},
}
USERS = {
    "adult": {"age": 25, "membership": "Premium"},
    "teen": {"age": 16, "membership": "Basic"},
    "senior": {"age": 40},
}
#: (user, event type, item) in order; "senior" watched the films together, so a related-items
#: model relates them.
EVENTS = [
    ("adult", "click", "drama-1"),
    ("adult", "stream", "comedy-1"),
    ("adult", "favorite", "watch-1"),
    ("teen", "click", "shoe-1"),
    ("teen", "favorite", "drama-2"),
    ("senior", "click", "drama-2"),
    ("senior", "click", "drama-1"),
    ("senior", "click", "comedy-1"),
    ("senior", "click", "drama-2"),
]
ACTIONS_DATA = {
    "join": {"category": "membership", "value": 10, "membershipLevel": "Basic"},
    "upgrade": {"category": "membership", "value": 50, "membershipLevel": "Premium"},
    "survey": {"category": "feedback", "value": 1, "membershipLevel": "Basic"},
    "concierge": {"category": "service", "value": 100, "membershipLevel": "Premium"},
}
#: As PutActionInteractions spells the types ("Not Taken", not the filter's "NOT_TAKEN").
ACTION_EVENTS = [
    ("adult", "Taken", "join"),
    ("adult", "Not Taken", "survey"),
    ("teen", "Not Taken", "upgrade"),
]


@dataclass
class Guide:
    """A dataset group with the data above, three campaigns, and one filter per expression."""

    pm: PersonalizeMock
    client: Any
    runtime: Any
    group: str
    popular: str
    related: str
    actions: str
    filters: dict[str, str] = field(default_factory=dict)

    def _filter(self, expression: str) -> str:
        if expression not in self.filters:
            name = f"f{len(self.filters)}"
            self.filters[expression] = make_filter(self.pm, self.client, self.group, name, expression)
        return self.filters[expression]

    def items(
        self, expression: str | None, values: Mapping[str, str] | None = None, **params: Any
    ) -> list[str]:
        """The items the popularity campaign (or, with ``itemId``, the related-items one) returns."""
        campaign = self.related if "itemId" in params else self.popular
        if expression is not None:
            params["filterArn"] = self._filter(expression)
        if values:
            params["filterValues"] = dict(values)
        return ids(self.runtime.get_recommendations(campaignArn=campaign, numResults=100, **params))

    def actions_for(
        self, expression: str | None, values: Mapping[str, str] | None = None, **params: Any
    ) -> list[str]:
        if expression is not None:
            params["filterArn"] = self._filter(expression)
        if values:
            params["filterValues"] = dict(values)
        answer = self.runtime.get_action_recommendations(campaignArn=self.actions, numResults=100, **params)
        return ids(answer, "actionList", "actionId")


def _schema(client: Any, dataset_type: str) -> str:
    text = json.dumps(
        {
            "type": "record",
            "name": dataset_type.title().replace("_", ""),
            "namespace": "com.amazonaws.personalize.schema",
            "fields": SCHEMAS[dataset_type],
            "version": "1.0",
        }
    )
    arn: str = client.create_schema(name=f"guide-{dataset_type.lower()}", schema=text)["schemaArn"]
    return arn


@pytest.fixture
def guide(pm: PersonalizeMock) -> Guide:
    client, runtime, events = clients()
    group = client.create_dataset_group(name="guide")["datasetGroupArn"]
    pm.advance(DEFAULT_DURATIONS["dataset_group"])
    datasets = {
        dataset_type: client.create_dataset(
            name=f"guide-{dataset_type.lower()}",
            datasetGroupArn=group,
            datasetType=dataset_type,
            schemaArn=_schema(client, dataset_type),
        )["datasetArn"]
        for dataset_type in SCHEMAS
    }
    tracking_id = client.create_event_tracker(name="guide", datasetGroupArn=group)["trackingId"]
    pm.advance(max(DEFAULT_DURATIONS["dataset"], DEFAULT_DURATIONS["event_tracker"]))
    put_items(events, datasets["ITEMS"], ITEMS)
    events.put_users(
        datasetArn=datasets["USERS"],
        users=[{"userId": user, "properties": json.dumps(props)} for user, props in USERS.items()],
    )
    for minute, (user, event_type, item) in enumerate(EVENTS):
        events.put_events(
            trackingId=tracking_id,
            userId=user,
            sessionId=f"s-{user}",
            eventList=[{"eventType": event_type, "itemId": item, "sentAt": 1_700_000_000 + 60 * minute}],
        )
    events.put_actions(
        datasetArn=datasets["ACTIONS"],
        actions=[
            {"actionId": action, "properties": json.dumps(props)} for action, props in ACTIONS_DATA.items()
        ],
    )
    action_tracking = client.describe_dataset(datasetArn=datasets["ACTION_INTERACTIONS"])["dataset"][
        "trackingId"
    ]
    events.put_action_interactions(
        trackingId=action_tracking,
        actionInteractions=[
            {"actionId": action, "userId": user, "sessionId": "s", "timestamp": pm.now(), "eventType": kind}
            for user, kind, action in ACTION_EVENTS
        ],
    )
    popular = deploy(pm, client, group, "aws-popularity-count", "popular")
    related = deploy(pm, client, group, "aws-sims", "related")
    actions = deploy(pm, client, group, "aws-next-best-action", "actions")
    return Guide(pm, client, runtime, group, popular, related, actions)


ALL_ITEMS = sorted(ITEMS)


def _without(*items: str) -> list[str]:
    return [item for item in ALL_ITEMS if item not in items]


#: (example index in EXAMPLES, request parameters, the items the filter lets through, sorted).
ITEM_CASES: list[tuple[int, dict[str, Any], list[str]]] = [
    # Event types ignore case ("Guidelines and requirements"): "CLICK" matches "click".
    (0, {"userId": "adult", "values": {"EVENT_TYPE": '"CLICK"'}}, _without("drama-1")),
    (1, {"userId": "adult"}, _without("drama-1", "comedy-1")),
    (2, {"userId": "teen"}, ["shoe-1"]),
    (3, {"values": {"CATEGORY": '"movie","accessory"'}}, ["shoe-1", "shoe-2"]),
    (5, {}, _without("shoe-2")),
    (6, {"values": {"PRICE": '"20"'}}, ["comedy-1", "drama-1"]),
    (7, {"values": {"DATE": '"2500"'}}, ["comedy-1", "drama-1"]),
    (8, {"values": {"GENRE": '"comedy"'}}, ["comedy-1", "drama-2"]),
    (10, {"userId": "teen", "values": {"GENRE": '"drama"', "AGE": '"16"'}}, _without("drama-1", "drama-2")),
    (10, {"userId": "adult", "values": {"GENRE": '"drama"', "AGE": '"16"'}}, ALL_ITEMS),
    # Without $AGE the IF part is not used, so the clause never applies.
    (10, {"userId": "teen", "values": {"GENRE": '"drama"'}}, ALL_ITEMS),
    (11, {"userId": "adult"}, ["watch-1"]),
    (11, {"userId": "teen"}, ALL_ITEMS),
    # INCLUDE A | INCLUDE B is the union of A and B ("Combining multiple expressions").
    (22, {"userId": "adult", "values": {"CATEGORY": '"clothing"'}}, ["shoe-1", "shoe-2", "watch-1"]),
    # INCLUDE A | EXCLUDE B is A minus B.
    (23, {"userId": "adult", "values": {"GENRE": '"drama"'}}, ["drama-2"]),
    (24, {}, ["comedy-1", "drama-1"]),
    (25, {}, ["shoe-1"]),
    # "*" stands for every event type.
    (26, {"userId": "adult"}, ["comedy-1", "drama-1", "watch-1"]),
    (26, {"userId": "teen"}, ["drama-2", "shoe-1"]),
    (29, {"userId": "adult"}, _without("comedy-1", "drama-1")),
    (29, {"userId": "senior"}, ALL_ITEMS),
    (31, {"userId": "teen"}, ["drama-1", "drama-2"]),
]


@pytest.mark.parametrize(
    ("index", "request_", "expected"),
    ITEM_CASES,
    ids=[f"{index}-{n}" for n, (index, _, _) in enumerate(ITEM_CASES)],
)
def test_item_examples_filter_recommendations(
    guide: Guide, index: int, request_: dict[str, Any], expected: list[str]
) -> None:
    params = dict(request_)
    values = params.pop("values", None)
    assert guide.items(None, **params) and sorted(guide.items(None, **params)) == ALL_ITEMS
    filtered = guide.items(EXAMPLES[index].expression, values, **params)
    assert sorted(filtered) == expected
    # The filter keeps the campaign's order.
    assert filtered == [item for item in guide.items(None, **params) if item in expected]


def test_current_item_examples_filter_related_items(guide: Guide) -> None:
    related = guide.items(None, itemId="drama-2")
    assert {"drama-1", "comedy-1"} <= set(related)
    # Cheaper than drama-2 (30) and sharing one of its genres (drama|comedy).
    cheaper_same_genre = guide.items(EXAMPLES[4].expression, itemId="drama-2")
    assert sorted(cheaper_same_genre) == sorted(
        item
        for item in related
        if ITEMS[item].get("price", 1e9) < 30
        and {"drama", "comedy"} & set(ITEMS[item].get("genre", "").split("|"))
    )
    assert sorted(cheaper_same_genre) == ["comedy-1", "drama-1"]
    # Cheaper than drama-2 and created after $DATE.
    newer = guide.items(EXAMPLES[9].expression, {"DATE": '"1500"'}, itemId="drama-2")
    assert newer == ["comedy-1"]
    # A cheaper item has nothing cheaper in its genre.
    assert guide.items(EXAMPLES[4].expression, itemId="drama-1") == []


#: (example index, request parameters, the actions the filter lets through, sorted).
ACTION_CASES: list[tuple[int, dict[str, Any], list[str]]] = [
    (16, {"userId": "adult", "values": {"EVENT_TYPE": '"Taken"'}}, ["join"]),
    # "NOT_TAKEN" in the filter matches the "Not Taken" PutActionInteractions records.
    (17, {"userId": "adult"}, ["concierge", "join", "upgrade"]),
    (17, {"userId": "teen"}, ["concierge", "join", "survey"]),
    (18, {"values": {"CATEGORY": '"membership"'}}, ["concierge", "survey"]),
    (19, {"values": {"VALUE": '"20"'}}, ["concierge", "upgrade"]),
    (20, {"userId": "adult", "values": {"PREMIUM": '"Premium"'}}, ["concierge", "upgrade"]),
    (20, {"userId": "teen", "values": {"PREMIUM": '"Premium"'}}, ["concierge", "join", "survey", "upgrade"]),
    (21, {"userId": "adult", "values": {"VALUE": '"20"', "PREMIUM": '"Premium"'}}, ["concierge", "upgrade"]),
    (21, {"userId": "teen", "values": {"VALUE": '"20"', "PREMIUM": '"Premium"'}}, sorted(ACTIONS_DATA)),
]


@pytest.mark.parametrize(
    ("index", "request_", "expected"),
    ACTION_CASES,
    ids=[f"{index}-{n}" for n, (index, _, _) in enumerate(ACTION_CASES)],
)
def test_action_examples_filter_action_recommendations(
    guide: Guide, index: int, request_: dict[str, Any], expected: list[str]
) -> None:
    params = dict(request_)
    values = params.pop("values", None)
    everything = guide.actions_for(None, **params)
    assert sorted(everything) == sorted(ACTIONS_DATA)
    filtered = guide.actions_for(EXAMPLES[index].expression, values, **params)
    assert sorted(filtered) == expected
    assert filtered == [action for action in everything if action in expected]


def test_if_current_user_in_an_action_filter_needs_a_user(guide: Guide) -> None:
    with pytest.raises(guide.runtime.exceptions.InvalidInputException, match="provide a userId"):
        guide.actions_for(EXAMPLES[20].expression, {"PREMIUM": '"Premium"'})


def test_not_equal_compares_numbers_and_negates_on_interactions(guide: Guide) -> None:
    # != is the negation of =: numbers compare by value, a missing column is "not equal".
    assert guide.items("EXCLUDE ItemID WHERE Items.PRICE != 20.0") == ["comedy-1"]
    assert sorted(guide.items('INCLUDE ItemID WHERE Items.OWNER != "in-house"')) == _without(
        "comedy-1", "drama-1"
    )
    # On interactions: no interaction of that type.
    assert sorted(guide.items('INCLUDE ItemID WHERE Interactions.EVENT_TYPE != "click"', userId="adult")) == (
        _without("drama-1")
    )
    # = with a placeholder compares as numbers when both sides are numbers ("16.0" is 16).
    teen = guide.items(EXAMPLES[10].expression, {"GENRE": '"drama"', "AGE": '"16.0"'}, userId="teen")
    assert sorted(teen) == _without("drama-1", "drama-2")
    # ... and as strings otherwise.
    assert (
        guide.items('INCLUDE ItemID WHERE Items.OWNER = "in-house" AND Items.PRICE = $P', {"P": '"ten"'})
        == []
    )
