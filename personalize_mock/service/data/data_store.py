"""The records a dataset group holds: what imports and the events APIs put into its datasets.

Records arrive in batches, each visible from a simulated time: an import job's rows become
visible when the job is ACTIVE, a PutEvents call's at once. Reads take a time and see only
the batches visible by then, so "what data did this solution version train on" is derived
from the version's training time like everything else — nothing is copied per version.

A batch may be *opaque*: the import succeeded but its file could not be read in-process (the
mock never reaches the network), so the group is known to hold data of that type without
knowing the rows. Training rules treat opaque data as present; the recommendation engine
falls back to a synthetic catalogue for it.

A bulk import in importMode FULL *replaces*: once it is visible, the bulk batches of its kind
that became visible before it no longer count (records put through the events APIs stay),
as the service replaces the imported data but keeps streamed data. Deleting a dataset
*clears* its kind from the time the dataset is gone: reads at or after that time no longer
see the batches visible before it, while reads at earlier times (what an older solution
version trained on) still do.

Kinds follow the dataset types: INTERACTIONS, ITEMS, USERS, ACTIONS, ACTION_INTERACTIONS.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from personalize_mock.service.core.store import RegionBackend

INTERACTIONS = "INTERACTIONS"
ITEMS = "ITEMS"
USERS = "USERS"
ACTIONS = "ACTIONS"
ACTION_INTERACTIONS = "ACTION_INTERACTIONS"
KINDS = (INTERACTIONS, ITEMS, USERS, ACTIONS, ACTION_INTERACTIONS)

#: How a batch arrived: a bulk import job, or the events APIs (PutEvents, PutItems, …).
BULK = "BULK"
PUT = "PUT"

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Batch:
    """Records of one kind that became visible at ``visible_at`` (simulated epoch seconds).

    Records are plain dicts keyed by the schema's column names (``USER_ID``, ``ITEM_ID``,
    ``EVENT_TYPE``, ``TIMESTAMP``, metadata columns …), values as parsed from CSV or the
    events API.
    """

    kind: str
    visible_at: float
    source: str
    records: Sequence[Record] = ()
    opaque: bool = False
    #: The job or call that produced it (an import job ARN, or an event tracker ARN).
    origin: str = ""
    #: A bulk import in importMode FULL: earlier bulk batches of its kind stop counting.
    replaces_bulk: bool = False


@dataclass
class GroupData:
    """All batches of one dataset group, in the order they become visible."""

    batches: list[Batch] = field(default_factory=list)
    #: (time, kind): the kind's dataset was deleted at that time (see :meth:`clear_kind`).
    cleared: list[tuple[float, str]] = field(default_factory=list)

    def add(self, batch: Batch) -> None:
        # Keep ``batches`` sorted by visibility so reads stop at the first future batch.
        times = [existing.visible_at for existing in self.batches]
        self.batches.insert(bisect_right(times, batch.visible_at), batch)

    def visible(self, at: float, kind: str | None = None) -> Iterator[Batch]:
        """Batches visible at ``at`` (of ``kind`` if given), oldest first."""
        cleared = self.cleared
        for batch in self.batches:
            if batch.visible_at > at:
                return
            if (kind is None or batch.kind == kind) and not (cleared and self._is_cleared(batch, at)):
                yield batch

    def _is_cleared(self, batch: Batch, at: float) -> bool:
        return any(kind == batch.kind and batch.visible_at <= when <= at for when, kind in self.cleared)

    def effective(self, at: float, kind: str) -> list[Batch]:
        """The batches of ``kind`` that count at ``at``: visible, and not replaced by a FULL import."""
        kept: list[Batch] = []
        for batch in self.visible(at, kind):
            if batch.replaces_bulk:
                kept = [earlier for earlier in kept if earlier.source != BULK]
            kept.append(batch)
        return kept

    def records(self, at: float, kind: str) -> Iterator[Record]:
        """Every readable record of ``kind`` that counts at ``at`` (see :meth:`effective`)."""
        for batch in self.effective(at, kind):
            yield from batch.records

    def readable(self, at: float, kind: str) -> bool:
        """Whether every batch of ``kind`` that counts at ``at`` is readable (none is opaque)."""
        return not any(batch.opaque for batch in self.effective(at, kind))

    def has_data(self, at: float, kind: str) -> bool:
        """Whether any batch of ``kind`` (readable or opaque, even empty) is visible at ``at``."""
        return any(True for _ in self.visible(at, kind))

    def changed_after(self, since: float, at: float, kinds: Sequence[str] = KINDS) -> bool:
        """Whether a batch of one of ``kinds`` became visible in ``(since, at]``."""
        return any(since < batch.visible_at <= at for batch in self.batches if batch.kind in kinds)

    def clear_kind(self, kind: str, at: float) -> None:
        """The dataset of ``kind`` is gone from ``at`` on: reads from then on skip its batches.

        History is kept: a read at an earlier time (the data an existing solution version
        trained on) still sees them. DeleteDataset uses this.
        """
        self.cleared.append((at, kind))


def group_data(backend: RegionBackend, dataset_group_arn: str) -> GroupData:
    """The records of ``dataset_group_arn`` (an empty store the first time it is asked for)."""
    stores: dict[str, GroupData] = backend.data_stores
    found = stores.get(dataset_group_arn)
    if found is None:
        found = stores[dataset_group_arn] = GroupData()
    return found
