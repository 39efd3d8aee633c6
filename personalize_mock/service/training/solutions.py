"""Solutions: Create / Describe / List / Update / Delete.

A solution is ACTIVE at once by default (real pipelines call CreateSolutionVersion straight
after CreateSolution, behaviour reference §11.1). UpdateSolution runs its own small
lifecycle reported in ``latestSolutionUpdate``; its settings take effect when it is ACTIVE.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial
from typing import Any

from personalize_mock.errors import InvalidInputException, ResourceInUseException, ResourceNotFoundException
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import (
    Blocker,
    check_quota,
    lister,
    new_timeline,
    require_active,
    require_deletable,
    require_no_blockers,
    require_unused_arn,
    start_deletion,
    status_fields,
    tags_from,
    work_start,
)
from personalize_mock.service.core.lifecycle import (
    CREATING,
    DELETING,
    GONE,
    IN_FLIGHT,
    TERMINAL,
    Timeline,
)
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.dataset_groups import get_dataset_group
from personalize_mock.service.training import auto_training
from personalize_mock.service.training.catalogue import RECIPES, Recipe, find_recipe
from personalize_mock.service.training.hyperparameters import check_hpo_config
from personalize_mock.service.training.solution_model import (
    ARN_TYPE,
    AUTOML_EVALUATED,
    KIND,
    SEMANTIC_SIMILARITY,
    Solution,
    SolutionUpdate,
    get_solution,
    solutions,
)
from personalize_mock.service.training.solution_versions import KIND as VERSION_KIND
from personalize_mock.service.training.solution_versions import latest_version_summary

#: What blocks DeleteSolution, after its own update (see :func:`delete_solution`): its
#: campaigns until their deletion has started, and its versions while training or stopping.
BLOCKERS = (
    Blocker("campaign", "campaign"),
    Blocker(VERSION_KIND, "solution version", "is {status}; stop it or wait for it to finish", IN_FLIGHT),
)


def _recipe(backend: RegionBackend, arn: str) -> Recipe:
    recipe = find_recipe(arn)
    if recipe is None:
        raise ResourceNotFoundException(f"Resource Arn {arn} does not exist.")
    if recipe.domain is not None:
        raise InvalidInputException(
            f"Recipe {arn} is a domain recipe (use case); it can only be used to create a recommender."
        )
    return recipe


def _choose_recipe(backend: RegionBackend, params: Mapping[str, Any]) -> Recipe:
    automl = bool(params.get("performAutoML"))
    recipe_arn = params.get("recipeArn")
    if automl and recipe_arn:
        raise InvalidInputException("recipeArn must not be specified when performAutoML is true.")
    if not automl and not recipe_arn:
        raise InvalidInputException("recipeArn is required when performAutoML is false.")
    if recipe_arn:
        return _recipe(backend, recipe_arn)
    candidates = ((params.get("solutionConfig") or {}).get("autoMLConfig") or {}).get("recipeList") or []
    chosen = [_recipe(backend, arn) for arn in candidates]
    for recipe in chosen:
        if recipe.category != "USER_PERSONALIZATION":
            raise InvalidInputException(
                f"AutoML chooses among USER_PERSONALIZATION recipes; {recipe.name} is {recipe.category}."
            )
    if chosen:
        # AutoML's pick is not observable before training; the mock picks the first listed.
        return chosen[0]
    return _recipe(backend, f"arn:{backend.partition}:personalize:::recipe/aws-user-personalization")


def _check_incremental(recipe: Recipe, perform_incremental_update: bool) -> None:
    if perform_incremental_update and recipe.name != SEMANTIC_SIMILARITY:
        raise InvalidInputException(
            f"performIncrementalUpdate is supported only for solutions that use the {SEMANTIC_SIMILARITY} "
            f"recipe; this solution uses {recipe.name}."
        )


def _recipes_with(flag: str) -> str:
    names = [recipe.name for recipe in RECIPES if getattr(recipe, flag)]
    return " or ".join(names)


def _check_events_config(events: Mapping[str, Any], recipe: Recipe, where: str, *, evaluated: bool) -> None:
    """One entry per event type; only the recipes the developer guide names (when evaluated)."""
    seen: set[str] = set()
    for entry in events.get("eventParametersList") or ():
        event_type = entry.get("eventType")
        if not event_type:
            raise InvalidInputException(
                f"Every entry of {where}.eventsConfig.eventParametersList needs an eventType."
            )
        if event_type in seen:
            raise InvalidInputException(
                f"{where}.eventsConfig.eventParametersList lists event type {event_type!r} more than once."
            )
        seen.add(event_type)
    if evaluated and not recipe.supports_events_config:
        raise InvalidInputException(
            f"{where}.eventsConfig is supported only for solutions that use the "
            f"{_recipes_with('supports_events_config')} recipe; this solution uses {recipe.name}."
        )


def _check_objective(objective: Mapping[str, Any], recipe: Recipe, *, evaluated: bool) -> None:
    """An item attribute to optimize for, and only on the recipes the developer guide names."""
    if not objective.get("itemAttribute"):
        raise InvalidInputException("solutionConfig.optimizationObjective needs an itemAttribute.")
    if evaluated and not recipe.supports_optimization_objective:
        raise InvalidInputException(
            "solutionConfig.optimizationObjective is supported only for solutions that use the "
            f"{_recipes_with('supports_optimization_objective')} recipe; this solution uses {recipe.name}."
        )


def _check_solution_config(
    config: Mapping[str, Any] | None, recipe: Recipe, *, where: str = "solutionConfig", evaluated: bool = True
) -> None:
    """Refuse a configuration no training could use (``InvalidInputException``), before any change.

    Values are checked whatever the solution; with ``evaluated=False`` (the sections AutoML
    does not evaluate) what depends on the recipe is not.
    """
    config = config or {}
    expression = (config.get("autoTrainingConfig") or {}).get("schedulingExpression")
    if expression is not None:
        auto_training.interval_days(expression)
    threshold = config.get("eventValueThreshold")
    if threshold is not None:
        # Choice (docs/choices.md): the model types it as a string; text that is not a finite
        # number is refused here rather than silently training without a threshold.
        try:
            number = float(threshold)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise InvalidInputException(f"solutionConfig.eventValueThreshold {threshold!r} is not a number.")
    check_hpo_config(config)
    events = config.get("eventsConfig")
    if events is not None:
        _check_events_config(events, recipe, where, evaluated=evaluated)
    objective = config.get("optimizationObjective")
    if objective is not None:
        _check_objective(objective, recipe, evaluated=evaluated)


def create_solution(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    arn = backend.arn(ARN_TYPE, params["name"])
    collection = solutions(backend)
    require_unused_arn(collection, arn, now)
    group = get_dataset_group(backend, params["datasetGroupArn"])
    require_active(group, now, "Dataset group")
    recipe = _choose_recipe(backend, params)
    incremental = bool(params.get("performIncrementalUpdate", False))
    _check_incremental(recipe, incremental)
    automl = bool(params.get("performAutoML", False))
    config = params.get("solutionConfig")
    _check_solution_config(config, recipe, evaluated=not automl)
    limit = backend.quota("solutions_per_dataset_group")
    check_quota(
        collection.count_undeleted(group.arn),
        limit,
        f"Cannot create a solution. More than {limit} solutions in dataset group {group.arn}.",
    )
    tags = tags_from(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    solution = Solution(arn, params["name"], backend.next_seq(), created, timeline)
    solution.failure_reason = reason
    solution.dataset_group_arn = group.arn
    solution.recipe = recipe
    solution.recipe_arn = recipe_arn(backend, recipe)
    # "When performing AutoML, this parameter is always true" (CreateSolution docs): an
    # explicit performHPO=false with AutoML is reported as true, not refused.
    solution.perform_hpo = bool(params.get("performHPO", False)) or automl
    solution.perform_automl = automl
    solution.perform_auto_training = bool(params.get("performAutoTraining", True))
    solution.perform_incremental_update = incremental
    solution.event_type = params.get("eventType")
    solution.solution_config = config
    if automl and config is not None:
        solution.unevaluated = frozenset(config) - AUTOML_EVALUATED
    solution.tags = tags
    collection.add(solution, now)
    auto_training.plan_first_run(backend, solution)
    return {"solutionArn": arn}


def _update_summary(update: SolutionUpdate, now: float) -> dict[str, Any]:
    status = update.timeline.status(now)
    summary: dict[str, Any] = {"status": status}
    if update.config is not None:
        summary["solutionUpdateConfig"] = update.config
    if update.perform_auto_training is not None:
        summary["performAutoTraining"] = update.perform_auto_training
    if update.perform_incremental_update is not None:
        summary["performIncrementalUpdate"] = update.perform_incremental_update
    status_fields(summary, update, now, status)
    return summary


def describe_solution(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    # Not a describer: the detail reads the solution's versions in the backend.
    now = backend.clock.time()
    solution = get_solution(backend, params["solutionArn"], now)
    detail: dict[str, Any] = {
        "name": solution.name,
        "solutionArn": solution.arn,
        "performHPO": solution.perform_hpo,
        "performAutoML": solution.perform_automl,
        "performAutoTraining": solution.perform_auto_training,
        "performIncrementalUpdate": solution.perform_incremental_update,
        "recipeArn": solution.recipe_arn,
        "datasetGroupArn": solution.dataset_group_arn,
    }
    if solution.event_type is not None:
        detail["eventType"] = solution.event_type
    if solution.solution_config is not None:
        detail["solutionConfig"] = solution.solution_config
    if solution.perform_automl:
        detail["autoMLResult"] = {"bestRecipeArn": solution.recipe_arn}
    # The Solution shape has no failureReason.
    status_fields(detail, solution, now, failed=None)
    latest = latest_version_summary(backend, solution, now)
    if latest is not None:
        detail["latestSolutionVersion"] = latest
    if solution.update is not None:
        detail["latestSolutionUpdate"] = _update_summary(solution.update, now)
    return {"solution": detail}


def recipe_arn(backend: RegionBackend, recipe: Recipe) -> str:
    return f"arn:{backend.partition}:personalize:::recipe/{recipe.name}"


def _summary(solution: Solution, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"name": solution.name, "solutionArn": solution.arn}
    # SolutionSummary has no failureReason (botocore's model), unlike the Solution described.
    status_fields(summary, solution, now, failed=None)
    summary["recipeArn"] = solution.recipe_arn
    return summary


list_solutions = lister(KIND, "solutions", "ListSolutions", _summary, parent_key="datasetGroupArn")


def update_solution(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    solution = get_solution(backend, params["solutionArn"], now)
    require_active(solution, now, "Solution")
    if solution.update is not None and solution.update.timeline.status(now) not in TERMINAL:
        raise ResourceInUseException(f"Solution {solution.arn} has an update in progress.")
    config = params.get("solutionUpdateConfig")
    _check_solution_config(config, solution.training_recipe(), where="solutionUpdateConfig")
    incremental = params.get("performIncrementalUpdate")
    if incremental is not None:
        _check_incremental(solution.training_recipe(), bool(incremental))
    created = backend.clock.stamp_at(now)
    total = backend.duration("solution_update")
    reason = backend.faults.take_failure("solution_update")
    begin = work_start(backend, created)
    timeline = Timeline.creation(begin, total * PENDING_SHARE, total, failed=reason is not None)
    update = SolutionUpdate(created, timeline, reason)
    update.config = config
    update.perform_auto_training = params.get("performAutoTraining")
    update.perform_incremental_update = incremental
    solution.update = update
    backend.collection(KIND).track(solution)
    if reason is None:
        # A partial of a module-level function, not a lambda: backends must pickle (snapshots).
        backend.schedule(timeline.settles_at, partial(_scheduled_update, solution, update))
    return {"solutionArn": solution.arn}


def _scheduled_update(solution: Solution, update: SolutionUpdate, backend: RegionBackend, at: float) -> None:
    """The scheduled action of an update: ``_apply_update`` with the arguments in schedule order."""
    _apply_update(backend, solution, update, at)


def _apply_update(backend: RegionBackend, solution: Solution, update: SolutionUpdate, at: float) -> None:
    """The update reached ACTIVE: its settings become the solution's."""
    if solution.update is not update or solution.timeline.status(at) in DELETING | {GONE}:
        return
    if update.perform_auto_training is not None:
        solution.perform_auto_training = update.perform_auto_training
    if update.perform_incremental_update is not None:
        solution.perform_incremental_update = update.perform_incremental_update
    if update.config is not None:
        merged = dict(solution.solution_config or {})
        if "autoTrainingConfig" in update.config:
            merged["autoTrainingConfig"] = update.config["autoTrainingConfig"]
        if "eventsConfig" in update.config:
            merged["eventsConfig"] = update.config["eventsConfig"]
        solution.solution_config = merged
        # What an update sets was checked against the solution's recipe: training evaluates it.
        solution.unevaluated = solution.unevaluated - set(update.config)
    auto_training.replan(backend, solution, at)


def delete_solution(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    solution = get_solution(backend, params["solutionArn"], now)
    require_deletable(solution, now, "Solution")
    # The guide's cleanup page: the status that must be ACTIVE or CREATE FAILED "includes the
    # latestSolutionUpdate status" (https://docs.aws.amazon.com/personalize/latest/dg/gs-cleanup.html).
    if solution.update is not None and solution.update.timeline.status(now) in CREATING:
        raise ResourceInUseException(
            f"Cannot delete solution {solution.arn}: its update is "
            f"{solution.update.timeline.status(now)}; wait for it to finish."
        )
    require_no_blockers(backend, solution, BLOCKERS, now, "solution")
    # The solution's versions go with it: they are not found once the solution is gone.
    start_deletion(backend, solution, KIND, now, taking=(VERSION_KIND,))
    solution.auto_generation += 1
    return {}
