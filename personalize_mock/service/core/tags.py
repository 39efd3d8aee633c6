"""TagResource, UntagResource and ListTagsForResource, for every taggable resource kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import (
    InvalidInputException,
    ResourceInUseException,
    ResourceNotFoundException,
    TooManyTagKeysException,
)
from personalize_mock.service.core.common import check_tag_count, requested_tags
from personalize_mock.service.core.lifecycle import DELETING
from personalize_mock.service.core.store import RegionBackend, Resource

#: ARN resource types that can carry tags (behaviour reference §5.5), mapped to their kind.
TAGGABLE = {
    "dataset-group": "dataset_group",
    "dataset": "dataset",
    "dataset-import-job": "dataset_import_job",
    "dataset-export-job": "dataset_export_job",
    "data-deletion-job": "data_deletion_job",
    "solution": "solution",
    "campaign": "campaign",
    "recommender": "recommender",
    "event-tracker": "event_tracker",
    "filter": "filter",
    "batch-inference-job": "batch_inference_job",
    "batch-segment-job": "batch_segment_job",
}


def _resource(backend: RegionBackend, arn: str, now: float) -> Resource:
    parts = arn.split(":", 5)
    resource_type, _, rest = parts[5].partition("/") if len(parts) == 6 else ("", "", "")
    kind = TAGGABLE.get(resource_type)
    if kind == "solution" and "/" in rest:
        kind = "solution_version"
    if kind is None:
        if resource_type in {"schema", "metric-attribution", "recipe", "algorithm", "feature-transformation"}:
            raise InvalidInputException(f"Resource {arn} does not support tagging.")
        raise ResourceNotFoundException(f"Resource Arn {arn} does not exist.")
    resource: Resource = backend.collection(kind).get(arn, now)
    return resource


def _writable(backend: RegionBackend, arn: str, now: float) -> Resource:
    resource = _resource(backend, arn, now)
    if resource.status(now) in DELETING:
        raise ResourceInUseException(f"Resource {arn} is being deleted; its tags cannot change.")
    return resource


def tag_resource(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    resource = _writable(backend, params["resourceArn"], now)
    merged = {**(resource.tags or {}), **requested_tags(params["tags"])}
    check_tag_count(backend, merged)
    resource.tags = merged or None
    return {}


def untag_resource(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    resource = _writable(backend, params["resourceArn"], now)
    keys = params["tagKeys"]
    limit = backend.quota("tags_per_resource")
    if len(keys) > limit:
        raise TooManyTagKeysException(
            f"At most {limit} tag keys can be removed in one request; got {len(keys)}."
        )
    remaining = {k: v for k, v in (resource.tags or {}).items() if k not in set(keys)}
    resource.tags = remaining or None
    return {}


def list_tags_for_resource(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    now = backend.clock.time()
    resource = _resource(backend, params["resourceArn"], now)
    return {"tags": [{"tagKey": k, "tagValue": v} for k, v in (resource.tags or {}).items()]}
