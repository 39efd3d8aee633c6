"""Filters: Create / Describe / List / Delete.

A filter belongs to a dataset group; its expression is parsed at creation
(:mod:`personalize_mock.service.inference.filter_expressions`) and kept parsed for the runtime, which
applies it to recommendations and batch jobs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import LimitExceededException
from personalize_mock.service.core.common import (
    check_quota,
    deleter,
    describer,
    failure_field,
    lister,
    new_timeline,
    require_active,
    require_unused_arn,
    tags_from,
    time_fields,
)
from personalize_mock.service.core.lifecycle import DELETING, Timeline
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.data import dataset_columns
from personalize_mock.service.data.dataset_groups import get_dataset_group
from personalize_mock.service.inference.filter_expressions import FilterExpression, parse

KIND = "filter"
ARN_TYPE = "filter"


class Filter(Resource):
    __slots__ = ("dataset_group_arn", "expression", "parsed")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_group_arn = ""
        self.expression = ""
        self.parsed: FilterExpression | None = None

    def parent_arn(self) -> str:
        return self.dataset_group_arn

    @property
    def rules(self) -> FilterExpression:
        """The parsed expression (always set once the filter is stored)."""
        assert self.parsed is not None
        return self.parsed


def filters(backend: RegionBackend) -> Collection[Filter]:
    return backend.collection(KIND)


def get_filter(backend: RegionBackend, arn: str, now: float) -> Filter:
    """The filter ``arn`` (``ResourceNotFoundException`` if it does not exist)."""
    return filters(backend).get(arn, now)


def create_filter(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = filters(backend)
    arn = backend.arn(ARN_TYPE, params["name"])
    require_unused_arn(collection, arn, now)
    group = get_dataset_group(backend, params["datasetGroupArn"])
    # CreateFilter does not model ResourceInUseException, but every other child of a
    # dataset group answers a group that is not ACTIVE with it (behaviour reference §9).
    require_active(group, now, "Dataset group")
    parsed = parse(params["filterExpression"])
    check_columns(backend, group.arn, parsed, now)
    limit = backend.quota("filters_per_dataset_group")
    check_quota(
        collection.count_undeleted(group.arn),
        limit,
        f"Cannot create a filter. More than {limit} filters in dataset group {group.arn}.",
    )
    _check_distinct_fields(backend, group.arn, parsed, now)
    tags = tags_from(backend, params)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    item = Filter(arn, params["name"], backend.next_seq(), created, timeline)
    item.failure_reason = reason
    item.dataset_group_arn = group.arn
    item.expression = params["filterExpression"]
    item.parsed = parsed
    item.tags = tags
    collection.add(item, now)
    return {"filterArn": arn}


def _check_distinct_fields(
    backend: RegionBackend, group_arn: str, parsed: FilterExpression, now: float
) -> None:
    """The quota on distinct dataset fields used across a dataset group's filters (20)."""
    fields = {
        (dataset, column.upper())
        for item in filters(backend).live(now, group_arn)
        if item.status(now) not in DELETING
        for dataset, column in item.rules.columns()
    }
    fields.update((dataset, column.upper()) for dataset, column in parsed.columns())
    limit = backend.quota("distinct_filter_fields_per_dataset_group")
    if len(fields) > limit:
        raise LimitExceededException(
            f"Cannot create a filter. The filters of dataset group {group_arn} would use "
            f"{len(fields)} distinct dataset fields; at most {limit} are allowed."
        )


def check_columns(backend: RegionBackend, group_arn: str, parsed: FilterExpression, now: float) -> None:
    """Columns the expression reads must exist in the group's dataset of that type, if any."""
    dataset_columns.check_columns(backend, group_arn, parsed.columns(), now, "filter expression")


def _summary(item: Filter, now: float) -> dict[str, Any]:
    # FilterSummary's own order: the times, the dataset group, the failure reason, the status.
    status = item.status(now)
    summary: dict[str, Any] = {"name": item.name, "filterArn": item.arn}
    time_fields(summary, item, now)
    summary["datasetGroupArn"] = item.dataset_group_arn
    failure_field(summary, item, status)
    summary["status"] = status
    return summary


def _detail(item: Filter, now: float) -> dict[str, Any]:
    detail = _summary(item, now)
    detail["filterExpression"] = item.expression
    return detail


describe_filter = describer(KIND, "filterArn", "filter", _detail)


# The model's one capitalised list key (behaviour reference §1.1 quirks).
list_filters = lister(KIND, "Filters", "ListFilters", _summary, parent_key="datasetGroupArn")


delete_filter = deleter(KIND, "filterArn", "Filter")
