"""Dataset export jobs: Create / Describe / List (no delete API; statuses as import jobs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.common import (
    failure,
    list_output,
    new_timeline,
    require_active,
    require_unused_arn,
    tags_from,
    timestamps,
)
from personalize_mock.service.core.lifecycle import Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.data.datasets import get_dataset

KIND = "dataset_export_job"
ARN_TYPE = "dataset-export-job"
#: The model's documented default: export only the data imported with PutEvents/PutItems/….
DEFAULT_INGESTION_MODE = "PUT"


class DatasetExportJob(Resource):
    __slots__ = ("dataset_arn", "ingestion_mode", "job_output", "role_arn")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_arn = ""
        self.ingestion_mode = DEFAULT_INGESTION_MODE
        self.role_arn = ""
        self.job_output: dict[str, Any] = {}

    def parent_arn(self) -> str:
        return self.dataset_arn


def export_jobs(backend: RegionBackend) -> Collection[DatasetExportJob]:
    return backend.collection(KIND)


def _job_output(given: Mapping[str, Any]) -> dict[str, Any]:
    destination = given["s3DataDestination"]
    path = destination["path"]
    # Choice (docs/choices.md): as for imports, only s3:// destinations are accepted.
    if not path.startswith("s3://"):
        raise InvalidInputException(f"jobOutput.s3DataDestination.path must be an s3:// path, got {path!r}.")
    return {"s3DataDestination": dict(destination)}


def create_dataset_export_job(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = export_jobs(backend)
    arn = backend.arn(ARN_TYPE, params["jobName"])
    require_unused_arn(collection, arn, now)
    dataset = get_dataset(backend, params["datasetArn"], now)
    require_active(dataset, now, "Dataset")
    job_output = _job_output(params["jobOutput"])
    tags = tags_from(backend, params)
    created = backend.clock.stamp()
    timeline, reason = new_timeline(backend, KIND, created)
    job = DatasetExportJob(arn, params["jobName"], backend.next_seq(), created, timeline)
    job.failure_reason = reason
    job.dataset_arn = dataset.arn
    job.ingestion_mode = params.get("ingestionMode", DEFAULT_INGESTION_MODE)
    job.role_arn = params["roleArn"]
    job.job_output = job_output
    job.tags = tags
    collection.add(job)
    return {"datasetExportJobArn": arn}


def _summary(job: DatasetExportJob, now: float) -> dict[str, Any]:
    status = job.status(now)
    summary: dict[str, Any] = {"datasetExportJobArn": job.arn, "jobName": job.name, "status": status}
    summary.update(timestamps(job, now))
    summary.update(failure(job, status))
    return summary


def describe_dataset_export_job(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    job = export_jobs(backend).get(params["datasetExportJobArn"], now)
    status = job.status(now)
    detail: dict[str, Any] = {
        "jobName": job.name,
        "datasetExportJobArn": job.arn,
        "datasetArn": job.dataset_arn,
        "ingestionMode": job.ingestion_mode,
        "roleArn": job.role_arn,
        "status": status,
        "jobOutput": job.job_output,
    }
    detail.update(timestamps(job, now))
    detail.update(failure(job, status))
    return {"datasetExportJob": detail}


def list_dataset_export_jobs(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    dataset_arn = params.get("datasetArn")
    listing = f"ListDatasetExportJobs|{dataset_arn or ''}"
    return list_output(
        "datasetExportJobs", export_jobs(backend), params, listing, _summary, now, parent=dataset_arn
    )
