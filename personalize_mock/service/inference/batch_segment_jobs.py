"""Batch segment jobs: Create / Describe / List (there is no delete API).

Only USER_SEGMENTATION solutions (aws-item-affinity, aws-item-attribute-affinity) produce
user segments. Shared rules live in :mod:`personalize_mock.service.inference.batch_jobs`. As for batch
inference, with moto active the input (``{"itemId": …}`` or ``{"itemAttributes": …}`` lines) is
read at creation and the segments written when the job is ACTIVE
(:mod:`personalize_mock.service.inference.batch_output`); a missing input object or output bucket makes
the job end CREATE FAILED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.common import describer, lister, require_unused_arn, tags_from
from personalize_mock.service.core.lifecycle import ACTIVE
from personalize_mock.service.core.store import Collection, RegionBackend
from personalize_mock.service.inference import batch_output
from personalize_mock.service.inference.batch_jobs import (
    USER_SEGMENTATION,
    BatchJob,
    check_in_flight,
    detail_fields,
    fill,
    job_timeline,
    num_results,
    summary_fields,
    usable_filter,
    usable_version,
)
from personalize_mock.service.inference.filter_expressions import USER_ID
from personalize_mock.service.training.recommendation_engine import version_training

KIND = "batch_segment_job"
ARN_TYPE = "batch-segment-job"
#: "The maximum number of users per segment is 5 million" [M CreateBatchSegmentJob.numResults].
MAX_NUM_RESULTS = 5_000_000
#: The recipe whose input lines hold item attributes rather than item ids.
ATTRIBUTE_AFFINITY = "aws-item-attribute-affinity"


class BatchSegmentJob(BatchJob):
    __slots__ = ()


def batch_segment_jobs(backend: RegionBackend) -> Collection[BatchSegmentJob]:
    return backend.collection(KIND)


def create_batch_segment_job(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = batch_segment_jobs(backend)
    arn = backend.arn(ARN_TYPE, params["jobName"])
    require_unused_arn(collection, arn, now)
    version, recipe = usable_version(backend, params["solutionVersionArn"], now)
    if recipe.category != USER_SEGMENTATION:
        raise InvalidInputException(
            f"Batch segment jobs need a solution version of a USER_SEGMENTATION recipe "
            f"(aws-item-affinity, aws-item-attribute-affinity); this one uses {recipe.name} "
            f"({recipe.category}): use CreateBatchInferenceJob."
        )
    usable_filter(backend, params.get("filterArn"), version, USER_ID, now)
    count = num_results(params, MAX_NUM_RESULTS)
    check_in_flight(backend, collection, "batch_segment_jobs_in_flight", now)
    tags = tags_from(backend, params)
    attributes = recipe.name == ATTRIBUTE_AFFINITY
    files, file_failure = batch_output.check_files(backend, params)
    if file_failure is None and files is not None and attributes:
        file_failure = batch_output.too_many_queries(files)
    created = backend.clock.stamp_at(now)
    timeline, reason = job_timeline(backend, KIND, created, file_failure)
    job = BatchSegmentJob(arn, params["jobName"], backend.next_seq(), created, timeline)
    job.failure_reason = reason
    fill(job, params, version, count)
    job.tags = tags
    collection.add(job, now)
    if files is not None and timeline.final_status == ACTIVE:
        batch_output.plan_segments(backend, job, files, version_training(version), attributes=attributes)
    return {"batchSegmentJobArn": arn}


def _summary(job: BatchSegmentJob, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"batchSegmentJobArn": job.arn}
    summary_fields(summary, job, now)
    return summary


def _detail(job: BatchSegmentJob, now: float) -> dict[str, Any]:
    detail = _summary(job, now)
    detail_fields(detail, job)
    return detail


describe_batch_segment_job = describer(KIND, "batchSegmentJobArn", "batchSegmentJob", _detail)


list_batch_segment_jobs = lister(
    KIND,
    "batchSegmentJobs",
    "ListBatchSegmentJobs",
    _summary,
    parent_key="solutionVersionArn",
)
