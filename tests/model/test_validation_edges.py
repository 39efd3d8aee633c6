"""Edges of the model-derived validators that Personalize's own shapes never reach.

Personalize's models have no blobs, no documents and few maps, so these paths are driven with
small synthetic shapes (botocore's ``ShapeResolver``) and with the pattern translator directly.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.model import ShapeResolver

from personalize_mock.errors import InvalidInputException
from personalize_mock.model import input_validation, output_validation
from personalize_mock.model.input_validation import (
    UnsupportedJavaPattern,
    translate_java_pattern,
)

SHAPES: dict[str, Any] = {
    "Blob": {"type": "blob", "min": 1, "max": 3},
    "FreeBlob": {"type": "blob"},
    "Plain": {"type": "string"},
    "Flag": {"type": "boolean"},
    "Short": {"type": "string", "max": 2},
    "Count": {"type": "integer", "min": 1, "max": 5},
    "Loose": {"type": "structure", "members": {"flag": {"shape": "Flag"}, "text": {"shape": "Plain"}}},
    "Item": {"type": "structure", "required": ["text"], "members": {"text": {"shape": "Short"}}},
    "LooseList": {"type": "list", "member": {"shape": "Plain"}},
    "CappedList": {"type": "list", "member": {"shape": "Plain"}, "max": 2},
    "ItemList": {"type": "list", "member": {"shape": "Item"}},
    "LooseMap": {"type": "map", "key": {"shape": "Plain"}, "value": {"shape": "Plain"}},
    "ShortMap": {"type": "map", "key": {"shape": "Plain"}, "value": {"shape": "Short"}},
    "ShortKeyMap": {"type": "map", "key": {"shape": "Short"}, "value": {"shape": "Plain"}},
    "ItemMap": {"type": "map", "key": {"shape": "Plain"}, "value": {"shape": "Item"}},
    "Document": {"type": "structure", "members": {}, "document": True},
    "Odd": {"type": "character"},
}
RESOLVER = ShapeResolver(SHAPES)


def shape(name: str) -> Any:
    return RESOLVER.get_shape_by_name(name)


def check(name: str, *, strict: bool) -> Any:
    return input_validation._Compiler(client_checked=not strict).shape(shape(name), False)


# -- Java patterns -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    ["abc\\", "\\P{L}", "\\p{L}", "[]a]", "[abc", "\\x{41}", "\\q"],
    ids=[
        "trailing backslash",
        "negated property",
        "letter class outside []",
        "class opening ]",
        "unterminated",
        "x{}",
        "unknown escape",
    ],
)
def test_untranslatable_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(UnsupportedJavaPattern):
        translate_java_pattern(pattern)


def test_negated_escapes_and_classes_translate() -> None:
    assert translate_java_pattern("\\W") == "[^a-zA-Z0-9_]"
    assert translate_java_pattern("[^a-c]") == "[^a-c]"


# -- Coral message rendering -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity"), (1e-5, "1.0E-5"), (2.5e7, "2.5E7")],
)
def test_doubles_render_as_java_does(value: float, text: str) -> None:
    assert input_validation._render_double(value) == text


# -- input checks on shapes Personalize does not use --------------------------------------------


def test_blobs_are_checked_by_size_in_both_modes() -> None:
    for strict in (False, True):
        blob = check("Blob", strict=strict)
        blob(b"ab", "b")
        blob("YWI=", "b")  # base64 text on the JSON wire
        with pytest.raises(InvalidInputException, match="length less than or equal to 3"):
            blob(b"abcd", "b")
    # An unreadable value (a file object botocore accepted, or bad base64) is left alone
    # client-side and refused as mistyped otherwise.
    check("Blob", strict=False)(object(), "b")
    with pytest.raises(InvalidInputException, match="type blob"):
        check("Blob", strict=True)("not base64!", "b")
    assert check("FreeBlob", strict=False) is None


def test_unconstrained_shapes_need_no_check_client_side() -> None:
    for name in ("Loose", "Plain", "LooseList", "LooseMap"):
        assert check(name, strict=False) is None, name


def test_list_with_a_maximum_and_unconstrained_members() -> None:
    capped = check("CappedList", strict=False)
    capped(["a", "b"], "l")
    with pytest.raises(InvalidInputException, match="less than or equal to 2"):
        capped(["a", "b", "c"], "l")


def test_null_items_of_lists_and_maps_are_refused_on_the_wire() -> None:
    with pytest.raises(InvalidInputException, match=r"null at 'l\.1\.member'"):
        check("ItemList", strict=True)([None], "l")
    with pytest.raises(InvalidInputException, match="must not be null"):
        check("ItemMap", strict=True)({"k": None}, "m")
    with pytest.raises(InvalidInputException, match="type map"):
        check("ItemMap", strict=True)(["not", "a", "map"], "m")


def test_map_values_are_checked() -> None:
    short_map = check("ShortMap", strict=False)
    short_map({"k": "ab"}, "m")
    with pytest.raises(InvalidInputException, match="Map value must satisfy constraint"):
        short_map({"k": "abc"}, "m")
    item_map = check("ItemMap", strict=False)
    with pytest.raises(InvalidInputException, match="length less than or equal to 2"):
        item_map({"k": {"text": "abc"}}, "m")


def test_map_keys_are_checked_when_only_they_are_constrained() -> None:
    short_keys = check("ShortKeyMap", strict=False)
    short_keys({"ab": "a value longer than any key may be"}, "m")
    with pytest.raises(InvalidInputException, match="Map keys must satisfy constraint"):
        short_keys({"abc": "v"}, "m")


def test_a_mistyped_null_scalar_is_reported_as_null() -> None:
    with pytest.raises(InvalidInputException, match="Value null at 's'"):
        input_validation._fail_type("s", None, "string", False)


def test_unknown_shape_types_are_refused() -> None:
    with pytest.raises(NotImplementedError, match="character"):
        check("Odd", strict=True)


def test_a_request_shape_without_constraints_compiles_to_nothing() -> None:
    assert input_validation._top_level_check(shape("Loose"), True) is None


def test_an_operation_without_constraints_accepts_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every Personalize operation constrains some member; a model update could add one that
    # does not. Its (empty) check is compiled once and cached as "nothing to check".
    compiled: list[str] = []

    def loose_operation(service: str, operation: str) -> Any:
        compiled.append(operation)
        return SimpleNamespace(input_shape=shape("Loose"))

    monkeypatch.setattr(input_validation, "_CHECKS", {})
    monkeypatch.setattr(input_validation, "operation_model", loose_operation)
    for _ in range(2):
        input_validation.validate_input("personalize", "LooseOperation", {"text": "x" * 5000, "flag": True})
    assert compiled == ["LooseOperation"]
    cache = input_validation._CHECKS
    assert cache == {("personalize", "LooseOperation", True): None}


def test_a_check_compiled_by_another_thread_meanwhile_is_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two threads miss the cache; the one that takes the lock second finds the first one's
    # check there and uses it instead of compiling the operation again.
    key = ("personalize", "DescribeDatasetGroup", True)
    seen: list[Any] = []

    def other_threads_check(params: Any) -> None:
        seen.append(params)

    class LockTakenByAnotherThreadFirst:
        def __enter__(self) -> None:
            input_validation._CHECKS[key] = other_threads_check

        def __exit__(self, *exc: object) -> None:
            return None

    def no_compilation(service: str, operation: str) -> Any:
        raise AssertionError("compiled twice")

    monkeypatch.setattr(input_validation, "_CHECKS", {})
    monkeypatch.setattr(input_validation, "_COMPILE_LOCK", LockTakenByAnotherThreadFirst())
    monkeypatch.setattr(input_validation, "operation_model", no_compilation)
    input_validation.validate_input("personalize", "DescribeDatasetGroup", {"datasetGroupArn": "a"})
    assert seen == [{"datasetGroupArn": "a"}]
    cache = input_validation._CHECKS
    assert cache == {key: other_threads_check}


def test_pattern_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(input_validation, "_MEMO_LIMIT", 3)
    arn = "arn:aws:personalize:us-east-1:123456789012:dataset-group/g{}"
    for index in range(10):
        input_validation.validate_input(
            "personalize", "DescribeDatasetGroup", {"datasetGroupArn": arn.format(index)}
        )
    pattern = (
        input_validation.operation_model("personalize", "DescribeDatasetGroup")
        .input_shape.members["datasetGroupArn"]
        .metadata["pattern"]
    )
    assert len(input_validation._pattern_memo(pattern)) <= 3


# -- output checks --------------------------------------------------------------------------------


def problems(name: str, value: Any) -> list[str]:
    walker = output_validation._Walker()
    walker.value(shape(name), value, "x")
    return walker.problems


def test_output_walker_edges() -> None:
    assert problems("Document", {"anything": [1, {"goes": True}]}) == []
    assert problems("LooseMap", ["not a map"]) == ["x: expected a map (dict), got list ['not a map']"]
    assert problems("Odd", "c") == ["x: unsupported shape type 'character'"]
    assert problems("Blob", b"") == ["x: has 0 bytes, fewer than the minimum 1"]
    assert problems("Count", 6) == ["x: 6 is greater than the maximum 5"]
    assert problems("Count", 0) == ["x: 0 is less than the minimum 1"]
