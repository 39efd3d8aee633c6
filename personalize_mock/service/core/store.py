"""Where resources live: one :class:`RegionBackend` per account and region.

Each kind of resource has a :class:`Collection`: a dict by ARN for lookups and lists in
creation order (overall and per parent) for listings. A resource whose deletion has run its
course (status :data:`~personalize_mock.service.core.lifecycle.GONE`) is dropped from the
collection the first time anyone looks at it, so "gone" is derived from the clock too.

Nobody may look at it again, so each region also keeps :class:`InFlight`: a heap of the
resources whose timelines still have a phase to begin, by that time. Every create sweeps
it (and ``settle()`` reads it): what has become gone is forgotten, with whatever the
families keep about it (:func:`forget_with`), so memory follows what exists, and the
latest in-flight time costs the work in flight, not every resource ever created.
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from personalize_mock.errors import ResourceNotFoundException
from personalize_mock.service.core.lifecycle import DELETE_PENDING, GONE, Timeline, Tracked
from personalize_mock.service.core.partitions import partition_for

if TYPE_CHECKING:
    from personalize_mock.clock import SimulatedClock
    from personalize_mock.faults import Faults
    from personalize_mock.options import MockOptions


class Resource:
    """Fields every stored resource has; families subclass it with their own ``__slots__``."""

    __slots__ = ("arn", "created", "failure_reason", "name", "seq", "tags", "timeline")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        self.arn = arn
        self.name = name
        self.seq = seq
        self.created = created
        self.timeline = timeline
        self.failure_reason: str | None = None
        self.tags: dict[str, str] | None = None

    def status(self, now: float) -> str:
        return self.timeline.status(now)

    def parent_arn(self) -> str:
        """The ARN of the resource this one is listed under ("" if none)."""
        return ""

    def settles_at(self) -> float:
        """When nothing started on this resource is in flight any more (``settle()``)."""
        return self.timeline.settles_at


class UpdatableResource(Resource):
    """A resource whose updates run a lifecycle of their own, reported beside its status.

    ``update`` is the latest one (an earlier one, finished, is folded into the resource);
    nothing is settled until both the resource's timeline and the update's are.
    """

    __slots__ = ("update",)

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.update: Tracked | None = None

    def settles_at(self) -> float:
        update = self.update
        if update is None:
            return self.timeline.settles_at
        return max(self.timeline.settles_at, update.timeline.settles_at)


R = TypeVar("R", bound=Resource)

#: What a family forgets about a resource of a kind once it is gone: ``forget(backend, arn)``.
Forgetter = Callable[["RegionBackend", str], None]
_FORGETTERS: dict[str, list[Forgetter]] = {}


def forget_with(kind: str, forget: Forgetter) -> None:
    """Call ``forget(backend, arn)`` whenever a resource of ``kind`` is gone and dropped.

    For what a family keeps by ARN outside the collections (a dataset group's records,
    caches keyed by a resource's ARN): registered once, at import of the family module.
    """
    _FORGETTERS.setdefault(kind, []).append(forget)


class InFlight:
    """The resources of one region that may still change by themselves: a heap by when they settle.

    Entries are ``(settles at, ticket, collection, resource)``; a resource is pushed when it is
    added and again whenever its timeline is rewritten (:meth:`Collection.track`), so it may
    have stale entries: each is checked against the resource when its time comes. Reading it
    costs the entries whose time has come plus, for :meth:`latest`, those still in flight.
    """

    __slots__ = ("backend", "heap", "ticket")

    def __init__(self, backend: RegionBackend | None = None) -> None:
        self.backend = backend
        self.heap: list[tuple[float, int, Collection[Any], Resource]] = []
        self.ticket = 0

    def track(self, collection: Collection[Any], resource: Resource, settles: float | None = None) -> None:
        """Watch ``resource`` until ``settles`` (by default, when its timeline settles)."""
        self.ticket += 1
        when = resource.settles_at() if settles is None else settles
        heapq.heappush(self.heap, (when, self.ticket, collection, resource))

    def sweep(self, now: float) -> None:
        """Drop the entries settled by ``now``, forgetting the resources found gone."""
        heap = self.heap
        while heap and heap[0][0] <= now:
            _, ticket, collection, resource = heapq.heappop(heap)
            settles = resource.settles_at()
            if settles > now:
                heapq.heappush(heap, (settles, ticket, collection, resource))
                continue
            collection.prune(now)
            if resource.timeline.statuses[-1] is GONE:
                collection.forget(resource)

    def latest(self, now: float) -> float:
        """When everything in flight at ``now`` will have settled (``now`` if nothing is)."""
        self.sweep(now)
        latest = now
        for _, _, _, resource in self.heap:
            settles = resource.settles_at()
            if settles > latest:
                latest = settles
        return latest


class Collection(Generic[R]):
    """The resources of one kind in one region."""

    __slots__ = (
        "by_arn",
        "by_parent",
        "in_flight",
        "kind",
        "order",
        "undeleted",
        "undeleted_by_parent",
        "unsettled",
    )

    def __init__(self, kind: str, in_flight: InFlight | None = None) -> None:
        self.kind = kind
        #: The region's resources in flight (a private heap for a collection on its own).
        self.in_flight = InFlight() if in_flight is None else in_flight
        self.by_arn: dict[str, R] = {}
        self.order: list[R] = []
        self.by_parent: dict[str, list[R]] = {}
        # Quota counters kept as resources come and go, so a create costs the same however
        # many resources exist: resources whose deletion has not started (overall and per
        # parent), and those that may still have work in flight.
        self.undeleted = 0
        self.undeleted_by_parent: dict[str, int] = {}
        # (when it settles, seq, resource), a heap: resources that may still have work in flight.
        self.unsettled: list[tuple[float, int, R]] = []

    def add(self, resource: R, now: float | None = None) -> R:
        """Store ``resource``; ``now`` is the caller's clock reading (read here when not given)."""
        self.by_arn[resource.arn] = resource
        self.order.append(resource)
        parent = resource.parent_arn()
        if parent:
            self.by_parent.setdefault(parent, []).append(resource)
        self.undeleted += 1
        self.undeleted_by_parent[parent] = self.undeleted_by_parent.get(parent, 0) + 1
        settles = resource.settles_at()
        in_flight = self.in_flight
        backend = in_flight.backend
        if backend is None:
            heapq.heappush(self.unsettled, (settles, resource.seq, resource))
            in_flight.track(self, resource, settles)
            return resource
        # Creating is what makes memory grow, so each create sweeps away what is gone. By a
        # clock reading (the handler's, taken at the start of the call, or a new one), not the
        # new resource's stamp or first phase: a stamp may run ahead of the clock, a first
        # phase lag just behind what settle() waited for.
        if now is None:
            now = backend.clock.time()
        in_flight.sweep(now)
        if settles > now:
            heapq.heappush(self.unsettled, (settles, resource.seq, resource))
            in_flight.track(self, resource, settles)
        elif resource.timeline.statuses[-1] is GONE:
            in_flight.track(self, resource, settles)
        # Otherwise it settled already (a schema, a resource made with zero durations) and is
        # not gone: it changes no more by itself, so neither heap needs it (prune() would drop
        # it from the quota heap at once) until its timeline is rewritten.
        return resource

    def track(self, resource: R) -> None:
        """``resource``'s timeline (or its update's) was rewritten: watch it until it settles.

        Every rewrite must be tracked (deletes, stops, updates), so ``settle()`` sees the new
        phases and a deleted resource is forgotten once gone. :meth:`rewrite` does both for
        the resource's own timeline; an update's timeline is set by its family, then tracked.
        """
        self.in_flight.track(self, resource)

    def rewrite(self, resource: R, at: float, phases: Sequence[tuple[str, float]]) -> None:
        """From ``at`` on, ``resource`` goes through ``phases`` (``Timeline.then``); watched until settled."""
        resource.timeline = resource.timeline.then(at, phases)
        self.in_flight.track(self, resource)

    def mark_deleting(self, resource: R) -> None:
        """The resource's deletion started: it stops counting towards "active" quotas."""
        self.undeleted -= 1
        parent = resource.parent_arn()
        self.undeleted_by_parent[parent] = self.undeleted_by_parent.get(parent, 1) - 1

    def count_undeleted(self, parent: str | None = None) -> int:
        """Resources whose deletion has not started, overall or under ``parent``."""
        if parent is None:
            return self.undeleted
        return self.undeleted_by_parent.get(parent, 0)

    def in_flight_reaches(self, now: float, predicate: Callable[[R], bool], limit: int) -> bool:
        """Whether at least ``limit`` resources satisfying ``predicate`` have work in flight.

        Only resources that have not settled are candidates. Settled ones leave the heap for
        good (settling is final: no action restarts work of the kinds with in-flight quotas);
        one whose work was rescheduled later (a stop) goes back under its new time. While
        fewer candidates remain than ``limit`` the answer needs no predicate at all, so a
        create costs the same however many resources are in flight below the quota.
        """
        heap = self.prune(now)
        if len(heap) < limit:
            return False
        found = 0
        for _, _, resource in heap:
            if predicate(resource):
                found += 1
                if found >= limit:
                    return True
        return False

    def prune(self, now: float) -> list[tuple[float, int, R]]:
        """Drop from :attr:`unsettled` the resources settled by ``now``; returns the heap."""
        heap = self.unsettled
        while heap and heap[0][0] <= now:
            _, seq, resource = heapq.heappop(heap)
            settles = resource.settles_at()
            if settles > now:
                heapq.heappush(heap, (settles, seq, resource))
        return heap

    def find(self, arn: str, now: float) -> R | None:
        """The resource with ``arn``, or ``None`` if it never existed or is gone."""
        resource = self.by_arn.get(arn)
        if resource is not None and resource.timeline.status(now) is GONE:
            self.forget(resource)
            return None
        return resource

    def get(self, arn: str, now: float) -> R:
        """The resource with ``arn``; ``ResourceNotFoundException`` if it does not exist."""
        resource = self.find(arn, now)
        if resource is None:
            raise ResourceNotFoundException(f"Resource Arn {arn} does not exist.")
        return resource

    def forget(self, resource: R) -> None:
        """Drop ``resource``, which is gone, and what the families keep about it (:func:`forget_with`)."""
        if self.by_arn.get(resource.arn) is not resource:
            return  # already dropped (an ARN reused since names a new resource)
        if DELETE_PENDING not in resource.timeline.statuses:
            # Gone with its parent, without a deletion of its own: it counted as undeleted.
            self.mark_deleting(resource)
        self.discard(resource)
        parent = resource.parent_arn()
        if not self.undeleted_by_parent.get(parent, 1):
            del self.undeleted_by_parent[parent]
        backend = self.in_flight.backend
        if backend is not None:
            for forget in _FORGETTERS.get(self.kind, ()):
                forget(backend, resource.arn)

    def forget_children(self, parent: str) -> None:
        """Forget every resource listed under ``parent``: they went with it."""
        for resource in list(self.by_parent.get(parent, ())):
            self.forget(resource)

    def discard(self, resource: R) -> None:
        """Drop ``resource`` from the lookups and listings (no-op unless it is the one stored)."""
        if self.by_arn.get(resource.arn) is not resource:
            return
        del self.by_arn[resource.arn]
        _remove_sorted(self.order, resource)
        parent = resource.parent_arn()
        siblings = self.by_parent.get(parent)
        if siblings is not None:
            _remove_sorted(siblings, resource)
            if not siblings:
                del self.by_parent[parent]

    def listed(self, parent: str | None = None) -> list[R]:
        """Resources in creation order, all of them or those under ``parent``."""
        if parent is None:
            return self.order
        return self.by_parent.get(parent, [])

    def live(self, now: float, parent: str | None = None) -> Iterator[R]:
        """Resources that still exist at ``now`` (dropping those found gone)."""
        for resource in list(self.listed(parent)):
            if resource.timeline.status(now) is GONE:
                self.forget(resource)
            else:
                yield resource

    def __len__(self) -> int:
        return len(self.by_arn)


def _remove_sorted(items: list[R], resource: R) -> None:
    # ``discard`` only removes a resource it found by ARN, and a stored resource is in the
    # overall list and in its parent's, both in seq order: it is at the bisected index.
    index = bisect_left(items, resource.seq, key=lambda item: item.seq)
    assert items[index] is resource
    del items[index]


class RegionBackend:
    """All Personalize state of one account in one region.

    Handlers receive it as their first argument; family modules keep their collections in
    :attr:`collections` under their resource kind.
    """

    def __init__(
        self,
        *,
        account_id: str,
        region: str,
        clock: SimulatedClock,
        options: MockOptions,
        faults: Faults,
        rng: random.Random,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = partition_for(region)
        self.clock = clock
        self.options = options
        self.faults = faults
        self.rng = rng
        self.collections: dict[str, Collection[Any]] = {}
        #: Every resource of the region that may still change by itself (see :class:`InFlight`).
        self.in_flight = InFlight(self)
        #: Dataset records per dataset group ARN (see service/data/data_store.py).
        self.data_stores: dict[str, Any] = {}
        self._seq = 0
        self._arn_prefix = f"arn:{self.partition}:personalize:{region}:{account_id}:"
        # Work that starts by itself at a simulated time (automatic training): a heap of
        # (time, tie-breaker, action) run by run_due() before every call is answered.
        self._due: list[tuple[float, int, Callable[[RegionBackend, float], None]]] = []

    def schedule(self, at: float, action: Callable[[RegionBackend, float], None]) -> None:
        """Run ``action(backend, at)`` once the simulated clock has reached ``at``."""
        heapq.heappush(self._due, (at, self.next_seq(), action))

    def run_due(self) -> None:
        """Run every scheduled action whose time has come, in time order."""
        due = self._due
        if not due:
            return
        now = self.clock.time()
        while due and due[0][0] <= now:
            at, _, action = heapq.heappop(due)
            action(self, at)

    def collection(self, kind: str) -> Collection[Any]:
        found = self.collections.get(kind)
        if found is None:
            found = self.collections[kind] = Collection(kind, self.in_flight)
        return found

    def arn(self, resource_type: str, resource_id: str) -> str:
        """``arn:<partition>:personalize:<region>:<account>:<resource_type>/<resource_id>``."""
        return f"{self._arn_prefix}{resource_type}/{resource_id}"

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def hex_id(self) -> str:
        """Eight lowercase hex characters, as in solution-version and event-tracker ARNs."""
        return f"{self.rng.getrandbits(32):08x}"

    def duration(self, key: str) -> float:
        return self.options.durations[key]

    def quota(self, key: str) -> int:
        return self.options.quotas[key]
