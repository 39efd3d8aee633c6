"""Datasets: Create / Describe / List / Update / Delete.

A dataset's ARN is ``dataset/<datasetGroupName>/<DATASET_TYPE>`` (behaviour reference §2), so
a second dataset of one type in a group collides on its ARN. UpdateDataset replaces the
schema: the top-level status goes UPDATE PENDING → UPDATE IN_PROGRESS → ACTIVE while
``latestDatasetUpdate`` runs its own CREATE PENDING → ACTIVE lifecycle (§3.2); the new schema
becomes the dataset's ``schemaArn`` when the update is ACTIVE (derived on read).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

from personalize_mock.clock import to_datetime
from personalize_mock.errors import InvalidInputException, ResourceInUseException
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import (
    last_updated,
    list_output,
    new_timeline,
    require_active,
    require_deletable,
    require_unused_arn,
    start_deletion,
    tags_from,
    timestamps,
)
from personalize_mock.service.core.lifecycle import (
    ACTIVE,
    CREATING,
    DELETING,
    GONE,
    UPDATE_IN_PROGRESS,
    UPDATE_PENDING,
    Timeline,
)
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.data.data_store import group_data
from personalize_mock.service.data.dataset_groups import dataset_groups
from personalize_mock.service.data.metric_expressions import expression_column
from personalize_mock.service.data.schemas import REQUIRED_FIELDS, check_schema_for, usable_schema

KIND = "dataset"
ARN_TYPE = "dataset"
INTERACTIONS = "INTERACTIONS"
ACTION_INTERACTIONS_TYPE = "ACTION_INTERACTIONS"
#: Kinds of the dataset's jobs: they block its deletion while in flight and go with it.
JOB_KINDS = (("dataset_import_job", "dataset import job"), ("dataset_export_job", "dataset export job"))
#: Batch jobs of the group's solution versions: they block DeleteDataset while in flight.
BATCH_JOB_KINDS = (("batch_inference_job", "batch inference job"), ("batch_segment_job", "batch segment job"))
#: Campaign statuses that block DeleteDataset ("Deleting a dataset": CREATE PENDING, IN PROGRESS, ACTIVE).
CAMPAIGN_BLOCKING = CREATING | {ACTIVE}


class DatasetUpdate:
    """One UpdateDataset request: the new schema and its own CREATE PENDING → ACTIVE lifecycle."""

    __slots__ = ("created", "schema_arn", "timeline")

    def __init__(self, schema_arn: str, created: float, timeline: Timeline) -> None:
        self.schema_arn = schema_arn
        self.created = created
        self.timeline = timeline


class Dataset(Resource):
    __slots__ = ("base_schema_arn", "dataset_group_arn", "dataset_type", "domain", "imports", "update")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_group_arn = ""
        self.dataset_type = ""
        self.domain: str | None = None
        #: The schema before the latest update (the schema in use until that update is ACTIVE).
        self.base_schema_arn = ""
        self.update: DatasetUpdate | None = None
        #: Import jobs into this dataset, oldest first (their timelines never change once made).
        self.imports: list[Resource] = []

    def parent_arn(self) -> str:
        return self.dataset_group_arn

    def settles_at(self) -> float:
        if self.update is None:
            return self.timeline.settles_at
        return max(self.timeline.settles_at, self.update.timeline.settles_at)

    def schema_arn(self, now: float) -> str:
        """The schema in use at ``now``: the latest update's once it is ACTIVE."""
        update = self.update
        if update is not None and update.timeline.status(now) == ACTIVE:
            return update.schema_arn
        return self.base_schema_arn

    def schema_arns(self, now: float) -> set[str]:
        """Schemas the dataset references at ``now`` (two while an update is in flight)."""
        update = self.update
        if update is None:
            return {self.base_schema_arn}
        if update.timeline.status(now) == ACTIVE:
            return {update.schema_arn}
        return {self.base_schema_arn, update.schema_arn}

    def last_data_change(self, now: float) -> float | None:
        """When the latest import job into this dataset that is ACTIVE at ``now`` completed."""
        done = (job.timeline.changed_at(now) for job in self.imports if job.timeline.status(now) == ACTIVE)
        return max(done, default=None)


def action_tracking_id(dataset_arn: str) -> str:
    """The tracking id of an Action interactions dataset's own event tracker.

    The service creates that tracker with the dataset and reports its id as the dataset's
    ``trackingId``; here it is a UUID4-shaped digest of the dataset ARN, so it needs no state.
    """
    digest = hashlib.blake2b(dataset_arn.encode("utf-8"), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def datasets(backend: RegionBackend) -> Collection[Dataset]:
    return backend.collection(KIND)


def get_dataset(backend: RegionBackend, arn: str, now: float) -> Dataset:
    """The dataset ``arn`` (``ResourceNotFoundException`` if it does not exist)."""
    return datasets(backend).get(arn, now)


def _dataset_type(given: str) -> str:
    # The model documents datasetType as case-insensitive (Interactions, ITEMS, …); the ARN
    # and every output carry it upper-cased (behaviour reference §2).
    dataset_type = given.upper()
    if dataset_type not in REQUIRED_FIELDS:
        raise InvalidInputException(
            f"datasetType {given!r} is not valid; use one of {', '.join(REQUIRED_FIELDS)} (case-insensitive)."
        )
    return dataset_type


def create_dataset(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    dataset_type = _dataset_type(params["datasetType"])
    group = dataset_groups(backend).get(params["datasetGroupArn"], now)
    collection = datasets(backend)
    arn = backend.arn(ARN_TYPE, f"{group.name}/{dataset_type}")
    require_unused_arn(collection, arn, now)
    require_active(group, now, "Dataset group")
    schema = usable_schema(backend, params["schemaArn"], now)
    check_schema_for(schema, dataset_type, group.domain)
    tags = tags_from(backend, params)
    created = backend.clock.stamp()
    timeline, reason = new_timeline(backend, KIND, created)
    dataset = Dataset(arn, params["name"], backend.next_seq(), created, timeline)
    # The Dataset shape has no failureReason, so an injected reason is kept but never shown.
    dataset.failure_reason = reason
    dataset.dataset_group_arn = group.arn
    dataset.dataset_type = dataset_type
    dataset.domain = group.domain
    dataset.base_schema_arn = schema.arn
    dataset.tags = tags
    collection.add(dataset)
    return {"datasetArn": arn}


def _update_summary(update: DatasetUpdate, now: float) -> dict[str, Any]:
    return {
        "schemaArn": update.schema_arn,
        "status": update.timeline.status(now),
        "creationDateTime": to_datetime(update.created),
        "lastUpdatedDateTime": to_datetime(last_updated(update.created, update.timeline, now)),
    }


def describe_dataset(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    dataset = get_dataset(backend, params["datasetArn"], now)
    detail: dict[str, Any] = {
        "name": dataset.name,
        "datasetArn": dataset.arn,
        "datasetGroupArn": dataset.dataset_group_arn,
        "datasetType": dataset.dataset_type,
        "schemaArn": dataset.schema_arn(now),
        "status": dataset.status(now),
    }
    detail.update(timestamps(dataset, now))
    if dataset.update is not None:
        detail["latestDatasetUpdate"] = _update_summary(dataset.update, now)
    if dataset.dataset_type == ACTION_INTERACTIONS_TYPE:
        # The service gives an Action interactions dataset its own event tracker.
        detail["trackingId"] = action_tracking_id(dataset.arn)
    return {"dataset": detail}


def _summary(dataset: Dataset, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "name": dataset.name,
        "datasetArn": dataset.arn,
        "datasetType": dataset.dataset_type,
        "status": dataset.status(now),
    }
    summary.update(timestamps(dataset, now))
    return summary


def list_datasets(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    group_arn = params.get("datasetGroupArn")
    listing = f"ListDatasets|{group_arn or ''}"
    return list_output("datasets", datasets(backend), params, listing, _summary, now, parent=group_arn)


def update_dataset(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    dataset = get_dataset(backend, params["datasetArn"], now)
    require_active(dataset, now, "Dataset")
    schema = usable_schema(backend, params["schemaArn"], now)
    check_schema_for(schema, dataset.dataset_type, dataset.domain)
    created = backend.clock.stamp()
    total = backend.duration("dataset_update")
    pending = total * PENDING_SHARE
    # The schema of a finished earlier update is now the one in use.
    dataset.base_schema_arn = dataset.schema_arn(now)
    # Both timelines start at ``now`` so they turn ACTIVE together: a phase that began after
    # ``now`` (a stamp bumped past it) would leave a read straight after this call on ACTIVE.
    dataset.update = DatasetUpdate(schema.arn, created, Timeline.creation(now, pending, total))
    dataset.timeline = dataset.timeline.then(
        now, [(UPDATE_PENDING, 0.0), (UPDATE_IN_PROGRESS, pending), (ACTIVE, total)]
    )
    return {"datasetArn": dataset.arn}


def _in_use(dataset: Dataset, blocker: str, why: str) -> ResourceInUseException:
    """The ``ResourceInUseException`` of a DeleteDataset that ``blocker`` refuses."""
    return ResourceInUseException(f"Cannot delete dataset {dataset.arn}: {blocker} {why}.")


def _require_no_filters(backend: RegionBackend, dataset: Dataset, now: float) -> None:
    """Filters go first: "You must delete all filters before deleting any dataset" (Deleting a dataset)."""
    for item in backend.collection("filter").live(now, dataset.dataset_group_arn):
        # Choice (docs/choices.md): a filter that is being deleted no longer blocks, as for
        # every parent/child delete rule (behaviour reference §11.8).
        if item.status(now) not in DELETING:
            raise _in_use(
                dataset,
                f"filter {item.arn}",
                "must be deleted first (every filter of the dataset group goes before any dataset)",
            )


def _require_no_event_tracker(backend: RegionBackend, dataset: Dataset, now: float) -> None:
    """An event tracker records into the group's Item interactions dataset (Deleting a dataset)."""
    if dataset.dataset_type != INTERACTIONS:
        return
    for tracker in backend.collection("event_tracker").live(now, dataset.dataset_group_arn):
        # Choice (docs/choices.md): an event tracker that is being deleted no longer blocks,
        # as for every parent/child delete rule (behaviour reference §11.8).
        if tracker.status(now) not in DELETING:
            raise _in_use(
                dataset, f"event tracker {tracker.arn}", "records into it; delete the event tracker first"
            )


def _require_no_metric_attribution(backend: RegionBackend, dataset: Dataset, now: float) -> None:
    """A metric attribution that references the dataset goes first (Deleting a dataset).

    Choice (docs/choices.md): every metric counts interaction events of its ``eventType``, so a
    metric attribution references the Item interactions dataset always, and the Items dataset
    when one of its metrics adds up an Items column (``SUM(Items.PRICE)``).
    """
    # Metric attributions (the events family) live above the data family: they are read by
    # kind through the store, as resources with ``metrics`` whose expressions name columns.
    attributions: Collection[Any] = backend.collection("metric_attribution")
    for attribution in attributions.live(now, dataset.dataset_group_arn):
        if attribution.status(now) in DELETING:
            continue
        read = {
            column[0] for metric in attribution.metrics if (column := expression_column(metric.expression))
        }
        if dataset.dataset_type == INTERACTIONS or dataset.dataset_type in read:
            raise _in_use(
                dataset,
                f"metric attribution {attribution.arn}",
                "references it; delete the metric attribution first",
            )


def _require_no_work_in_group(backend: RegionBackend, dataset: Dataset, now: float) -> None:
    """What the group's models are doing with the dataset (Deleting a dataset; API_DeleteDataset).

    Solution versions, recommenders and batch inference / segment jobs block while CREATE
    PENDING or IN_PROGRESS; campaigns while CREATE PENDING, IN_PROGRESS or ACTIVE.
    """
    group_arn = dataset.dataset_group_arn
    # The models of the group live in families above this one: read by kind through the store.
    for solution in backend.collection("solution").live(now, group_arn):
        for campaign in backend.collection("campaign").live(now, solution.arn):
            status = campaign.status(now)
            if status in CAMPAIGN_BLOCKING:
                raise _in_use(dataset, f"campaign {campaign.arn}", f"is {status}; delete the campaign first")
        for version in backend.collection("solution_version").live(now, solution.arn):
            status = version.status(now)
            if status in CREATING:
                raise _in_use(
                    dataset,
                    f"solution version {version.arn}",
                    f"is {status}; wait for it to finish or stop it",
                )
            for kind, job_name in BATCH_JOB_KINDS:
                for job in backend.collection(kind).live(now, version.arn):
                    status = job.status(now)
                    if status in CREATING:
                        raise _in_use(dataset, f"{job_name} {job.arn}", f"is {status}; wait for it to finish")
    for recommender in backend.collection("recommender").live(now, group_arn):
        status = recommender.status(now)
        if status in CREATING:
            raise _in_use(dataset, f"recommender {recommender.arn}", f"is {status}; wait for it to finish")


def delete_dataset(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    """DeleteDataset: refused while anything the documentation names still needs the dataset.

    The blockers are those of API_DeleteDataset and the guide's "Deleting a dataset" page
    (https://docs.aws.amazon.com/personalize/latest/dg/delete-dataset.html); the dataset itself
    must be ACTIVE or CREATE FAILED like every resource that is deleted.
    """
    now = backend.clock.time()
    dataset = get_dataset(backend, params["datasetArn"], now)
    require_deletable(dataset, now, "Dataset")
    # Choice (docs/choices.md): export jobs in flight block the delete like import jobs do
    # (the documentation names import jobs; an export reads the dataset the same way).
    for kind, job_name in JOB_KINDS:
        for job in backend.collection(kind).live(now, dataset.arn):
            status = job.status(now)
            if status in CREATING:
                raise _in_use(dataset, f"{job_name} {job.arn}", f"is {status}; wait for it to finish")
    _require_no_filters(backend, dataset, now)
    _require_no_event_tracker(backend, dataset, now)
    _require_no_metric_attribution(backend, dataset, now)
    _require_no_work_in_group(backend, dataset, now)
    gone_at = start_deletion(backend, dataset, KIND, now)
    # Choice (docs/choices.md): the dataset's import and export jobs (which have no delete API)
    # go with it, like a solution's versions: not found once the dataset is gone.
    for kind, _ in JOB_KINDS:
        for job in backend.collection(kind).live(now, dataset.arn):
            job.timeline = job.timeline.then(gone_at, [(GONE, 0.0)])
    # Choice (docs/choices.md): its data goes when it is gone; reads from then on (training,
    # recommendations) no longer see the type's batches, versions trained before keep theirs.
    group_data(backend, dataset.dataset_group_arn).clear_kind(dataset.dataset_type, gone_at)
    return {}
