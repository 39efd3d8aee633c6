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

from ..clock import to_datetime
from ..errors import InvalidInputException, ResourceInUseException, ResourceNotFoundException
from ..options import PENDING_SHARE
from . import auto_training
from .catalogue import RECIPES, Recipe, find_recipe
from .common import (
    check_quota,
    failure,
    last_updated,
    list_output,
    new_timeline,
    require_active,
    require_deletable,
    require_no_children,
    require_unused_arn,
    start_deletion,
    tags_from,
    timestamps,
    work_start,
)
from .dataset_groups import get_dataset_group
from .hyperparameters import check_hpo_config
from .lifecycle import ACTIVE, CREATE_FAILED, DELETING, GONE, IN_FLIGHT, TERMINAL, Timeline
from .store import Collection, RegionBackend, Resource

KIND = "solution"
ARN_TYPE = "solution"
SEMANTIC_SIMILARITY = "aws-semantic-similarity"
#: With performAutoML, "Amazon Personalize only evaluates the autoMLConfig section of the
#: solution configuration" (CreateSolution docs). The training schedule is the solution's own
#: setting (UpdateSolution changes it), so it stays in effect too.
AUTOML_EVALUATED = frozenset({"autoMLConfig", "autoTrainingConfig"})
#: Children that block a solution's deletion (kind, readable name).
CHILD_KINDS = (("campaign", "campaign"),)


class SolutionUpdate:
    """One UpdateSolution request and its own CREATE PENDING → ACTIVE lifecycle."""

    __slots__ = (
        "config",
        "created",
        "failure_reason",
        "perform_auto_training",
        "perform_incremental_update",
        "timeline",
    )

    def __init__(self, created: float, timeline: Timeline, failure_reason: str | None) -> None:
        self.created = created
        self.timeline = timeline
        self.failure_reason = failure_reason
        self.config: dict[str, Any] | None = None
        self.perform_auto_training: bool | None = None
        self.perform_incremental_update: bool | None = None


class Solution(Resource):
    __slots__ = (
        "auto_generation",
        "dataset_group_arn",
        "event_type",
        "perform_auto_training",
        "perform_automl",
        "perform_hpo",
        "perform_incremental_update",
        "recipe",
        "recipe_arn",
        "solution_config",
        "unevaluated",
        "update",
    )

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_group_arn = ""
        self.recipe: Recipe | None = None
        self.recipe_arn = ""
        self.perform_hpo = False
        self.perform_automl = False
        self.perform_auto_training = True
        self.perform_incremental_update = False
        self.event_type: str | None = None
        self.solution_config: dict[str, Any] | None = None
        #: solutionConfig sections that training ignores (AutoML: all but AUTOML_EVALUATED).
        self.unevaluated: frozenset[str] = frozenset()
        self.update: SolutionUpdate | None = None
        #: Bumped whenever the automatic-training schedule is replanned (stale runs are skipped).
        self.auto_generation = 0

    def parent_arn(self) -> str:
        return self.dataset_group_arn

    def settles_at(self) -> float:
        if self.update is None:
            return self.timeline.settles_at
        return max(self.timeline.settles_at, self.update.timeline.settles_at)

    @property
    def active_at(self) -> float | None:
        """When the solution became (or becomes) ACTIVE; ``None`` if its creation fails."""
        if self.timeline.statuses[2] != ACTIVE:
            return None
        return self.timeline.starts[2]

    def training_recipe(self) -> Recipe:
        """The recipe versions train with (for AutoML, the one AutoML picks)."""
        assert self.recipe is not None
        return self.recipe

    def training_config(self) -> dict[str, Any]:
        """The sections of ``solutionConfig`` that training evaluates, as they are now."""
        config = self.solution_config or {}
        return {key: value for key, value in config.items() if key not in self.unevaluated}


def solutions(backend: RegionBackend) -> Collection[Solution]:
    return backend.collection(KIND)


def get_solution(backend: RegionBackend, arn: str, now: float) -> Solution:
    return solutions(backend).get(arn, now)


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
    created = backend.clock.stamp()
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
    collection.add(solution)
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
    summary["creationDateTime"] = to_datetime(update.created)
    summary["lastUpdatedDateTime"] = to_datetime(last_updated(update.created, update.timeline, now))
    if update.failure_reason is not None and status == CREATE_FAILED:
        summary["failureReason"] = update.failure_reason
    return summary


def describe_solution(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    from .solution_versions import latest_version_summary

    now = backend.clock.time()
    solution = get_solution(backend, params["solutionArn"], now)
    status = solution.status(now)
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
    detail["status"] = status
    detail.update(timestamps(solution, now))
    latest = latest_version_summary(backend, solution, now)
    if latest is not None:
        detail["latestSolutionVersion"] = latest
    if solution.update is not None:
        detail["latestSolutionUpdate"] = _update_summary(solution.update, now)
    return {"solution": detail}


def recipe_arn(backend: RegionBackend, recipe: Recipe) -> str:
    return f"arn:{backend.partition}:personalize:::recipe/{recipe.name}"


def _summary(solution: Solution, now: float) -> dict[str, Any]:
    status = solution.status(now)
    summary: dict[str, Any] = {"name": solution.name, "solutionArn": solution.arn, "status": status}
    summary.update(timestamps(solution, now))
    summary["recipeArn"] = solution.recipe_arn
    summary.update(failure(solution, status))
    return summary


def list_solutions(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    group_arn = params.get("datasetGroupArn")
    listing = f"ListSolutions|{group_arn or ''}"
    return list_output("solutions", solutions(backend), params, listing, _summary, now, parent=group_arn)


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
    created = backend.clock.stamp()
    total = backend.duration("solution_update")
    reason = backend.faults.take_failure("solution_update")
    begin = work_start(backend, created)
    timeline = Timeline.creation(begin, total * PENDING_SHARE, total, failed=reason is not None)
    update = SolutionUpdate(created, timeline, reason)
    update.config = config
    update.perform_auto_training = params.get("performAutoTraining")
    update.perform_incremental_update = incremental
    solution.update = update
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
    from .lifecycle import CREATING
    from .solution_versions import versions_of

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
    require_no_children(backend, solution, CHILD_KINDS, now, "solution")
    for version in versions_of(backend, solution, now):
        if version.status(now) in IN_FLIGHT:
            raise ResourceInUseException(
                f"Cannot delete solution {solution.arn}: solution version {version.arn} is "
                f"{version.status(now)}; stop it or wait for it to finish."
            )
    gone_at = start_deletion(backend, solution, KIND, now)
    # The solution's versions go with it: they are not found once the solution is gone.
    for version in versions_of(backend, solution, now):
        version.timeline = version.timeline.then(gone_at, [(GONE, 0.0)])
    solution.auto_generation += 1
    return {}
