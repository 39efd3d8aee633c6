"""The ARN partition of a region, from the partition data botocore ships (``partitions.json``).

botocore's own rule (``botocore/regions.py``, ``EndpointRulesetResolver``): a region listed by
a partition belongs to it; otherwise the first partition whose ``regionRegex`` matches; else
``aws``. Reading botocore's data rather than a table of prefixes keeps new partitions
(``aws-iso-e``, ``aws-iso-f``, ``aws-eusc``, ...) right as botocore learns them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from botocore.loaders import create_loader

DEFAULT_PARTITION = "aws"


@functools.cache
def _partitions() -> tuple[dict[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    data: dict[str, Any] = create_loader().load_data("partitions")
    listed: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for partition in data["partitions"]:
        for region in partition.get("regions", {}):
            listed[region] = partition["id"]
        patterns.append((re.compile(partition["regionRegex"]), partition["id"]))
    return listed, tuple(patterns)


@functools.lru_cache(maxsize=64)
def partition_for(region: str) -> str:
    """The ARN partition of ``region`` (``aws`` for a region no partition claims)."""
    listed, patterns = _partitions()
    if region in listed:
        return listed[region]
    for pattern, partition in patterns:
        if pattern.match(region):
            return partition
    return DEFAULT_PARTITION
