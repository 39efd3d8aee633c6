"""Mock options, and the two tables users tune most: simulated durations and quotas.

Both tables are documented in docs/clock.md (durations) and docs/errors.md (quotas); keep
them in step with the dictionaries below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from personalize_mock.clock import Seconds, to_seconds

MINUTE = 60.0
HOUR = 3600.0

#: Default simulated time, in seconds, that each kind of work takes from start to finish.
#: Keys are resource kinds in snake_case as they appear in ARNs; ``_update``, ``_stop``,
#: ``_start`` and ``_delete`` suffixes name the other asynchronous operations on a kind.
DEFAULT_DURATIONS: Mapping[str, float] = MappingProxyType(
    {
        "dataset_group": 10.0,
        "dataset_group_delete": 10.0,
        "schema_delete": 0.0,
        "dataset": 10.0,
        "dataset_update": 60.0,
        "dataset_delete": 10.0,
        "dataset_import_job": 10 * MINUTE,
        "dataset_export_job": 10 * MINUTE,
        "data_deletion_job": 10 * MINUTE,
        # Real client code calls CreateSolutionVersion straight after CreateSolution
        # (behaviour reference §11.1), so a solution is ACTIVE at once by default.
        "solution": 0.0,
        "solution_update": MINUTE,
        "solution_delete": 10.0,
        "solution_version": HOUR,
        "solution_version_update": 10 * MINUTE,
        "solution_version_stop": MINUTE,
        "campaign": 10 * MINUTE,
        "campaign_update": 10 * MINUTE,
        "campaign_delete": MINUTE,
        "recommender": HOUR,
        "recommender_update": 10 * MINUTE,
        "recommender_stop": 5 * MINUTE,
        "recommender_start": 5 * MINUTE,
        "recommender_delete": MINUTE,
        "event_tracker": 10.0,
        "event_tracker_delete": 10.0,
        "filter": 10.0,
        "filter_delete": 10.0,
        "batch_inference_job": 30 * MINUTE,
        "batch_segment_job": 30 * MINUTE,
        "metric_attribution": 10.0,
        "metric_attribution_update": 10.0,
        "metric_attribution_delete": 10.0,
    }
)

#: Share of a creation's duration spent in ``CREATE PENDING`` before ``CREATE IN_PROGRESS``
#: (and likewise for the first phase of updates and deletes).
PENDING_SHARE = 0.1

#: Default service quotas (behaviour reference §5.4), adjustable through ``quotas=``.
DEFAULT_QUOTAS: Mapping[str, int] = MappingProxyType(
    {
        "dataset_groups": 5,
        "schemas": 500,
        "solutions_per_dataset_group": 10,
        "solution_versions_in_flight": 20,
        "campaigns_per_dataset_group": 5,
        "recommenders_per_dataset_group": 5,
        "filters_per_dataset_group": 30,
        "distinct_filter_fields_per_dataset_group": 20,
        "event_trackers_per_dataset_group": 1,
        "metric_attributions_per_dataset_group": 1,
        "dataset_import_jobs_in_flight": 5,
        "batch_inference_jobs_in_flight": 5,
        "batch_segment_jobs_in_flight": 5,
        "data_deletion_jobs_pending_per_dataset_group": 5,
        "tags_per_resource": 50,
    }
)

DEFAULT_ACCOUNT_ID = "123456789012"
#: How long code may keep polling resources that can no longer change before the mock says so
#: (docs/clock.md "Stalled polling"): twice the 3-hour deadline of AWS's own samples, so
#: their timeout path runs first, and far longer than any wait on work still in flight,
#: which never counts.
DEFAULT_STALL_AFTER = 6 * HOUR
_ACCOUNT_ID = re.compile(r"\d{12}")


def _merge_durations(overrides: Mapping[str, Seconds] | None) -> Mapping[str, float]:
    merged = dict(DEFAULT_DURATIONS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULT_DURATIONS:
            known = ", ".join(sorted(DEFAULT_DURATIONS))
            raise ValueError(f"unknown duration key {key!r}; known keys: {known}")
        try:
            seconds = to_seconds(value)
        except TypeError:
            raise ValueError(f"duration {key!r} must be seconds or a timedelta, got {value!r}") from None
        if seconds < 0:
            raise ValueError(f"duration {key!r} must not be negative, got {seconds}")
        merged[key] = seconds
    return MappingProxyType(merged)


def _merge_quotas(overrides: Mapping[str, int] | None) -> Mapping[str, int]:
    merged = dict(DEFAULT_QUOTAS)
    given: Mapping[str, object] = overrides or {}
    for key, value in given.items():
        if key not in DEFAULT_QUOTAS:
            known = ", ".join(sorted(DEFAULT_QUOTAS))
            raise ValueError(f"unknown quota key {key!r}; known keys: {known}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"quota {key!r} must be a non-negative int, got {value!r}")
        merged[key] = int(value)
    return MappingProxyType(merged)


@dataclass(frozen=True)
class MockOptions:
    """The options of one mock; see :func:`personalize_mock.mock_personalize`."""

    account_id: str = DEFAULT_ACCOUNT_ID
    durations: Mapping[str, float] = field(default_factory=lambda: DEFAULT_DURATIONS)
    quotas: Mapping[str, int] = field(default_factory=lambda: DEFAULT_QUOTAS)
    simulate_sleep: bool = True
    freeze: bool = False
    validate_responses: bool = False
    #: Training needs data (docs/usage.md "Data"); False lets tests of control flow skip imports.
    require_data: bool = True
    #: Answer in the client's ``_make_api_call``, skipping botocore's per-call machinery
    #: (docs/usage.md "Fast mode").
    fast: bool = False
    #: The process's wall clock (``time.time()``, ``datetime.now()``) follows the simulated
    #: clock while the mock is active (docs/clock.md "One clock").
    wall_clock: bool = True
    #: Simulated seconds of polling on resources that can no longer change before
    #: :class:`~personalize_mock.errors.StalledPollingError`; ``None`` never raises it.
    stall_after: float | None = DEFAULT_STALL_AFTER

    @classmethod
    def build(cls, **given: Any) -> MockOptions:
        """Validate user-given options: a typo or a wrong type fails loudly, never silently.

        An unknown name raises ``ValueError`` listing the valid ones; a flag that is not a
        ``bool`` (``fast="yes"``) and any other value of the wrong type raise ``ValueError``.
        """
        unknown = sorted(set(given) - set(OPTION_NAMES))
        if unknown:
            raise ValueError(
                f"unknown personalize_mock option{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(map(repr, unknown))}; valid options: {', '.join(OPTION_NAMES)}"
            )
        for flag in FLAG_OPTIONS:
            if flag in given and not isinstance(given[flag], bool):
                raise ValueError(f"option {flag!r} must be True or False, got {given[flag]!r}")
        account_id: object = given.get("account_id", DEFAULT_ACCOUNT_ID)
        if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            raise ValueError(f"account_id must be 12 digits, got {account_id!r}")
        tables = {name: given.get(name) for name in ("durations", "quotas")}
        for name, table in tables.items():
            if table is not None and not isinstance(table, Mapping):
                raise ValueError(f"option {name!r} must be a mapping of kinds to values, got {table!r}")
        flags = {flag: given.get(flag, getattr(cls, flag)) for flag in FLAG_OPTIONS}
        return cls(
            account_id=account_id,
            durations=_merge_durations(tables["durations"]),
            quotas=_merge_quotas(tables["quotas"]),
            stall_after=_stall_after(given.get("stall_after", DEFAULT_STALL_AFTER)),
            **flags,
        )

    def differences(self, other: MockOptions) -> list[str]:
        """Names of the options whose values differ between ``self`` and ``other``."""
        return [name for name in OPTION_NAMES if _plain(getattr(self, name)) != _plain(getattr(other, name))]


#: Every option, in the order the docs list them.
OPTION_NAMES = (
    "account_id",
    "durations",
    "quotas",
    "simulate_sleep",
    "freeze",
    "validate_responses",
    "require_data",
    "fast",
    "wall_clock",
    "stall_after",
)
#: The options that are on/off switches.
FLAG_OPTIONS = ("simulate_sleep", "freeze", "validate_responses", "require_data", "fast", "wall_clock")


def _stall_after(value: Seconds | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = to_seconds(value)
    except TypeError:
        raise ValueError(f"stall_after must be seconds, a timedelta or None, got {value!r}") from None
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"stall_after must be a positive, finite duration or None, got {value!r}")
    return seconds


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value
