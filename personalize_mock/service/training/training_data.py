"""Training depends on data (behaviour reference §4.2): the rules, read from the data store.

Everything is decided from the data visible at one simulated time — a version's creation
time, an automatic run's time — so the answer never depends on when anyone looked:

* A new version ends CREATE FAILED (the call itself is accepted) when the dataset group has
  no Interactions dataset or no interactions visible yet, or when readable interactions
  fall short of the training minimums: 1000 interactions and 25 users with at least two
  interactions each, counted after the solution's event filters (:class:`EventSelection`:
  ``eventType``, ``eventValueThreshold``, ``eventsConfig``) — the very events the model
  then learns from. Opaque data (an import moto could not serve) counts as enough.
* trainingMode UPDATE is refused (InvalidInputException, synchronously) unless a batch of
  any type became visible after the solution's last ACTIVE version was created.
* An automatic run trains only if the group holds interactions, and — once the solution
  has a version — only if interactions arrived after the newest version was created.

``mock_personalize(require_data=False)`` switches all of this off.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from personalize_mock.service.core.lifecycle import DELETING
from personalize_mock.service.data.data_store import INTERACTIONS, ITEMS, group_data
from personalize_mock.service.data.data_views import Interaction, data_view, number

if TYPE_CHECKING:
    from personalize_mock.service.core.store import RegionBackend
    from personalize_mock.service.training.solution_model import Solution

MIN_INTERACTIONS = 1000
MIN_USERS = 25
MIN_USER_INTERACTIONS = 2
#: Learns from item text and metadata: it needs item data rather than interactions.
SEMANTIC_SIMILARITY = "aws-semantic-similarity"

# Choice (docs/choices.md): the wording when the group has no data of the needed type.
NO_DATASET = (
    "Create failed. The dataset group has no {type} dataset: create one and import {data} before training."
)
NO_DATA = "Create failed. The dataset group has no {data} data: import {data} before training."
#: The real message of the developer guide's error-messages page.
FEW_USERS = (
    f"Create failed. Dataset has fewer than {MIN_USERS} users with at least "
    f"{MIN_USER_INTERACTIONS} interactions each."
)
# Choice (docs/choices.md): worded like the real message for the users minimum.
FEW_INTERACTIONS = f"Create failed. Dataset has fewer than {MIN_INTERACTIONS} interactions."
#: The real message's known beginning (behaviour reference §4.2).
NO_NEW_DATA = (
    "Cannot create a solution version. There should be updates to at least one dataset after last "
    "active solution version with training mode set to FULL."
)


@dataclass(frozen=True, slots=True)
class EventSelection:
    """Which interactions a training uses, and how much each one counts (0 = not used).

    From the developer guide ("Choosing the item interaction data used for training",
    https://docs.aws.amazon.com/personalize/latest/dg/event-values-types.html, and "Optimizing a
    solution with events configuration",
    https://docs.aws.amazon.com/personalize/latest/dg/optimizing-solution-events-config.html):

    * ``event_type`` (CreateSolution ``eventType``): only events of that type;
    * ``threshold`` (``solutionConfig.eventValueThreshold``): only events whose EVENT_VALUE is
      greater than or equal to it — an event without a value has none that is;
    * ``per_type`` (``eventsConfig.eventParametersList``, ``None`` without one): only the
      listed event types ("include all event types you want considered"), each above its own
      threshold, counting with its weight. Weights are scaled so the largest is 1: only their
      ratio matters.

    Filters combine: an event must pass every one that is set. Without any, every event
    counts 1 ("all interactions for training with equal weight regardless of type").
    """

    event_type: str | None = None
    threshold: float | None = None
    per_type: tuple[tuple[str, float | None, float], ...] | None = None

    def weight(self, event: Interaction) -> float:
        """How much ``event`` counts in training: 0 when it is not used."""
        if self.event_type is not None and event.event_type != self.event_type:
            return 0.0
        if self.threshold is None and self.per_type is None:
            return 1.0
        value = number(event.row.get("EVENT_VALUE"))
        if not _reaches(value, self.threshold):
            return 0.0
        if self.per_type is None:
            return 1.0
        for event_type, threshold, weight in self.per_type:
            if event_type == event.event_type:
                return weight if _reaches(value, threshold) else 0.0
        return 0.0


def _reaches(value: float | None, threshold: float | None) -> bool:
    return threshold is None or (value is not None and value >= threshold)


def event_selection(event_type: str | None, config: Mapping[str, Any] | None) -> EventSelection:
    """The :class:`EventSelection` of a solution's ``eventType`` and (evaluated) ``solutionConfig``.

    CreateSolution refused thresholds that are not numbers and eventsConfig entries without
    an event type. An entry without a weight counts fully (weight 1); an empty
    ``eventParametersList`` is no events configuration.
    """
    config = config or {}
    threshold = config.get("eventValueThreshold")
    entries = (config.get("eventsConfig") or {}).get("eventParametersList")
    per_type: tuple[tuple[str, float | None, float], ...] | None = None
    if entries:
        weights = [float(entry.get("weight", 1.0)) for entry in entries]
        top = max(weights, default=0.0) or 1.0
        per_type = tuple(
            (str(entry["eventType"]), entry.get("eventValueThreshold"), weight / top)
            for entry, weight in zip(entries, weights, strict=True)
        )
    return EventSelection(event_type, None if threshold is None else float(threshold), per_type)


def data_required(backend: RegionBackend) -> bool:
    """Whether the data rules apply (``require_data``, on by default)."""
    return backend.options.require_data


def needed_kind(solution: Solution) -> str:
    """The dataset type a solution trains from: items for Semantic-Similarity, else interactions."""
    # Choice (docs/choices.md): aws-semantic-similarity needs item data, not interactions.
    return ITEMS if solution.training_recipe().name == SEMANTIC_SIMILARITY else INTERACTIONS


def _has_dataset(backend: RegionBackend, group_arn: str, dataset_type: str, at: float) -> bool:
    # By collection kind rather than through datasets.py, which imports solution versions.
    for dataset in backend.collection("dataset").live(at, group_arn):
        if dataset.dataset_type == dataset_type and dataset.status(at) not in DELETING:
            return True
    return False


def training_failure(
    backend: RegionBackend, solution: Solution, at: float, config: Mapping[str, Any]
) -> str | None:
    """Why a version of ``solution`` created at ``at`` fails for lack of data, or ``None``.

    Interactions count when the solution's event selection of its evaluated ``config`` uses
    them (see :func:`event_selection`; built only when readable interactions exist, since
    most versions are decided before that, ~0.5 µs per create).
    """
    if not data_required(backend):
        return None
    kind = needed_kind(solution)
    if not _has_dataset(backend, solution.dataset_group_arn, kind, at):
        return _MISSING[kind][0]
    data = group_data(backend, solution.dataset_group_arn)
    batches = data.effective(at, kind)
    if not batches:
        return _MISSING[kind][1]
    if kind != INTERACTIONS or any(batch.opaque for batch in batches):
        return None
    # The indexed view the model will learn from (cached), so both see the same events.
    view = data_view(backend, solution.dataset_group_arn, at)
    selection = event_selection(solution.event_type, config)
    return _shortfall(event.user for event in view.interactions if selection.weight(event) > 0)


#: (no dataset, no data) failure reasons per dataset type, formatted once.
_MISSING = {
    kind: (
        NO_DATASET.format(type=kind.lower(), data=kind.lower()),
        NO_DATA.format(data=kind.lower()),
    )
    for kind in (INTERACTIONS, ITEMS)
}


def _shortfall(users: Iterable[str]) -> str | None:
    per_user: Counter[str] = Counter(users)
    if sum(per_user.values()) < MIN_INTERACTIONS:
        return FEW_INTERACTIONS
    if sum(1 for count in per_user.values() if count >= MIN_USER_INTERACTIONS) < MIN_USERS:
        return FEW_USERS
    return None


def changed_since(backend: RegionBackend, group_arn: str, since: float, at: float) -> bool:
    """Whether data of any type became visible in the group in ``(since, at]``."""
    return group_data(backend, group_arn).changed_after(since, at)


def auto_run_has_data(
    backend: RegionBackend, solution: Solution, at: float, last_training: float | None
) -> bool:
    """Whether an automatic run at ``at`` trains: data is there, and new since ``last_training``.

    ``last_training`` is the creation time of the solution's newest version (``None`` if it
    has none: then data being there is enough).
    """
    if not data_required(backend):
        return True
    kind = needed_kind(solution)
    data = group_data(backend, solution.dataset_group_arn)
    if last_training is None:
        return data.has_data(at, kind)
    # The developer guide: automatic training runs only if new bulk or streamed interaction
    # data arrived since the last training.
    return data.changed_after(last_training, at, (kind,))
