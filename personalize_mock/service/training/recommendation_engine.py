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

Cost at catalogue scale: a request must not pay for the whole catalogue. Whatever does not
depend on the request is derived once per model (models are cached per training) and kept
with it: the catalogue sorted by popularity and by the popularity part of blended scores
(:class:`_Order`), the users of each item, co-occurrence rows (built per item when first
needed), and the rankings already asked for (per related item, per user and history, per
ranking request; bounded). A :class:`Ranking` merges the few items a request gives other
values (those with co-occurrence) into a precomputed order and scores entries only as they
are read, so numResults=10 reads about ten. Answers are exactly those of blending and sorting
the whole catalogue: same items, order and scores. Scores divide by the sum over the catalogue
in catalogue order, as the direct computation does; that sum is certified from a model-wide
total in O(head) (:func:`_certified`), and the plain O(catalogue) sum is computed only when
the certificate cannot settle a score's seventh decimal.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import operator
import weakref
from collections.abc import Callable, Container, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, overload

from personalize_mock.service.core.lifecycle import Timeline
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.data_store import Batch, GroupData, group_data
from personalize_mock.service.data.data_views import (
    DataView,
    Interaction,
    PerKind,
    counting_batches,
    data_view,
    number,
    same_batches,
)
from personalize_mock.service.training.catalogue import PERSONALIZED_ACTIONS, Recipe
from personalize_mock.service.training.solution_model import Solution
from personalize_mock.service.training.training_data import EventSelection, event_selection

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


def _draws(parts: tuple[str, ...], items: Iterable[str]) -> dict[str, float]:
    """``{item: unit(*parts, item)}`` for every item: the shared prefix is hashed once."""
    prefix = hashlib.blake2b(("\x1f".join(parts) + "\x1f").encode("utf-8"), digest_size=8)
    drawn: dict[str, float] = {}
    for item in items:
        # blake2b is a streaming hash: prefix then item digests as the joined text does.
        digest = prefix.copy()
        digest.update(item.encode("utf-8"))
        drawn[item] = int.from_bytes(digest.digest(), "big") / 2.0**64
    return drawn


def round_score(value: float) -> float:
    """A score as the service reports it: 7 decimals, never 0, never above 1."""
    return min(1.0, max(MIN_SCORE, round(value, SCORE_DECIMALS)))


class Scored(NamedTuple):
    """An item (or action) with its score; ``cold`` when it had no interactions in training.

    A named tuple: rankings make one per entry read, and the runtime unpacks them.
    """

    item_id: str
    score: float
    cold: bool = False


def _best_first(pair: tuple[str, float]) -> tuple[float, str]:
    """Sort key of (item, value) pairs: higher values first, ties by id (a total order)."""
    return (-pair[1], pair[0])


# -- scores ---------------------------------------------------------------------------------------

#: Unit roundoff of a double: every float operation is exact to within this relative error.
_ROUNDOFF = 2.0**-53


class _Scale:
    """What a ranking's raw values are divided by: their sum (or their largest value).

    Either the divisor is known exactly, or only an approximation with a proven relative error
    bound is (see :func:`_certified`): then a score is taken from the approximation when every
    divisor within the bound rounds to the same 7-decimal score, and the exact divisor is
    computed (once, O(catalogue)) only when the approximation cannot decide.
    """

    __slots__ = ("_approx", "_compute", "_error", "_exact")

    def __init__(
        self,
        exact: float | None,
        approx: float = 1.0,
        error: float = 0.0,
        compute: Callable[[], float] | None = None,
    ) -> None:
        self._exact = exact
        self._approx = approx
        self._error = error
        self._compute = compute

    def scores(self, values: list[float]) -> list[float]:
        """``round_score(value / divisor)`` of each value, exactly (a ranking's entries, in one go)."""
        exact = self._exact
        if exact is None:
            approx, low_factor, high_factor = self._approx, 1.0 - self._error, 1.0 + self._error
            spread = 2.0 * self._error
            found: list[float] = []
            for value in values:
                quotient = value / approx
                # The score in units of the last decimal, and the nearest whole one. Far enough
                # from halfway (allowing for the interval and this product's rounding), every
                # quotient of the interval rounds to it, and nearest / 1e7 is the very float
                # round() gives: the correctly rounded value of that decimal. round() with
                # digits formats and parses a decimal; this is a multiply and a compare.
                units = quotient * _UNITS
                if 0.0 <= units < _MAX_UNITS:
                    nearest = int(units + 0.5)
                    if abs(units - nearest) < _SAFE_HALF - units * spread:
                        low = nearest / _UNITS
                        found.append(1.0 if low > 1.0 else (low if low >= MIN_SCORE else MIN_SCORE))
                        continue
                low = round(quotient * low_factor, SCORE_DECIMALS)
                high = round(quotient * high_factor, SCORE_DECIMALS)
                if low != high:
                    # Clamped alike (both under MIN_SCORE), they still decide the score.
                    low, high = _clamped(low), _clamped(high)
                    if low != high:
                        break
                # round_score is monotonic: if both ends of the interval the true quotient lies
                # in round alike, so does the true quotient. (_clamped, inlined: once per entry.)
                found.append(1.0 if low > 1.0 else (low if low >= MIN_SCORE else MIN_SCORE))
            else:
                return found
            assert self._compute is not None
            exact = self._exact = self._compute()
            return found + [round_score(value / exact) for value in values[len(found) :]]
        return [round_score(value / exact) for value in values]


#: One unit of the last decimal of a score, inverted: scores are whole multiples of 1 / _UNITS.
_UNITS = 10.0**SCORE_DECIMALS
#: How far from a whole unit a scaled score may lie to be taken without round(): under half a
#: unit by a margin far above the product's rounding error (under 1e-7 units below _MAX_UNITS).
_SAFE_HALF = 0.49
_MAX_UNITS = 1e9


def _clamped(score: float) -> float:
    """A rounded score kept within (0, 1], as :func:`round_score` does (NaN too: MIN_SCORE)."""
    return 1.0 if score > 1.0 else (score if score >= MIN_SCORE else MIN_SCORE)


def _certified(approx: float, terms: int, magnitude: float, compute: Callable[[], float]) -> _Scale:
    """A :class:`_Scale` for a sum known as ``approx`` (``math.fsum`` of parts whose largest
    rounded part, the model-wide total, is ``magnitude``), where the scores must be those of
    ``compute()``: the plain left-to-right ``sum`` of the ``terms`` non-negative values.

    Bounds (u = 2**-53): the plain sum is within (terms - 1)·u·S of the true sum S; ``approx``
    within u·S + 2u·magnitude of it; each division and each rounding of the interval's ends
    adds u. ``error`` covers all of that with a factor 2 to spare. When it cannot be trusted
    (a divisor that is not a positive finite number), the exact sum is computed at once.
    """
    if not (approx > 0.0 and math.isfinite(approx)):
        return _Scale(compute())
    error = (2.0 * terms + 16.0 + 4.0 * magnitude / approx) * _ROUNDOFF
    if error >= 1e-6:
        return _Scale(compute())
    return _Scale(None, approx, error, compute)


class _Order:
    """Every item of a model by one model-wide value, best first, computed once per model.

    ``by_item`` holds the values in catalogue order (the order the service sums them in);
    ``total`` is their correctly rounded sum (``math.fsum``).
    """

    __slots__ = ("by_item", "items", "total", "values")

    def __init__(self, by_item: dict[str, float]) -> None:
        ranked = sorted(by_item.items(), key=_best_first)
        self.by_item = by_item
        self.items = [item for item, _ in ranked]
        self.values = [value for _, value in ranked]
        self.total = math.fsum(by_item.values())


#: Entries a ranking scores the first time it is read, and at least the double of what it
#: had when read further (a request reads the first few of a catalogue-wide ranking).
_FIRST_ENTRIES = 32


class Ranking(Sequence[Scored]):
    """Items best first; entries are merged, scored and kept as they are first read.

    A ranking is a sorted ``head`` (the items whose values the request changed: those with
    co-occurrence, or every item of an explicit list) merged with a model-wide ``order`` (every
    other item at its precomputed value), skipping the head's items and ``excluded`` in it.
    Reading the first k entries costs O(k) plus the head's items passed in the order, whatever
    the size of the catalogue.
    """

    __slots__ = ("_excluded", "_head", "_known", "_order", "_scale", "_size", "_skip", "_state", "_tops")

    def __init__(
        self,
        model: Model,
        scale: _Scale,
        size: int,
        head: list[tuple[str, float]],
        skip: Container[str] = (),
        order: _Order | None = None,
        excluded: str | None = None,
    ) -> None:
        # The items with interactions in training (``None``: synthetic, nothing is cold).
        self._known = None if model.synthetic else model.popularity
        self._scale = scale
        self._size = size
        self._head = head
        self._skip = skip
        self._order = order
        self._excluded = excluded
        # (entries read so far, next head position, next order position), replaced as one
        # value so a reader never sees positions that do not match the entries.
        self._state: tuple[list[Scored], int, int] = ([], 0, 0)
        self._tops: dict[int, tuple[Scored, ...]] = {}

    def _entries(self, wanted: int, *, ahead: bool = True) -> list[Scored]:
        """At least the first ``wanted`` entries (fewer when there are not as many).

        ``ahead``: read at least :data:`_FIRST_ENTRIES` (a runtime request with a filter reads
        on); one-off readers that want exactly ``wanted`` pass ``False``.
        """
        done, h, t = self._state
        if len(done) >= wanted or len(done) >= self._size:
            return done
        goal = min(self._size, max(wanted, 2 * len(done), _FIRST_ENTRIES if ahead else 0))
        grown = done[:]
        head, skip, excluded = self._head, self._skip, self._excluded
        order = self._order
        items: Sequence[str] = () if order is None else order.items
        values: Sequence[float] = () if order is None else order.values
        n = len(items)
        taken: list[tuple[str, float]] = []
        need = goal - len(grown)
        head_size = len(head)
        while len(taken) < need:
            if h < head_size:
                head_item, head_value = head[h]
                # The order is sorted by value: an order entry below the head's next can never
                # come first, so skipping the head's own items (and ``excluded``) in the order
                # is done only as far as values reach the head's next. Most requests take
                # their first entries from the head without walking the order at all.
                while t < n and values[t] >= head_value and (items[t] in skip or items[t] == excluded):
                    t += 1
                if t == n:
                    # The order has nothing left: the rest comes from the head, in its order.
                    more = min(need - len(taken), head_size - h)
                    taken.extend(head[h : h + more])
                    h += more
                    continue
                # The head's next entry comes first when the order's next is lower, or equal
                # with a larger id; so do the head's entries after it that are still higher than
                # the order's next (``bar``: the real next of the order is at most that).
                bar = values[t]
                if bar < head_value or (bar == head_value and head_item < items[t]):
                    taken.append(head[h])
                    h += 1
                    while h < head_size and len(taken) < need and head[h][1] > bar:
                        taken.append(head[h])
                        h += 1
                    continue
            else:
                # (``size`` counts exactly the entries both hold, so the order has one left.)
                while items[t] in skip or items[t] == excluded:
                    t += 1
            taken.append((items[t], values[t]))
            t += 1
        scores = self._scale.scores([value for _, value in taken])
        pairs = zip(taken, scores, strict=True)
        # tuple.__new__ skips the named tuple's Python-level __new__: this runs for every
        # entry a request (or each user of a batch inference job) reads.
        make, known = tuple.__new__, self._known
        if known is None:
            grown.extend([make(Scored, (item, score, False)) for (item, _), score in pairs])
        else:
            grown.extend([make(Scored, (item, score, item not in known)) for (item, _), score in pairs])
        self._state = (grown, h, t)
        return grown

    def first(self, count: int) -> list[Scored]:
        """The first ``count`` entries, reading no further: for one-off readers (a batch line)."""
        return self._entries(count, ahead=False)[:count]

    def top(self, count: int) -> tuple[Scored, ...]:
        """The first ``count`` entries (all of them when there are fewer), kept per count.

        The same tuple is handed out for the same count, so callers may key what they derive
        from it by its identity.
        """
        found = self._tops.get(count)
        if found is None:
            found = self._tops[count] = tuple(self._entries(count)[:count])
        return found

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Scored: ...

    @overload
    def __getitem__(self, index: slice) -> list[Scored]: ...

    def __getitem__(self, index: int | slice) -> Scored | list[Scored]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            if step > 0:
                return self._entries(stop)[start:stop:step]
            # Backwards: from the end, so every entry is read (then the list slices alike).
            return self._entries(self._size)[index]
        position = index + self._size if index < 0 else index
        if not 0 <= position < self._size:
            raise IndexError("ranking index out of range")
        return self._entries(position + 1)[position]

    def __iter__(self) -> Iterator[Scored]:
        position = 0
        while position < self._size:
            done = self._entries(position + 1)
            yield from done[position:]
            position = len(done)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Cache(Generic[K, V]):
    """Entries up to a budget (in units the caller chooses), the oldest dropped first.

    First in, first out: a hit costs one dict lookup. Entries are computed from immutable
    inputs, so two computations of one key agree and either may stay.
    """

    __slots__ = ("_budget", "_entries", "_used")

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._entries: dict[K, tuple[V, int]] = {}
        self._used = 0

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        return None if found is None else found[0]

    def put(self, key: K, value: V, size: int = 1) -> V:
        entries = self._entries
        previous = entries.pop(key, None)
        if previous is not None:
            self._used -= previous[1]
        entries[key] = (value, size)
        self._used += size
        while self._used > self._budget and len(entries) > 1:
            self._used -= entries.pop(next(iter(entries)))[1]
        return value


# Budgets of a model's caches, in entries (items of a row, of a head, …): a few tens of MB at
# most per model, however many users and items are asked about.
ROW_BUDGET = 400_000
RANKING_BUDGET = 200_000
AFFINITY_BUDGET = 200_000
HISTORY_BUDGET = 10_000
DRAWS_BUDGET = 100_000

# The model-wide orders (see Model._order).
_POPULAR = "popular"  # base value: popular items
_COLD = "cold"  # base value, raised by the objective: a cold user's items
_BLEND = "blend"  # the popularity part of a blended score: related items without co-occurrence
_BLEND_BOOSTED = "blend boosted"  # the same, raised by the objective: personalized items
#: Share of co-occurrence in blended scores (computed as the service's formula writes it).
_AFFINITY_SHARE = 1 - POPULARITY_SHARE


class Model:
    """What one training learned: a catalogue, popularity, and users' histories.

    Everything a request needs is derived once per model and kept: the model-wide orders
    (popular items; the popularity part of blended scores), users per item, co-occurrence rows,
    and the rankings already asked for (per related item, per user and history). A request then
    costs O(what it reads), not O(catalogue): see :class:`Ranking`.
    """

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
        least = min(popularity.values(), default=1.0)
        # Items without interactions (only in the Items dataset) are explored a little.
        self.base = {
            item: popularity.get(item) or least * EXPLORATION_SHARE * (0.5 + unit(seed, "cold", item) / 2)
            for item in self.catalogue
        }
        self.top_base = max(self.base.values(), default=1.0)
        # Derived on first use (a popularity model never needs co-occurrence).
        self._orders: dict[str, _Order] = {}
        self._full: dict[str, Ranking] = {}
        self._users_of: dict[str, list[str]] | None = None
        self._roots: dict[str, float] = {}
        self._rows: _Cache[str, dict[str, float]] = _Cache(ROW_BUDGET)
        self._related: _Cache[str, Ranking] = _Cache(RANKING_BUDGET)
        self._personal: _Cache[str, tuple[tuple[str, ...], Ranking]] = _Cache(RANKING_BUDGET)
        self._affinities: _Cache[tuple[str, tuple[str, ...]], tuple[dict[str, float], float]] = _Cache(
            AFFINITY_BUDGET
        )
        self._now: _Cache[str, tuple[Sequence[Interaction], int, tuple[str, ...]]] = _Cache(HISTORY_BUDGET)
        self._drawn: _Cache[str, dict[str, float]] = _Cache(DRAWS_BUDGET)
        self._ranked: _Cache[
            tuple[str, tuple[str, ...], tuple[str, ...]], tuple[Ranking, tuple[str, ...]]
        ] = _Cache(RANKING_BUDGET)

    # -- building blocks ---------------------------------------------------------------------

    def is_cold(self, item: str) -> bool:
        return not self.synthetic and item not in self.popularity

    def _order(self, kind: str) -> _Order:
        """One of the model-wide orders, sorted on first use."""
        found = self._orders.get(kind)
        if found is not None:
            return found
        if kind in (_COLD, _BLEND_BOOSTED) and not self.boost:
            # Without an objective, raising changes nothing: share the unraised order.
            found = self._order(_POPULAR if kind == _COLD else _BLEND)
        elif kind == _POPULAR:
            found = _Order(self.base)
        elif kind == _COLD:
            found = _Order(self._boosted(self.base))
        elif kind == _BLEND:
            top_base = self.top_base
            found = _Order({item: POPULARITY_SHARE * value / top_base for item, value in self.base.items()})
        else:
            found = _Order(self._boosted(self._order(_BLEND).by_item))
        self._orders[kind] = found
        return found

    def _whole(self, kind: str) -> Ranking:
        """The ranking of every item by one model-wide order (popular items, a cold user's)."""
        found = self._full.get(kind)
        if found is None:
            # A catalogue is never empty (a model without data has the synthetic one). The
            # divisor is exactly the service's: the sum in catalogue order (or the largest).
            order = self._order(kind)
            values = order.by_item
            divisor = order.values[0] if self.relative_scores else sum(values.values())
            found = self._full[kind] = Ranking(self, _Scale(divisor), len(values), [], (), order)
        return found

    def _scored(self, raw: dict[str, float]) -> Ranking:
        """``raw`` (all > 0) as scores, best first (ties by id, so the order is total)."""
        if not raw:
            return Ranking(self, _Scale(1.0), 0, [])
        scale = max(raw.values()) if self.relative_scores else sum(raw.values())
        return Ranking(self, _Scale(scale), len(raw), sorted(raw.items(), key=_best_first))

    def _merged(self, head_values: dict[str, float], order: _Order, excluded: str | None) -> Ranking:
        """``order`` with the items of ``head_values`` at those values instead, less ``excluded``.

        The divisor is exact for relative scores (the largest value is the first entry's);
        otherwise it is certified from ``order.total`` in O(head) (:func:`_certified`).
        """
        head = sorted(head_values.items(), key=_best_first)
        tail = order.by_item
        size = len(tail) - (excluded in tail)
        if size == 0:
            return Ranking(self, _Scale(1.0), 0, [])
        scale: _Scale
        if self.relative_scores:
            # The largest value: the head's first, or the order's first that is not excluded
            # (an item of the head is never worth less there than in the order).
            first = order.values[1] if order.items[0] == excluded else order.values[0]
            scale = _Scale(max(head[0][1], first) if head else first)
        else:
            parts = [order.total, *(-tail[item] for item in head_values), *head_values.values()]
            if excluded in tail:
                parts.append(-tail[excluded])

            def exact() -> float:
                # The service's divisor: every candidate's value summed in catalogue order.
                return sum(head_values.get(item, value) for item, value in tail.items() if item != excluded)

            scale = _certified(math.fsum(parts), size, order.total, exact)
        return Ranking(self, scale, size, head, head_values, order, excluded)

    def _blend(self, affinity: dict[str, float], candidates: Iterable[str]) -> dict[str, float]:
        return self._blend_with(affinity, max(affinity.values(), default=0.0) or 1.0, candidates)

    def _blend_with(
        self, affinity: dict[str, float], top: float, candidates: Iterable[str]
    ) -> dict[str, float]:
        return {
            item: _AFFINITY_SHARE * affinity.get(item, 0.0) / top
            + POPULARITY_SHARE * self.base[item] / self.top_base
            for item in candidates
        }

    def _head(self, affinity: dict[str, float]) -> dict[str, float]:
        """Blended values of the items with an affinity (``_blend`` over those items only).

        Every other candidate's blended value is its popularity part, the ``_BLEND`` order's.
        """
        top = max(affinity.values(), default=0.0) or 1.0
        terms = self._order(_BLEND).by_item
        return {
            item: _AFFINITY_SHARE * value / top + terms[item]
            for item, value in affinity.items()
            if item in terms
        }

    def _boosted(self, raw: dict[str, float]) -> dict[str, float]:
        """``raw`` raised by the optimization objective, if the model has one."""
        if not self.boost:
            return raw
        return {item: score * self.boost.get(item, 1.0) for item, score in raw.items()}

    def _index(self) -> tuple[dict[str, list[str]], dict[str, float]]:
        """Users per item (in training order) and the square root of each item's user strength.

        The strength of an item is what its users' strengths on it sum to (their number when
        every event weighs the same); co-occurrence is discounted by its root, like SIMS.
        """
        users_of = self._users_of
        if users_of is None:
            users_of = {}
            users_with: dict[str, float] = {}
            for user, history in self.histories.items():
                strength = self.strengths.get(user, {})
                for item in history:
                    users_with[item] = users_with.get(item, 0.0) + strength.get(item, 1.0)
                    users_of.setdefault(item, []).append(user)
            self._roots = {item: math.sqrt(total) for item, total in users_with.items()}
            self._users_of = users_of
        return users_of, self._roots

    def co_occurrence(self, item_id: str) -> dict[str, float]:
        """How much each other item was interacted with by the users of ``item_id``.

        Each user who has both counts with the product of their strengths on the two (1 when
        every event weighs the same), summed in training order. Rows are built on demand from
        the users of ``item_id`` and kept (a model of 10⁶ interactions would need gigabytes to
        hold every pair).
        """
        row = self._rows.get(item_id)
        if row is not None:
            return row
        users_of, _ = self._index()
        row = {}
        for user in users_of.get(item_id, ()):
            strength = self.strengths.get(user)
            if strength is None:
                for other in self.histories[user]:
                    if other != item_id:
                        row[other] = row.get(other, 0.0) + 1.0
            else:
                own = strength.get(item_id, 1.0)
                for other in self.histories[user]:
                    if other != item_id:
                        row[other] = row.get(other, 0.0) + own * strength.get(other, 1.0)
        return self._rows.put(item_id, row, len(row) + 1)

    def _affinity(self, user_id: str, history: tuple[str, ...]) -> dict[str, float]:
        """Co-occurrence with the user's history: recent items weigh more, discounted like SIMS."""
        _, roots = self._index()
        affinity: dict[str, float] = {}
        # Items the user only met after training (live events) count fully.
        own = self.strengths.get(user_id, {})
        for age, seen in enumerate(reversed(history)):
            recency = 0.9**age * own.get(seen, 1.0)
            for other, count in self.co_occurrence(seen).items():
                # Discounted like SIMS, or the bestsellers would top every user's list.
                strength = recency * count / roots[other]
                affinity[other] = affinity.get(other, 0.0) + strength
        return affinity

    def _user_draws(self, user_id: str) -> dict[str, float]:
        """A synthetic model's affinities of ``user_id`` for every item (hashed once per user)."""
        drawn = self._drawn.get(user_id)
        if drawn is None:
            drawn = self._drawn.put(
                user_id, _draws((self.seed, "user", user_id), self.catalogue), len(self.catalogue)
            )
        return drawn

    # -- what the runtime asks -----------------------------------------------------------------

    def popular(self, exclude: str | None = None) -> Ranking:
        """Every item by popularity."""
        if exclude is None or exclude not in self.known:
            return self._whole(_POPULAR)
        return self._merged({}, self._order(_POPULAR), exclude)

    def related(self, item_id: str) -> Ranking:
        """Items that users who interacted with ``item_id`` also interacted with, then popular ones."""
        found = self._related.get(item_id)
        if found is None:
            found = self._related_to(item_id)
            self._related.put(item_id, found, len(found._head) + 1)
        return found

    def _related_to(self, item_id: str) -> Ranking:
        if self.synthetic:
            candidates = [item for item in self.catalogue if item != item_id]
            affinity = _draws((self.seed, "related", item_id), candidates)
            return self._scored(self._blend(affinity, candidates))
        row = self.co_occurrence(item_id)
        if not row:
            # An item the model never saw: popular items, as SIMS does for cold items.
            return self.popular(exclude=item_id)
        # SIMS discounts popular items so that "also bought" is not just "bestsellers".
        _, roots = self._index()
        affinity = {other: count / roots[other] for other, count in row.items()}
        return self._merged(self._head(affinity), self._order(_BLEND), item_id)

    def history(self, user_id: str, live: Sequence[Interaction] = ()) -> tuple[str, ...]:
        """The user's items known to the model, oldest first: training data, then ``live`` events.

        ``live`` are the user's interactions visible now. Events recorded after training change
        a user's recommendations at once (the service updates them in real time), but only
        among items the model knows. ``live`` must not change once passed (a data view's
        lists do not): the answer is kept per user while the same list is passed.
        """
        trained = self.histories.get(user_id, ())
        if not live:
            return trained
        known = self._now.get(user_id)
        if known is not None and known[0] is live and known[1] == len(live):
            return known[2]
        recent = [event.target for event in live if event.target in self.known and self.weight(event) > 0]
        found = _distinct_latest([*trained, *recent]) if recent else trained
        # The entry holds ``live`` itself, so its identity cannot be reused by another list.
        self._now.put(user_id, (live, len(live), found))
        return found

    def personalized(
        self, user_id: str, history: Sequence[str], candidates: Iterable[str] | None = None
    ) -> dict[str, float]:
        """Raw scores (> 0) of ``candidates`` (default: the catalogue) for a user with ``history``."""
        pool = list(self.catalogue if candidates is None else candidates)
        if self.synthetic:
            # Candidates are catalogue items (as everywhere: their popularity is blended in).
            drawn = self._user_draws(user_id)
            return self._blend({item: drawn[item] for item in pool}, pool)
        if not history:
            # A cold user: popular items.
            return self._boosted({item: self.base[item] for item in pool})
        key = (user_id, tuple(history))
        found = self._affinities.get(key)
        if found is None:
            affinity = self._affinity(user_id, key[1])
            found = self._affinities.put(
                key, (affinity, max(affinity.values(), default=0.0) or 1.0), len(affinity) + 1
            )
        affinity, top = found
        return self._boosted(self._blend_with(affinity, top, pool))

    def for_user(self, user_id: str, history: Sequence[str]) -> Ranking:
        """Every item for the user, best first."""
        wanted = () if self.synthetic else tuple(history)
        known = self._personal.get(user_id)
        # Kept per user with the history it was made for (``history`` hands out the same
        # tuple while the user's events are unchanged, so this is usually an identity check).
        if known is not None and (known[0] is wanted or known[0] == wanted):
            return known[1]
        found = self._for_user(user_id, wanted)
        self._personal.put(user_id, (wanted, found), len(found._head) + 1)
        return found

    def _for_user(self, user_id: str, history: tuple[str, ...]) -> Ranking:
        if self.synthetic:
            return self._scored(self.personalized(user_id, history))
        if not history:
            # A cold user: popular items (raised by the objective, if any).
            return self._whole(_COLD)
        head = self._boosted(self._head(self._affinity(user_id, history)))
        return self._merged(head, self._order(_BLEND_BOOSTED), None)

    def rank(
        self, user_id: str, history: Sequence[str], input_list: Sequence[str]
    ) -> tuple[Ranking, list[str]]:
        """``input_list`` reordered for the user: scored known items, then unknown ones in input order.

        Duplicates are ranked once (first occurrence); scores sum to about 1 over the known items.
        """
        key = (user_id, tuple(history), tuple(input_list))
        found = self._ranked.get(key)
        if found is None:
            distinct = list(dict.fromkeys(input_list))
            known = [item for item in distinct if item in self.known]
            unknown = tuple(item for item in distinct if item not in self.known)
            found = self._ranked.put(
                key, (self._scored(self.personalized(user_id, history, known)), unknown), len(key[2]) + 1
            )
        return found[0], list(found[1])


def _distinct_latest(targets: Sequence[str]) -> tuple[str, ...]:
    """Distinct targets ordered by their last occurrence, the latest ``HISTORY_LENGTH`` of them."""
    latest: dict[str, None] = {}
    # From the end: the first HISTORY_LENGTH distinct targets met are the latest ones.
    for target in reversed(targets):
        if target not in latest:
            latest[target] = None
            if len(latest) == HISTORY_LENGTH:
                break
    return tuple(reversed(latest))


def _in_time_order(times: list[float], targets: list[str]) -> list[str]:
    """``targets`` sorted by their events' times, ties in the order the events came in.

    Events usually come in time order per user: then nothing moves (checked pairwise, so a
    NaN time takes the general path, which sorts as the events' (time, order) tuples do).
    """
    if all(map(operator.le, times, times[1:])):
        return targets
    return [target for _, _, target in sorted(zip(times, range(len(times)), targets, strict=True))]


def _learn(
    events: Sequence[Interaction],
    catalogue: Sequence[str],
    *,
    seed: str,
    half_life: float | None,
    weight: Callable[[Interaction], float],
    weights: Sequence[float] | None,
    synthetic_size: int,
    prefix: str,
    relative_scores: bool = False,
    boost: dict[str, float] | None = None,
) -> Model:
    """A model of ``events``; ``weights`` are their ``weight``s (``None``: every one weighs 1)."""
    if not catalogue:
        items = [f"{prefix}-{n}" for n in range(1, synthetic_size + 1)]
        drawn = {item: 0.01 + unit(seed, "popularity", item) for item in items}
        return Model(
            items, drawn, {}, seed=seed, synthetic=True, weight=weight, relative_scores=relative_scores
        )
    newest = max((event.timestamp for event in events), default=0.0)
    popularity: dict[str, float] = {}
    # Per user, the targets of their events and the events' times, in the order they came.
    targets_of: dict[str, list[str]] = {}
    times_of: dict[str, list[float]] = {}
    strengths = itertools.repeat(1.0) if weights is None else weights
    for event, strength in zip(events, strengths, strict=weights is not None):
        if strength <= 0:
            continue
        target, at = event.target, event.timestamp
        decay = 1.0 if half_life is None else 0.5 ** ((newest - at) / half_life)
        popularity[target] = popularity.get(target, 0.0) + strength * decay
        targets = targets_of.get(event.user)
        if targets is None:
            targets_of[event.user] = [target]
            times_of[event.user] = [at]
        else:
            targets.append(target)
            times_of[event.user].append(at)
    histories = {
        user: _distinct_latest(_in_time_order(times_of[user], targets))
        for user, targets in targets_of.items()
    }
    weighted = weights is not None and any(strength > 0 and strength != 1.0 for strength in weights)
    return Model(
        catalogue,
        popularity,
        histories,
        seed=seed,
        synthetic=False,
        weight=weight,
        relative_scores=relative_scores,
        strengths=_strengths(events, weights) if weighted and weights is not None else None,
        boost=boost,
    )


def _strengths(events: Sequence[Interaction], weights: Sequence[float]) -> dict[str, dict[str, float]]:
    """Per user and item, the weight of the user's strongest event on it, where it is not 1.

    Only needed when some event weighs other than 1, so most models skip this second pass.
    """
    strongest: dict[tuple[str, str], float] = {}
    for event, strength in zip(events, weights, strict=True):
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
    events = view.interactions
    weights: list[float] | None = None
    used: Iterable[str] = (event.target for event in events)
    if chosen != EventSelection():
        # Without any filter every event weighs 1 (EventSelection.weight): no call needed.
        weights = [chosen.weight(event) for event in events]
        # An item only seen in events training does not use is not learned: it is known only
        # if the Items dataset lists it.
        used = (event.target for event, strength in zip(events, weights, strict=True) if strength > 0)
    catalogue = _catalogue(used, view.items)
    return _learn(
        events,
        catalogue,
        seed=seed,
        half_life=HALF_LIVES.get(recipe_name, DEFAULT_HALF_LIFE),
        weight=chosen.weight,
        weights=weights,
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
    events = view.action_interactions
    catalogue = _catalogue((event.target for event in events), view.actions)
    return _learn(
        events,
        catalogue,
        seed=seed,
        half_life=DEFAULT_HALF_LIFE,
        weight=action_weight,
        weights=[action_weight(event) for event in events],
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


class SolutionVersion(Protocol):
    """What a training reads of a solution version (solution_versions.SolutionVersion).

    A protocol, so that solution_versions may import this module (GetSolutionMetrics asks
    for the version's training) without an import cycle.
    """

    arn: str
    timeline: Timeline
    solution: Solution
    training_config: dict[str, Any]


#: Trainings of the versions asked about lately, by ARN (see :func:`version_training`).
_TRAININGS: dict[str, tuple[tuple[Any, ...], Training]] = {}
_TRAININGS_KEPT = 1024


def version_training(version: SolutionVersion) -> Training:
    """What a solution version's model learns from: the data visible when its training started.

    Every request asks again; the answer is kept per version while everything it is made of
    is unchanged: the version, its group, recipe, event type, configuration and start.
    """
    solution = version.solution
    recipe = solution.training_recipe()
    config = version.training_config
    inputs = (
        version,
        solution.dataset_group_arn,
        recipe,
        solution.event_type,
        config,
        version.timeline.starts[0],
    )
    known = _TRAININGS.get(version.arn)
    # Equal inputs (the same objects, as a rule) make the same training.
    if known is not None and known[0] == inputs:
        return known[1]
    training = _version_training(version, recipe, config)
    if len(_TRAININGS) >= _TRAININGS_KEPT:
        _TRAININGS.clear()
    _TRAININGS[version.arn] = (inputs, training)
    return training


def _version_training(version: SolutionVersion, recipe: Recipe, config: dict[str, Any]) -> Training:
    solution = version.solution
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


#: Everything a group's reads depend on: its batches and clears, compared by identity (batches
#: are immutable, so the same objects in the same order read the same at every time).
DataStamp = tuple[tuple[Batch, ...], tuple[tuple[float, str], ...]]


def data_stamp(data: GroupData) -> DataStamp:
    """The group's batches and clears as they are now (two tuple copies: no record is read)."""
    return tuple(data.batches), tuple(data.cleared)


def settled_at(data: GroupData) -> float:
    """When the last of the group's batches became visible and its last clear took effect.

    From then on the same batches count at every time, as long as the group's data is unchanged.
    """
    last = max((batch.visible_at for batch in data.batches), default=-math.inf)
    return max(last, max((when for when, _ in data.cleared), default=-math.inf))


@dataclass(slots=True)
class _Learned:
    """A model, the batches it learned from, and the group's data when that was last checked."""

    batches: PerKind
    model: Model
    stamp: DataStamp


# Per backend (weakly, so a reset mock frees them): model key -> what it learned.
_MODELS: weakref.WeakKeyDictionary[RegionBackend, dict[str, _Learned]] = weakref.WeakKeyDictionary()


def model_for(backend: RegionBackend, training: Training, stamp: DataStamp | None = None) -> Model:
    """The model ``training`` describes, learned once and reused while its data is unchanged.

    Reuse costs a comparison of the group's batch list with the one seen last time (by
    identity); when it differs, one pass over it (no record is read) tells whether the
    batches that count at the training time changed, and only then is the model learned again.
    ``stamp`` is the group's :func:`data_stamp`, when the caller has just taken it.
    """
    if stamp is None:
        stamp = data_stamp(group_data(backend, training.group_arn))
    models = _MODELS.setdefault(backend, {})
    cached = models.get(training.key)
    if cached is not None and cached.stamp == stamp:
        return cached.model
    batches = counting_batches(backend, training.group_arn, training.at)
    if cached is not None and same_batches(cached.batches, batches):
        cached.stamp = stamp
        return cached.model
    view = data_view(backend, training.group_arn, training.at, batches)
    model = learn_trained(view, training)
    models[training.key] = _Learned(batches, model, stamp)
    return model


def learn_trained(view: DataView, training: Training) -> Model:
    """The model ``training`` describes, learned from ``view`` (its settings, its seed).

    The one place a training's settings reach the learners: the runtime's models
    (:func:`model_for`) and the offline evaluation's (``evaluation.evaluate``) agree.
    """
    # The synthetic catalogue is the dataset group's, so every model of the group agrees.
    seed = training.group_arn
    if training.actions:
        return learn_actions(view, seed=seed)
    return learn_items(
        view,
        seed=seed,
        recipe_name=training.recipe_name,
        event_type=training.event_type,
        selection=training.selection,
        objective=training.objective,
    )
