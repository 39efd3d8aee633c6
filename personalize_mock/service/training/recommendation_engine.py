"""The recommendation engine: small, deterministic models learned from a dataset group's records.

A model is built from the records that count when it was trained (when a solution
version's training started, a recommender's last training) and cached per model key; it
is learned again only if the batches that count at that time change.

* What is learned from: the interactions the solution's event filters keep, each counting
  with its weight (:class:`~personalize_mock.service.training.training_data.EventSelection`:
  ``eventType``, ``eventValueThreshold``, ``eventsConfig``) — the events the training
  minimums were counted on.
* Popularity: interactions per item, weighted by recency (half-life 30 days, 1 day for the
  trending recipes, none for the popularity-count recipes) and by the event's weight.
* Co-occurrence: for each user's latest distinct items, every pair counts once per user,
  scaled by how strongly the user interacted with each item (the weight of their strongest
  event on it).
* POPULAR_ITEMS ranks by popularity; RELATED_ITEMS by co-occurrence with the given item
  (discounted by the other item's popularity, like SIMS) then popularity; USER_PERSONALIZATION
  by co-occurrence with the user's history (recent items weigh more, same discount) blended
  with popularity — cold users get popular items; PERSONALIZED_RANKING scores the input
  list the same way; PERSONALIZED_ACTIONS does the same over actions and action
  interactions (taken > viewed > not taken).
* Items known only from the Items dataset (no interactions) get a small exploration score.
* An optimization objective (``solutionConfig.optimizationObjective``) raises personalized
  scores of items with higher values in its Items column, more so the higher its
  ``objectiveSensitivity``.
* Without readable data (none, or only opaque imports) a synthetic catalogue stands in:
  ``item-1`` … ``item-100`` (``action-1`` … ``action-25``), with popularity and affinities
  drawn from a hash of the dataset group ARN, so the same inputs always give the same answer.

Scores are > 0, rounded to 7 decimals; item scores sum to about 1 over the catalogue (the
service's softmax scores), action scores are relative to the best action (the service
scores each action independently).
"""

from __future__ import annotations

import hashlib
import math
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.data_views import (
    DataView,
    Interaction,
    PerKind,
    counting_batches,
    data_view,
    number,
    same_batches,
)
from personalize_mock.service.training.catalogue import PERSONALIZED_ACTIONS
from personalize_mock.service.training.training_data import EventSelection, event_selection

if TYPE_CHECKING:
    from personalize_mock.service.training.solution_versions import SolutionVersion

DAY = 86400.0
#: Recency half-life of popularity, per recipe; recipes not named use the default.
DEFAULT_HALF_LIFE: float | None = 30 * DAY
HALF_LIVES: dict[str, float | None] = {
    "aws-trending-now": DAY,
    "aws-vod-trending-now": DAY,
    "aws-popularity-count": None,
    "aws-ecomm-popular-items-by-purchases": None,
    "aws-ecomm-popular-items-by-views": None,
    "aws-vod-most-popular": None,
}
#: Distinct latest items per user that feed co-occurrence (bounds the cost per user).
HISTORY_LENGTH = 30
SYNTHETIC_ITEMS = 100
SYNTHETIC_ACTIONS = 25
SCORE_DECIMALS = 7
MIN_SCORE = 10.0**-SCORE_DECIMALS
#: Share of popularity in personalized and related scores (the rest is co-occurrence).
POPULARITY_SHARE = 0.2
#: Score of an item without interactions, relative to the least popular item that has some.
EXPLORATION_SHARE = 0.05
#: Weight of action interaction event types (the three the service knows).
ACTION_EVENT_WEIGHTS = {"TAKEN": 1.0, "VIEWED": 0.25, "NOT_TAKEN": 0.0}
#: How much an optimization objective may raise a score, per ``objectiveSensitivity``: the item
#: with the column's highest value gets ``1 + share`` times its relevance score. MEDIUM when
#: the sensitivity is not given (the documentation names no default).
OBJECTIVE_SHARES = {"OFF": 0.0, "LOW": 0.25, "MEDIUM": 0.5, "HIGH": 1.0}
DEFAULT_SENSITIVITY = "MEDIUM"


def unit(*parts: str) -> float:
    """A stable pseudo-random number in [0, 1) derived from ``parts`` (same on every run)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def round_score(value: float) -> float:
    """A score as the service reports it: 7 decimals, never 0, never above 1."""
    return min(1.0, max(MIN_SCORE, round(value, SCORE_DECIMALS)))


@dataclass(frozen=True, slots=True)
class Scored:
    """An item (or action) with its score; ``cold`` when it had no interactions in training."""

    item_id: str
    score: float
    cold: bool = False


class Ranking(Sequence[Scored]):
    """Items best first; each :class:`Scored` is made when it is read.

    A request usually reads the first few entries of a ranking of the whole catalogue, so
    scores are rounded only for the entries read.
    """

    __slots__ = ("_model", "_pairs", "_scale")

    def __init__(self, pairs: list[tuple[str, float]], scale: float, model: Model) -> None:
        self._pairs = pairs
        self._scale = scale
        self._model = model

    def _entry(self, pair: tuple[str, float]) -> Scored:
        item, value = pair
        return Scored(item, round_score(value / self._scale), self._model.is_cold(item))

    def __len__(self) -> int:
        return len(self._pairs)

    @overload
    def __getitem__(self, index: int) -> Scored: ...

    @overload
    def __getitem__(self, index: slice) -> list[Scored]: ...

    def __getitem__(self, index: int | slice) -> Scored | list[Scored]:
        if isinstance(index, slice):
            return [self._entry(pair) for pair in self._pairs[index]]
        return self._entry(self._pairs[index])

    def __iter__(self) -> Iterator[Scored]:
        return (self._entry(pair) for pair in self._pairs)


class Model:
    """What one training learned: a catalogue, popularity, and users' histories."""

    def __init__(
        self,
        catalogue: Sequence[str],
        popularity: dict[str, float],
        histories: dict[str, tuple[str, ...]],
        *,
        seed: str,
        synthetic: bool,
        weight: Callable[[Interaction], float],
        relative_scores: bool = False,
        strengths: dict[str, dict[str, float]] | None = None,
        boost: dict[str, float] | None = None,
    ) -> None:
        self.catalogue = tuple(catalogue)
        self.known = frozenset(self.catalogue)
        self.popularity = popularity
        self.histories = histories
        self.seed = seed
        self.synthetic = synthetic
        self.weight = weight
        self.relative_scores = relative_scores
        #: Per user, how strongly they interacted with each item of their history (default 1).
        self.strengths = strengths or {}
        #: Per item, the factor an optimization objective applies to personalized scores.
        self.boost = boost or {}
        self._cooc: dict[str, dict[str, float]] | None = None
        self._users_with: dict[str, float] = {}
        least = min(popularity.values(), default=1.0)
        # Items without interactions (only in the Items dataset) are explored a little.
        self.base = {
            item: popularity.get(item) or least * EXPLORATION_SHARE * (0.5 + unit(seed, "cold", item) / 2)
            for item in self.catalogue
        }
        self.top_base = max(self.base.values(), default=1.0)

    # -- building blocks ---------------------------------------------------------------------

    @property
    def cooc(self) -> dict[str, dict[str, float]]:
        """Users who have both items, per pair (built on first use: popularity needs none).

        Each user counts with the product of their strengths on the two items (1 when every
        event weighs the same), and ``_users_with`` sums each item's strengths.
        """
        if self._cooc is None:
            cooc: dict[str, dict[str, float]] = {}
            users_with: dict[str, float] = {}
            for user, history in self.histories.items():
                strength = self.strengths.get(user, {})
                for a in history:
                    sa = strength.get(a, 1.0)
                    users_with[a] = users_with.get(a, 0.0) + sa
                    row = cooc.setdefault(a, {})
                    for b in history:
                        if b != a:
                            row[b] = row.get(b, 0.0) + sa * strength.get(b, 1.0)
            self._cooc, self._users_with = cooc, users_with
        return self._cooc

    def is_cold(self, item: str) -> bool:
        return not self.synthetic and item not in self.popularity

    def _scored(self, raw: dict[str, float]) -> Ranking:
        """``raw`` (all > 0) as scores, best first (ties by id, so the order is total)."""
        if not raw:
            return Ranking([], 1.0, self)
        scale = max(raw.values()) if self.relative_scores else sum(raw.values())
        return Ranking(sorted(raw.items(), key=lambda pair: (-pair[1], pair[0])), scale, self)

    def _blend(self, affinity: dict[str, float], candidates: Iterable[str]) -> dict[str, float]:
        top = max(affinity.values(), default=0.0) or 1.0
        return {
            item: (1 - POPULARITY_SHARE) * affinity.get(item, 0.0) / top
            + POPULARITY_SHARE * self.base[item] / self.top_base
            for item in candidates
        }

    # -- what the runtime asks -----------------------------------------------------------------

    def popular(self, exclude: str | None = None) -> Ranking:
        """Every item by popularity."""
        return self._scored({item: self.base[item] for item in self.catalogue if item != exclude})

    def related(self, item_id: str) -> Ranking:
        """Items that users who interacted with ``item_id`` also interacted with, then popular ones."""
        candidates = [item for item in self.catalogue if item != item_id]
        if self.synthetic:
            affinity = {item: unit(self.seed, "related", item_id, item) for item in candidates}
            return self._scored(self._blend(affinity, candidates))
        row = self.cooc.get(item_id)
        if not row:
            # An item the model never saw: popular items, as SIMS does for cold items.
            return self.popular(exclude=item_id)
        # SIMS discounts popular items so that "also bought" is not just "bestsellers".
        affinity = {other: count / math.sqrt(self._users_with[other]) for other, count in row.items()}
        return self._scored(self._blend(affinity, candidates))

    def history(self, user_id: str, live: Sequence[Interaction] = ()) -> tuple[str, ...]:
        """The user's items known to the model, oldest first: training data, then ``live`` events.

        ``live`` are the user's interactions visible now. Events recorded after training change
        a user's recommendations at once (the service updates them in real time), but only
        among items the model knows.
        """
        trained = self.histories.get(user_id, ())
        recent = [event.target for event in live if event.target in self.known and self.weight(event) > 0]
        if not recent:
            return trained
        return _distinct_latest([*trained, *recent])

    def personalized(
        self, user_id: str, history: Sequence[str], candidates: Iterable[str] | None = None
    ) -> dict[str, float]:
        """Raw scores (> 0) of ``candidates`` (default: the catalogue) for a user with ``history``."""
        pool = list(self.catalogue if candidates is None else candidates)
        if self.synthetic:
            drawn = {item: unit(self.seed, "user", user_id, item) for item in pool}
            return self._blend(drawn, pool)
        if not history:
            # A cold user: popular items.
            return self._boosted({item: self.base[item] for item in pool})
        affinity: dict[str, float] = {}
        cooc, users_with = self.cooc, self._users_with
        # Items the user only met after training (live events) count fully.
        own = self.strengths.get(user_id, {})
        for age, seen in enumerate(reversed(history)):
            recency = 0.9**age * own.get(seen, 1.0)
            for other, count in cooc.get(seen, {}).items():
                # Discounted like SIMS, or the bestsellers would top every user's list.
                strength = recency * count / math.sqrt(users_with[other])
                affinity[other] = affinity.get(other, 0.0) + strength
        return self._boosted(self._blend(affinity, pool))

    def _boosted(self, raw: dict[str, float]) -> dict[str, float]:
        """``raw`` raised by the optimization objective, if the model has one."""
        if not self.boost:
            return raw
        return {item: score * self.boost.get(item, 1.0) for item, score in raw.items()}

    def for_user(self, user_id: str, history: Sequence[str]) -> Ranking:
        """Every item for the user, best first."""
        return self._scored(self.personalized(user_id, history))

    def rank(
        self, user_id: str, history: Sequence[str], input_list: Sequence[str]
    ) -> tuple[Ranking, list[str]]:
        """``input_list`` reordered for the user: scored known items, then unknown ones in input order.

        Duplicates are ranked once (first occurrence); scores sum to about 1 over the known items.
        """
        distinct = list(dict.fromkeys(input_list))
        known = [item for item in distinct if item in self.known]
        unknown = [item for item in distinct if item not in self.known]
        return self._scored(self.personalized(user_id, history, known)), unknown


def _distinct_latest(targets: Sequence[str]) -> tuple[str, ...]:
    """Distinct targets ordered by their last occurrence, the latest ``HISTORY_LENGTH`` of them."""
    last: dict[str, int] = {}
    for position, target in enumerate(targets):
        last[target] = position
    ordered = sorted(last, key=last.__getitem__)
    return tuple(ordered[-HISTORY_LENGTH:])


def _learn(
    events: Sequence[Interaction],
    catalogue: Sequence[str],
    *,
    seed: str,
    half_life: float | None,
    weight: Callable[[Interaction], float],
    synthetic_size: int,
    prefix: str,
    relative_scores: bool = False,
    boost: dict[str, float] | None = None,
) -> Model:
    if not catalogue:
        items = [f"{prefix}-{n}" for n in range(1, synthetic_size + 1)]
        drawn = {item: 0.01 + unit(seed, "popularity", item) for item in items}
        return Model(
            items, drawn, {}, seed=seed, synthetic=True, weight=weight, relative_scores=relative_scores
        )
    newest = max((event.timestamp for event in events), default=0.0)
    popularity: dict[str, float] = {}
    sequences: dict[str, list[tuple[float, int, str]]] = {}
    weighted = False
    for order, event in enumerate(events):
        strength = weight(event)
        if strength <= 0:
            continue
        weighted = weighted or strength != 1.0
        decay = 1.0 if half_life is None else 0.5 ** ((newest - event.timestamp) / half_life)
        popularity[event.target] = popularity.get(event.target, 0.0) + strength * decay
        sequences.setdefault(event.user, []).append((event.timestamp, order, event.target))
    histories = {
        user: _distinct_latest([target for _, _, target in sorted(sequence)])
        for user, sequence in sequences.items()
    }
    return Model(
        catalogue,
        popularity,
        histories,
        seed=seed,
        synthetic=False,
        weight=weight,
        relative_scores=relative_scores,
        strengths=_strengths(events, weight) if weighted else None,
        boost=boost,
    )


def _strengths(
    events: Sequence[Interaction], weight: Callable[[Interaction], float]
) -> dict[str, dict[str, float]]:
    """Per user and item, the weight of the user's strongest event on it, where it is not 1.

    Only needed when some event weighs other than 1, so most models skip this second pass.
    """
    strongest: dict[tuple[str, str], float] = {}
    for event in events:
        strength = weight(event)
        if strength > 0:
            pair = (event.user, event.target)
            strongest[pair] = max(strongest.get(pair, 0.0), strength)
    strengths: dict[str, dict[str, float]] = {}
    for (user, target), strength in strongest.items():
        if strength != 1.0:
            strengths.setdefault(user, {})[target] = strength
    return strengths


def _catalogue(*sources: Iterable[str]) -> list[str]:
    """Ids from every source, each once, in first-seen order."""
    return list(dict.fromkeys(item for source in sources for item in source))


@dataclass(frozen=True, slots=True)
class Objective:
    """An optimization objective: favour items with higher values of an Items ``column``."""

    column: str
    sensitivity: str = DEFAULT_SENSITIVITY


def objective_of(config: Mapping[str, Any] | None) -> Objective | None:
    """The :class:`Objective` of a (evaluated) ``solutionConfig``, or ``None`` without one."""
    found = (config or {}).get("optimizationObjective")
    if not found:
        return None
    return Objective(str(found["itemAttribute"]), found.get("objectiveSensitivity") or DEFAULT_SENSITIVITY)


def _boost(view: DataView, catalogue: Sequence[str], objective: Objective | None) -> dict[str, float]:
    """Per item, ``1 + share * (value - lowest) / (highest - lowest)`` of the objective's column.

    Items without a numeric value in the column are not raised; neither is anything when
    every value is the same (or the sensitivity is OFF).
    """
    if objective is None or OBJECTIVE_SHARES[objective.sensitivity] == 0.0:
        return {}
    share = OBJECTIVE_SHARES[objective.sensitivity]
    column = objective.column.upper()
    values: dict[str, float] = {}
    for item in catalogue:
        value = number(view.items.get(item, {}).get(column))
        if value is not None and math.isfinite(value):
            values[item] = value
    low, high = min(values.values(), default=0.0), max(values.values(), default=0.0)
    if high <= low:
        return {}
    return {item: 1.0 + share * (value - low) / (high - low) for item, value in values.items()}


def learn_items(
    view: DataView,
    *,
    seed: str,
    recipe_name: str,
    event_type: str | None,
    selection: EventSelection | None = None,
    objective: Objective | None = None,
) -> Model:
    """An item model from ``view``: interactions and Items records.

    ``selection`` says which interactions count and how much (default: those of
    ``event_type`` if given, else all, equally); ``objective`` raises personalized scores.
    """
    chosen = selection if selection is not None else EventSelection(event_type=event_type)
    # An item only seen in events training does not use is not learned: it is known only if
    # the Items dataset lists it.
    used = (event.target for event in view.interactions if chosen.weight(event) > 0)
    catalogue = _catalogue(used, view.items)
    return _learn(
        view.interactions,
        catalogue,
        seed=seed,
        half_life=HALF_LIVES.get(recipe_name, DEFAULT_HALF_LIFE),
        weight=chosen.weight,
        synthetic_size=SYNTHETIC_ITEMS,
        prefix="item",
        boost=_boost(view, catalogue, objective),
    )


def action_weight(event: Interaction) -> float:
    """How much an action interaction says about interest: taken > viewed > not taken."""
    kind = event.event_type.upper().replace(" ", "_")
    return ACTION_EVENT_WEIGHTS.get(kind, 0.0)


def learn_actions(view: DataView, *, seed: str) -> Model:
    """An action model from ``view``: action interactions and Actions records."""
    catalogue = _catalogue((event.target for event in view.action_interactions), view.actions)
    return _learn(
        view.action_interactions,
        catalogue,
        seed=seed,
        half_life=DEFAULT_HALF_LIFE,
        weight=action_weight,
        synthetic_size=SYNTHETIC_ACTIONS,
        prefix="action",
        relative_scores=True,
    )


@dataclass(frozen=True, slots=True)
class Training:
    """What a model is learned from: the group's records visible at ``at``, for ``recipe_name``.

    ``key`` names the model (a solution version ARN, or a recommender ARN and its training
    time); ``event_type`` is the solution's eventType (train on those events only), unless
    ``selection`` says more (a solution's eventType, eventValueThreshold and eventsConfig);
    ``objective`` is a solution's optimization objective.
    """

    key: str
    group_arn: str
    at: float
    recipe_name: str
    event_type: str | None = None
    actions: bool = False
    selection: EventSelection | None = None
    objective: Objective | None = None


def version_training(version: SolutionVersion) -> Training:
    """What a solution version's model learns from: the data visible when its training started."""
    solution = version.solution
    recipe = solution.training_recipe()
    config = version.training_config
    return Training(
        key=version.arn,
        group_arn=solution.dataset_group_arn,
        # Training reads the data visible when it starts (as the data rules do).
        at=version.timeline.starts[0],
        recipe_name=recipe.name,
        event_type=solution.event_type,
        actions=recipe.category == PERSONALIZED_ACTIONS,
        # The events the training minimums were counted on (training_data.training_failure).
        selection=event_selection(solution.event_type, config),
        objective=objective_of(config),
    )


# Per backend (weakly, so a reset mock frees them): model key -> (batches it learned from, model).
_MODELS: weakref.WeakKeyDictionary[RegionBackend, dict[str, tuple[PerKind, Model]]] = (
    weakref.WeakKeyDictionary()
)


def model_for(backend: RegionBackend, training: Training) -> Model:
    """The model ``training`` describes, learned once and reused while its data is unchanged.

    Reuse costs one pass over the group's batch list (no record is read); the model is
    learned again only if the batches that count at the training time changed.
    """
    batches = counting_batches(backend, training.group_arn, training.at)
    models = _MODELS.setdefault(backend, {})
    cached = models.get(training.key)
    if cached is not None and same_batches(cached[0], batches):
        return cached[1]
    view = data_view(backend, training.group_arn, training.at, batches)
    # The synthetic catalogue is the dataset group's, so every model of the group agrees.
    seed = training.group_arn
    model: Model
    if training.actions:
        model = learn_actions(view, seed=seed)
    else:
        model = learn_items(
            view,
            seed=seed,
            recipe_name=training.recipe_name,
            event_type=training.event_type,
            selection=training.selection,
            objective=training.objective,
        )
    models[training.key] = (batches, model)
    return model
