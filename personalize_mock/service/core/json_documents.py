"""JSON documents inside requests (schemas, item/user/action ``properties``): parsed by JSON's rules.

Python's parser accepts ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON (RFC 8259
§6) and which the service's parser refuses; and it recurses once per level of nesting, so a
document nested a few thousand levels deep (well within the members' length limits) raised
``RecursionError`` from inside the mock. Both now get ``InvalidInputException`` with a message
that says what is wrong, and so does any other text that is not JSON.

The nesting limit is a choice (docs/choices.md, "Nesting depth of JSON documents"): the service
documents none, real documents nest a few levels (an Avro schema: record, fields, a union), and
:data:`MAX_NESTING` keeps every path far from Python's recursion limit.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from personalize_mock.errors import InvalidInputException

#: The deepest nesting of arrays and objects a document may have.
MAX_NESTING = 100

#: String literals, skipped when measuring nesting (brackets inside them do not nest).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value (JSON has no NaN or Infinity)")


# One decoder for every document: json.loads(..., parse_constant=...) would build a decoder
# and its scanner on each call (~2 µs, on every CreateSchema and PutItems).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON ``text`` (0 for a scalar), without recursion."""
    brackets = _BRACKETS.findall(_STRING.sub("", text))
    return max(accumulate(_DEPTH_STEP[bracket] for bracket in brackets), default=0)


def load_json_document(text: str, what: str) -> Any:
    """The value of the JSON document ``text``; ``InvalidInputException`` naming ``what`` if it is not one.

    Refused: text that is not JSON, ``NaN``/``Infinity`` literals, and nesting deeper than
    :data:`MAX_NESTING`.
    """
    # Cheap first look: a document with fewer brackets than the limit cannot nest past it.
    if text.count("[") + text.count("{") > MAX_NESTING:
        depth = nesting_depth(text)
        if depth > MAX_NESTING:
            raise InvalidInputException(
                f"{what} is nested {depth} levels deep; at most {MAX_NESTING} levels of arrays and "
                "objects are allowed."
            )
    try:
        return _DECODER.decode(text)
    except ValueError as error:
        raise InvalidInputException(f"{what} is not valid JSON: {error}.") from None
