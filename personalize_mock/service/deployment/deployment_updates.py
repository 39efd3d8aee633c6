"""The update lifecycle shared by campaigns and recommenders (UpdateCampaign, UpdateRecommender).

An update runs its own CREATE PENDING → CREATE IN_PROGRESS → ACTIVE / CREATE FAILED timeline,
reported in ``latestCampaignUpdate`` / ``latestRecommenderUpdate``, while the resource's own
status stays where it was. Its settings are the resource's from the moment it reaches ACTIVE:
that moment is read off the timeline, so nothing has to run when it comes.
"""

from __future__ import annotations

from typing import Any

from personalize_mock.clock import floor_ms
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import status_fields
from personalize_mock.service.core.lifecycle import ACTIVE, TERMINAL, Timeline
from personalize_mock.service.core.store import RegionBackend


class DeploymentUpdate:
    """One update request: when it started, its timeline and why it failed (if it did)."""

    __slots__ = ("created", "failure_reason", "timeline")

    def __init__(self, backend: RegionBackend, kind: str) -> None:
        """Start an update of ``kind`` (``"campaign_update"``…) now; ``fail_next(kind)`` fails it."""
        self.created = backend.clock.stamp()
        total = backend.duration(kind)
        self.failure_reason = backend.faults.take_failure(kind)
        self.timeline = Timeline.creation(
            self.created, total * PENDING_SHARE, total, failed=self.failure_reason is not None
        )

    def in_flight(self, now: float) -> bool:
        return self.timeline.status(now) not in TERMINAL

    @property
    def applied_at(self) -> float | None:
        """When the update's settings take effect (it reaches ACTIVE); ``None`` if it fails."""
        if self.timeline.final_status != ACTIVE:
            return None
        return self.timeline.settles_at

    def applied(self, now: float) -> bool:
        applied_at = self.applied_at
        return applied_at is not None and applied_at <= now

    def abandon(self, now: float) -> None:
        """The resource is being deleted: the update stops where it is and never applies."""
        self.timeline = self.timeline.then(now, [])

    def report(self, fields: dict[str, Any], now: float) -> None:
        """Add ``status``, the times and ``failureReason`` of the update summary to ``fields``."""
        # The time its phase began, at millisecond precision like every time the service reports.
        status_fields(fields, self, now, updated=floor_ms(self.timeline.changed_at(now)))
