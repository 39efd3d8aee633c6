"""Solution versions: Create (FULL / UPDATE), Describe, List, Stop, and GetSolutionMetrics.

The rules of UPDATE training live in :func:`check_update_allowed`; the automatic versions
(trainingType AUTOMATIC) are created by :mod:`personalize_mock.service.training.auto_training`
through :func:`start_version`. Whether the dataset group's data allows training is decided
in :mod:`personalize_mock.service.training.training_data`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException, LimitExceededException, ResourceInUseException
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import (
    describer,
    in_flight_message,
    lister,
    status_fields,
    tags_from,
    work_start,
)
from personalize_mock.service.core.lifecycle import (
    ACTIVE,
    CREATE_IN_PROGRESS,
    CREATE_PENDING,
    CREATE_STOPPED,
    CREATE_STOPPING,
    IN_FLIGHT,
    Timeline,
)
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.training.catalogue import ALGORITHMS_BY_NAME
from personalize_mock.service.training.evaluation import evaluation_for
from personalize_mock.service.training.hyperparameters import tuned_hyperparameters
from personalize_mock.service.training.metrics import evaluated_metrics, solution_metrics
from personalize_mock.service.training.recommendation_engine import version_training
from personalize_mock.service.training.solution_model import KIND as SOLUTION_KIND
from personalize_mock.service.training.solution_model import Solution, get_solution
from personalize_mock.service.training.training_data import (
    NO_NEW_DATA,
    changed_since,
    data_required,
    training_failure,
)

KIND = "solution_version"
FULL = "FULL"
UPDATE = "UPDATE"
#: Our reading of the model: the mode stamped on versions that automatic training creates.
AUTOTRAIN = "AUTOTRAIN"
MANUAL = "MANUAL"
AUTOMATIC = "AUTOMATIC"
#: Training modes that build a whole new model (UPDATE needs an ACTIVE one of these).
FULL_TRAININGS = frozenset({FULL, AUTOTRAIN})
#: ListSolutionVersions order is undocumented; AWS samples read ``[-1]`` as the newest, so
#: versions are listed oldest first. Flip this to list newest first.
NEWEST_FIRST = False


class SolutionVersion(Resource):
    __slots__ = (
        "hyperparameters",
        "solution",
        "solution_config",
        "training_config",
        "training_mode",
        "training_type",
    )

    def __init__(
        self,
        arn: str,
        name: str,
        seq: int,
        created: float,
        timeline: Timeline,
        solution: Solution,
        training_config: dict[str, Any],
    ) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.solution = solution
        # The configuration the version was trained with (UpdateSolution replaces the
        # solution's dict rather than mutating it, so sharing the reference is safe).
        self.solution_config = solution.solution_config
        #: The sections of it that training evaluated (all but AutoML's unevaluated ones),
        #: as start_version computed them (computing them again cost ~0.3 µs per version).
        self.training_config = training_config
        self.training_mode = FULL
        self.training_type = MANUAL
        #: What HPO chose (``tunedHPOParams``), or ``None`` when the solution has no HPO.
        self.hyperparameters: dict[str, str] | None = None

    def parent_arn(self) -> str:
        return self.solution.arn

    def training_hours(self) -> float:
        """Billed hours as reported once ACTIVE: the time spent in CREATE IN_PROGRESS."""
        starts = self.timeline.starts
        return round(max(0.0, starts[2] - starts[1]) / 3600.0, 3)


def versions(backend: RegionBackend) -> Collection[SolutionVersion]:
    return backend.collection(KIND)


def versions_of(backend: RegionBackend, solution: Solution, now: float) -> Iterator[SolutionVersion]:
    """The solution's versions that still exist, oldest first."""
    return versions(backend).live(now, solution.arn)


def latest_version_summary(backend: RegionBackend, solution: Solution, now: float) -> dict[str, Any] | None:
    """``latestSolutionVersion`` of DescribeSolution: the newest version, if any.

    Versions only go with their solution, and every create sweeps what is gone before a
    solution can be re-created under the same ARN, so the listing holds live versions only.
    """
    listed = versions(backend).listed(solution.arn)
    return _summary(listed[-1], now) if listed else None


def check_update_allowed(backend: RegionBackend, solution: Solution, now: float) -> None:
    """UPDATE needs an update-capable recipe, an ACTIVE FULL (or automatic) version and new data.

    New data: a batch of any dataset type that became visible after the newest ACTIVE
    version was created (not checked with ``require_data=False``).
    """
    recipe = solution.training_recipe()
    if not recipe.supports_update_training:
        raise InvalidInputException(
            "trainingMode UPDATE is only supported for solutions that use the aws-user-personalization "
            f"or aws-hrnn-coldstart recipe; solution {solution.arn} uses {recipe.name}."
        )
    active = [version for version in versions_of(backend, solution, now) if version.status(now) == ACTIVE]
    if not any(version.training_mode in FULL_TRAININGS for version in active):
        raise InvalidInputException(
            f"trainingMode UPDATE requires an ACTIVE solution version of solution {solution.arn} "
            "trained with trainingMode FULL; create and train a FULL version first."
        )
    # Choice (docs/choices.md): any dataset type counts, measured from the newest ACTIVE version.
    newest = max(version.created for version in active)
    if data_required(backend) and not changed_since(backend, solution.dataset_group_arn, newest, now):
        raise InvalidInputException(NO_NEW_DATA)


def in_flight_quota_reached(backend: RegionBackend, now: float) -> bool:
    """Whether the region trains as many versions at once as its quota allows."""
    limit = backend.quota("solution_versions_in_flight")
    return versions(backend).in_flight_reaches(now, lambda version: version.status(now) in IN_FLIGHT, limit)


def start_version(
    backend: RegionBackend,
    solution: Solution,
    created: float,
    *,
    training_mode: str,
    training_type: str,
    name: str | None = None,
    tags: dict[str, str] | None = None,
    now: float | None = None,
) -> SolutionVersion:
    """Store a new version of ``solution`` that starts training at ``created``.

    ``now`` is the clock reading ``created`` was stamped from, when the caller has one (a
    create reads the clock once); otherwise the clock is read here.
    """
    version_id = backend.hex_id()
    arn = f"{solution.arn}/{version_id}"
    duration_key = "solution_version_update" if training_mode == UPDATE else KIND
    total = backend.duration(duration_key)
    reason = backend.faults.take_failure(KIND)
    begin = work_start(backend, created) if now is None else min(created, now)
    config = solution.training_config()
    if reason is None:
        # Decided from the data visible when training starts (behaviour reference §4.2), after
        # the solution's event filters: the same events the model learns from.
        reason = training_failure(backend, solution, begin, config)
    timeline = Timeline.creation(begin, total * PENDING_SHARE, total, failed=reason is not None)
    version = SolutionVersion(
        arn, name or f"{solution.name}/{version_id}", backend.next_seq(), created, timeline, solution, config
    )
    version.failure_reason = reason
    version.training_mode = training_mode
    version.training_type = training_type
    version.tags = tags
    if solution.perform_hpo:
        version.hyperparameters = _hpo_choice(backend, version)
    versions(backend).add(version, now)
    return version


def _hpo_choice(backend: RegionBackend, version: SolutionVersion) -> dict[str, str]:
    """What HPO picks for ``version``; an UPDATE keeps the values of the FULL model it updates.

    UPDATE "is not a full retraining" (CreateSolutionVersion docs): it updates the newest
    ACTIVE full training (FULL or automatic), whose tuned values it reports.
    """
    solution = version.solution
    if version.training_mode == UPDATE:
        # Only callers create UPDATE versions, after check_update_allowed found an ACTIVE full
        # training now (the creation stamp is truncated to the millisecond: it may precede it).
        now = backend.clock.time()
        updated = max(
            (
                earlier
                for earlier in versions_of(backend, solution, now)
                if earlier.training_mode in FULL_TRAININGS and earlier.status(now) == ACTIVE
            ),
            key=lambda earlier: earlier.created,
        )
        return dict(updated.hyperparameters or {})
    algorithm = ALGORITHMS_BY_NAME[solution.training_recipe().algorithm]
    # Deterministic per version: HPO's choice is not observable before training.
    return tuned_hyperparameters(
        algorithm, version.training_config, version.arn, automl=solution.perform_automl
    )


def create_solution_version(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    solution = get_solution(backend, params["solutionArn"], now)
    status = solution.status(now)
    if status != ACTIVE:
        raise ResourceInUseException(
            f"Solution {solution.arn} is in {status} state; a solution version can only be created "
            "for an ACTIVE solution."
        )
    mode = params.get("trainingMode", FULL)
    if mode == AUTOTRAIN:
        raise InvalidInputException(
            "trainingMode AUTOTRAIN is used by automatic training only; create versions with FULL or UPDATE."
        )
    if mode == UPDATE:
        check_update_allowed(backend, solution, now)
    if in_flight_quota_reached(backend, now):
        raise LimitExceededException(in_flight_message(backend.quota("solution_versions_in_flight")))
    tags = tags_from(backend, params)
    version = start_version(
        backend,
        solution,
        backend.clock.stamp_at(now),
        training_mode=mode,
        training_type=MANUAL,
        name=params.get("name"),
        tags=tags,
        now=now,
    )
    return {"solutionVersionArn": version.arn}


def _summary(version: SolutionVersion, now: float) -> dict[str, Any]:
    status = version.status(now)
    summary: dict[str, Any] = {
        "solutionVersionArn": version.arn,
        "status": status,
        "trainingMode": version.training_mode,
        "trainingType": version.training_type,
    }
    status_fields(summary, version, now, status)
    return summary


def _detail(version: SolutionVersion, now: float) -> dict[str, Any]:
    solution = version.solution
    status = version.status(now)
    detail: dict[str, Any] = {
        "name": version.name,
        "solutionVersionArn": version.arn,
        "solutionArn": solution.arn,
        "performHPO": solution.perform_hpo,
        "performAutoML": solution.perform_automl,
        "performIncrementalUpdate": solution.perform_incremental_update,
        "recipeArn": solution.recipe_arn,
        "datasetGroupArn": solution.dataset_group_arn,
    }
    if solution.event_type is not None:
        detail["eventType"] = solution.event_type
    if version.solution_config is not None:
        detail["solutionConfig"] = version.solution_config
    if status == ACTIVE:
        detail["trainingHours"] = version.training_hours()
        if version.hyperparameters is not None:
            detail["tunedHPOParams"] = {"algorithmHyperParameters": dict(version.hyperparameters)}
    detail["trainingMode"] = version.training_mode
    detail["trainingType"] = version.training_type
    detail["status"] = status
    status_fields(detail, version, now, status, failure_first=True)
    return detail


describe_solution_version = describer(KIND, "solutionVersionArn", "solutionVersion", _detail)


list_solution_versions = lister(
    KIND,
    "solutionVersions",
    "ListSolutionVersions",
    _summary,
    parent_key="solutionArn",
    parent_kind=SOLUTION_KIND,
    newest_first=NEWEST_FIRST,
)


def stop_solution_version_creation(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = versions(backend)
    version = collection.get(params["solutionVersionArn"], now)
    status = version.status(now)
    if status == CREATE_PENDING:
        collection.rewrite(version, now, [(CREATE_STOPPED, 0.0)])
    elif status == CREATE_IN_PROGRESS:
        stopping = backend.duration("solution_version_stop")
        collection.rewrite(version, now, [(CREATE_STOPPING, 0.0), (CREATE_STOPPED, stopping)])
    else:
        raise ResourceInUseException(
            f"Solution version {version.arn} is in {status} state; only a version in CREATE PENDING "
            "or CREATE IN_PROGRESS can be stopped."
        )
    return {}


def get_solution_metrics(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    version = versions(backend).get(params["solutionVersionArn"], now)
    status = version.status(now)
    if status != ACTIVE:
        raise ResourceInUseException(
            f"Solution version {version.arn} is in {status} state; metrics are available once it is ACTIVE."
        )
    solution = version.solution
    recipe = solution.training_recipe()
    with_objective = bool(version.training_config.get("optimizationObjective"))
    # Evaluated from the data when it is readable (evaluation.py); hash-derived otherwise.
    evaluation = evaluation_for(backend, version_training(version), recipe.category)
    if evaluation is None:
        metrics = solution_metrics(
            recipe.category, version.arn, with_objective=with_objective, recipe_name=recipe.name
        )
    else:
        metrics = evaluated_metrics(
            recipe.category,
            version.arn,
            evaluation.values,
            with_objective=with_objective,
            recipe_name=recipe.name,
        )
    return {"solutionVersionArn": version.arn, "metrics": metrics}
