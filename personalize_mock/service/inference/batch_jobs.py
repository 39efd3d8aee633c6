"""What batch inference jobs and batch segment jobs share: the stored job, the checks on
the solution version and filter they use, the in-flight quota, and the common output fields.

Both kinds are listed under their solution version (ListBatch*Jobs(solutionVersionArn)) and
have no delete API. The model documents their statuses as ``PENDING``, ``IN PROGRESS``,
``ACTIVE``, ``CREATE FAILED``, but the real service reports ``CREATE PENDING`` →
``CREATE IN_PROGRESS`` → ``ACTIVE`` / ``CREATE FAILED`` (behaviour reference §3.2, §10.2),
so they use the ordinary creation flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException, LimitExceededException, ResourceInUseException
from personalize_mock.service.core.common import in_flight_message, new_timeline, status_fields
from personalize_mock.service.core.lifecycle import ACTIVE, CREATE_FAIL_FLOW, CREATING, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.inference.filters import Filter, get_filter
from personalize_mock.service.training.catalogue import Recipe
from personalize_mock.service.training.solution_versions import SolutionVersion, versions

USER_SEGMENTATION = "USER_SEGMENTATION"
DEFAULT_NUM_RESULTS = 25


class BatchJob(Resource):
    """A batch job: its inputs are echoed by Describe* exactly as given."""

    __slots__ = ("filter_arn", "job_input", "job_output", "num_results", "role_arn", "solution_version_arn")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.solution_version_arn = ""
        self.filter_arn: str | None = None
        self.num_results = DEFAULT_NUM_RESULTS
        self.job_input: dict[str, Any] = {}
        self.job_output: dict[str, Any] = {}
        self.role_arn = ""

    def parent_arn(self) -> str:
        return self.solution_version_arn


def usable_version(backend: RegionBackend, arn: str, now: float) -> tuple[SolutionVersion, Recipe]:
    """The ACTIVE solution version ``arn`` and the recipe it was trained with.

    ``ResourceNotFoundException`` if it does not exist, ``ResourceInUseException`` unless ACTIVE.
    """
    version = versions(backend).get(arn, now)
    status = version.status(now)
    if status != ACTIVE:
        raise ResourceInUseException(
            f"Solution version {arn} is in {status} state; batch jobs need an ACTIVE solution version."
        )
    return version, version.solution.training_recipe()


def usable_filter(
    backend: RegionBackend, arn: str | None, version: SolutionVersion, target: str, now: float
) -> Filter | None:
    """The filter ``arn`` (if given) after checking it can filter this job's output.

    ``ResourceNotFoundException`` if it does not exist; ``ResourceInUseException`` unless it
    is ACTIVE; ``InvalidInputException`` if it belongs to another dataset group or filters
    something other than ``target`` (ItemID for recommendations, UserID for segments).
    """
    if not arn:
        return None
    item = get_filter(backend, arn, now)
    status = item.status(now)
    if status != ACTIVE:
        raise ResourceInUseException(f"Filter {arn} is in {status} state; it must be ACTIVE to be used.")
    group_arn = version.solution.dataset_group_arn
    # Choice (docs/choices.md): a filter must come from the solution's dataset group and
    # select what the job produces; both are InvalidInputException.
    if item.dataset_group_arn != group_arn:
        raise InvalidInputException(
            f"Filter {arn} belongs to dataset group {item.dataset_group_arn}, not to the solution "
            f"version's dataset group {group_arn}."
        )
    if item.rules.target != target:
        raise InvalidInputException(
            f"Filter {arn} filters {item.rules.target}s; this job needs a filter on {target}."
        )
    return item


def num_results(params: Mapping[str, Any], maximum: int) -> int:
    """``numResults`` (default 25); ``InvalidInputException`` outside 1..``maximum``."""
    value = params.get("numResults")
    if value is None:
        return DEFAULT_NUM_RESULTS
    if not 1 <= value <= maximum:
        raise InvalidInputException(f"numResults must be between 1 and {maximum}; got {value}.")
    return int(value)


def check_in_flight(backend: RegionBackend, collection: Collection[Any], quota_key: str, now: float) -> None:
    """``LimitExceededException`` when the region already has the most jobs in flight."""
    limit = backend.quota(quota_key)
    if collection.in_flight_reaches(now, lambda job: job.status(now) in CREATING, limit):
        raise LimitExceededException(in_flight_message(limit))


def job_timeline(
    backend: RegionBackend, kind: str, created: float, file_failure: str | None
) -> tuple[Timeline, str | None]:
    """A new job's creation phases and failure reason: an injected failure, else ``file_failure``.

    A job that fails for its files runs the ordinary phases and ends CREATE FAILED, as an
    injected failure does.
    """
    timeline, reason = new_timeline(backend, kind, created)
    if reason is None and file_failure is not None:
        reason = file_failure
        timeline = Timeline(CREATE_FAIL_FLOW, timeline.starts)
    return timeline, reason


def fill(job: BatchJob, params: Mapping[str, Any], version: SolutionVersion, count: int) -> None:
    """Copy the request fields both kinds share onto ``job``."""
    job.solution_version_arn = version.arn
    job.filter_arn = params.get("filterArn") or None
    job.num_results = count
    job.job_input = params["jobInput"]
    job.job_output = params["jobOutput"]
    job.role_arn = params["roleArn"]


def summary_fields(fields: dict[str, Any], job: BatchJob, now: float) -> None:
    """Add the fields of both summaries after the ARN: name, status, times, failure, version."""
    fields["jobName"] = job.name
    status_fields(fields, job, now)
    fields["solutionVersionArn"] = job.solution_version_arn


def detail_fields(fields: dict[str, Any], job: BatchJob) -> None:
    """Add the request fields both Describe outputs echo."""
    if job.filter_arn is not None:
        fields["filterArn"] = job.filter_arn
    fields["solutionVersionArn"] = job.solution_version_arn
    fields["numResults"] = job.num_results
    fields["jobInput"] = job.job_input
    fields["jobOutput"] = job.job_output
    fields["roleArn"] = job.role_arn
