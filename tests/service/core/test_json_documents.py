"""JSON documents in requests: JSON's rules (no NaN/Infinity), bounded nesting, clear messages."""

from __future__ import annotations

from typing import Any

import pytest

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.json_documents import MAX_NESTING, load_json_document, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[["', 0),  # brackets inside a string do not nest
        ('{"a": [1, {"b": "]"}]}', 3),
        ('["\\"[", [[]]]', 3),
        ("[" * 500 + "]" * 500, 500),
    ],
)
def test_nesting_depth(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": [1, 2.5, "x", null, true]}', {"a": [1, 2.5, "x", None, True]}),
        ("[" * MAX_NESTING + "]" * MAX_NESTING, eval("[" * MAX_NESTING + "]" * MAX_NESTING)),
        # Many brackets, shallow: past the cheap count, measured and accepted.
        ("[" + ",".join(["[]"] * (MAX_NESTING + 5)) + "]", [[]] * (MAX_NESTING + 5)),
    ],
)
def test_documents_within_the_rules_are_read(text: str, value: Any) -> None:
    assert load_json_document(text, "The document") == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "The schema is not valid JSON: NaN is not a JSON value"),
        ("[Infinity]", "The schema is not valid JSON: Infinity is not a JSON value"),
        ("[-Infinity]", "The schema is not valid JSON: -Infinity is not a JSON value"),
        ("{", "The schema is not valid JSON"),
        ("[" * 9000 + "]" * 9000, f"The schema is nested 9000 levels deep; at most {MAX_NESTING} levels"),
        ('{"a":' * 11000 + "1" + "}" * 11000, "The schema is nested 11000 levels deep"),
    ],
)
def test_documents_breaking_the_rules_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInputException) as raised:
        load_json_document(text, "The schema")
    assert raised.value.message.startswith(message)
