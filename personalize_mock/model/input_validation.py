"""Server-side input validation derived from botocore's model (what Coral checks, botocore skips).

botocore's ``ParamValidator`` checks ``required`` members, Python types, and ``min`` for
strings, lists and numbers before a request is built; it never checks ``max``, ``pattern`` or
``enum``, nor the size of maps or blobs. The real service does, and answers with a Coral-style
``1 validation error detected: ...`` message. ``validate_input`` reproduces that:

* ``client_checked=True`` (the in-process path, where botocore has already validated the
  kwargs) checks exactly what botocore skips: ``max`` everywhere, ``min`` of maps and blobs,
  ``pattern`` and ``enum``;
* ``client_checked=False`` (a front end that receives raw JSON) also checks required members,
  JSON types (timestamps as epoch numbers, blobs as base64 text) and every ``min``.

Each operation's checks are compiled on first use into closures and cached; members without
constraints get no closure. On the ``client_checked=True`` path the caller's arguments are
walked (botocore has rejected unknown ones), so arguments without constraints cost a dict miss.
Regular-expression results are memoized per pattern (a bounded set of values already seen to
match), because the same ARNs come back on almost every call and the Java-faithful ``.`` makes
the regex itself the dominant cost. Paths are built lazily, only for an error message.

Measured with ``timeit`` (best of 15 x 100k, Python 3.11, botocore 1.43, noisy 2-core x86-64),
per call, cache warm, ``client_checked=True``:

* floor (cached operation without checks: call + cache lookup): 0.10 µs
* ``ListRecipes()`` (no arguments): 0.19 µs
* ``DescribeSolution(solutionArn=<68-char ARN>)``: 0.21 µs for an ARN seen before (memo hit),
  0.72 µs for a new one (length + Java-dot regex + memo insert)
* ``CreateSolution`` with name, two ARNs, two tags and ``solutionConfig.autoTrainingConfig``:
  1.9 µs

Error paths follow Coral: ``solutionConfig.autoTrainingConfig.schedulingExpression``,
1-based ``tags.1.member.tagKey`` for members of lists of structures. Violations of scalar list
members or of map keys/values are reported on the container with Coral's bracket form
(``Member must satisfy constraint: [...]``, ``Map keys must satisfy constraint: [...]``);
that form is recalled from other AWS services' messages, not captured from Personalize.

Approximations (beyond the regex notes below): lengths are Python ``len`` (code points), which
is what Smithy's ``@length`` specifies, while a Java ``String.length()`` would count a
non-BMP character twice; with ``client_checked=False`` a mistyped JSON value is reported as an
``InvalidInputException`` (Coral answers ``SerializationException``, which Personalize does not
model) and unknown members are ignored, as Coral's JSON deserializer does.
"""

from __future__ import annotations

import binascii
import math
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn, TypeAlias

from botocore.model import Shape, StructureShape

from personalize_mock.errors import InvalidInputException
from personalize_mock.model.loader import operation_model

#: A Coral path, built lazily: a top-level member name, or ``(parent, member name)``, or
#: ``(parent, 1-based list index)``. Joining strings on every valid call would cost more than
#: the checks themselves; the text is only needed for an error message.
Path: TypeAlias = "str | tuple[Path, str | int]"
#: Checks one present (non-None) value; ``path`` is the value's own path.
ValueCheck = Callable[[Any, Path], None]
#: Checks a whole request.
OperationCheck = Callable[[Mapping[str, Any]], None]
_FullMatch = Callable[[str], "re.Match[str] | None"]

_CONTAINERS = frozenset({"structure", "list", "map"})


def _in_bounds(value: Any, bounds: tuple[int, int] | None) -> bool:
    """Whether a number botocore already accepted fits the member's integer type."""
    return bounds is None or bounds[0] <= value <= bounds[1]


_NUMBERS = frozenset({"integer", "long", "float", "double"})
_INT_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}

# --------------------------------------------------------------------------------------------
# Java regular expressions -> Python ``re``
# --------------------------------------------------------------------------------------------

# Translation notes. Exact: ``.`` (below), \d \w \s (ASCII in Java by default, Unicode in
# Python), \p{ASCII}. Exact for the interpreter's Unicode database (Python 3.11: Unicode 14;
# Java's version depends on the JDK the service runs): \p{Z} and the \p{L}\p{N}_ class
# combination. Anything else (\p{Lu}, class intersections, \b, \x{...}) raises
# UnsupportedJavaPattern instead of being approximated. Both engines backtrack, so the events
# pattern ^[\x20-\x7E]*[\x21-\x7E]+[\x20-\x7E]*$ is cubic on a long printable value with a
# bad last character (~0.8 s at its 1024-char max) -- as slow as it would be in Java.
#
# Java's ``.`` (without DOTALL/UNIX_LINES) excludes every line terminator, Python's only \n.
_JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"
# \p{Z} (separators: Zs, Zl, Zp) has 19 code points; enumerated (a test checks the list
# against ``unicodedata``). Python's ``re`` has no Unicode property classes.
_Z_RANGES = "\\x20\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_PROPERTY_RANGES = {"Z": _Z_RANGES, "ASCII": "\\x00-\\x7f"}
# Java's \d, \w, \s are ASCII-only by default; Python's (str patterns) are Unicode-wide.
_ASCII_CLASS_ESCAPES = {"d": "0-9", "w": "a-zA-Z0-9_", "s": "\\t\\n\\x0b\\f\\r "}
_NEGATED_ESCAPES = {"D": "[^0-9]", "W": "[^a-zA-Z0-9_]", "S": "[^\\t\\n\\x0b\\f\\r ]"}
# Escapes whose meaning is the same in both dialects.
_SAME_ESCAPES = frozenset("tnrfaxu")


class UnsupportedJavaPattern(ValueError):
    """A construct of a model pattern that the translation does not handle."""


def compile_java_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a model (Java ``java.util.regex``) pattern into an equivalent Python pattern.

    Use ``.fullmatch``: the service applies ``Matcher.matches()`` semantics. Raises
    :class:`UnsupportedJavaPattern` for constructs that are not translated.
    """
    cached = _COMPILED_PATTERNS.get(pattern)
    if cached is None:
        cached = _COMPILED_PATTERNS[pattern] = re.compile(translate_java_pattern(pattern))
    return cached


_COMPILED_PATTERNS: dict[str, re.Pattern[str]] = {}


def translate_java_pattern(pattern: str, *, java_dot: bool = True) -> str:
    r"""The Python ``re`` source equivalent to the Java pattern ``pattern``.

    ``java_dot=False`` keeps Python's ``.``, which differs from Java's only on ``\r``,
    ``\x85``, ``\u2028`` and ``\u2029``, and matches about twice as fast.
    """
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            piece, index = _translate_escape(pattern, index, in_class=False)
            out.append(piece)
        elif char == "[":
            piece, index = _translate_class(pattern, index)
            out.append(piece)
        elif char == ".":
            out.append(_JAVA_DOT if java_dot else ".")
            index += 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _translate_escape(pattern: str, index: int, *, in_class: bool) -> tuple[str, int]:
    """Translate the escape starting at ``pattern[index]`` (a backslash); returns (text, next)."""
    if index + 1 >= len(pattern):
        raise UnsupportedJavaPattern(f"trailing backslash in {pattern!r}")
    letter = pattern[index + 1]
    if letter == "x" and pattern.startswith("{", index + 2):
        raise UnsupportedJavaPattern(f"escape \\x{{...}} in {pattern!r}")
    if letter in "pP":
        return _translate_property(pattern, index, in_class=in_class)
    if letter in _ASCII_CLASS_ESCAPES:
        ranges = _ASCII_CLASS_ESCAPES[letter]
        return (ranges if in_class else f"[{ranges}]"), index + 2
    if letter in _NEGATED_ESCAPES and not in_class:
        return _NEGATED_ESCAPES[letter], index + 2
    if not letter.isalnum() or letter in _SAME_ESCAPES:
        return pattern[index : index + 2], index + 2
    raise UnsupportedJavaPattern(f"escape \\{letter} in {pattern!r}")


def _translate_property(pattern: str, index: int, *, in_class: bool) -> tuple[str, int]:
    if pattern[index + 1] == "P" or pattern[index + 2 : index + 3] != "{":
        raise UnsupportedJavaPattern(f"property escape at {index} in {pattern!r}")
    end = pattern.index("}", index)
    name = pattern[index + 3 : end]
    if name in ("L", "N"):
        # Marker resolved by _translate_class (only the L+N pair has a Python spelling).
        if not in_class:
            raise UnsupportedJavaPattern(f"\\p{{{name}}} outside a class in {pattern!r}")
        return f"\0{name}", end + 1
    ranges = _PROPERTY_RANGES.get(name)
    if ranges is None:
        raise UnsupportedJavaPattern(f"\\p{{{name}}} in {pattern!r}")
    return (ranges if in_class else f"[{ranges}]"), end + 1


def _translate_class(pattern: str, index: int) -> tuple[str, int]:
    """Translate the character class opening at ``pattern[index]``; returns (text, next)."""
    pieces = ["["]
    index += 1
    if pattern.startswith("^", index):
        pieces.append("^")
        index += 1
    if pattern.startswith("]", index):
        raise UnsupportedJavaPattern(f"class starting with ']' in {pattern!r}")
    while True:
        if index >= len(pattern):
            raise UnsupportedJavaPattern(f"unterminated class in {pattern!r}")
        char = pattern[index]
        if char == "]":
            break
        if char == "[" or pattern.startswith("&&", index):
            raise UnsupportedJavaPattern(f"nested class or intersection in {pattern!r}")
        if char == "\\":
            piece, index = _translate_escape(pattern, index, in_class=True)
        else:
            piece, index = char, index + 1
        pieces.append(piece)
    body = "".join(pieces)
    return _resolve_letter_number(body, pattern) + "]", index + 1


def _resolve_letter_number(body: str, pattern: str) -> str:
    # Python's Unicode \w is exactly \p{L} + \p{N} + '_' (a test checks every code point of
    # the running interpreter's Unicode database), so a class holding \p{L}, \p{N} and '_'
    # (the TagKey/TagValue patterns) is written with \w. Either property alone, or the pair
    # without '_', has no exact Python spelling and is refused rather than approximated.
    has_letter, has_number = "\0L" in body, "\0N" in body
    if not (has_letter or has_number):
        return body
    if not (has_letter and has_number and "_" in body.replace("\0L", "").replace("\0N", "")):
        raise UnsupportedJavaPattern(f"\\p{{L}}/\\p{{N}} without the L+N+'_' combination in {pattern!r}")
    return body.replace("\0L", "\\w", 1).replace("\0N", "", 1)


# --------------------------------------------------------------------------------------------
# Coral-style messages
# --------------------------------------------------------------------------------------------


def _render(value: Any) -> str:
    """Render ``value`` the way Java's ``toString`` would appear in a Coral message."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _render_double(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_render(k)}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


def _render_double(value: float) -> str:
    # Java's Double.toString: plain notation within [1e-3, 1e7), "1.0E-5" style outside.
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    mantissa, exponent = f"{value:e}".split("e")
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    return f"{mantissa}E{int(exponent)}"


def path_text(path: Path) -> str:
    """The Coral text of ``path``: ``tags.1.member.tagKey``."""
    if isinstance(path, str):
        return path
    parent, segment = path
    piece = f"{segment}.member" if isinstance(segment, int) else segment
    return f"{path_text(parent)}.{piece}"


def _fail(path: Path, value: Any, constraint: str, masked: bool) -> NoReturn:
    shown = "" if masked else f" '{_render(value)}'"
    raise InvalidInputException(
        f"1 validation error detected: Value{shown} at '{path_text(path)}' "
        f"failed to satisfy constraint: {constraint}"
    )


def _fail_type(path: Path, value: Any, type_name: str, masked: bool) -> NoReturn:
    if value is None:
        _fail_null(path)
    # Coral answers a mistyped JSON field with a SerializationException; Personalize models
    # no such error, so the mock reports it as a validation error naming the expected type.
    _fail(path, value, f"Member must be of type {type_name}", masked)


def _fail_null(path: Path) -> NoReturn:
    raise InvalidInputException(
        f"1 validation error detected: Value null at '{path_text(path)}' failed to satisfy constraint: "
        "Member must not be null"
    )


def _length_message(length: int, low: int, high: int) -> str:
    if length > high:
        return f"Member must have length less than or equal to {high}"
    return f"Member must have length greater than or equal to {low}"


def _value_message(value: float, low: float, high: float) -> str:
    if value > high:
        return f"Member must have value less than or equal to {_bound(high)}"
    return f"Member must have value greater than or equal to {_bound(low)}"


def _bound(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


def _pattern_message(pattern: str) -> str:
    return f"Member must satisfy regular expression pattern: {pattern}"


def _enum_message(values: list[str]) -> str:
    return f"Member must satisfy enum value set: [{', '.join(values)}]"


def describe_constraints(shape: Shape) -> list[str]:
    """Every modeled constraint of scalar ``shape`` as Coral phrases (max, min, pattern, enum)."""
    meta = shape.metadata
    kind = "length" if shape.type_name in ("string", "blob") else "value"
    phrases = []
    if "max" in meta:
        phrases.append(f"Member must have {kind} less than or equal to {_bound(meta['max'])}")
    if "min" in meta:
        phrases.append(f"Member must have {kind} greater than or equal to {_bound(meta['min'])}")
    if "pattern" in meta:
        phrases.append(_pattern_message(meta["pattern"]))
    if meta.get("enum"):
        phrases.append(_enum_message(meta["enum"]))
    return phrases or [f"Member must be of type {shape.type_name}"]


# --------------------------------------------------------------------------------------------
# Compilation of checks
# --------------------------------------------------------------------------------------------

# Values already known to match a pattern; bounded so a long fuzzing run cannot grow it
# without limit. set.add/clear are atomic under the GIL, so threads only lose memo entries.
_MEMO_LIMIT = 4096
_MATCH_MEMOS: dict[str, set[str]] = {}


def _pattern_memo(pattern: str) -> set[str]:
    return _MATCH_MEMOS.setdefault(pattern, set())


def _matchers(pattern: str) -> tuple[_FullMatch, _FullMatch | None]:
    """(fast, exact) ``fullmatch`` functions; ``exact`` is None when ``fast`` is exact."""
    exact = compile_java_pattern(pattern).fullmatch
    fast_source = translate_java_pattern(pattern, java_dot=False)
    if fast_source == translate_java_pattern(pattern):
        return exact, None
    return re.compile(fast_source).fullmatch, exact


def _match(value: str, fast: _FullMatch, exact: _FullMatch | None, memo: set[str]) -> bool:
    """Run the pattern on a value not in ``memo``; remember it if it matches."""
    # Python's "." is Java's except on \r, \x85, \u2028, \u2029: an ASCII value (isascii is
    # O(1) in CPython) without \r can use the faster Python-dot pattern.
    if exact is not None and not (value.isascii() and "\r" not in value):
        fast = exact
    if fast(value) is None:
        return False
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo.add(value)
    return True


def _contains_sensitive(shape: Shape) -> bool:
    if shape.metadata.get("sensitive"):
        return True
    if isinstance(shape, StructureShape):
        return any(_contains_sensitive(member) for member in shape.members.values())
    if shape.type_name == "list":
        return _contains_sensitive(shape.member)
    if shape.type_name == "map":
        return _contains_sensitive(shape.key) or _contains_sensitive(shape.value)
    return False


class _Compiler:
    """Turns shapes into ``ValueCheck`` closures; ``None`` means "nothing to check"."""

    def __init__(self, client_checked: bool) -> None:
        self.strict = not client_checked

    def shape(self, shape: Shape, masked: bool) -> ValueCheck | None:
        # A sensitive parent (e.g. personalize-events' Event) masks everything below it.
        masked = masked or bool(shape.metadata.get("sensitive"))
        type_name = shape.type_name
        if type_name == "structure":
            return self.for_structure(shape, masked)
        if type_name == "list":
            return self.for_list(shape, masked)
        if type_name == "map":
            return self.for_map(shape, masked)
        if type_name == "string":
            return self.for_string(shape, masked)
        if type_name in _NUMBERS:
            return self.for_number(shape, masked)
        if type_name == "blob":
            return self.for_blob(shape, masked)
        if type_name in ("boolean", "timestamp"):
            return self.plain_type(type_name, masked) if self.strict else None
        raise NotImplementedError(f"shape type {type_name!r} ({shape.name})")

    def members(self, shape: StructureShape, masked: bool) -> tuple[tuple[str, ValueCheck, bool], ...]:
        """``(name, check, required)`` for the members of ``shape`` that need any checking.

        ``required`` is only checked in strict mode, where every shape gets a check, so a
        member without a check is never required and can be left out.
        """
        required = set(shape.required_members) if self.strict else set()
        entries = []
        for name, member in shape.members.items():
            check = self.shape(member, masked)
            if check is not None:
                entries.append((name, check, name in required))
        return tuple(entries)

    def for_structure(self, shape: StructureShape, masked: bool) -> ValueCheck | None:
        entries = self.members(shape, masked)
        strict = self.strict
        if not entries and not strict:
            return None

        def check_structure(value: Any, path: Path) -> None:
            if strict and not isinstance(value, dict):
                _fail_type(path, value, "structure", masked)
            for name, check, required in entries:
                item = value.get(name)
                if item is None:
                    if required:
                        _fail_null((path, name))
                else:
                    check(item, (path, name))

        return check_structure

    def for_string(self, shape: Shape, masked: bool) -> ValueCheck | None:
        meta = shape.metadata
        strict = self.strict
        low = meta.get("min", 0) if strict else 0
        high = meta.get("max", sys.maxsize)
        pattern: str | None = meta.get("pattern")
        enum_values: list[str] = meta.get("enum") or []
        if not (strict or "max" in meta or pattern or enum_values):
            return None
        fullmatch, exact = _matchers(pattern) if pattern else (None, None)
        memo = _pattern_memo(pattern) if pattern else set()
        enum = frozenset(enum_values) if enum_values else None

        def check_string(value: Any, path: Path) -> None:
            if strict and not isinstance(value, str):
                _fail_type(path, value, "string", masked)
            if not low <= len(value) <= high:
                _fail(path, value, _length_message(len(value), low, high), masked)
            if fullmatch is not None and value not in memo and not _match(value, fullmatch, exact, memo):
                _fail(path, value, _pattern_message(pattern or ""), masked)
            if enum is not None and value not in enum:
                _fail(path, value, _enum_message(enum_values), masked)

        return check_string

    def for_number(self, shape: Shape, masked: bool) -> ValueCheck | None:
        meta = shape.metadata
        strict = self.strict
        type_name = shape.type_name
        # botocore checks numeric ``min`` itself; only a raw-JSON caller needs it here.
        low = meta.get("min", -math.inf) if strict else -math.inf
        high = meta.get("max", math.inf)
        int_bounds = _INT_BOUNDS.get(type_name)
        if not strict and "max" not in meta and int_bounds is None:
            return None

        def check_number(value: Any, path: Path) -> None:
            # botocore accepts any Python int for an integer member; the service's int32 /
            # int64 cannot hold more, and refuses it as the JSON path does (a type error).
            if not _is_json_number(value, int_bounds) if strict else not _in_bounds(value, int_bounds):
                _fail_type(path, value, type_name, masked)
            if not low <= value <= high:
                _fail(path, value, _value_message(value, low, high), masked)

        return check_number

    def for_blob(self, shape: Shape, masked: bool) -> ValueCheck | None:
        # botocore checks neither length of a blob, so min and max apply in both modes.
        meta = shape.metadata
        strict = self.strict
        low = meta.get("min", 0)
        high = meta.get("max", sys.maxsize)
        if not (strict or "min" in meta or "max" in meta):
            return None

        def check_blob(value: Any, path: Path) -> None:
            size = _blob_size(value)
            if size is None:
                if strict:
                    _fail_type(path, value, "blob", masked)
                return  # a file-like object botocore accepted: its size is unknown here
            if not low <= size <= high:
                _fail(path, value, _length_message(size, low, high), masked)

        return check_blob

    def plain_type(self, type_name: str, masked: bool) -> ValueCheck:
        def check_type(value: Any, path: Path) -> None:
            # Timestamps arrive as epoch seconds on the JSON wire.
            valid = isinstance(value, bool) if type_name == "boolean" else _is_json_number(value, None)
            if not valid:
                _fail_type(path, value, type_name, masked)

        return check_type

    def for_list(self, shape: Shape, masked: bool) -> ValueCheck | None:
        meta = shape.metadata
        strict = self.strict
        low = meta.get("min", 0) if strict else 0
        high = meta.get("max", sys.maxsize)
        member_shape = shape.member
        shown_masked = masked or _contains_sensitive(shape)
        member_check = self.shape(member_shape, masked)
        if member_check is None and not (strict or "max" in meta):
            return None
        scalar_members = member_shape.type_name not in _CONTAINERS
        bracket = f"Member must satisfy constraint: [{', '.join(describe_constraints(member_shape))}]"
        # Strings botocore has type-checked whose only constraint left is a maximum length
        # (item ids, user ids): one max() over their lengths instead of a check per item.
        member_meta = member_shape.metadata
        longest_member = (
            member_meta["max"]
            if not strict
            and member_shape.type_name == "string"
            and "max" in member_meta
            and not member_meta.get("pattern")
            and not member_meta.get("enum")
            else None
        )

        def check_list(value: Any, path: Path) -> None:
            if strict and not isinstance(value, list):
                _fail_type(path, value, "list", shown_masked)
            if not low <= len(value) <= high:
                _fail(path, value, _length_message(len(value), low, high), shown_masked)
            if member_check is None:
                return
            if longest_member is not None:
                if value and max(map(len, value)) > longest_member:
                    _fail(path, value, bracket, shown_masked)
                return
            if scalar_members:
                _check_scalar_items(member_check, value, value, path, bracket, shown_masked)
                return
            for position, item in enumerate(value, 1):
                if item is None:
                    _fail_null((path, position))
                member_check(item, (path, position))

        return check_list

    def for_map(self, shape: Shape, masked: bool) -> ValueCheck | None:
        meta = shape.metadata
        strict = self.strict
        # botocore never checks a map's size, so min applies in both modes.
        low = meta.get("min", 0)
        high = meta.get("max", sys.maxsize)
        shown_masked = masked or _contains_sensitive(shape)
        key_check = self.shape(shape.key, masked)
        value_check = self.shape(shape.value, masked)
        if key_check is value_check is None and not (strict or "min" in meta or "max" in meta):
            return None
        key_bracket = f"Map keys must satisfy constraint: [{', '.join(describe_constraints(shape.key))}]"
        scalar_values = shape.value.type_name not in _CONTAINERS
        value_bracket = f"Map value must satisfy constraint: [{', '.join(describe_constraints(shape.value))}]"

        def check_map(value: Any, path: Path) -> None:
            if strict and not isinstance(value, dict):
                _fail_type(path, value, "map", shown_masked)
            if not low <= len(value) <= high:
                _fail(path, value, _length_message(len(value), low, high), shown_masked)
            if key_check is not None:
                _check_scalar_items(key_check, value.keys(), value, path, key_bracket, shown_masked)
            if value_check is None:
                return
            if scalar_values:
                _check_scalar_items(value_check, value.values(), value, path, value_bracket, shown_masked)
                return
            for key, item in value.items():
                if item is None:
                    _fail_null((path, key))
                # Path of a container inside a map: not documented anywhere; this mirrors
                # the structure-member form.
                value_check(item, (path, key))

        return check_map


def _check_scalar_items(
    check: ValueCheck, items: Iterable[Any], container: Any, path: Path, bracket: str, masked: bool
) -> None:
    # Coral reports a bad scalar inside a list/map on the container, listing all the member's
    # constraints; the per-item message is discarded.
    for item in items:
        try:
            check(item, path)
        except InvalidInputException:
            _fail(path, container, bracket, masked)


def _is_json_number(value: Any, int_bounds: tuple[int, int] | None) -> bool:
    if isinstance(value, bool):
        return False
    if int_bounds is None:
        return isinstance(value, (int, float))
    return isinstance(value, int) and int_bounds[0] <= value <= int_bounds[1]


def _blob_size(value: Any) -> int | None:
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, str):  # base64 text on the JSON wire
        try:
            return len(binascii.a2b_base64(value, strict_mode=True))
        except binascii.Error:
            return None
    return None


# --------------------------------------------------------------------------------------------
# Per-operation entry point
# --------------------------------------------------------------------------------------------

_CHECKS: dict[tuple[str, str, bool], OperationCheck | None] = {}
_COMPILE_LOCK = threading.Lock()


def validate_input(
    service: str, operation: str, params: Mapping[str, Any], *, client_checked: bool = True
) -> None:
    """Raise ``InvalidInputException`` for the first constraint ``params`` violates.

    ``service`` is ``"personalize"``, ``"personalize-runtime"`` or ``"personalize-events"``;
    ``operation`` the API name (``"CreateSolution"``). With ``client_checked=True`` only what
    botocore's client-side validation skips is checked (see the module docstring). An
    operation the model lacks raises botocore's ``OperationNotFoundError``.
    """
    try:
        check = _CHECKS[service, operation, client_checked]
    except KeyError:
        check = _compile_operation(service, operation, client_checked)
    if check is not None:
        check(params)


def _compile_operation(service: str, operation: str, client_checked: bool) -> OperationCheck | None:
    key = (service, operation, client_checked)
    with _COMPILE_LOCK:
        if key not in _CHECKS:
            shape = operation_model(service, operation).input_shape
            _CHECKS[key] = _top_level_check(shape, client_checked) if shape is not None else None
        return _CHECKS[key]


def _top_level_check(shape: StructureShape, client_checked: bool) -> OperationCheck | None:
    entries = _Compiler(client_checked).members(shape, masked=False)
    if not entries:
        return None
    if client_checked:
        checks = {name: check for name, check, _ in entries}
        if len(checks) == 1:
            return _single_member_request(*checks.items())
        return _client_checked_request(checks)
    return _raw_request(entries)


def _client_checked_request(checks: dict[str, ValueCheck]) -> OperationCheck:
    # botocore has rejected unknown keys already, so the caller's (usually few) arguments are
    # walked rather than every constrained member: a call without constrained arguments
    # costs an empty loop. Top-level paths are the bare member names.
    def check_request(params: Mapping[str, Any]) -> None:
        for name, value in params.items():
            check = checks.get(name)
            if check is not None and value is not None:
                check(value, name)

    return check_request


def _single_member_request(item: tuple[str, ValueCheck]) -> OperationCheck:
    # Most operations constrain a single argument (an ARN): a direct lookup beats a loop.
    name, check = item

    def check_request(params: Mapping[str, Any]) -> None:
        value = params.get(name)
        if value is not None:
            check(value, name)

    return check_request


def _raw_request(entries: tuple[tuple[str, ValueCheck, bool], ...]) -> OperationCheck:
    def check_request(params: Mapping[str, Any]) -> None:
        if not isinstance(params, dict):
            raise InvalidInputException("The request body must be a JSON object.")
        for name, check, required in entries:
            value = params.get(name)
            if value is None:
                if required:
                    _fail_null(name)
            else:
                check(value, name)

    return check_request
