"""Imported rows and views stay compact at scale: shared strings, rows indexed without copies."""

from __future__ import annotations

import pytest

from personalize_mock.service.data import data_views
from personalize_mock.service.data.data_store import INTERACTIONS, Batch
from personalize_mock.service.data.data_views import build_view, upper_keys
from personalize_mock.service.data.dataset_files import Field, parse_csv

FIELDS = [
    Field("USER_ID", "string", True),
    Field("ITEM_ID", "string", True),
    Field("TIMESTAMP", "long", True),
    Field("EVENT_TYPE", "string", False),
]


def test_repeated_text_values_of_a_file_are_one_string() -> None:
    data = b"USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,1,click\nu1,i2,2,click\nu2,i1,3,\n"
    rows = parse_csv(data, FIELDS, "s3://bucket/file.csv")
    assert rows == [
        {"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": 1, "EVENT_TYPE": "click"},
        {"USER_ID": "u1", "ITEM_ID": "i2", "TIMESTAMP": 2, "EVENT_TYPE": "click"},
        {"USER_ID": "u2", "ITEM_ID": "i1", "TIMESTAMP": 3, "EVENT_TYPE": None},
    ]
    assert rows[0]["USER_ID"] is rows[1]["USER_ID"]
    assert rows[0]["ITEM_ID"] is rows[2]["ITEM_ID"]
    assert rows[0]["EVENT_TYPE"] is rows[1]["EVENT_TYPE"]


def test_a_record_with_upper_case_names_is_indexed_as_is_and_others_are_copied() -> None:
    upper = {"USER_ID": "u", "ITEM_ID": "i", "TIMESTAMP": 5}
    lower = {"userId": "u", "itemId": "i", "timestamp": 5}
    assert upper_keys(upper) is upper
    copied = upper_keys(lower)
    assert copied == {"USERID": "u", "ITEMID": "i", "TIMESTAMP": 5}
    assert copied is not lower
    view = build_view([Batch(INTERACTIONS, 0.0, "BULK", [upper])])
    assert view.interactions[0].row is upper
    assert view.interactions[0].timestamp == 5.0


def test_names_are_still_upper_cased_when_too_many_sets_of_names_were_seen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(data_views, "_UPPER", {})
    monkeypatch.setattr(data_views, "_UPPER_LIMIT", 1)
    assert upper_keys({"a": 1}) == {"A": 1}
    assert upper_keys({"b": 2}) == {"B": 2}  # not remembered, still right
    assert upper_keys({"B": 2}) == {"B": 2}
    assert data_views._UPPER == {("a",): False}


def test_a_timestamp_that_is_not_an_integer_is_read_as_a_number() -> None:
    rows = [
        {"USER_ID": "u", "ITEM_ID": "i", "TIMESTAMP": "12.5"},
        {"USER_ID": "u", "ITEM_ID": "j", "TIMESTAMP": "soon"},
        {"USER_ID": "u", "ITEM_ID": "k"},
    ]
    view = build_view([Batch(INTERACTIONS, 0.0, "PUT", rows)])
    assert [event.timestamp for event in view.by_user["u"]] == [12.5, 0.0, 0.0]


def test_events_after_the_first_with_an_event_id_are_not_used() -> None:
    rows = [
        {"USER_ID": "u", "ITEM_ID": "a", "EVENT_ID": "e1"},
        {"USER_ID": "u", "ITEM_ID": "b", "EVENT_ID": "e1"},
        {"USER_ID": "u", "ITEM_ID": "c", "EVENT_ID": ""},
        {"USER_ID": "u", "ITEM_ID": "d", "EVENT_ID": 7},
        {"USER_ID": "u", "ITEM_ID": "e", "EVENT_ID": "7"},
    ]
    view = build_view([Batch(INTERACTIONS, 0.0, "PUT", rows)])
    assert [event.target for event in view.by_user["u"]] == ["a", "c", "d"]
    assert view.event_ids == {"e1", "7"}
