"""Indexed views of a dataset group's records at one simulated time, for the runtime.

The data store (:mod:`personalize_mock.service.data.data_store`) keeps batches of raw records; the
runtime needs them by id: an item's latest metadata, a user's interactions. A
:class:`DataView` is that index for the batches visible at one time. Views are cached per
dataset group and reused while the same batches are visible, so a burst of
GetRecommendations calls indexes the data once, and a view built for a training time is
reused for as long as the same batches count at that time.

Column names are upper-cased (CSV headers follow the schema's case, the events APIs send
camelCase properties converted to ``UPPER_SNAKE``), so lookups need not care about case.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from personalize_mock.service.core.bulk import collector_paused
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.data_store import (
    ACTION_INTERACTIONS,
    ACTIONS,
    INTERACTIONS,
    ITEMS,
    KINDS,
    USERS,
    Batch,
    Record,
    group_data,
)

Row = Mapping[str, Any]
#: Views kept per dataset group (different training times and "now").
_VIEWS_PER_GROUP = 8


class Interaction(NamedTuple):
    """One interaction (item or action) with the columns the engine reads, plus the whole row.

    A named tuple rather than a frozen dataclass: a view holds one per interaction (10⁶ for a
    large dataset), and a tuple is built several times faster than a frozen dataclass, whose
    ``__init__`` goes through ``object.__setattr__`` for every field.
    """

    user: str
    target: str
    event_type: str
    timestamp: float
    row: Row


@dataclass
class DataView:
    """The records of one dataset group visible at one time, indexed by id."""

    #: Latest metadata per id (later records of an id replace earlier ones, as PutItems does).
    items: dict[str, Row] = field(default_factory=dict)
    users: dict[str, Row] = field(default_factory=dict)
    actions: dict[str, Row] = field(default_factory=dict)
    #: Interactions in the order they became visible (duplicate eventIds dropped).
    interactions: list[Interaction] = field(default_factory=list)
    action_interactions: list[Interaction] = field(default_factory=list)
    by_user: dict[str, list[Interaction]] = field(default_factory=dict)
    actions_by_user: dict[str, list[Interaction]] = field(default_factory=dict)
    #: Kinds with at least one batch visible, readable or opaque.
    kinds: set[str] = field(default_factory=set)
    #: eventIds seen so far (later events with one of them are not used).
    event_ids: set[str] = field(default_factory=set)

    def extended(self, batches: Iterable[Batch]) -> DataView:
        """A new view of this one's records plus ``batches``; this view is left unchanged.

        Containers are copied shallowly (and a user's list only when it grows), so adding a
        PutEvents batch to a large view costs little more than the batch itself.
        """
        view = DataView(
            items=dict(self.items),
            users=dict(self.users),
            actions=dict(self.actions),
            interactions=list(self.interactions),
            action_interactions=list(self.action_interactions),
            by_user=dict(self.by_user),
            actions_by_user=dict(self.actions_by_user),
            kinds=set(self.kinds),
            event_ids=set(self.event_ids),
        )
        view._index(batches)
        return view

    def _index(self, batches: Iterable[Batch]) -> None:
        # One pass over the records, written out flat: at 10⁶ interactions every attribute
        # lookup and call per record costs a visible share of the build.
        metadata = {
            ITEMS: (self.items, "ITEM_ID"),
            USERS: (self.users, "USER_ID"),
            ACTIONS: (self.actions, "ACTION_ID"),
        }
        streams: dict[
            str, tuple[str, list[Interaction], dict[str, list[Interaction]], dict[str, list[Interaction]]]
        ] = {
            INTERACTIONS: ("ITEM_ID", self.interactions, self.by_user, {}),
            ACTION_INTERACTIONS: ("ACTION_ID", self.action_interactions, self.actions_by_user, {}),
        }
        event_ids = self.event_ids
        for batch in batches:
            self.kinds.add(batch.kind)
            if batch.kind in metadata:
                index, id_column = metadata[batch.kind]
                for record in batch.records:
                    row = upper_keys(record)
                    key = row.get(id_column)
                    if key is not None and key != "":
                        index[text(key)] = row
                continue
            # The only kinds that are not metadata: interactions and action interactions.
            target_column, events, per_user, grown = streams[batch.kind]
            for record in batch.records:
                row = upper_keys(record)
                # Events after the first with the same eventId are not used (PutEvents docs).
                event_id = row.get("EVENT_ID")
                if event_id is not None and event_id != "":
                    event_id = text(event_id)
                    if event_id in event_ids:
                        continue
                    event_ids.add(event_id)
                found = _interaction(row, target_column)
                if found is None:
                    continue
                events.append(found)
                mine = grown.get(found.user)
                if mine is None:
                    # The list may be shared with the view this one extends: copy before growing it.
                    mine = grown[found.user] = per_user[found.user] = list(per_user.get(found.user, ()))
                mine.append(found)


#: Key tuples seen by :func:`upper_keys`, and whether they are all upper-case already.
_UPPER: dict[tuple[Any, ...], bool] = {}
#: Distinct key tuples remembered (records put through the events APIs may vary).
_UPPER_LIMIT = 4096


def upper_keys(record: Record) -> Row:
    """``record`` with upper-cased column names (values kept as given); read-only.

    A record whose names are upper-case already (CSV files whose header follows the usual
    ``USER_ID`` convention) is returned as is: copying 10⁶ imported rows would double the
    memory a view takes. Whether a set of names needs upper-casing is worked out once per
    distinct set of names.
    """
    keys = tuple(record)
    upper = _UPPER.get(keys)
    if upper is None:
        upper = all(type(key) is str and key.upper() == key for key in keys)
        if len(_UPPER) < _UPPER_LIMIT:
            _UPPER[keys] = upper
    if upper:
        return record
    return {str(key).upper(): value for key, value in record.items()}


def text(value: Any) -> str:
    """A record value as the text a CSV cell would hold."""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def number(value: Any) -> float | None:
    """A record value as a number, or ``None`` when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _interaction(row: Row, target_column: str) -> Interaction | None:
    # An event without a user id is keyed by its session, as GetRecommendations is asked
    # for anonymous users (the developer guide passes the sessionId as userId).
    user = row.get("USER_ID") or row.get("SESSION_ID")
    target = row.get(target_column)
    if user is None or user == "" or target is None or target == "":
        return None
    timestamp = row.get("TIMESTAMP")
    return Interaction(
        text(user),
        text(target),
        text(row.get("EVENT_TYPE") or ""),
        float(timestamp) if type(timestamp) is int else (number(timestamp) or 0.0),
        row,
    )


def build_view(batches: Iterable[Batch]) -> DataView:
    """Index ``batches`` (oldest first within each kind)."""
    return DataView().extended(batches)


def _indexed(base: DataView, batches: Iterable[Batch]) -> DataView:
    # One object or more per record and none of them in a cycle: see service/core/bulk.py.
    with collector_paused():
        return base.extended(batches)


PerKind = dict[str, tuple[Batch, ...]]
# Per backend (weakly, so a reset mock frees them): group ARN -> [(batches per kind, view)].
_CACHE: weakref.WeakKeyDictionary[RegionBackend, dict[str, list[tuple[PerKind, DataView]]]] = (
    weakref.WeakKeyDictionary()
)


def _starts_with(batches: tuple[Batch, ...], prefix: tuple[Batch, ...]) -> bool:
    # Identity, not equality: batches are immutable, and comparing records would cost as
    # much as indexing them again.
    return len(prefix) <= len(batches) and all(
        a is b for a, b in zip(prefix, batches[: len(prefix)], strict=True)
    )


def counting_batches(backend: RegionBackend, group_arn: str, at: float) -> PerKind:
    """The batches of each kind that count at ``at`` (a FULL bulk import replaces earlier bulk ones)."""
    data = group_data(backend, group_arn)
    return {kind: tuple(data.effective(at, kind)) for kind in KINDS}


def same_batches(a: PerKind, b: PerKind) -> bool:
    """Whether ``a`` and ``b`` hold the very same batches."""
    return all(len(a[kind]) == len(b[kind]) and _starts_with(a[kind], b[kind]) for kind in KINDS)


def data_view(backend: RegionBackend, group_arn: str, at: float, batches: PerKind | None = None) -> DataView:
    """The view of ``group_arn``'s records that count at ``at`` (``batches``, if already known).

    Views are cached while the same batches count; when they are a cached view's plus newer
    batches (records put since), that view is extended instead of indexing everything again.
    """
    visible = counting_batches(backend, group_arn, at) if batches is None else batches
    cached = _CACHE.setdefault(backend, {}).setdefault(group_arn, [])
    base: tuple[PerKind, DataView] | None = None
    for position, (known, view) in enumerate(cached):
        if same_batches(known, visible):
            cached.append(cached.pop(position))  # most recently used last
            return view
        extends = all(_starts_with(visible[kind], known[kind]) for kind in KINDS)
        if extends and (base is None or sum(map(len, known.values())) > sum(map(len, base[0].values()))):
            base = (known, view)
    if base is None:
        view = _indexed(DataView(), (batch for kind in KINDS for batch in visible[kind]))
    else:
        known, older = base
        view = _indexed(older, (batch for kind in KINDS for batch in visible[kind][len(known[kind]) :]))
    cached.append((visible, view))
    del cached[:-_VIEWS_PER_GROUP]
    return view
