"""``itemExplorationConfig``: the exploration settings of campaigns, recommenders and batch jobs.

The model types the map as strings to strings; the service reads two of them as numbers
(developer guide, "Configuring exploration for a domain recommender" and the
User-Personalization recipe): ``explorationWeight``, a decimal from 0 to 1, and
``explorationItemAgeCutOff``, a number of days of at least 1. A value that is not such a
number (``"NaN"``, ``"lots"``, ``"2"``) gets ``InvalidInputException``. Other keys pass
untouched (choice: the service documents no others, and refusing them could refuse a key it
learns later).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException

#: Each numeric key, its lowest and highest value (``None``: unbounded) and what it means.
_BOUNDS: dict[str, tuple[float, float | None, str]] = {
    "explorationWeight": (0.0, 1.0, "a decimal number from 0 to 1"),
    "explorationItemAgeCutOff": (1.0, None, "a number of days of at least 1"),
}


def check_item_exploration(config: Mapping[str, Any] | None, where: str) -> None:
    """Refuse the ``itemExplorationConfig`` of ``config`` (at ``where``) if a value is out of range."""
    exploration = (config or {}).get("itemExplorationConfig")
    if not exploration:
        return
    for key, (low, high, meaning) in _BOUNDS.items():
        raw = exploration.get(key)
        if raw is None:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value >= low and (high is None or value <= high)):
            raise InvalidInputException(
                f"{where}.itemExplorationConfig.{key} must be {meaning}; got {raw!r}."
            )
