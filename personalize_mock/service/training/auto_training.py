"""Automatic training: versions a solution creates by itself (``performAutoTraining``).

Per the model and developer guide: the first automatic version starts within one hour after
the solution is ACTIVE — the mock uses exactly one hour — unless a manual version was created
in that hour; then one every ``schedulingExpression`` (``rate(N days)``, default 7 days).
Runs are scheduled on the region backend's clock queue, so they happen at their simulated
time whenever anyone next looks, however far the clock jumped; each run is created with its
scheduled time as ``creationDateTime``.

Our choices where the service is silent (docs/clock.md): a run is skipped while another
version of the solution is in flight; automatic versions carry ``trainingType`` AUTOMATIC
and ``trainingMode`` AUTOTRAIN and count as full trainings.

"Automatic training only occurs if new bulk or streamed interaction data arrived since the
last training" (developer guide): a run is skipped unless the group holds interactions
visible at the run's time, and — once the solution has a version — interactions became
visible after the newest version was created (:mod:`personalize_mock.service.training.training_data`;
off with ``require_data=False``). A skipped run still schedules the next one.
"""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.lifecycle import IN_FLIGHT
from personalize_mock.service.training.solution_versions import (
    AUTOMATIC,
    AUTOTRAIN,
    in_flight_quota_reached,
    start_version,
    versions_of,
)
from personalize_mock.service.training.training_data import auto_run_has_data

if TYPE_CHECKING:
    from personalize_mock.service.core.store import RegionBackend
    from personalize_mock.service.training.solution_model import Solution

FIRST_RUN_DELAY = 3600.0
DAY = 86400.0
DEFAULT_INTERVAL_DAYS = 7
MAX_INTERVAL_DAYS = 30
_RATE = re.compile(r"rate\((\d+) days?\)")


def interval_days(expression: str) -> int:
    """The number of days in ``rate(N days)``; ``InvalidInputException`` unless 1 ≤ N ≤ 30."""
    match = _RATE.fullmatch(expression)
    days = int(match.group(1)) if match else 0
    if not 1 <= days <= MAX_INTERVAL_DAYS:
        raise InvalidInputException(
            f"schedulingExpression {expression!r} is not valid: "
            f"use rate(N days) with N from 1 to {MAX_INTERVAL_DAYS}."
        )
    return days


def _interval_seconds(solution: Solution) -> float:
    expression = ((solution.solution_config or {}).get("autoTrainingConfig") or {}).get(
        "schedulingExpression"
    )
    return (interval_days(expression) if expression else DEFAULT_INTERVAL_DAYS) * DAY


def plan_first_run(backend: RegionBackend, solution: Solution) -> None:
    """Schedule the first automatic run one hour after the solution becomes ACTIVE."""
    active_at = solution.active_at
    if solution.perform_auto_training and active_at is not None:
        _schedule(backend, solution, active_at + FIRST_RUN_DELAY, first=True)


def replan(backend: RegionBackend, solution: Solution, at: float) -> None:
    """The solution's automatic-training settings changed at ``at`` (UpdateSolution ACTIVE)."""
    solution.auto_generation += 1
    if solution.perform_auto_training:
        _schedule(backend, solution, at + _interval_seconds(solution), first=False)


def _schedule(backend: RegionBackend, solution: Solution, at: float, *, first: bool) -> None:
    # A partial of a module-level function, not a closure: backends must pickle (snapshots).
    backend.schedule(at, partial(_scheduled_run, solution, solution.auto_generation, first))


def _scheduled_run(
    solution: Solution, generation: int, first: bool, backend: RegionBackend, when: float
) -> None:
    """The scheduled action of an automatic run: ``_run`` with the arguments in schedule order."""
    _run(backend, solution, when, generation, first)


def _run(backend: RegionBackend, solution: Solution, at: float, generation: int, first: bool) -> None:
    # Only a deletion takes an ACTIVE solution out of ACTIVE, and it bumps the generation:
    # a run of the current generation always finds its solution ACTIVE.
    if generation != solution.auto_generation or not solution.perform_auto_training:
        return
    _schedule(backend, solution, at + _interval_seconds(solution), first=False)
    existing = list(versions_of(backend, solution, at))
    active_at = solution.active_at or solution.created
    if first and any(v.training_type != AUTOMATIC and v.created >= active_at for v in existing):
        return
    if any(version.status(at) in IN_FLIGHT for version in existing):
        return
    if in_flight_quota_reached(backend, at):
        return
    # Choice (docs/choices.md): "the last training" is the newest version, whatever its status.
    last_training = max((version.created for version in existing), default=None)
    if not auto_run_has_data(backend, solution, at, last_training):
        return
    start_version(
        backend,
        solution,
        backend.clock.stamp_at(at),
        training_mode=AUTOTRAIN,
        training_type=AUTOMATIC,
    )
