"""Rules shared by every resource family: names, tags on create, timelines, quotas, deletes,
and the fields, Describe* and List* outputs of a stored resource.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from personalize_mock.clock import DATETIMES, to_datetime
from personalize_mock.errors import (
    InvalidInputException,
    LimitExceededException,
    ResourceAlreadyExistsException,
    ResourceInUseException,
    TooManyTagsException,
)
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.lifecycle import (
    ACTIVE,
    CREATE_FAILED,
    DELETE_IN_PROGRESS,
    DELETE_PENDING,
    DELETING,
    GONE,
    Timeline,
    Tracked,
)
from personalize_mock.service.core.pagination import paginate
from personalize_mock.service.core.store import Collection, RegionBackend, Resource

R = TypeVar("R", bound=Resource)

RESERVED_TAG_PREFIX = "aws:"


def require_unused_arn(collection: Collection[Any], arn: str, now: float) -> None:
    """``ResourceAlreadyExistsException`` when a live resource already has ``arn``."""
    if collection.find(arn, now) is not None:
        raise ResourceAlreadyExistsException(f"Another resource with Arn {arn} already exists.")


def tags_from(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, str] | None:
    """The ``tags`` of a create request as a dict, checked against the per-resource quota."""
    given = params.get("tags")
    if not given:
        return None
    tags = requested_tags(given)
    check_tag_count(backend, tags)
    return tags


def requested_tags(given: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """A request's ``[{"tagKey": ..., "tagValue": ...}]`` as a dict (CreateX and TagResource alike).

    ``InvalidInputException`` for a key with the reserved ``aws:`` prefix (any case) and for
    a key given twice (each key has one value per resource).
    """
    tags: dict[str, str] = {}
    for tag in given:
        key = tag["tagKey"]
        if key.lower().startswith(RESERVED_TAG_PREFIX):
            raise InvalidInputException(
                f"Tag keys beginning with '{RESERVED_TAG_PREFIX}' are reserved for AWS use: {key}"
            )
        if key in tags:
            raise InvalidInputException(
                f"Tag key {key} appears more than once in the request; each tag key must be unique."
            )
        tags[key] = tag["tagValue"]
    return tags


def check_tag_count(backend: RegionBackend, tags: Mapping[str, str]) -> None:
    limit = backend.quota("tags_per_resource")
    if len(tags) > limit:
        raise TooManyTagsException(
            f"The resource would have {len(tags)} tags; a resource can have at most {limit} tags."
        )


def new_timeline(
    backend: RegionBackend, kind: str, start: float, duration_key: str | None = None
) -> tuple[Timeline, str | None]:
    """Creation phases for a new resource of ``kind`` and the failure reason, if one was injected.

    ``start`` is the resource's creation stamp (see :func:`work_start`).
    """
    total = backend.duration(duration_key or kind)
    reason = backend.faults.take_failure(kind)
    begin = work_start(backend, start)
    return Timeline.creation(begin, total * PENDING_SHARE, total, failed=reason is not None), reason


def work_start(backend: RegionBackend, stamp: float) -> float:
    """When work whose creation stamp is ``stamp`` begins on its timeline.

    Stamps are rounded to the millisecond and nudged forward to stay strictly increasing, so
    a stamp may lie slightly ahead of the clock (always under freezegun, where time stands
    still). Phases measured from such a stamp would end just after ``advance(duration)``;
    they are measured from the clock's reading instead when that is earlier.
    """
    return min(stamp, backend.clock.time())


def require_status(resource: Resource, now: float, allowed: Iterable[str], what: str) -> str:
    """The resource's status; ``ResourceInUseException`` unless it is one of ``allowed``."""
    status = resource.status(now)
    if status not in allowed:
        raise ResourceInUseException(
            f"{what} {resource.arn} is in {status} state; the operation requires {' or '.join(allowed)}."
        )
    return status


def require_active(resource: Resource, now: float, what: str) -> None:
    require_status(resource, now, (ACTIVE,), what)


def check_quota(count: int, limit: int, message: str) -> None:
    if count >= limit:
        raise LimitExceededException(message)


def in_flight_message(limit: int) -> str:
    # The real service's wording for in-flight quotas (behaviour reference §5.4).
    return f"More than {limit} resources with PENDING or IN_PROGRESS status."


def active_quota_message(what: str, limit: int) -> str:
    return (
        f"Cannot create a {what}. More than {limit} resources in ACTIVE state. "
        "Please delete some and try again."
    )


def require_deletable(resource: Resource, now: float, what: str) -> None:
    """Only ACTIVE or CREATE FAILED resources can be deleted (not transitional ones)."""
    status = resource.status(now)
    if status in DELETING:
        raise ResourceInUseException(f"{what} {resource.arn} is already being deleted.")
    if status not in (ACTIVE, CREATE_FAILED):
        raise ResourceInUseException(
            f"{what} {resource.arn} is in {status} state and cannot be deleted "
            "until it is ACTIVE or CREATE FAILED."
        )


class _AllBut:
    """Every status except ``excluded``: the statuses in which a :class:`Blocker` blocks."""

    __slots__ = ("excluded",)

    def __init__(self, excluded: Iterable[str]) -> None:
        self.excluded = frozenset(excluded)

    def __contains__(self, status: object) -> bool:
        return status not in self.excluded


#: Blocks until its own deletion has started. Choice (docs/choices.md): a child that is being
#: deleted no longer blocks its parent (public notebooks delete the parent right after the child).
UNTIL_DELETING: Container[str] = _AllBut(DELETING)
#: Blocks in every status: only once it is gone does it let the resource go.
UNTIL_GONE: Container[str] = _AllBut(())
#: Never blocks by itself: a level through which the blockers ``within`` it are reached.
NEVER: Container[str] = frozenset()

#: Where a :class:`Blocker`'s resources are listed, relative to the resource it is declared
#: for: under that resource, under that resource's own parent, or anywhere in the region.
Where = Literal["children", "siblings", "region"]
#: The parent/child rule's wording: "Cannot delete <what> <arn>: <name> <arn> must be deleted first."
DELETE_FIRST = "must be deleted first"


@dataclass(frozen=True, slots=True)
class Blocker:
    """Resources of one kind that keep another resource from being deleted.

    Each delete states its blockers as a tuple of these, checked by :func:`require_no_blockers`.
    ``why`` ends the refusal's message; ``{status}`` in it is the blocking resource's status.
    ``when`` narrows which resources block: ``when(deleted, candidate, now)``. ``within`` are
    blockers listed under each resource of this kind (found through it, whatever its status).
    """

    kind: str
    name: str
    why: str = DELETE_FIRST
    statuses: Container[str] = UNTIL_DELETING
    where: Where = "children"
    when: Callable[[Any, Any, float], bool] | None = None
    within: tuple[Blocker, ...] = ()


def require_no_blockers(
    backend: RegionBackend, resource: Resource, blockers: Iterable[Blocker], now: float, what: str
) -> None:
    """``ResourceInUseException`` naming the first resource of ``blockers`` that still needs ``resource``.

    Blockers are checked in order and each kind's resources in creation order, the blockers
    ``within`` a resource right after it; resources are found through the per-parent indexes.
    The message reads "Cannot delete <what> <arn>: <name> <blocking arn> <why>.".
    """
    found = _first_blocking(backend, resource, resource, blockers, now)
    if found is not None:
        blocker, candidate, status = found
        why = blocker.why.format(status=status)
        raise ResourceInUseException(
            f"Cannot delete {what} {resource.arn}: {blocker.name} {candidate.arn} {why}."
        )


def _first_blocking(
    backend: RegionBackend, deleted: Resource, anchor: Resource, blockers: Iterable[Blocker], now: float
) -> tuple[Blocker, Resource, str] | None:
    """The first (blocker, resource, status) that blocks deleting ``deleted``; ``anchor`` places ``where``."""
    for blocker in blockers:
        where = blocker.where
        scope = anchor.arn if where == "children" else anchor.parent_arn() if where == "siblings" else None
        for candidate in backend.collection(blocker.kind).live(now, scope):
            status = candidate.status(now)
            if status in blocker.statuses and (blocker.when is None or blocker.when(deleted, candidate, now)):
                return blocker, candidate, status
            if blocker.within:
                found = _first_blocking(backend, deleted, candidate, blocker.within, now)
                if found is not None:
                    return found
    return None


def start_deletion(
    backend: RegionBackend,
    resource: Resource,
    kind: str,
    now: float,
    *,
    with_in_progress: bool = True,
    taking: Iterable[str] = (),
) -> float:
    """Move ``resource`` into its deletion phases; returns when it will be gone.

    ``taking`` are kinds of its children that have no delete API of their own: they are
    gone when it is (not found from then on), whatever their status.
    """
    total = backend.duration(f"{kind}_delete")
    pending = total * PENDING_SHARE
    phases: list[tuple[str, float]] = [(DELETE_PENDING, 0.0)]
    if with_in_progress:
        phases.append((DELETE_IN_PROGRESS, pending))
    phases.append((GONE, total))
    collection = backend.collection(kind)
    collection.rewrite(resource, now, phases)
    collection.mark_deleting(resource)
    gone_at = now + total
    for child_kind in taking:
        children = backend.collection(child_kind)
        for child in children.live(now, resource.arn):
            children.rewrite(child, gone_at, [(GONE, 0.0)])
    return gone_at


def status_fields(
    fields: dict[str, Any],
    item: Tracked,
    now: float,
    status: str | None = None,
    *,
    failed: str | None = CREATE_FAILED,
    updated: float | None = None,
    failure_first: bool = False,
) -> str:
    """Add ``status``, ``creationDateTime``, ``lastUpdatedDateTime`` and ``failureReason`` to ``fields``.

    They are added in that order, after what ``fields`` holds; returns the status at ``now``.

    * ``status``: the status when the caller has read it and placed it itself (its shape puts
      other members between the status and the times); it is then not added again.
    * ``failed``: the status in which ``failureReason`` is reported (``None``: never, for
      shapes without the member).
    * ``updated``: ``lastUpdatedDateTime`` when the resource's own rules decide it; by default
      the start of the current phase (:func:`last_updated`).
    * ``failure_first``: ``failureReason`` before the times (SolutionVersion, Campaign).

    Datetimes are those botocore would parse. Written into ``fields`` directly: every described
    and every listed resource comes through here, so no dict is built only to be merged.
    """
    timeline = item.timeline
    if status is None:
        status = fields["status"] = timeline.status(now)
    reason = item.failure_reason if status == failed else None
    if reason is not None and failure_first:
        fields["failureReason"] = reason
    created = item.created
    fields["creationDateTime"] = DATETIMES.get(created) or to_datetime(created)
    changed = last_updated(created, timeline, now) if updated is None else updated
    fields["lastUpdatedDateTime"] = DATETIMES.get(changed) or to_datetime(changed)
    if reason is not None and not failure_first:
        fields["failureReason"] = reason
    return status


def time_fields(fields: dict[str, Any], item: Tracked, now: float) -> None:
    """Add ``creationDateTime`` and ``lastUpdatedDateTime`` alone (as :func:`status_fields`).

    For shapes that have no status (schemas) or put members of their own between the times
    and the status or failure reason (filters).
    """
    # last_updated and to_datetime's memo lookup inlined: a page of ten summaries of a kind
    # without status (schemas) is mostly this (~0.2 µs an item saved).
    created = item.created
    starts = item.timeline.starts
    index = len(starts) - 1
    while index > 0 and starts[index] > now:
        index -= 1
    changed = math.floor(starts[index] * 1000) / 1000
    if changed < created:
        changed = created
    fields["creationDateTime"] = DATETIMES.get(created) or to_datetime(created)
    fields["lastUpdatedDateTime"] = DATETIMES.get(changed) or to_datetime(changed)


def failure_field(fields: dict[str, Any], item: Tracked, status: str) -> None:
    """Add ``failureReason`` alone (as :func:`status_fields`), when ``item`` is CREATE FAILED.

    For shapes that put members of their own between the times and the failure reason.
    """
    if item.failure_reason is not None and status == CREATE_FAILED:
        fields["failureReason"] = item.failure_reason


def last_updated(created: float, timeline: Timeline, now: float) -> float:
    """When the current phase began, at millisecond precision and never before the creation stamp."""
    # Timeline.changed_at and clock.floor_ms inlined: this runs for every described and every
    # listed resource, and the three calls it saves are a third of rendering a list item.
    starts = timeline.starts
    index = len(starts) - 1
    while index > 0 and starts[index] > now:
        index -= 1
    changed = math.floor(starts[index] * 1000) / 1000
    return changed if changed > created else created


#: What answers one operation: the region's backend and the request's parameters in, the output out.
Handler = Callable[[RegionBackend, Mapping[str, Any]], dict[str, Any]]


def describer(kind: str, arn_key: str, key: str, render: Callable[[R, float], dict[str, Any]]) -> Handler:
    """The Describe* handler of ``kind``: ``{key: render(resource, now)}`` for ``params[arn_key]``.

    ``ResourceNotFoundException`` if the region has no such resource of ``kind``.
    """

    def describe(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
        now = backend.clock.time()
        resource: R = backend.collection(kind).get(params[arn_key], now)
        return {key: render(resource, now)}

    return describe


def lister(
    kind: str,
    key: str,
    operation: str,
    render: Callable[[R, float], dict[str, Any]],
    *,
    parent_key: str | None = None,
    parent_kind: str | None = None,
    keep: Callable[[R, float], bool] | None = None,
    newest_first: bool = False,
) -> Handler:
    """The List* handler of ``kind``: :func:`list_output` with these arguments."""

    def list_resources(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
        return list_output(
            backend,
            params,
            kind,
            key,
            operation,
            render,
            parent_key=parent_key,
            parent_kind=parent_kind,
            keep=keep,
            newest_first=newest_first,
        )

    return list_resources


def deleter(kind: str, arn_key: str, what: str, blockers: tuple[Blocker, ...] = ()) -> Handler:
    """The Delete* handler of a ``kind`` whose deletion has no rules but the shared ones.

    The resource must be deletable (:func:`require_deletable`, ``what`` names it) and nothing
    of ``blockers`` may still need it (:func:`require_no_blockers`); then its deletion starts.
    """
    subject = what.lower()

    def delete(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
        now = backend.clock.time()
        resource = backend.collection(kind).get(params[arn_key], now)
        require_deletable(resource, now, what)
        require_no_blockers(backend, resource, blockers, now, subject)
        start_deletion(backend, resource, kind, now)
        return {}

    return delete


def list_output(
    backend: RegionBackend,
    params: Mapping[str, Any],
    kind: str,
    key: str,
    operation: str,
    render: Callable[[R, float], dict[str, Any]],
    *,
    parent_key: str | None = None,
    parent_kind: str | None = None,
    keep: Callable[[R, float], bool] | None = None,
    newest_first: bool = False,
) -> dict[str, Any]:
    """A List* output: one page of live resources of ``kind`` rendered as summaries, plus ``nextToken``.

    ``parent_key`` names the request member that narrows the listing to the children of one
    resource (indexed, so a page costs the same whatever the total); with ``parent_kind``
    that resource must exist (``ResourceNotFoundException``). Tokens carry the operation and
    its filter, so a token cannot be replayed on another listing. ``keep(resource, now)``
    filters further.
    """
    now = backend.clock.time()
    parent: str | None = None
    listing = operation
    if parent_key is not None:
        parent = params.get(parent_key) or None
        listing = f"{operation}|{parent or ''}"
        if parent is not None and parent_kind is not None:
            backend.collection(parent_kind).get(parent, now)

    def wanted(resource: R) -> bool:
        # GONE is only ever a timeline's last phase: one look at the end instead of a search.
        timeline = resource.timeline
        if timeline.statuses[-1] is GONE and timeline.starts[-1] <= now:
            return False
        return keep is None or keep(resource, now)

    collection: Collection[R] = backend.collection(kind)
    page, token = paginate(collection.listed(parent), params, listing, wanted, newest_first=newest_first)
    output: dict[str, Any] = {key: [render(resource, now) for resource in page]}
    if token:
        output["nextToken"] = token
    return output
