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

from personalize_mock.errors import InvalidInputException
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import (
    NEVER,
    Blocker,
    describer,
    lister,
    new_timeline,
    require_active,
    require_deletable,
    require_no_blockers,
    require_unused_arn,
    start_deletion,
    status_fields,
    tags_from,
)
from personalize_mock.service.core.lifecycle import (
    ACTIVE,
    CREATING,
    UPDATE_IN_PROGRESS,
    UPDATE_PENDING,
    Timeline,
)
from personalize_mock.service.core.store import Collection, RegionBackend, Resource, UpdatableResource
from personalize_mock.service.data.data_store import group_data
from personalize_mock.service.data.dataset_groups import dataset_groups
from personalize_mock.service.data.metric_expressions import expression_column
from personalize_mock.service.data.schemas import REQUIRED_FIELDS, check_schema_for, usable_schema

KIND = "dataset"
ARN_TYPE = "dataset"
INTERACTIONS = "INTERACTIONS"
ACTION_INTERACTIONS_TYPE = "ACTION_INTERACTIONS"
#: Kinds of the dataset's jobs: they block its deletion while in flight and go with it.
JOB_KINDS = ("dataset_import_job", "dataset_export_job")
#: Campaign statuses that block DeleteDataset ("Deleting a dataset": CREATE PENDING, IN PROGRESS, ACTIVE).
CAMPAIGN_BLOCKING = CREATING | {ACTIVE}


class DatasetUpdate:
    """One UpdateDataset request: the new schema and its own CREATE PENDING → ACTIVE lifecycle."""

    __slots__ = ("created", "failure_reason", "schema_arn", "timeline")

    def __init__(self, schema_arn: str, created: float, timeline: Timeline) -> None:
        self.schema_arn = schema_arn
        self.created = created
        self.timeline = timeline
        #: No fault kind fails an update (and DatasetUpdateSummary's reason is never reported).
        self.failure_reason: str | None = None


class Dataset(UpdatableResource):
    __slots__ = ("base_schema_arn", "dataset_group_arn", "dataset_type", "domain", "imports")
    #: The latest DatasetUpdate (the slot and its ``None`` start are UpdatableResource's).
    update: DatasetUpdate | None

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_group_arn = ""
        self.dataset_type = ""
        self.domain: str | None = None
        #: The schema before the latest update (the schema in use until that update is ACTIVE).
        self.base_schema_arn = ""
        #: Import jobs into this dataset, oldest first (their timelines never change once made).
        self.imports: list[Resource] = []

    def parent_arn(self) -> str:
        return self.dataset_group_arn

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
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    dataset = Dataset(arn, params["name"], backend.next_seq(), created, timeline)
    # The Dataset shape has no failureReason, so an injected reason is kept but never shown.
    dataset.failure_reason = reason
    dataset.dataset_group_arn = group.arn
    dataset.dataset_type = dataset_type
    dataset.domain = group.domain
    dataset.base_schema_arn = schema.arn
    dataset.tags = tags
    collection.add(dataset, now)
    return {"datasetArn": arn}


def _update_summary(update: DatasetUpdate, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"schemaArn": update.schema_arn}
    status_fields(summary, update, now, failed=None)
    return summary


def _detail(dataset: Dataset, now: float) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "name": dataset.name,
        "datasetArn": dataset.arn,
        "datasetGroupArn": dataset.dataset_group_arn,
        "datasetType": dataset.dataset_type,
        "schemaArn": dataset.schema_arn(now),
    }
    # The Dataset shape has no failureReason.
    status_fields(detail, dataset, now, failed=None)
    if dataset.update is not None:
        detail["latestDatasetUpdate"] = _update_summary(dataset.update, now)
    if dataset.dataset_type == ACTION_INTERACTIONS_TYPE:
        # The service gives an Action interactions dataset its own event tracker.
        detail["trackingId"] = action_tracking_id(dataset.arn)
    return detail


describe_dataset = describer(KIND, "datasetArn", "dataset", _detail)


def _summary(dataset: Dataset, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "name": dataset.name,
        "datasetArn": dataset.arn,
        "datasetType": dataset.dataset_type,
    }
    status_fields(summary, dataset, now, failed=None)
    return summary


list_datasets = lister(KIND, "datasets", "ListDatasets", _summary, parent_key="datasetGroupArn")


def update_dataset(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    dataset = get_dataset(backend, params["datasetArn"], now)
    require_active(dataset, now, "Dataset")
    schema = usable_schema(backend, params["schemaArn"], now)
    check_schema_for(schema, dataset.dataset_type, dataset.domain)
    created = backend.clock.stamp_at(now)
    total = backend.duration("dataset_update")
    pending = total * PENDING_SHARE
    # The schema of a finished earlier update is now the one in use.
    dataset.base_schema_arn = dataset.schema_arn(now)
    # Both timelines start at ``now`` so they turn ACTIVE together: a phase that began after
    # ``now`` (a stamp bumped past it) would leave a read straight after this call on ACTIVE.
    dataset.update = DatasetUpdate(schema.arn, created, Timeline.creation(now, pending, total))
    backend.collection(KIND).rewrite(
        dataset, now, [(UPDATE_PENDING, 0.0), (UPDATE_IN_PROGRESS, pending), (ACTIVE, total)]
    )
    return {"datasetArn": dataset.arn}


def _records_into(dataset: Dataset, tracker: Any, now: float) -> bool:
    """An event tracker records into the group's Item interactions dataset (Deleting a dataset)."""
    return dataset.dataset_type == INTERACTIONS


def _references(dataset: Dataset, attribution: Any, now: float) -> bool:
    """Whether a metric attribution references the dataset (Deleting a dataset).

    Choice (docs/choices.md): every metric counts interaction events of its ``eventType``, so a
    metric attribution references the Item interactions dataset always, and the Items dataset
    when one of its metrics adds up an Items column (``SUM(Items.PRICE)``). Metric attributions
    (the events family) live above the data family: read by kind through the store, as
    resources with ``metrics`` whose expressions name columns.
    """
    if dataset.dataset_type == INTERACTIONS:
        return True
    return any(
        (column := expression_column(metric.expression)) is not None and column[0] == dataset.dataset_type
        for metric in attribution.metrics
    )


_WAIT = "is {status}; wait for it to finish"
#: What blocks DeleteDataset, in the order it is checked: the blockers of API_DeleteDataset and
#: of the guide's "Deleting a dataset" page
#: (https://docs.aws.amazon.com/personalize/latest/dg/delete-dataset.html). The models of the
#: group live in families above this one: they are named by kind and read through the store.
BLOCKERS = (
    # Choice (docs/choices.md): export jobs in flight block the delete like import jobs do
    # (the documentation names import jobs; an export reads the dataset the same way).
    Blocker("dataset_import_job", "dataset import job", _WAIT, CREATING),
    Blocker("dataset_export_job", "dataset export job", _WAIT, CREATING),
    # "You must delete all filters before deleting any dataset". Choice (docs/choices.md): here as
    # for every parent/child rule, a filter or event tracker being deleted no longer blocks.
    Blocker(
        "filter",
        "filter",
        "must be deleted first (every filter of the dataset group goes before any dataset)",
        where="siblings",
    ),
    Blocker(
        "event_tracker",
        "event tracker",
        "records into it; delete the event tracker first",
        where="siblings",
        when=_records_into,
    ),
    Blocker(
        "metric_attribution",
        "metric attribution",
        "references it; delete the metric attribution first",
        where="siblings",
        when=_references,
    ),
    # What the group's models are doing with the dataset: solution versions, recommenders and
    # batch inference / segment jobs block while CREATE PENDING or IN_PROGRESS; campaigns
    # while CREATE PENDING, IN_PROGRESS or ACTIVE.
    Blocker(
        "solution",
        "solution",
        statuses=NEVER,
        where="siblings",
        within=(
            Blocker("campaign", "campaign", "is {status}; delete the campaign first", CAMPAIGN_BLOCKING),
            Blocker(
                "solution_version",
                "solution version",
                "is {status}; wait for it to finish or stop it",
                CREATING,
                within=(
                    Blocker("batch_inference_job", "batch inference job", _WAIT, CREATING),
                    Blocker("batch_segment_job", "batch segment job", _WAIT, CREATING),
                ),
            ),
        ),
    ),
    Blocker("recommender", "recommender", _WAIT, CREATING, where="siblings"),
)


def delete_dataset(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    """DeleteDataset: refused while anything of :data:`BLOCKERS` still needs the dataset.

    The dataset itself must be ACTIVE or CREATE FAILED like every resource that is deleted.
    """
    now = backend.clock.time()
    dataset = get_dataset(backend, params["datasetArn"], now)
    require_deletable(dataset, now, "Dataset")
    require_no_blockers(backend, dataset, BLOCKERS, now, "dataset")
    # Choice (docs/choices.md): the dataset's import and export jobs (which have no delete API)
    # go with it, like a solution's versions: not found once the dataset is gone.
    gone_at = start_deletion(backend, dataset, KIND, now, taking=JOB_KINDS)
    # Choice (docs/choices.md): its data goes when it is gone; reads from then on (training,
    # recommendations) no longer see the type's batches, versions trained before keep theirs.
    group_data(backend, dataset.dataset_group_arn).clear_kind(dataset.dataset_type, gone_at)
    return {}
