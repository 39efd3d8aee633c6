"""The stored solution: its fields and where solutions live.

Apart from the operations in :mod:`.solutions` so that the modules training needs
(solution versions, training data, automatic training) can read a solution without
importing the operations that in turn schedule them.
"""

from __future__ import annotations

from typing import Any

from personalize_mock.service.core.lifecycle import ACTIVE, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, UpdatableResource
from personalize_mock.service.training.catalogue import Recipe

KIND = "solution"
ARN_TYPE = "solution"
SEMANTIC_SIMILARITY = "aws-semantic-similarity"
#: With performAutoML, "Amazon Personalize only evaluates the autoMLConfig section of the
#: solution configuration" (CreateSolution docs). The training schedule is the solution's own
#: setting (UpdateSolution changes it), so it stays in effect too.
AUTOML_EVALUATED = frozenset({"autoMLConfig", "autoTrainingConfig"})


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


class Solution(UpdatableResource):
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
    )
    #: The latest SolutionUpdate (the slot and its ``None`` start are UpdatableResource's).
    update: SolutionUpdate | None

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
        #: Bumped whenever the automatic-training schedule is replanned (stale runs are skipped).
        self.auto_generation = 0

    def parent_arn(self) -> str:
        return self.dataset_group_arn

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
        config = self.solution_config
        if config is None:
            return {}
        unevaluated = self.unevaluated
        if not unevaluated:
            # Shared, not copied (a create pays for every copy): nothing mutates a solution's
            # config in place (UpdateSolution replaces it), nor a version's training config.
            return config
        return {key: value for key, value in config.items() if key not in unevaluated}


def solutions(backend: RegionBackend) -> Collection[Solution]:
    return backend.collection(KIND)


def get_solution(backend: RegionBackend, arn: str, now: float) -> Solution:
    return solutions(backend).get(arn, now)
