"""Options are strict on every surface: an unknown name or a wrong type fails loudly, at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from personalize_mock import mock_personalize
from personalize_mock.options import DEFAULT_STALL_AFTER, FLAG_OPTIONS, OPTION_NAMES, MockOptions


def test_every_option_has_a_default_and_the_docs_list_them_all() -> None:
    options = MockOptions.build()
    assert [name for name in OPTION_NAMES if not hasattr(options, name)] == []
    assert options.stall_after == DEFAULT_STALL_AFTER
    usage = (Path(__file__).resolve().parent.parent / "docs" / "usage.md").read_text(encoding="utf-8")
    assert [name for name in OPTION_NAMES if f"| `{name}` |" not in usage] == []


def test_an_unknown_option_names_every_valid_one() -> None:
    with pytest.raises(ValueError) as raised:
        MockOptions.build(acount_id="111122223333", fastt=True)
    message = str(raised.value)
    assert "unknown personalize_mock options 'acount_id', 'fastt'" in message
    assert all(name in message for name in OPTION_NAMES)


@pytest.mark.parametrize("flag", FLAG_OPTIONS)
@pytest.mark.parametrize("value", ["yes", 1, None, "false"])
def test_a_flag_must_be_a_bool(flag: str, value: Any) -> None:
    with pytest.raises(ValueError, match=f"option '{flag}' must be True or False"):
        mock_personalize(**{flag: value})


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"account_id": 123456789012}, "account_id must be 12 digits"),
        ({"durations": [("dataset_group", 1)]}, "'durations' must be a mapping"),
        ({"quotas": "dataset_groups=1"}, "'quotas' must be a mapping"),
        ({"durations": {"dataset_group": "10"}}, "duration 'dataset_group' must be seconds or a timedelta"),
        ({"stall_after": "6h"}, "stall_after must be seconds, a timedelta or None"),
    ],
)
def test_values_of_the_wrong_type_are_refused(options: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        mock_personalize(**options)


def test_good_options_are_kept() -> None:
    options = MockOptions.build(
        account_id="111122223333",
        durations={"dataset_group": timedelta(seconds=5)},
        quotas={"dataset_groups": 2},
        fast=True,
        wall_clock=False,
        stall_after=timedelta(hours=1),
    )
    assert (options.account_id, options.durations["dataset_group"], options.quotas["dataset_groups"]) == (
        "111122223333",
        5.0,
        2,
    )
    assert (options.fast, options.wall_clock, options.stall_after) == (True, False, 3600.0)
    assert MockOptions.build(stall_after=None).stall_after is None


def test_the_marker_refuses_unknown_options_the_same_way(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.personalize_mock(acount_id="111122223333")
        def test_typo(personalize_mock):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ValueError: unknown personalize_mock option 'acount_id'; valid options:*"])
