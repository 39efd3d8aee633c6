"""personalize-events: PutEvents, PutItems, PutUsers, PutActions, PutActionInteractions.

Behaviour reference §1.3 (errors: PutEvents models only InvalidInputException; the others add
ResourceNotFoundException 404 and ResourceInUseException 409), model docs of ``properties``
(camelCase keys matching schema fields, reserved names).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from runtime_world import ALL_TYPES, World, clients, make_world, status_of

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.data.data_store import PUT, Batch, group_data
from personalize_mock.service.events.events import action_tracking_id, column_name

SENT = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
EPOCH = int(SENT.timestamp())


def batches(pm: PersonalizeMock, group: str) -> list[Batch]:
    """Every batch the group's data store holds (the contract with training and the runtime)."""
    return list(group_data(pm.state.backend("us-east-1"), group).batches)


@pytest.fixture
def world(pm: PersonalizeMock) -> World:
    client, _, _ = clients()
    return make_world(pm, client, types=ALL_TYPES)


@pytest.fixture
def events() -> Any:
    return clients()[2]


def invalid(events: Any, call: Any, match: str) -> ClientError:
    with pytest.raises(events.exceptions.InvalidInputException, match=match) as caught:
        call()
    assert status_of(caught.value) == 400
    return caught.value


# -- PutEvents -----------------------------------------------------------------------------------


def test_put_events_adds_an_interactions_batch_visible_at_once(
    pm: PersonalizeMock, world: World, events: Any
) -> None:
    before = pm.now().timestamp()
    response = events.put_events(
        trackingId=world.tracking_id,
        userId="u1",
        sessionId="s1",
        eventList=[
            {
                "eventId": "e1",
                "eventType": "click",
                "eventValue": 4.5,
                "itemId": "i1",
                "properties": json.dumps({"deviceType": "phone"}),
                "sentAt": SENT,
                "recommendationId": "RID-1",
                "impression": ["i1", "i2", "i3"],
                "metricAttribution": {"eventAttributionSource": "email"},
            },
            {"eventType": "purchase", "itemId": "i2", "sentAt": SENT},
        ],
    )
    assert set(response) == {"ResponseMetadata"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    [batch] = batches(pm, world.group)
    assert (batch.kind, batch.source, batch.origin, batch.opaque) == (
        "INTERACTIONS",
        PUT,
        world.tracker,
        False,
    )
    # Visible from the start of the millisecond it was recorded in.
    assert before - 0.001 < batch.visible_at <= pm.now().timestamp()
    assert round(batch.visible_at, 3) == batch.visible_at
    first, second = batch.records
    assert first == {
        "DEVICE_TYPE": "phone",
        "USER_ID": "u1",
        "SESSION_ID": "s1",
        "ITEM_ID": "i1",
        "EVENT_TYPE": "click",
        "EVENT_VALUE": 4.5,
        "TIMESTAMP": EPOCH,
        "EVENT_ID": "e1",
        "RECOMMENDATION_ID": "RID-1",
        "IMPRESSION": "i1|i2|i3",
        "EVENT_ATTRIBUTION_SOURCE": "email",
    }
    assert second == {
        "USER_ID": "u1",
        "SESSION_ID": "s1",
        "ITEM_ID": "i2",
        "EVENT_TYPE": "purchase",
        "TIMESTAMP": EPOCH,
    }


@pytest.mark.parametrize("sent_at", [SENT, EPOCH, float(EPOCH), "2024-03-01T12:00:00Z"])
def test_sent_at_in_every_form_botocore_accepts_becomes_epoch_seconds(
    pm: PersonalizeMock, world: World, events: Any, sent_at: Any
) -> None:
    events.put_events(
        trackingId=world.tracking_id, sessionId="s", eventList=[{"eventType": "view", "sentAt": sent_at}]
    )
    [batch] = batches(pm, world.group)
    assert batch.records[0]["TIMESTAMP"] == EPOCH
    # Anonymous: no user id, only the session (GetRecommendations then takes it as userId).
    assert "USER_ID" not in batch.records[0]
    assert batch.records[0]["SESSION_ID"] == "s"


def test_put_events_needs_no_interactions_dataset(pm: PersonalizeMock, events: Any) -> None:
    client, _, _ = clients()
    bare = make_world(pm, client, "bare", types=())
    events.put_events(
        trackingId=bare.tracking_id,
        sessionId="s",
        eventList=[{"eventType": "view", "itemId": "i", "sentAt": SENT, "properties": '{"anything": 1}'}],
    )
    assert batches(pm, bare.group)[0].records[0]["ANYTHING"] == 1


def test_put_events_errors_are_invalid_input(pm: PersonalizeMock, world: World, events: Any) -> None:
    def put(tracking_id: str = world.tracking_id, **event: Any) -> Any:
        entry = {"eventType": "click", "itemId": "i1", "sentAt": SENT, **event}
        return lambda: events.put_events(trackingId=tracking_id, userId="u", sessionId="s", eventList=[entry])

    invalid(events, put("0b0e6b5e-0000-4000-8000-000000000000"), "does not belong to any event tracker")
    invalid(events, put(properties="{not json"), "eventList.1.properties is not valid JSON")
    invalid(events, put(properties='["a"]'), "must be a JSON object")
    invalid(events, put(properties='{"userId": "x"}'), "userId cannot be used as a property name")
    invalid(events, put(properties='{"Impression": "x"}'), "Impression cannot be used")
    invalid(events, put(properties='{"colour": "red"}'), "colour does not match a field.*COLOUR")
    invalid(events, put(properties='{"deviceType": {"a": 1}}'), "must be a string, number or boolean")
    assert batches(pm, world.group) == []


def test_put_events_right_after_create_event_tracker_counts_once_it_is_active(
    pm: PersonalizeMock, events: Any
) -> None:
    # AWS's notebooks call put_events right after create_event_tracker, without waiting, and
    # it works for the people who run them. Choice (docs/choices.md): the events are accepted
    # and count from the moment the tracker is ACTIVE.
    client, _, _ = clients()
    pending = make_world(pm, client, "pending", types=("INTERACTIONS",), wait=False)
    tracker = client.describe_event_tracker(eventTrackerArn=pending.tracker)["eventTracker"]
    assert tracker["status"] == "CREATE PENDING"
    event = {"eventType": "click", "itemId": "i1", "sentAt": SENT}
    events.put_events(trackingId=pending.tracking_id, userId="u1", sessionId="s", eventList=[event])
    # Checked at once all the same: a bad event is refused and nothing is kept.
    invalid(
        events,
        lambda: events.put_events(
            trackingId=pending.tracking_id, sessionId="s", eventList=[{**event, "properties": '{"x": 1}'}]
        ),
        "does not match a field",
    )
    [batch] = batches(pm, pending.group)
    # The moment the tracker's timeline turns ACTIVE (creationDateTime is a millisecond stamp,
    # which may sit up to a millisecond past the timeline's start when stamps collide).
    timeline = pm.state.backend("us-east-1").collection("event_tracker").by_arn[pending.tracker].timeline
    active_at = timeline.starts[timeline.statuses.index("ACTIVE")]
    assert batch.visible_at == active_at
    assert active_at == pytest.approx(
        tracker["creationDateTime"].timestamp() + DEFAULT_DURATIONS["event_tracker"], abs=0.01
    )
    assert batch.records[0]["TIMESTAMP"] == EPOCH  # the event's own time is kept
    store = group_data(pm.state.backend("us-east-1"), pending.group)
    assert list(store.records(pm.now().timestamp(), "INTERACTIONS")) == []
    pm.advance(DEFAULT_DURATIONS["event_tracker"])
    assert (
        client.describe_event_tracker(eventTrackerArn=pending.tracker)["eventTracker"]["status"] == "ACTIVE"
    )
    assert [record["ITEM_ID"] for record in store.records(pm.now().timestamp(), "INTERACTIONS")] == ["i1"]


def test_put_events_on_a_failed_or_deleted_tracker_is_invalid_input(pm: PersonalizeMock, events: Any) -> None:
    client, _, _ = clients()
    pm.fail_next("event_tracker")
    failing = make_world(pm, client, "failing", types=(), wait=False)
    event = {"eventType": "x", "sentAt": SENT}
    # Accepted while it is being created (the service cannot know yet), but never counted.
    events.put_events(trackingId=failing.tracking_id, sessionId="s", eventList=[event])
    pm.settle()
    assert batches(pm, failing.group) == []
    error = invalid(
        events,
        lambda: events.put_events(trackingId=failing.tracking_id, sessionId="s", eventList=[event]),
        "CREATE FAILED state",
    )
    assert error.response["Error"]["Code"] == "InvalidInputException"
    working = make_world(pm, client, "working", types=())
    client.delete_event_tracker(eventTrackerArn=working.tracker)
    invalid(
        events,
        lambda: events.put_events(trackingId=working.tracking_id, sessionId="s", eventList=[event]),
        "DELETE PENDING state",
    )
    assert batches(pm, working.group) == []


def test_properties_become_upper_snake_columns() -> None:
    assert column_name("numberOfRatings") == "NUMBER_OF_RATINGS"
    assert column_name("deviceType") == "DEVICE_TYPE"
    assert column_name("GENRE") == "GENRE"
    assert column_name("price") == "PRICE"
    assert column_name("item2Value") == "ITEM2_VALUE"


# -- PutItems, PutUsers, PutActions ----------------------------------------------------------------

CASES = [
    ("put_items", "items", "itemId", "ITEMS", "ITEM_ID", {"genre": "shoes|boots", "price": 10}),
    ("put_users", "users", "userId", "USERS", "USER_ID", {"membership": "gold"}),
    ("put_actions", "actions", "actionId", "ACTIONS", "ACTION_ID", {"value": 100, "channel": "email"}),
]


@pytest.mark.parametrize(("method", "key", "id_key", "dataset_type", "column", "props"), CASES)
def test_put_records_adds_a_batch_of_its_type(
    pm: PersonalizeMock,
    world: World,
    events: Any,
    method: str,
    key: str,
    id_key: str,
    dataset_type: str,
    column: str,
    props: dict[str, Any],
) -> None:
    dataset = world.datasets[dataset_type]
    response = getattr(events, method)(
        datasetArn=dataset, **{key: [{id_key: "a", "properties": json.dumps(props)}, {id_key: "b"}]}
    )
    assert set(response) == {"ResponseMetadata"}
    [batch] = batches(pm, world.group)
    assert (batch.kind, batch.source, batch.origin) == (dataset_type, PUT, dataset)
    expected = {column_name(name): value for name, value in props.items()}
    assert batch.records == ({**expected, column: "a"}, {column: "b"})


@pytest.mark.parametrize(("method", "key", "id_key", "dataset_type", "column", "props"), CASES)
def test_put_records_errors(
    pm: PersonalizeMock,
    world: World,
    events: Any,
    method: str,
    key: str,
    id_key: str,
    dataset_type: str,
    column: str,
    props: dict[str, Any],
) -> None:
    call = getattr(events, method)
    records = {key: [{id_key: "a"}]}
    missing = world.datasets[dataset_type].replace(":dataset/shop/", ":dataset/nowhere/")
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        call(datasetArn=missing, **records)
    assert status_of(caught.value) == 404
    # A dataset of another type.
    invalid(
        events, lambda: call(datasetArn=world.datasets["INTERACTIONS"], **records), "INTERACTIONS dataset"
    )
    # Properties: not in the schema, not JSON.
    bad = {key: [{id_key: "a", "properties": '{"unknownColumn": 1}'}]}
    invalid(events, lambda: call(datasetArn=world.datasets[dataset_type], **bad), "UNKNOWN_COLUMN")
    bad = {key: [{id_key: "a", "properties": "nope"}]}
    invalid(events, lambda: call(datasetArn=world.datasets[dataset_type], **bad), f"{key}.1.properties")

    # A dataset that is not ACTIVE yet: 409.
    client, _, _ = clients()
    fresh = make_world(pm, client, "fresh", types=(dataset_type,), tracker=False, wait=False)
    with pytest.raises(events.exceptions.ResourceInUseException, match="CREATE PENDING") as in_use:
        call(datasetArn=fresh.datasets[dataset_type], **records)
    assert status_of(in_use.value) == 409
    assert batches(pm, world.group) == []


def test_a_dataset_being_deleted_refuses_records(pm: PersonalizeMock, world: World, events: Any) -> None:
    client, _, _ = clients()
    client.delete_dataset(datasetArn=world.datasets["USERS"])
    with pytest.raises(events.exceptions.ResourceInUseException, match="DELETE PENDING"):
        events.put_users(datasetArn=world.datasets["USERS"], users=[{"userId": "u"}])


# -- PutActionInteractions -----------------------------------------------------------------------


def action_event(**overrides: Any) -> dict[str, Any]:
    return {
        "actionId": "a1",
        "userId": "u1",
        "sessionId": "s1",
        "timestamp": SENT,
        "eventType": "Taken",
        **overrides,
    }


def test_put_action_interactions_with_the_dataset_tracking_id(
    pm: PersonalizeMock, world: World, events: Any
) -> None:
    dataset = world.datasets["ACTION_INTERACTIONS"]
    tracking_id = action_tracking_id(dataset)
    assert tracking_id != world.tracking_id
    response = events.put_action_interactions(
        trackingId=tracking_id,
        actionInteractions=[
            action_event(eventId="e1", recommendationId="RID-2", impression=["a1", "a2"]),
            {k: v for k, v in action_event(actionId="a2", eventType="Not Taken").items() if k != "userId"},
        ],
    )
    assert set(response) == {"ResponseMetadata"}
    [batch] = batches(pm, world.group)
    assert (batch.kind, batch.source, batch.origin) == ("ACTION_INTERACTIONS", PUT, dataset)
    assert batch.records == (
        {
            "USER_ID": "u1",
            "SESSION_ID": "s1",
            "ACTION_ID": "a1",
            "EVENT_TYPE": "Taken",
            "TIMESTAMP": EPOCH,
            "EVENT_ID": "e1",
            "RECOMMENDATION_ID": "RID-2",
            "IMPRESSION": "a1|a2",
        },
        {"SESSION_ID": "s1", "ACTION_ID": "a2", "EVENT_TYPE": "Not Taken", "TIMESTAMP": EPOCH},
    )


def test_put_action_interactions_with_the_group_event_tracker(
    pm: PersonalizeMock, world: World, events: Any
) -> None:
    events.put_action_interactions(
        trackingId=world.tracking_id, actionInteractions=[action_event(eventType="VIEWED")]
    )
    [batch] = batches(pm, world.group)
    assert (batch.kind, batch.origin) == ("ACTION_INTERACTIONS", world.tracker)


def test_put_action_interactions_through_a_tracker_being_created(pm: PersonalizeMock, events: Any) -> None:
    # As for PutEvents (docs/choices.md): accepted at once, counted once the tracker is ACTIVE,
    # never if its creation fails.
    client, _, _ = clients()
    early = make_world(pm, client, "early", types=("ACTION_INTERACTIONS",), tracker=False)
    pm.fail_next("event_tracker")
    failing = client.create_event_tracker(name="failing", datasetGroupArn=early.group)
    events.put_action_interactions(trackingId=failing["trackingId"], actionInteractions=[action_event()])
    pm.settle()
    assert batches(pm, early.group) == []
    client.delete_event_tracker(eventTrackerArn=failing["eventTrackerArn"])
    pm.settle()
    made = client.create_event_tracker(name="early-tracker", datasetGroupArn=early.group)
    events.put_action_interactions(trackingId=made["trackingId"], actionInteractions=[action_event()])
    [batch] = batches(pm, early.group)
    assert batch.visible_at > pm.now().timestamp()
    pm.advance(DEFAULT_DURATIONS["event_tracker"])
    assert client.describe_event_tracker(eventTrackerArn=made["eventTrackerArn"])["eventTracker"][
        "status"
    ] == ("ACTIVE")
    assert batch.visible_at <= pm.now().timestamp()


def test_put_action_interactions_errors(pm: PersonalizeMock, world: World, events: Any) -> None:
    client, _, _ = clients()

    def put(tracking_id: str, **overrides: Any) -> Any:
        return lambda: events.put_action_interactions(
            trackingId=tracking_id, actionInteractions=[action_event(**overrides)]
        )

    # Unknown tracking id: 404.
    with pytest.raises(events.exceptions.ResourceNotFoundException, match="does not belong") as caught:
        put("0b0e6b5e-0000-4000-8000-000000000000")()
    assert status_of(caught.value) == 404
    # A tracker whose group has no Action interactions dataset: 404.
    plain = make_world(pm, client, "plain", types=("INTERACTIONS",))
    with pytest.raises(events.exceptions.ResourceNotFoundException, match="no Action interactions dataset"):
        put(plain.tracking_id)()
    # Invalid input: event type, reserved or unknown properties.
    invalid(events, put(world.tracking_id, eventType="clicked"), "Viewed, Taken or Not Taken")
    invalid(events, put(world.tracking_id, properties='{"sessionId": "x"}'), "sessionId cannot be used")
    invalid(events, put(world.tracking_id, properties='{"color": "x"}'), "COLOR")

    # A tracker that cannot record, or a dataset that is not ACTIVE: 409. (A tracker still
    # being created records, as for PutEvents; here its dataset is not ACTIVE yet.)
    client.delete_event_tracker(eventTrackerArn=plain.tracker)
    with pytest.raises(
        events.exceptions.ResourceInUseException, match=r"Event tracker .* DELETE PENDING"
    ) as busy:
        put(plain.tracking_id)()
    assert status_of(busy.value) == 409
    pending = make_world(pm, client, "pending", types=("ACTION_INTERACTIONS",), wait=False)
    with pytest.raises(events.exceptions.ResourceInUseException, match=r"Dataset .* CREATE PENDING"):
        put(pending.tracking_id)()
    own = action_tracking_id(pending.datasets["ACTION_INTERACTIONS"])
    with pytest.raises(events.exceptions.ResourceInUseException, match=r"Dataset .* CREATE PENDING"):
        put(own)()
    pm.advance(DEFAULT_DURATIONS["dataset"])
    put(own)()
    assert batches(pm, world.group) == []
