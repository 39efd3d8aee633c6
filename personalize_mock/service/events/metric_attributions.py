"""Metric attributions: Create / Describe / List / Update / Delete, and their metrics.

A dataset group has at most one metric attribution, with at most 10 metrics; each metric is
``{eventType, metricName, expression}`` where the expression is ``SUM(<Items|Interactions>.<COLUMN>)``
or ``SAMPLECOUNT()`` [M CreateMetricAttribution doc; DG23 metric-attribution-requirements.md].
Metric attributions take no tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException, ResourceAlreadyExistsException
from personalize_mock.options import PENDING_SHARE
from personalize_mock.service.core.common import (
    check_quota,
    deleter,
    describer,
    lister,
    new_timeline,
    require_active,
    require_unused_arn,
    status_fields,
)
from personalize_mock.service.core.lifecycle import ACTIVE, UPDATE_IN_PROGRESS, UPDATE_PENDING, Timeline
from personalize_mock.service.core.pagination import paginate
from personalize_mock.service.core.store import Collection, RegionBackend, Resource
from personalize_mock.service.data import dataset_columns
from personalize_mock.service.data.dataset_groups import get_dataset_group
from personalize_mock.service.data.metric_expressions import expression_column

KIND = "metric_attribution"
# INFERRED: no real metric-attribution ARN has been captured (behaviour reference §2).
ARN_TYPE = "metric-attribution"
#: Metrics per metric attribution [M MetricAttributes max; DG23 metric-attribution-requirements.md].
MAX_METRICS = 10


class Metric:
    """One metric of a metric attribution; ``seq`` orders ListMetricAttributionMetrics pages."""

    __slots__ = ("event_type", "expression", "name", "seq")

    def __init__(self, seq: int, event_type: str, name: str, expression: str) -> None:
        self.seq = seq
        self.event_type = event_type
        self.name = name
        self.expression = expression

    def as_dict(self) -> dict[str, str]:
        return {"eventType": self.event_type, "metricName": self.name, "expression": self.expression}


class MetricAttribution(Resource):
    __slots__ = ("dataset_group_arn", "metrics", "output_config")

    def __init__(self, arn: str, name: str, seq: int, created: float, timeline: Timeline) -> None:
        super().__init__(arn, name, seq, created, timeline)
        self.dataset_group_arn = ""
        self.metrics: list[Metric] = []
        self.output_config: dict[str, Any] = {}

    def parent_arn(self) -> str:
        return self.dataset_group_arn


def metric_attributions(backend: RegionBackend) -> Collection[MetricAttribution]:
    return backend.collection(KIND)


def get_metric_attribution(backend: RegionBackend, arn: str, now: float) -> MetricAttribution:
    """The metric attribution ``arn`` (``ResourceNotFoundException`` if it does not exist)."""
    return metric_attributions(backend).get(arn, now)


def _named_attribution(backend: RegionBackend, params: Mapping[str, Any], now: float) -> MetricAttribution:
    """The metric attribution of ``metricAttributionArn``, which the model makes optional.

    Choice (docs/choices.md): UpdateMetricAttribution and ListMetricAttributionMetrics need it
    (there is nothing to update, and metrics are listed per metric attribution): without it
    ``InvalidInputException``; unknown, ``ResourceNotFoundException``.
    """
    arn = params.get("metricAttributionArn")
    if not arn:
        raise InvalidInputException("metricAttributionArn is required.")
    return get_metric_attribution(backend, arn, now)


def _new_metrics(backend: RegionBackend, given: Iterable[Mapping[str, str]]) -> list[Metric]:
    """Checked :class:`Metric` objects for ``given``; names must be distinct and non-empty."""
    metrics: list[Metric] = []
    names: set[str] = set()
    for entry in given:
        name = entry["metricName"]
        if not name or not entry["eventType"]:
            raise InvalidInputException("Each metric needs a non-empty metricName and eventType.")
        if name in names:
            raise InvalidInputException(f"Metric name {name} appears more than once in the request.")
        names.add(name)
        expression_column(entry["expression"])
        metrics.append(Metric(backend.next_seq(), entry["eventType"], name, entry["expression"]))
    return metrics


def _check_count(count: int) -> None:
    if count > MAX_METRICS:
        raise InvalidInputException(
            f"A metric attribution can have at most {MAX_METRICS} metrics; "
            f"this request would give it {count}."
        )


def _check_columns(backend: RegionBackend, group_arn: str, metrics: Iterable[Metric], now: float) -> None:
    """Columns that SUM() metrics read must exist in the group's dataset of that type, if any."""
    columns = {column for metric in metrics if (column := expression_column(metric.expression)) is not None}
    dataset_columns.check_columns(backend, group_arn, columns, now, "metric expression")


def create_metric_attribution(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    collection = metric_attributions(backend)
    arn = backend.arn(ARN_TYPE, params["name"])
    require_unused_arn(collection, arn, now)
    group = get_dataset_group(backend, params["datasetGroupArn"])
    require_active(group, now, "Dataset group")
    limit = backend.quota("metric_attributions_per_dataset_group")
    check_quota(
        collection.count_undeleted(group.arn),
        limit,
        f"Cannot create a metric attribution. Dataset group {group.arn} already has {limit} metric "
        "attribution(s), the most a dataset group can have.",
    )
    _check_count(len(params["metrics"]))
    metrics = _new_metrics(backend, params["metrics"])
    _check_columns(backend, group.arn, metrics, now)
    created = backend.clock.stamp_at(now)
    timeline, reason = new_timeline(backend, KIND, created)
    attribution = MetricAttribution(arn, params["name"], backend.next_seq(), created, timeline)
    attribution.failure_reason = reason
    attribution.dataset_group_arn = group.arn
    attribution.metrics = metrics
    attribution.output_config = params["metricsOutputConfig"]
    collection.add(attribution, now)
    return {"metricAttributionArn": arn}


def _summary(attribution: MetricAttribution, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"name": attribution.name, "metricAttributionArn": attribution.arn}
    status_fields(summary, attribution, now)
    return summary


def _detail(attribution: MetricAttribution, now: float) -> dict[str, Any]:
    detail = _summary(attribution, now)
    detail["datasetGroupArn"] = attribution.dataset_group_arn
    detail["metricsOutputConfig"] = attribution.output_config
    return detail


describe_metric_attribution = describer(KIND, "metricAttributionArn", "metricAttribution", _detail)


list_metric_attributions = lister(
    KIND,
    "metricAttributions",
    "ListMetricAttributions",
    _summary,
    parent_key="datasetGroupArn",
)


def update_metric_attribution(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    # Optional in the model (behaviour reference §1.1 quirks).
    attribution = _named_attribution(backend, params, now)
    arn = attribution.arn
    require_active(attribution, now, "Metric attribution")
    add = params.get("addMetrics") or []
    remove = params.get("removeMetrics") or []
    output_config = params.get("metricsOutputConfig")
    if not add and not remove and output_config is None:
        raise InvalidInputException("Provide addMetrics, removeMetrics or metricsOutputConfig to update.")
    current = {metric.name for metric in attribution.metrics}
    # Choice (docs/choices.md): removing a metric the attribution does not have is
    # InvalidInputException; removals apply before additions, so one request may replace a
    # metric by removing and adding the same name.
    unknown = [name for name in remove if name not in current]
    if unknown:
        raise InvalidInputException(
            f"Metric attribution {arn} has no metric named {', '.join(unknown)}; cannot remove it."
        )
    kept = [metric for metric in attribution.metrics if metric.name not in set(remove)]
    added = _new_metrics(backend, add)
    clashes = [metric.name for metric in added if metric.name in {m.name for m in kept}]
    if clashes:
        raise ResourceAlreadyExistsException(
            f"Metric attribution {arn} already has a metric named {', '.join(clashes)}."
        )
    _check_count(len(kept) + len(added))
    _check_columns(backend, attribution.dataset_group_arn, added, now)
    # Choice (docs/choices.md): the new metrics and output configuration are visible at once
    # (ListMetricAttributionMetrics, Describe) while the status goes UPDATE PENDING →
    # UPDATE IN_PROGRESS → ACTIVE, as datasets do on UpdateDataset.
    attribution.metrics = kept + added
    if output_config is not None:
        attribution.output_config = output_config
    total = backend.duration("metric_attribution_update")
    backend.collection(KIND).rewrite(
        attribution,
        now,
        [(UPDATE_PENDING, 0.0), (UPDATE_IN_PROGRESS, total * PENDING_SHARE), (ACTIVE, total)],
    )
    return {"metricAttributionArn": arn}


delete_metric_attribution = deleter(KIND, "metricAttributionArn", "Metric attribution")


def list_metric_attribution_metrics(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    attribution = _named_attribution(backend, params, now)
    page, token = paginate(
        attribution.metrics, params, f"ListMetricAttributionMetrics|{attribution.arn}", lambda metric: True
    )
    output: dict[str, Any] = {"metrics": [metric.as_dict() for metric in page]}
    if token:
        output["nextToken"] = token
    return output
