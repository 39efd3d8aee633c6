"""Batch inference jobs: Create / Describe / List (there is no delete API).

Shared rules (solution version, filter, in-flight quota, statuses) live in
:mod:`personalize_mock.service.inference.batch_jobs`. With moto active the input is read at creation and
the output written when the job is ACTIVE (:mod:`personalize_mock.service.inference.batch_output`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.common import describer, lister, require_unused_arn, tags_from
from personalize_mock.service.core.exploration_config import check_item_exploration
from personalize_mock.service.core.lifecycle import ACTIVE, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend
from personalize_mock.service.inference import batch_output
from personalize_mock.service.inference.auto_updates import updated_training
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
from personalize_mock.service.inference.filter_expressions import ITEM_ID
from personalize_mock.service.training.catalogue import POPULAR_ITEMS, Recipe
from personalize_mock.service.training.recommendation_engine import version_training

KIND = "batch_inference_job"
ARN_TYPE = "batch-inference-job"
BATCH_INFERENCE = "BATCH_INFERENCE"
THEME_GENERATION = "THEME_GENERATION"
#: Recipes without batch recommendations [M CreateBatchInferenceJob doc].
NO_BATCH_RECIPES = frozenset({"aws-trending-now", "aws-next-best-action"})
#: Themes come from Content Generator, for Similar-Items solutions only [M, DG themed batch].
THEME_RECIPE = "aws-similar-items"
#: The developer guide's maximum number of recommendations per input line.
MAX_NUM_RESULTS = 500


class BatchInferenceJob(BatchJob):
    __slots__ = ("config", "mode", "theme_config")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.config: dict[str, Any] | None = None
        self.mode = BATCH_INFERENCE
        self.theme_config: dict[str, Any] | None = None


def batch_inference_jobs(backend: RegionBackend) -> Collection[BatchInferenceJob]:
    return backend.collection(KIND)


def _check_recipe(recipe: Recipe, mode: str, theme_config: Mapping[str, Any] | None) -> None:
    if recipe.name in NO_BATCH_RECIPES:
        raise InvalidInputException(f"Batch recommendations are not available for the {recipe.name} recipe.")
    if recipe.category == USER_SEGMENTATION:
        raise InvalidInputException(
            f"Solution versions of the {recipe.name} recipe (USER_SEGMENTATION) produce user segments: "
            "use CreateBatchSegmentJob."
        )
    # Choice (docs/choices.md): the theme settings must agree with the mode, and themes need
    # a Similar-Items solution; anything else is InvalidInputException.
    if mode == THEME_GENERATION:
        if recipe.name != THEME_RECIPE:
            raise InvalidInputException(
                f"batchInferenceJobMode THEME_GENERATION requires a solution version of the {THEME_RECIPE} "
                f"recipe; this one uses {recipe.name}."
            )
        if theme_config is None:
            raise InvalidInputException(
                "batchInferenceJobMode THEME_GENERATION requires themeGenerationConfig."
            )
    elif theme_config is not None:
        raise InvalidInputException(
            "themeGenerationConfig can only be given with batchInferenceJobMode THEME_GENERATION."
        )


def create_batch_inference_job(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = batch_inference_jobs(backend)
    arn = backend.arn(ARN_TYPE, params["jobName"])
    require_unused_arn(collection, arn, now)
    check_item_exploration(params.get("batchInferenceJobConfig"), "batchInferenceJobConfig")
    version, recipe = usable_version(backend, params["solutionVersionArn"], now)
    mode = params.get("batchInferenceJobMode", BATCH_INFERENCE)
    theme_config = params.get("themeGenerationConfig")
    _check_recipe(recipe, mode, theme_config)
    usable_filter(backend, params.get("filterArn"), version, ITEM_ID, now)
    count = num_results(params, MAX_NUM_RESULTS)
    check_in_flight(backend, collection, "batch_inference_jobs_in_flight", now)
    tags = tags_from(backend, params)
    files, file_failure = batch_output.check_files(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = job_timeline(backend, KIND, created, file_failure)
    job = BatchInferenceJob(arn, params["jobName"], backend.next_seq(), created, timeline)
    job.failure_reason = reason
    fill(job, params, version, count)
    job.config = params.get("batchInferenceJobConfig")
    job.mode = mode
    job.theme_config = theme_config
    job.tags = tags
    collection.add(job, now)
    if files is not None and timeline.final_status == ACTIVE:
        popular = version.solution.training_recipe().category == POPULAR_ITEMS
        # A job reads the model as of its start (the latest automatic update, if the recipe has them).
        recipe_name = version.solution.training_recipe().name
        training = updated_training(backend, version_training(version), recipe_name, now)
        batch_output.plan_output(backend, job, files, training, popular=popular)
    return {"batchInferenceJobArn": arn}


def _summary(job: BatchInferenceJob, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"batchInferenceJobArn": job.arn}
    summary_fields(summary, job, now)
    summary["batchInferenceJobMode"] = job.mode
    return summary


def _detail(job: BatchInferenceJob, now: float) -> dict[str, Any]:
    detail = _summary(job, now)
    detail_fields(detail, job)
    if job.config is not None:
        detail["batchInferenceJobConfig"] = job.config
    if job.theme_config is not None:
        detail["themeGenerationConfig"] = job.theme_config
    return detail


describe_batch_inference_job = describer(KIND, "batchInferenceJobArn", "batchInferenceJob", _detail)


list_batch_inference_jobs = lister(
    KIND,
    "batchInferenceJobs",
    "ListBatchInferenceJobs",
    _summary,
    parent_key="solutionVersionArn",
)
