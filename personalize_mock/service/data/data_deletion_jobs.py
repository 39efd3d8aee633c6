"""Data deletion jobs: Create / Describe / List.

Their statuses are a family of their own (model): PENDING → IN_PROGRESS → COMPLETED or
FAILED, without the CREATE verb. ListDataDeletionJobs is documented newest first. A job
belongs to its dataset group: once the group is gone, so are its jobs (checked on read,
because the group's deletion lives in another module).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import LimitExceededException, ResourceNotFoundException
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import (
    lister,
    require_active,
    require_unused_arn,
    status_fields,
    tags_from,
    work_start,
)
from personalize_mock.service.core.lifecycle import GONE, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource, forget_with
from personalize_mock.service.data.dataset_groups import DatasetGroup, dataset_groups
from personalize_mock.service.data.dataset_import_jobs import s3_data_source

KIND = "data_deletion_job"
ARN_TYPE = "data-deletion-job"
PENDING = "PENDING"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
COMPLETE_FLOW = (PENDING, IN_PROGRESS, COMPLETED)
FAIL_FLOW = (PENDING, IN_PROGRESS, FAILED)


class DataDeletionJob(Resource):
    __slots__ = ("data_source", "group", "role_arn")

    def __init__(
        self, arn: str, name: str, seq: int, created: float, timeline: Timeline, group: DatasetGroup
    ) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.group = group
        self.data_source: dict[str, Any] = {}
        self.role_arn = ""

    def parent_arn(self) -> str:
        return self.group.arn

    def orphaned(self, now: float) -> bool:
        """Whether the job's dataset group (this very group, not a namesake) is gone."""
        return self.group.timeline.status(now) is GONE


def deletion_jobs(backend: RegionBackend) -> Collection[DataDeletionJob]:
    return backend.collection(KIND)


def _forget_jobs(backend: RegionBackend, group_arn: str) -> None:
    # The jobs of a gone group are not found any more (``orphaned``): they go with it.
    deletion_jobs(backend).forget_children(group_arn)


forget_with("dataset_group", _forget_jobs)


def _find(backend: RegionBackend, arn: str, now: float) -> DataDeletionJob | None:
    collection = deletion_jobs(backend)
    job = collection.find(arn, now)
    if job is not None and job.orphaned(now):
        collection.forget(job)
        return None
    return job


def _timeline(backend: RegionBackend, start: float) -> tuple[Timeline, str | None]:
    total = backend.duration(KIND)
    reason = backend.faults.take_failure(KIND)
    flow = FAIL_FLOW if reason is not None else COMPLETE_FLOW
    begin = work_start(backend, start)
    return Timeline(flow, (begin, begin + total * PENDING_SHARE, begin + total)), reason


def create_data_deletion_job(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = deletion_jobs(backend)
    arn = backend.arn(ARN_TYPE, params["jobName"])
    _find(backend, arn, now)  # forgets a namesake whose dataset group is gone
    require_unused_arn(collection, arn, now)
    group = dataset_groups(backend).get(params["datasetGroupArn"], now)
    require_active(group, now, "Dataset group")
    data_source = s3_data_source(params["dataSource"])
    limit = backend.quota("data_deletion_jobs_pending_per_dataset_group")
    if collection.in_flight_reaches(
        now, lambda job: job.group is group and job.status(now) == PENDING, limit
    ):
        raise LimitExceededException(
            f"Cannot create a data deletion job. More than {limit} data deletion jobs with PENDING status "
            f"in dataset group {group.arn}."
        )
    tags = tags_from(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = _timeline(backend, created)
    job = DataDeletionJob(arn, params["jobName"], backend.next_seq(), created, timeline, group)
    job.failure_reason = reason
    job.data_source = data_source
    job.role_arn = params["roleArn"]
    job.tags = tags
    collection.add(job, now)
    return {"dataDeletionJobArn": arn}


def _summary(job: DataDeletionJob, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "dataDeletionJobArn": job.arn,
        "datasetGroupArn": job.group.arn,
        "jobName": job.name,
    }
    status_fields(summary, job, now, failed=FAILED)
    return summary


def describe_data_deletion_job(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    # Found through _find rather than a describer: a job whose dataset group is gone is gone.
    now = backend.clock.time()
    arn = params["dataDeletionJobArn"]
    job = _find(backend, arn, now)
    if job is None:
        raise ResourceNotFoundException(f"Resource Arn {arn} does not exist.")
    detail = _summary(job, now)
    detail["dataSource"] = job.data_source
    detail["roleArn"] = job.role_arn
    if detail["status"] == COMPLETED:
        # Choice (docs/choices.md): the mock keeps no user records, so a job deletes nothing.
        detail["numDeleted"] = 0
    return {"dataDeletionJob": detail}


def _listed(job: DataDeletionJob, now: float) -> bool:
    return not job.orphaned(now)


list_data_deletion_jobs = lister(
    KIND,
    "dataDeletionJobs",
    "ListDataDeletionJobs",
    _summary,
    parent_key="datasetGroupArn",
    keep=_listed,
    newest_first=True,
)
