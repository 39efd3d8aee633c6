"""Rules shared by every resource family: names, tags on create, timelines, quotas, deletes."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from personalize_mock.clock import to_datetime
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
    tags: dict[str, str] = {}
    for tag in given:
        key = tag["tagKey"]
        if key.lower().startswith(RESERVED_TAG_PREFIX):
            raise InvalidInputException(
                f"Tag keys beginning with '{RESERVED_TAG_PREFIX}' are reserved for AWS use: {key}"
            )
        tags[key] = tag["tagValue"]
    check_tag_count(backend, tags)
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


def require_no_children(
    backend: RegionBackend, parent: Resource, kinds: Iterable[tuple[str, str]], now: float, what: str
) -> None:
    """``ResourceInUseException`` while a child of ``parent`` exists that is not being deleted.

    ``kinds`` are (collection kind, readable name) pairs; children are found through each
    collection's per-parent index.
    """
    for kind, child_name in kinds:
        for child in backend.collection(kind).live(now, parent.arn):
            if child.status(now) not in DELETING:
                raise ResourceInUseException(
                    f"Cannot delete {what} {parent.arn}: {child_name} {child.arn} must be deleted first."
                )


def start_deletion(
    backend: RegionBackend, resource: Resource, kind: str, now: float, *, with_in_progress: bool = True
) -> float:
    """Move ``resource`` into its deletion phases; returns when it will be gone."""
    total = backend.duration(f"{kind}_delete")
    pending = total * PENDING_SHARE
    phases: list[tuple[str, float]] = [(DELETE_PENDING, 0.0)]
    if with_in_progress:
        phases.append((DELETE_IN_PROGRESS, pending))
    phases.append((GONE, total))
    resource.timeline = resource.timeline.then(now, phases)
    backend.collection(kind).mark_deleting(resource)
    return now + total


def timestamps(resource: Resource, now: float) -> dict[str, Any]:
    """``creationDateTime`` and ``lastUpdatedDateTime`` as botocore would parse them."""
    created = resource.created
    return {
        "creationDateTime": to_datetime(created),
        "lastUpdatedDateTime": to_datetime(last_updated(created, resource.timeline, now)),
    }


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


def failure(resource: Resource, status: str) -> dict[str, str]:
    """``failureReason`` when the resource failed, else nothing."""
    if resource.failure_reason is not None and status == CREATE_FAILED:
        return {"failureReason": resource.failure_reason}
    return {}


def list_output(
    key: str,
    collection: Collection[R],
    params: Mapping[str, Any],
    listing: str,
    render: Callable[[R, float], dict[str, Any]],
    now: float,
    *,
    parent: str | None = None,
    keep: Callable[[R], bool] | None = None,
    newest_first: bool = False,
) -> dict[str, Any]:
    """A List* output: one page of live resources rendered as summaries, plus ``nextToken``.

    ``listing`` identifies the operation and its filter so a token cannot be replayed on
    another listing; ``parent`` narrows to the children of one resource (indexed, so a page
    costs the same whatever the total).
    """

    def wanted(resource: R) -> bool:
        # GONE is only ever a timeline's last phase: one look at the end instead of a search.
        timeline = resource.timeline
        if timeline.statuses[-1] is GONE and timeline.starts[-1] <= now:
            return False
        return keep is None or keep(resource)

    page, token = paginate(collection.listed(parent), params, listing, wanted, newest_first=newest_first)
    output: dict[str, Any] = {key: [render(resource, now) for resource in page]}
    if token:
        output["nextToken"] = token
    return output
