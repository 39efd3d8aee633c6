"""JSON <-> handler values, walking botocore's shapes (timestamps, blobs, unknown members, None)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from botocore.model import ShapeResolver

from personalize_mock.model import operation_model
from personalize_mock.server.wire import MalformedBody, decode_input, dumps, encode_output, parse_body

UTC = timezone.utc


def test_timestamps_in_nested_lists_become_aware_datetimes() -> None:
    shape = operation_model("personalize-events", "PutEvents").input_shape
    params = {
        "trackingId": "t",
        "sessionId": "s",
        "eventList": [
            {"eventType": "click", "sentAt": 1704067200},
            {"eventType": "buy", "sentAt": 1704067200.5},
        ],
    }

    decoded = decode_input(shape, params)

    sent = [event["sentAt"] for event in decoded["eventList"]]
    assert sent == [datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)]
    assert all(each.tzinfo is not None for each in sent)
    assert params["eventList"][0]["sentAt"] == 1704067200  # the input is not modified


def test_unknown_members_and_nulls_are_dropped_like_botocore_would() -> None:
    shape = operation_model("personalize", "CreateDatasetGroup").input_shape
    decoded = decode_input(shape, {"name": "g", "roleArn": None, "surprise": 1, "tags": [{"tagKey": "k"}]})
    assert decoded == {"name": "g", "tags": [{"tagKey": "k"}]}


def test_operations_without_input_get_empty_kwargs() -> None:
    assert decode_input(None, {"anything": 1}) == {}
    assert encode_output(None, {"anything": 1}) == {}


def test_output_timestamps_are_epoch_seconds_with_milliseconds_and_none_is_dropped() -> None:
    shape = operation_model("personalize", "DescribeDatasetGroup").output_shape
    created = datetime(2024, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    output = {
        "datasetGroup": {
            "name": "g",
            "status": "ACTIVE",
            "creationDateTime": created,
            "lastUpdatedDateTime": created + timedelta(seconds=1),
            "failureReason": None,
        }
    }

    encoded = encode_output(shape, output)

    assert encoded == {
        "datasetGroup": {
            "name": "g",
            "status": "ACTIVE",
            "creationDateTime": 1704110400.123,
            "lastUpdatedDateTime": 1704110401.123,
        }
    }
    assert json.loads(dumps(encoded)) == encoded


def test_keys_the_shape_lacks_are_written_generically() -> None:
    shape = operation_model("personalize", "DescribeDatasetGroup").output_shape
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    encoded = encode_output(shape, {"extra": {"at": moment, "raw": b"\x00\x01", "gone": None}})
    assert encoded == {"extra": {"at": 1704067200.0, "raw": "AAE="}}


def test_blobs_and_iso_timestamps_follow_the_shape() -> None:
    resolver = ShapeResolver(
        {
            "Doc": {
                "type": "structure",
                "members": {"data": {"shape": "Data"}, "when": {"shape": "When"}},
            },
            "Data": {"type": "blob"},
            "When": {"type": "timestamp", "timestampFormat": "iso8601"},
        }
    )
    shape = resolver.get_shape_by_name("Doc")
    moment = datetime(2024, 1, 1, tzinfo=UTC)

    assert decode_input(shape, {"data": "AAE=", "when": 1704067200}) == {"data": b"\x00\x01", "when": moment}
    assert encode_output(shape, {"data": b"\x00\x01", "when": moment}) == {
        "data": "AAE=",
        "when": "2024-01-01T00:00:00Z",
    }


@pytest.mark.parametrize("body", [b"", b"  ", b"{}"])
def test_an_empty_body_is_an_empty_object(body: bytes) -> None:
    assert parse_body(body) == {}


@pytest.mark.parametrize("body", [b"{", b"[1]", b'"text"', b"\xff\xfe", b'{"a": NaN}', b"null"])
def test_anything_but_a_json_object_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedBody):
        parse_body(body)


def test_dumps_refuses_what_json_cannot_carry() -> None:
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})
    assert dumps({"name": "é"}) == '{"name":"é"}'.encode()


def test_map_values_are_decoded_by_their_shape() -> None:
    resolver = ShapeResolver(
        {
            "Doc": {"type": "structure", "members": {"seen": {"shape": "Seen"}}},
            "Seen": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "When"}},
            "Key": {"type": "string"},
            "When": {"type": "timestamp"},
        }
    )
    shape = resolver.get_shape_by_name("Doc")

    decoded = decode_input(shape, {"seen": {"first": 1704067200, "last": 1704067200.5}})

    assert decoded == {
        "seen": {
            "first": datetime(2024, 1, 1, tzinfo=UTC),
            "last": datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=UTC),
        }
    }


def test_a_real_map_member_reaches_the_handler_as_a_dict() -> None:
    shape = operation_model("personalize-runtime", "GetRecommendations").input_shape
    params = {"campaignArn": "arn", "context": {"DEVICE": "phone", "TIME": "night"}}
    assert decode_input(shape, params) == params


def test_a_timestamp_member_that_is_not_a_datetime_is_written_as_given() -> None:
    shape = operation_model("personalize", "DescribeDatasetGroup").output_shape
    encoded = encode_output(shape, {"datasetGroup": {"creationDateTime": 1704067200.5}})
    assert encoded == {"datasetGroup": {"creationDateTime": 1704067200.5}}


def test_collections_and_dates_without_a_shape_are_written_as_json() -> None:
    shape = operation_model("personalize", "DescribeDatasetGroup").output_shape
    moment = datetime(2024, 1, 1, tzinfo=UTC)

    encoded = encode_output(
        shape,
        {
            "extra": {
                "list": [moment, "x"],
                "tuple": (b"\x00", 1),
                "set": {"only"},
                "day": date(2024, 2, 29),
            }
        },
    )

    assert encoded == {
        "extra": {"list": [1704067200.0, "x"], "tuple": ["AA==", 1], "set": ["only"], "day": "2024-02-29"}
    }
    assert json.loads(dumps(encoded)) == encoded
