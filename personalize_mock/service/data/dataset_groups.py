"""Dataset groups: Create / Describe / List / Delete, the parents of everything else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.common import (
    Blocker,
    active_quota_message,
    check_quota,
    describer,
    lister,
    new_timeline,
    require_deletable,
    require_no_blockers,
    require_unused_arn,
    start_deletion,
    status_fields,
    tags_from,
)
from personalize_mock.service.core.lifecycle import DELETE_PENDING, DELETING, GONE, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource, forget_with

KIND = "dataset_group"
ARN_TYPE = "dataset-group"
#: Children that block a dataset group's deletion until their own deletion has started: event
#: trackers, solutions and datasets (API_DeleteDatasetGroup), recommenders (the guide's cleanup
#: page, https://docs.aws.amazon.com/personalize/latest/dg/gs-cleanup.html, for Domain groups).
BLOCKERS = (
    Blocker("event_tracker", "event tracker"),
    Blocker("solution", "solution"),
    Blocker("dataset", "dataset"),
    Blocker("recommender", "recommender"),
)
#: Children that do not block it and are deleted with it: filters and metric attributions.
DEPENDENT_KINDS = ("filter", "metric_attribution")


def _forget_records(backend: RegionBackend, arn: str) -> None:
    # A gone group's records (service/data/data_store.py) are never read again.
    backend.data_stores.pop(arn, None)


forget_with(KIND, _forget_records)


class DatasetGroup(Resource):
    __slots__ = ("domain", "kms_key_arn", "role_arn")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.role_arn: str | None = None
        self.kms_key_arn: str | None = None
        self.domain: str | None = None


def dataset_groups(backend: RegionBackend) -> Collection[DatasetGroup]:
    return backend.collection(KIND)


def get_dataset_group(backend: RegionBackend, arn: str) -> DatasetGroup:
    """The dataset group ``arn`` (``ResourceNotFoundException`` if it does not exist)."""
    return dataset_groups(backend).get(arn, backend.clock.time())


def create_dataset_group(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    groups = dataset_groups(backend)
    arn = backend.arn(ARN_TYPE, params["name"])
    require_unused_arn(groups, arn, now)
    if params.get("kmsKeyArn") and not params.get("roleArn"):
        raise InvalidInputException("A roleArn is required when kmsKeyArn is provided.")
    limit = backend.quota("dataset_groups")
    check_quota(groups.count_undeleted(), limit, active_quota_message("dataset group", limit))
    tags = tags_from(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    group = DatasetGroup(arn, params["name"], backend.next_seq(), created, timeline)
    group.failure_reason = reason
    group.role_arn = params.get("roleArn")
    group.kms_key_arn = params.get("kmsKeyArn")
    group.domain = params.get("domain")
    group.tags = tags
    groups.add(group, now)
    output: dict[str, Any] = {"datasetGroupArn": arn}
    if group.domain:
        output["domain"] = group.domain
    return output


def _summary(group: DatasetGroup, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"name": group.name, "datasetGroupArn": group.arn}
    status_fields(summary, group, now)
    if group.domain:
        summary["domain"] = group.domain
    return summary


def _detail(group: DatasetGroup, now: float) -> dict[str, Any]:
    detail = _summary(group, now)
    if group.role_arn:
        detail["roleArn"] = group.role_arn
    if group.kms_key_arn:
        detail["kmsKeyArn"] = group.kms_key_arn
    return detail


describe_dataset_group = describer(KIND, "datasetGroupArn", "datasetGroup", _detail)


list_dataset_groups = lister(KIND, "datasetGroups", "ListDatasetGroups", _summary)


def delete_dataset_group(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    """DeleteDatasetGroup: refused while one of :data:`BLOCKERS` is not being deleted.

    Choice (docs/choices.md): filters and metric attributions, which no page names as
    blockers, go with the group: DELETE PENDING at once, not found once the group is gone.
    """
    now = backend.clock.time()
    group = dataset_groups(backend).get(params["datasetGroupArn"], now)
    require_deletable(group, now, "Dataset group")
    require_no_blockers(backend, group, BLOCKERS, now, "dataset group")
    # The model documents only DELETE PENDING for dataset groups (behaviour reference §3.2).
    gone_at = start_deletion(backend, group, KIND, now, with_in_progress=False)
    for kind in DEPENDENT_KINDS:
        collection = backend.collection(kind)
        for child in collection.live(now, group.arn):
            if child.status(now) in DELETING:
                if child.timeline.settles_at > gone_at:
                    # Its own deletion would outlast the group's: it goes with the group.
                    collection.rewrite(child, gone_at, [(GONE, 0.0)])
                continue
            collection.rewrite(child, now, [(DELETE_PENDING, 0.0), (GONE, gone_at - now)])
            collection.mark_deleting(child)
    return {}
