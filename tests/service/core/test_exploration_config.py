"""itemExplorationConfig values are numbers in their ranges, on every resource that takes one."""

from __future__ import annotations

from typing import Any

import pytest

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.exploration_config import check_item_exploration


@pytest.mark.parametrize(
    "config",
    [
        None,
        {},
        {"itemExplorationConfig": {}},
        {"itemExplorationConfig": {"explorationWeight": "0"}},
        {"itemExplorationConfig": {"explorationWeight": "1", "explorationItemAgeCutOff": "1"}},
        {"itemExplorationConfig": {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30.5"}},
        {"itemExplorationConfig": {"someFutureKey": "anything"}},
    ],
)
def test_values_in_range_are_accepted(config: Any) -> None:
    check_item_exploration(config, "campaignConfig")


@pytest.mark.parametrize(
    ("key", "value", "meaning"),
    [
        ("explorationWeight", "NaN", "a decimal number from 0 to 1"),
        ("explorationWeight", "lots", "a decimal number from 0 to 1"),
        ("explorationWeight", "Infinity", "a decimal number from 0 to 1"),
        ("explorationWeight", "1.01", "a decimal number from 0 to 1"),
        ("explorationWeight", "-0.1", "a decimal number from 0 to 1"),
        ("explorationItemAgeCutOff", "0.5", "a number of days of at least 1"),
        ("explorationItemAgeCutOff", "NaN", "a number of days of at least 1"),
        ("explorationItemAgeCutOff", "", "a number of days of at least 1"),
    ],
)
def test_values_out_of_range_are_refused(key: str, value: str, meaning: str) -> None:
    with pytest.raises(InvalidInputException) as raised:
        check_item_exploration({"itemExplorationConfig": {key: value}}, "recommenderConfig")
    assert (
        raised.value.message
        == f"recommenderConfig.itemExplorationConfig.{key} must be {meaning}; got {value!r}."
    )
