"""Dataset export jobs: Create / Describe / List (no delete API; statuses as import jobs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.common import (
    describer,
    lister,
    new_timeline,
    require_active,
    require_unused_arn,
    status_fields,
    tags_from,
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
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    job = DatasetExportJob(arn, params["jobName"], backend.next_seq(), created, timeline)
    job.failure_reason = reason
    job.dataset_arn = dataset.arn
    job.ingestion_mode = params.get("ingestionMode", DEFAULT_INGESTION_MODE)
    job.role_arn = params["roleArn"]
    job.job_output = job_output
    job.tags = tags
    collection.add(job, now)
    return {"datasetExportJobArn": arn}


def _summary(job: DatasetExportJob, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"datasetExportJobArn": job.arn, "jobName": job.name}
    status_fields(summary, job, now)
    return summary


def _detail(job: DatasetExportJob, now: float) -> dict[str, Any]:
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
    status_fields(detail, job, now, status)
    return detail


describe_dataset_export_job = describer(KIND, "datasetExportJobArn", "datasetExportJob", _detail)


list_dataset_export_jobs = lister(
    KIND, "datasetExportJobs", "ListDatasetExportJobs", _summary, parent_key="datasetArn"
)
