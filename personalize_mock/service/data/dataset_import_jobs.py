"""Dataset import jobs: Create / Describe / List (there is no delete API, behaviour reference §3.2).

A job runs CREATE PENDING → CREATE IN_PROGRESS → ACTIVE (or CREATE FAILED) and counts against
the region's in-flight quota meanwhile. Each job is also recorded on its dataset, so
``Dataset.last_data_change`` can tell when data last arrived.

A job that will end ACTIVE adds its rows to the dataset group's data store
(:mod:`personalize_mock.service.data.data_store`) as a batch visible from the moment the job is
ACTIVE. The file is read at CreateDatasetImportJob time when moto answers S3 in process
(:mod:`personalize_mock.service.s3_access`): a missing object or a file that does not fit
the schema (:mod:`personalize_mock.service.data.dataset_files`) makes the job end CREATE FAILED
with the reason. Without moto nothing is read and the batch is *opaque*: data of that type
is known to exist, its rows are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException, LimitExceededException
from personalize_mock.service.core import s3_access
from personalize_mock.service.core.common import (
    describer,
    in_flight_message,
    lister,
    new_timeline,
    require_active,
    require_unused_arn,
    status_fields,
    tags_from,
)
from personalize_mock.service.core.lifecycle import ACTIVE, CREATE_FAIL_FLOW, CREATING, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.data.data_store import BULK, Batch, Record, group_data
from personalize_mock.service.data.dataset_files import DataFileError, parse_csv, schema_fields
from personalize_mock.service.data.datasets import Dataset, get_dataset
from personalize_mock.service.data.schemas import schemas

KIND = "dataset_import_job"
ARN_TYPE = "dataset-import-job"
FULL = "FULL"
CSV_SUFFIX = ".csv"


class DatasetImportJob(Resource):
    __slots__ = ("data_source", "dataset_arn", "import_mode", "publish_metrics", "role_arn")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_arn = ""
        self.data_source: dict[str, Any] = {}
        self.role_arn: str | None = None
        self.import_mode = FULL
        self.publish_metrics: bool | None = None

    def parent_arn(self) -> str:
        return self.dataset_arn


def import_jobs(backend: RegionBackend) -> Collection[DatasetImportJob]:
    return backend.collection(KIND)


def s3_data_source(source: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``dataSource``; ``InvalidInputException`` unless it names an S3 location."""
    location = source.get("dataLocation")
    if not location:
        raise InvalidInputException("dataSource.dataLocation is required: the S3 path of the data.")
    # Choice (docs/choices.md): the model's pattern also admits http(s)://, but the service reads
    # only from Amazon S3, so anything but s3:// is refused.
    if not location.startswith("s3://"):
        raise InvalidInputException(f"dataSource.dataLocation must be an s3:// path, got {location!r}.")
    return dict(source)


def create_dataset_import_job(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = import_jobs(backend)
    arn = backend.arn(ARN_TYPE, params["jobName"])
    require_unused_arn(collection, arn, now)
    dataset = get_dataset(backend, params["datasetArn"], now)
    require_active(dataset, now, "Dataset")
    data_source = s3_data_source(params["dataSource"])
    limit = backend.quota("dataset_import_jobs_in_flight")
    if collection.in_flight_reaches(now, lambda job: job.status(now) in CREATING, limit):
        raise LimitExceededException(in_flight_message(limit))
    tags = tags_from(backend, params)
    # Choice (docs/choices.md): read once, now, after every synchronous check; rows visible when ACTIVE.
    records, file_failure = read_import(backend, dataset, data_source["dataLocation"], now)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    if reason is None and file_failure is not None:
        reason = file_failure
        timeline = Timeline(CREATE_FAIL_FLOW, timeline.starts)
    job = DatasetImportJob(arn, params["jobName"], backend.next_seq(), created, timeline)
    job.failure_reason = reason
    job.dataset_arn = dataset.arn
    job.data_source = data_source
    job.role_arn = params.get("roleArn")
    job.import_mode = params.get("importMode", FULL)
    job.publish_metrics = params.get("publishAttributionMetricsToS3")
    job.tags = tags
    collection.add(job, now)
    dataset.imports.append(job)
    if timeline.final_status == ACTIVE:
        group_data(backend, dataset.dataset_group_arn).add(
            Batch(
                kind=dataset.dataset_type,
                visible_at=timeline.settles_at,
                source=BULK,
                records=records or (),
                opaque=records is None,
                origin=arn,
                replaces_bulk=job.import_mode == FULL,
            )
        )
    return {"datasetImportJobArn": arn}


def read_import(
    backend: RegionBackend, dataset: Dataset, location: str, now: float
) -> tuple[list[Record] | None, str | None]:
    """(rows, failure reason) of the file(s) at ``location`` for ``dataset``.

    Rows are ``None`` when the data cannot be read in process (no moto: the batch is
    opaque). A ``location`` ending in ``/`` is a prefix: every ``.csv`` object under it is
    read, in key order. Choice (docs/choices.md): so is ``s3://bucket/folder`` (no ``/``) when
    no object has that key but objects lie under ``folder/``.
    """
    try:
        objects = s3_access.read_objects(backend.region, location, suffix=CSV_SUFFIX, folder_fallback=True)
    except s3_access.Unreadable:
        return None, None
    except s3_access.NotFound:
        if location.endswith("/"):
            # Choice (docs/choices.md): an empty prefix fails like a missing object.
            return None, f"Could not find any {CSV_SUFFIX} object under {location}."
        return None, f"Could not find the object {location}."
    # The dataset is ACTIVE, so its schema exists: DeleteSchema refuses a schema in use.
    schema = schemas(backend).get(dataset.schema_arn(now), now)
    fields = schema_fields(schema.text)
    rows: list[Record] = []
    try:
        for source, body in objects:
            rows.extend(parse_csv(body, fields, source))
    except DataFileError as error:
        return None, str(error)
    return rows, None


def _summary(job: DatasetImportJob, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"datasetImportJobArn": job.arn, "jobName": job.name}
    status_fields(summary, job, now)
    summary["importMode"] = job.import_mode
    return summary


def _detail(job: DatasetImportJob, now: float) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "jobName": job.name,
        "datasetImportJobArn": job.arn,
        "datasetArn": job.dataset_arn,
        "dataSource": job.data_source,
    }
    if job.role_arn:
        detail["roleArn"] = job.role_arn
    status_fields(detail, job, now)
    detail["importMode"] = job.import_mode
    if job.publish_metrics is not None:
        detail["publishAttributionMetricsToS3"] = job.publish_metrics
    return detail


describe_dataset_import_job = describer(KIND, "datasetImportJobArn", "datasetImportJob", _detail)


list_dataset_import_jobs = lister(
    KIND, "datasetImportJobs", "ListDatasetImportJobs", _summary, parent_key="datasetArn"
)
