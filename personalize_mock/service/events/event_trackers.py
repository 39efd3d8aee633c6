"""Event trackers: Create / Describe / List / Delete.

An event tracker's ARN ends in 8 random hex characters, not its name, and it carries a
``trackingId`` (a lowercase UUID4) that PutEvents calls quote (behaviour reference §2).
A dataset group has at most one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import ResourceAlreadyExistsException
from personalize_mock.service.core.common import (
    check_quota,
    deleter,
    lister,
    new_timeline,
    require_active,
    status_fields,
    tags_from,
)
from personalize_mock.service.core.lifecycle import DELETING, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.data.dataset_groups import get_dataset_group

KIND = "event_tracker"
ARN_TYPE = "event-tracker"


class EventTracker(Resource):
    __slots__ = ("dataset_group_arn", "tracking_id")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_group_arn = ""
        self.tracking_id = ""

    def parent_arn(self) -> str:
        return self.dataset_group_arn


def event_trackers(backend: RegionBackend) -> Collection[EventTracker]:
    return backend.collection(KIND)


def get_event_tracker(backend: RegionBackend, arn: str, now: float) -> EventTracker:
    """The event tracker ``arn`` (``ResourceNotFoundException`` if it does not exist)."""
    return event_trackers(backend).get(arn, now)


def find_by_tracking_id(backend: RegionBackend, tracking_id: str, now: float) -> EventTracker | None:
    """The live event tracker whose ``trackingId`` is ``tracking_id`` (for PutEvents), or ``None``."""
    for tracker in event_trackers(backend).live(now):
        if tracker.tracking_id == tracking_id:
            return tracker
    return None


def _new_tracking_id(backend: RegionBackend) -> str:
    # Drawn from the mock's own generator, which snapshots save and restore with the state.
    return str(uuid.UUID(int=backend.rng.getrandbits(128), version=4))


def create_event_tracker(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = event_trackers(backend)
    name = params["name"]
    # Choice (docs/choices.md): event-tracker names are unique per account and region like
    # every other Personalize name, although the ARN carries a random id instead of the name
    # (CreateEventTracker models ResourceAlreadyExistsException, which nothing else explains).
    for tracker in collection.live(now):
        if tracker.name == name and tracker.status(now) not in DELETING:
            raise ResourceAlreadyExistsException(
                f"Another event tracker with name {name} already exists: {tracker.arn}."
            )
    group = get_dataset_group(backend, params["datasetGroupArn"])
    require_active(group, now, "Dataset group")
    # Choice (docs/choices.md): the one-tracker-per-dataset-group rule is a quota (it is on
    # the service quotas page), so a second tracker gives LimitExceededException.
    limit = backend.quota("event_trackers_per_dataset_group")
    check_quota(
        collection.count_undeleted(group.arn),
        limit,
        f"Cannot create an event tracker. Dataset group {group.arn} already has {limit} event "
        f"tracker(s), the most a dataset group can have.",
    )
    tags = tags_from(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    arn = backend.arn(ARN_TYPE, backend.hex_id())
    while collection.find(arn, now) is not None:  # 2^32 ids: a clash is rare but possible
        arn = backend.arn(ARN_TYPE, backend.hex_id())
    tracker = EventTracker(arn, name, backend.next_seq(), created, timeline)
    tracker.failure_reason = reason
    tracker.dataset_group_arn = group.arn
    tracker.tracking_id = _new_tracking_id(backend)
    tracker.tags = tags
    collection.add(tracker, now)
    return {"eventTrackerArn": arn, "trackingId": tracker.tracking_id}


def _summary(tracker: EventTracker, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"name": tracker.name, "eventTrackerArn": tracker.arn}
    # Neither EventTracker nor EventTrackerSummary has a failureReason member [M].
    status_fields(summary, tracker, now, failed=None)
    return summary


def describe_event_tracker(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    # Not a describer: the detail carries the backend's account id.
    now = backend.clock.time()
    tracker = get_event_tracker(backend, params["eventTrackerArn"], now)
    detail: dict[str, Any] = {
        "name": tracker.name,
        "eventTrackerArn": tracker.arn,
        "accountId": backend.account_id,
        "trackingId": tracker.tracking_id,
        "datasetGroupArn": tracker.dataset_group_arn,
    }
    status_fields(detail, tracker, now, failed=None)
    return {"eventTracker": detail}


list_event_trackers = lister(
    KIND, "eventTrackers", "ListEventTrackers", _summary, parent_key="datasetGroupArn"
)


delete_event_tracker = deleter(KIND, "eventTrackerArn", "Event tracker")
