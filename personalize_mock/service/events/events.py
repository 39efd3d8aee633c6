"""personalize-events: PutEvents, PutItems, PutUsers, PutActions, PutActionInteractions.

Each call adds one batch of records to its dataset group's data store
(:mod:`personalize_mock.service.data.data_store`), visible at once, with source ``PUT``. From there
the records count as new data for training (UPDATE versions, automatic training, the rules
that read the store), reach filters immediately, and change a known user's recommendations
in real time (:mod:`personalize_mock.service.training.recommendation_engine`).

Records use the schema's column names: ``properties`` keys are camelCase
(``numberOfRatings``) and become ``NUMBER_OF_RATINGS``; a property whose column is not in the
dataset's schema is refused, as is a properties string that is not a JSON object.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from botocore.utils import parse_to_aware_datetime

from personalize_mock.errors import InvalidInputException, ResourceInUseException, ResourceNotFoundException
from personalize_mock.service.core.json_documents import load_json_document
from personalize_mock.service.core.lifecycle import ACTIVE, CREATING, DELETING
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.data_store import (
    ACTION_INTERACTIONS,
    ACTIONS,
    INTERACTIONS,
    ITEMS,
    PUT,
    USERS,
    Batch,
    group_data,
)
from personalize_mock.service.data.datasets import Dataset, action_tracking_id, datasets, get_dataset
from personalize_mock.service.data.schemas import schemas
from personalize_mock.service.events.event_trackers import EventTracker, find_by_tracking_id

#: Property names that PutEvents and PutActionInteractions refuse (case-insensitive, model docs).
RESERVED_EVENT_PROPERTIES = frozenset(
    {"userid", "sessionid", "eventtype", "timestamp", "recommendationid", "impression"}
)
#: Event types of action interactions (PutActionInteractions docs), compared without case.
ACTION_EVENT_TYPES = frozenset({"VIEWED", "TAKEN", "NOT_TAKEN"})
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def column_name(prop: str) -> str:
    """The schema column a camelCase property names: ``numberOfRatings`` → ``NUMBER_OF_RATINGS``."""
    return _CAMEL_BOUNDARY.sub("_", prop).upper()


def _epoch(value: Any) -> int:
    """A botocore timestamp argument (datetime, epoch number or ISO text) as epoch seconds."""
    return int(parse_to_aware_datetime(value).timestamp())


def _schema_columns(backend: RegionBackend, dataset: Dataset | None, now: float) -> frozenset[str] | None:
    """Upper-cased fields of ``dataset``'s schema (``None`` when unknown: anything goes)."""
    if dataset is None:
        return None
    schema = schemas(backend).find(dataset.schema_arn(now), now)
    return None if schema is None else frozenset(field.upper() for field in schema.fields)


def _dataset_of(backend: RegionBackend, group_arn: str, dataset_type: str, now: float) -> Dataset | None:
    for dataset in datasets(backend).live(now, group_arn):
        if dataset.dataset_type == dataset_type and dataset.status(now) not in DELETING:
            return dataset
    return None


def _properties(
    raw: str | None, where: str, columns: frozenset[str] | None, *, reserved: bool
) -> dict[str, Any]:
    """The record columns a ``properties`` JSON string holds."""
    if raw is None:
        return {}
    parsed = load_json_document(raw, where)
    if not isinstance(parsed, dict):
        raise InvalidInputException(f"{where} must be a JSON object of property names and values.")
    found: dict[str, Any] = {}
    for name, value in parsed.items():
        if reserved and name.lower() in RESERVED_EVENT_PROPERTIES:
            raise InvalidInputException(f"{where}: {name} cannot be used as a property name.")
        if isinstance(value, (dict, list)) or value is None:
            raise InvalidInputException(f"{where}: the value of {name} must be a string, number or boolean.")
        column = column_name(name)
        if columns is not None and column not in columns:
            raise InvalidInputException(
                f"{where}: {name} does not match a field of the dataset's schema (expected {column} "
                f"among {', '.join(sorted(columns))})."
            )
        found[column] = value
    return found


def visible_from(now: float) -> float:
    """When records sent at ``now`` become visible: the start of the current millisecond.

    Creation stamps are ``now`` rounded to the millisecond, so a training created right after
    the call (even within the same millisecond, its stamp rounded down) still sees them.
    """
    return math.floor(now * 1000) / 1000


def _add(
    backend: RegionBackend,
    group_arn: str,
    kind: str,
    records: Sequence[dict[str, Any]],
    origin: str,
    visible_at: float,
) -> None:
    group_data(backend, group_arn).add(Batch(kind, visible_at, PUT, tuple(records), origin=origin))


def _set(record: dict[str, Any], column: str, value: Any) -> None:
    if value is not None:
        record[column] = value


# -- PutEvents ---------------------------------------------------------------------------------


def counted_from(tracker: EventTracker, now: float) -> float | None:
    """When events sent now to ``tracker`` start to count; ``None``: they never will.

    Choice (docs/choices.md): AWS's own notebooks call PutEvents right after
    CreateEventTracker, without waiting, and it works for the people who run them. So a
    tracker still being created (CREATE PENDING or IN_PROGRESS) accepts events; they count
    from the moment it is ACTIVE, or never if its creation fails. ``ValueError`` for a tracker
    that cannot record: CREATE FAILED, or being deleted.
    """
    status = tracker.status(now)
    if status == ACTIVE:
        return visible_from(now)
    if status not in CREATING:
        raise ValueError(f"Event tracker {tracker.arn} is in {status} state; it records no events.")
    timeline = tracker.timeline
    return timeline.settles_at if timeline.final_status == ACTIVE else None


def _event_tracker(backend: RegionBackend, tracking_id: str, now: float) -> tuple[EventTracker, float | None]:
    """The tracker of ``tracking_id`` and when events sent to it now count (:func:`counted_from`)."""
    tracker = find_by_tracking_id(backend, tracking_id, now)
    # PutEvents models only InvalidInputException: an unknown or failed tracker is one.
    if tracker is None:
        raise InvalidInputException(f"trackingId {tracking_id} does not belong to any event tracker.")
    try:
        return tracker, counted_from(tracker, now)
    except ValueError as error:
        raise InvalidInputException(str(error)) from None


def put_events(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    tracker, counts_from = _event_tracker(backend, params["trackingId"], now)
    group_arn = tracker.dataset_group_arn
    # Choice (docs/choices.md): events need no Interactions dataset yet; when there is one,
    # properties must match its schema.
    columns = _schema_columns(backend, _dataset_of(backend, group_arn, INTERACTIONS, now), now)
    records: list[dict[str, Any]] = []
    for number, event in enumerate(params["eventList"], start=1):
        record = _properties(
            event.get("properties"), f"eventList.{number}.properties", columns, reserved=True
        )
        _set(record, "USER_ID", params.get("userId"))
        record["SESSION_ID"] = params["sessionId"]
        _set(record, "ITEM_ID", event.get("itemId"))
        record["EVENT_TYPE"] = event["eventType"]
        _set(record, "EVENT_VALUE", event.get("eventValue"))
        record["TIMESTAMP"] = _epoch(event["sentAt"])
        _set(record, "EVENT_ID", event.get("eventId"))
        _set(record, "RECOMMENDATION_ID", event.get("recommendationId"))
        if event.get("impression"):
            # Impressions are "|"-separated in Interactions data, as in a CSV import.
            record["IMPRESSION"] = "|".join(event["impression"])
        source = (event.get("metricAttribution") or {}).get("eventAttributionSource")
        _set(record, "EVENT_ATTRIBUTION_SOURCE", source)
        records.append(record)
    if counts_from is not None:
        _add(backend, group_arn, INTERACTIONS, records, tracker.arn, counts_from)
    return {}


# -- PutItems, PutUsers, PutActions ----------------------------------------------------------


def _target_dataset(backend: RegionBackend, arn: str, dataset_type: str, now: float) -> Dataset:
    dataset = get_dataset(backend, arn, now)
    if dataset.dataset_type != dataset_type:
        # Choice (docs/choices.md): a dataset of another type is InvalidInputException.
        raise InvalidInputException(
            f"Dataset {arn} is an {dataset.dataset_type} dataset; this operation adds to an "
            f"{dataset_type} dataset."
        )
    status = dataset.status(now)
    if status != ACTIVE:
        raise ResourceInUseException(
            f"Dataset {arn} is in {status} state; records can be added once it is ACTIVE."
        )
    return dataset


def _put_records(
    backend: RegionBackend,
    params: Mapping[str, Any],
    *,
    dataset_type: str,
    list_key: str,
    id_key: str,
    id_column: str,
) -> dict[str, Any]:
    now = backend.clock.time()
    dataset = _target_dataset(backend, params["datasetArn"], dataset_type, now)
    columns = _schema_columns(backend, dataset, now)
    records: list[dict[str, Any]] = []
    for number, entry in enumerate(params[list_key], start=1):
        record = _properties(
            entry.get("properties"), f"{list_key}.{number}.properties", columns, reserved=False
        )
        record[id_column] = entry[id_key]
        records.append(record)
    _add(backend, dataset.dataset_group_arn, dataset_type, records, dataset.arn, visible_from(now))
    return {}


def put_items(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    return _put_records(
        backend, params, dataset_type=ITEMS, list_key="items", id_key="itemId", id_column="ITEM_ID"
    )


def put_users(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    return _put_records(
        backend, params, dataset_type=USERS, list_key="users", id_key="userId", id_column="USER_ID"
    )


def put_actions(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    return _put_records(
        backend, params, dataset_type=ACTIONS, list_key="actions", id_key="actionId", id_column="ACTION_ID"
    )


# -- PutActionInteractions -----------------------------------------------------------------------


def _action_interactions_dataset(
    backend: RegionBackend, tracking_id: str, now: float
) -> tuple[Dataset, str, float | None]:
    """The Action interactions dataset ``tracking_id`` records into, the batch origin, and when
    what is sent now counts (as for PutEvents, :func:`counted_from`)."""
    for dataset in datasets(backend).live(now):
        if dataset.dataset_type == ACTION_INTERACTIONS and action_tracking_id(dataset.arn) == tracking_id:
            return dataset, dataset.arn, visible_from(now)
    tracker = find_by_tracking_id(backend, tracking_id, now)
    if tracker is None:
        raise ResourceNotFoundException(f"trackingId {tracking_id} does not belong to any event tracker.")
    # Choice (docs/choices.md): a dataset group's event tracker also records action interactions
    # (DescribeDataset does not report the Action interactions dataset's own trackingId yet).
    try:
        counts_from = counted_from(tracker, now)
    except ValueError as error:
        raise ResourceInUseException(str(error)) from None
    found = _dataset_of(backend, tracker.dataset_group_arn, ACTION_INTERACTIONS, now)
    if found is None:
        raise ResourceNotFoundException(
            f"Dataset group {tracker.dataset_group_arn} has no Action interactions dataset to record into."
        )
    return found, tracker.arn, counts_from


def put_action_interactions(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    dataset, origin, counts_from = _action_interactions_dataset(backend, params["trackingId"], now)
    status = dataset.status(now)
    if status != ACTIVE:
        raise ResourceInUseException(
            f"Dataset {dataset.arn} is in {status} state; records can be added once it is ACTIVE."
        )
    columns = _schema_columns(backend, dataset, now)
    records: list[dict[str, Any]] = []
    for number, event in enumerate(params["actionInteractions"], start=1):
        where = f"actionInteractions.{number}"
        event_type: str = event["eventType"]
        if event_type.upper().replace(" ", "_") not in ACTION_EVENT_TYPES:
            raise InvalidInputException(
                f"{where}.eventType {event_type!r} is not valid; use Viewed, Taken or Not Taken."
            )
        record = _properties(event.get("properties"), f"{where}.properties", columns, reserved=True)
        _set(record, "USER_ID", event.get("userId"))
        record["SESSION_ID"] = event["sessionId"]
        record["ACTION_ID"] = event["actionId"]
        record["EVENT_TYPE"] = event_type
        record["TIMESTAMP"] = _epoch(event["timestamp"])
        _set(record, "EVENT_ID", event.get("eventId"))
        _set(record, "RECOMMENDATION_ID", event.get("recommendationId"))
        if event.get("impression"):
            record["IMPRESSION"] = "|".join(event["impression"])
        records.append(record)
    if counts_from is not None:
        _add(backend, dataset.dataset_group_arn, ACTION_INTERACTIONS, records, origin, counts_from)
    return {}
