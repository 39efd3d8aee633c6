"""Server-side input validation derived from botocore's model (Coral-style messages)."""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Any

import pytest
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters
from hypothesis import given
from hypothesis import strategies as st

from personalize_mock.errors import InvalidInputException
from personalize_mock.model import (
    SERVICE_NAMES,
    UnsupportedJavaPattern,
    compile_java_pattern,
    operation_model,
    service_model,
    translate_java_pattern,
    validate_input,
)

PREFIX = "1 validation error detected: "
DSG_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset-group/dsg"
SOLUTION_ARN = "arn:aws:personalize:us-east-1:123456789012:solution/sol"
CAMPAIGN_ARN = "arn:aws:personalize:us-east-1:123456789012:campaign/camp"
ROLE_ARN = "arn:aws:iam::123456789012:role/PersonalizeRole"
NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9\-_]*"
TAG_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"


def error_for(service: str, operation: str, params: dict[str, Any], **kwargs: Any) -> str:
    with pytest.raises(InvalidInputException) as info:
        validate_input(service, operation, params, **kwargs)
    assert info.value.code == "InvalidInputException"
    return info.value.message


def solution(**extra: Any) -> dict[str, Any]:
    return {"name": "sol", "datasetGroupArn": DSG_ARN, **extra}


# --- each kind of violation ------------------------------------------------------------------


def test_name_too_long() -> None:
    name = "a" * 64
    assert error_for("personalize", "CreateDatasetGroup", {"name": name}) == (
        f"{PREFIX}Value '{name}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 63"
    )


def test_name_of_max_length_passes() -> None:
    validate_input("personalize", "CreateDatasetGroup", {"name": "a" * 63})


def test_bad_pattern() -> None:
    assert error_for("personalize", "CreateDatasetGroup", {"name": "abc!!"}) == (
        f"{PREFIX}Value 'abc!!' at 'name' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
    )


def test_bad_enum() -> None:
    params = {"solutionArn": SOLUTION_ARN, "trainingMode": "PARTIAL"}
    assert error_for("personalize", "CreateSolutionVersion", params) == (
        f"{PREFIX}Value 'PARTIAL' at 'trainingMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [FULL, UPDATE, AUTOTRAIN]"
    )


def test_numeric_max() -> None:
    assert error_for("personalize", "ListSolutions", {"maxResults": 101}) == (
        f"{PREFIX}Value '101' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100"
    )


def test_double_max_in_list_of_structures() -> None:
    config = {"eventsConfig": {"eventParametersList": [{"eventType": "click", "weight": 1.5}]}}
    assert error_for("personalize", "CreateSolution", solution(solutionConfig=config)) == (
        f"{PREFIX}Value '1.5' at 'solutionConfig.eventsConfig.eventParametersList.1.member.weight' "
        "failed to satisfy constraint: Member must have value less than or equal to 1"
    )


def test_nested_structure_path() -> None:
    config = {"autoTrainingConfig": {"schedulingExpression": "rate(1 week)"}}
    assert error_for("personalize", "CreateSolution", solution(solutionConfig=config)) == (
        f"{PREFIX}Value 'rate(1 week)' at 'solutionConfig.autoTrainingConfig.schedulingExpression' "
        r"failed to satisfy constraint: Member must satisfy regular expression pattern: rate\(\d+ days?\)"
    )


def test_list_index_path_is_one_based() -> None:
    tags = [{"tagKey": "team", "tagValue": "ml"}, {"tagKey": "k" * 129, "tagValue": "v"}]
    assert error_for("personalize", "CreateSolution", solution(tags=tags)) == (
        f"{PREFIX}Value at 'tags.2.member.tagKey' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_list_length_max() -> None:
    tags = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(201)]
    message = error_for("personalize", "TagResource", {"resourceArn": DSG_ARN, "tags": tags})
    assert message == (
        f"{PREFIX}Value at 'tags' failed to satisfy constraint: "
        "Member must have length less than or equal to 200"
    )


def test_scalar_list_member_reported_on_the_list() -> None:
    params = {"resourceArn": DSG_ARN, "tagKeys": ["team", "bad!"]}
    assert error_for("personalize", "UntagResource", params) == (
        f"{PREFIX}Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: "
        "[Member must have length less than or equal to 128, "
        "Member must have length greater than or equal to 1, "
        f"Member must satisfy regular expression pattern: {TAG_PATTERN}]"
    )


def test_a_long_id_in_a_list_of_ids_is_reported_on_the_list_in_both_modes() -> None:
    # After botocore's checks the item ids have only a maximum length left: they are checked
    # all at once, and the message must be the one the per-item check gives without botocore.
    ids = ["item-1", "i" * 256, "i" * 257]
    params = {"campaignArn": CAMPAIGN_ARN, "userId": "u", "inputList": ids}
    checked = error_for("personalize-runtime", "GetPersonalizedRanking", params)
    raw = error_for("personalize-runtime", "GetPersonalizedRanking", params, client_checked=False)
    assert checked == raw
    assert checked == (
        f"{PREFIX}Value '[{', '.join(ids)}]' at 'inputList' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 256]"
    )
    # At the limit and empty: nothing to refuse.
    for passing in (["i" * 256], []):
        validate_input("personalize-runtime", "GetPersonalizedRanking", {**params, "inputList": passing})


def test_map_key() -> None:
    params = {"campaignArn": CAMPAIGN_ARN, "filterValues": {"bad-key": '"v"'}}
    assert error_for("personalize-runtime", "GetRecommendations", params) == (
        f"{PREFIX}Value at 'filterValues' failed to satisfy constraint: Map keys must satisfy "
        "constraint: [Member must have length less than or equal to 50, "
        "Member must satisfy regular expression pattern: [A-Za-z0-9_]+]"
    )


def test_map_value() -> None:
    params = {"campaignArn": CAMPAIGN_ARN, "filterValues": {"genre": "x" * 1001}}
    assert error_for("personalize-runtime", "GetRecommendations", params) == (
        f"{PREFIX}Value at 'filterValues' failed to satisfy constraint: "
        "Map value must satisfy constraint: [Member must have length less than or equal to 1000]"
    )


def test_map_size_is_checked_although_botocore_never_does() -> None:
    values = {f"k{i}": '"v"' for i in range(26)}
    params = {"campaignArn": CAMPAIGN_ARN, "filterValues": values}
    assert error_for("personalize-runtime", "GetRecommendations", params).endswith(
        "Member must have length less than or equal to 25"
    )


def test_non_sensitive_map_is_echoed_java_style() -> None:
    config = {"featureTransformationParameters": {"k" * 257: "v"}}
    message = error_for("personalize", "CreateSolution", solution(solutionConfig=config))
    assert message.startswith(
        f"{PREFIX}Value '{{{'k' * 257}=v}}' at 'solutionConfig.featureTransformationParameters'"
    )
    assert "Map keys must satisfy constraint: [Member must have length less than or equal to 256]" in message


# --- sensitive values ---------------------------------------------------------------------------


def test_sensitive_value_is_not_echoed() -> None:
    expression = "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)" + " " * 2500
    params = {"name": "f", "datasetGroupArn": DSG_ARN, "filterExpression": expression}
    message = error_for("personalize", "CreateFilter", params)
    assert message == (
        f"{PREFIX}Value at 'filterExpression' failed to satisfy constraint: "
        "Member must have length less than or equal to 2500"
    )
    assert "GENRE" not in message


def test_members_of_a_sensitive_structure_are_masked() -> None:
    # personalize-events' Event is sensitive as a whole; eventType itself is not.
    event = {"eventType": "x" * 257, "sentAt": 1_700_000_000}
    params = {"trackingId": "t", "sessionId": "s", "eventList": [event]}
    message = error_for("personalize-events", "PutEvents", params)
    assert message.startswith(f"{PREFIX}Value at 'eventList.1.member.eventType'")
    assert "xxx" not in message


# --- valid inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("personalize", "DescribeSolution", {"solutionArn": SOLUTION_ARN}),
        ("personalize", "ListRecipes", {}),
        ("personalize", "ListSolutions", {"datasetGroupArn": DSG_ARN, "maxResults": 100}),
        (
            "personalize",
            "CreateDatasetGroup",
            {"name": "my_group-1", "roleArn": ROLE_ARN, "domain": "ECOMMERCE"},
        ),
        (
            "personalize",
            "CreateSolution",
            solution(
                recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
                tags=[{"tagKey": "Équipe données", "tagValue": "machine learning 2024 ①"}],
                solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(7 days)"}},
            ),
        ),
        ("personalize", "TagResource", {"resourceArn": DSG_ARN, "tags": [{"tagKey": "k", "tagValue": ""}]}),
        (
            "personalize-runtime",
            "GetRecommendations",
            {"campaignArn": CAMPAIGN_ARN, "userId": "u1", "filterValues": {"GENRE": '"comedy"'}},
        ),
        (
            "personalize-events",
            "PutEvents",
            {"trackingId": "t", "sessionId": "s", "eventList": [{"eventType": "click", "sentAt": 1.5}]},
        ),
    ],
)
def test_valid_inputs_pass(service: str, operation: str, params: dict[str, Any]) -> None:
    validate_input(service, operation, params)
    validate_input(service, operation, params, client_checked=False)


def test_a_rejected_value_stays_rejected() -> None:
    # The per-pattern memo must only remember values that matched.
    for _ in range(2):
        error_for("personalize", "DescribeSolution", {"solutionArn": "not-an-arn"})
    validate_input("personalize", "DescribeSolution", {"solutionArn": SOLUTION_ARN})
    validate_input("personalize", "DescribeSolution", {"solutionArn": SOLUTION_ARN})


# --- client_checked=True trusts botocore; False checks everything -------------------------------


def test_client_checked_skips_what_botocore_checks() -> None:
    validate_input("personalize", "CreateSolution", {})  # required: botocore's job
    params = {"name": "f", "datasetGroupArn": DSG_ARN, "filterExpression": ""}
    validate_input("personalize", "CreateFilter", params)  # string min
    validate_input("personalize-events", "PutEvents", {"eventList": []})  # list min
    validate_input("personalize", "ListSolutions", {"maxResults": 0})  # numeric min


def test_raw_json_missing_required_member() -> None:
    assert error_for("personalize", "CreateSolution", {"name": "sol"}, client_checked=False) == (
        f"{PREFIX}Value null at 'datasetGroupArn' failed to satisfy constraint: Member must not be null"
    )


def test_raw_json_nested_required_member() -> None:
    params = {"trackingId": "t", "sessionId": "s", "eventList": [{"eventType": "click"}]}
    assert error_for("personalize-events", "PutEvents", params, client_checked=False) == (
        f"{PREFIX}Value null at 'eventList.1.member.sentAt' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_raw_json_null_counts_as_absent() -> None:
    message = error_for("personalize", "CreateSolution", solution(datasetGroupArn=None), client_checked=False)
    assert "Value null at 'datasetGroupArn'" in message
    validate_input("personalize", "CreateSolution", solution(recipeArn=None), client_checked=False)


@pytest.mark.parametrize(
    ("operation", "params", "path", "type_name"),
    [
        ("CreateSolution", solution(datasetGroupArn=5), "datasetGroupArn", "string"),
        ("CreateSolution", solution(performHPO="yes"), "performHPO", "boolean"),
        ("CreateSolution", solution(solutionConfig=[]), "solutionConfig", "structure"),
        ("CreateSolution", solution(tags={"k": "v"}), "tags", "list"),
        ("ListSolutions", {"maxResults": True}, "maxResults", "integer"),
        ("ListSolutions", {"maxResults": 2.0}, "maxResults", "integer"),
        ("ListSolutions", {"maxResults": 2**31}, "maxResults", "integer"),
    ],
)
def test_raw_json_types(operation: str, params: dict[str, Any], path: str, type_name: str) -> None:
    message = error_for("personalize", operation, params, client_checked=False)
    assert f"at '{path}' failed to satisfy constraint: Member must be of type {type_name}" in message


def test_raw_json_timestamps_are_epoch_numbers() -> None:
    event = {"eventType": "click", "sentAt": "2024-01-01T00:00:00Z"}
    params = {"trackingId": "t", "sessionId": "s", "eventList": [event]}
    message = error_for("personalize-events", "PutEvents", params, client_checked=False)
    assert (
        "at 'eventList.1.member.sentAt' failed to satisfy constraint: Member must be of type timestamp"
        in message
    )


def test_raw_json_min_constraints() -> None:
    assert error_for("personalize", "CreateSolution", solution(name=""), client_checked=False) == (
        f"{PREFIX}Value '' at 'name' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    assert error_for("personalize", "ListSolutions", {"maxResults": 0}, client_checked=False) == (
        f"{PREFIX}Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    params = {"trackingId": "t", "sessionId": "s", "eventList": []}
    assert error_for("personalize-events", "PutEvents", params, client_checked=False).endswith(
        "Member must have length greater than or equal to 1"
    )


def test_raw_json_body_must_be_an_object() -> None:
    with pytest.raises(InvalidInputException):
        validate_input("personalize", "ListSolutions", [], client_checked=False)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("CreateSolution", {"name": "sol"}),
        ("CreateSolution", solution(name="")),
        ("CreateSolution", solution(performHPO="yes")),
        ("ListSolutions", {"maxResults": 0}),
        ("ListSolutions", {"maxResults": "10"}),
        ("TagResource", {"resourceArn": DSG_ARN, "tags": [{"tagKey": "k"}]}),
    ],
)
def test_raw_json_rejects_what_botocore_rejects(operation: str, params: dict[str, Any]) -> None:
    with pytest.raises(ParamValidationError):
        validate_parameters(params, operation_model("personalize", operation).input_shape)
    error_for("personalize", operation, params, client_checked=False)


# --- every model pattern compiles; the translation is faithful -----------------------------------


def all_model_patterns() -> set[str]:
    patterns = set()
    for service in SERVICE_NAMES:
        model = service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern is not None:
                patterns.add(pattern)
    return patterns


def test_every_pattern_of_the_three_models_compiles() -> None:
    patterns = all_model_patterns()
    assert len(patterns) >= 10
    for pattern in patterns:
        assert isinstance(compile_java_pattern(pattern), re.Pattern)
        re.compile(translate_java_pattern(pattern, java_dot=False))


def test_every_operation_compiles_in_both_modes() -> None:
    for service in SERVICE_NAMES:
        for operation in service_model(service).operation_names:
            validate_input(service, operation, {})
            try:
                validate_input(service, operation, {}, client_checked=False)
            except InvalidInputException as error:
                assert "Member must not be null" in error.message


def test_python_word_class_is_unicode_letters_numbers_and_underscore() -> None:
    # The \p{L}\p{N}_ -> \w translation rests on this identity.
    word = re.compile(r"\w")
    for code_point in range(sys.maxunicode + 1):
        char = chr(code_point)
        expected = unicodedata.category(char)[0] in "LN" or char == "_"
        assert (word.match(char) is not None) == expected, hex(code_point)


def test_separator_class_lists_every_z_code_point() -> None:
    z_class = re.compile(translate_java_pattern(r"\p{Z}"))
    for code_point in range(sys.maxunicode + 1):
        char = chr(code_point)
        expected = unicodedata.category(char).startswith("Z")
        assert (z_class.fullmatch(char) is not None) == expected, hex(code_point)


def test_java_dot_excludes_every_line_terminator() -> None:
    arn = compile_java_pattern(r"arn:([a-z\d-]+):personalize:.*:.*:.+")
    assert arn.fullmatch(SOLUTION_ARN)
    for terminator in "\n\r\x85\u2028\u2029":
        assert arn.fullmatch(SOLUTION_ARN + terminator + "x") is None
    for terminator in "\r\x85\u2028":
        error_for("personalize", "DescribeSolution", {"solutionArn": SOLUTION_ARN + terminator})


def test_java_shorthand_classes_are_ascii_only() -> None:
    role_arn = "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/R"  # Arabic-Indic digits: not \d in Java
    message = error_for("personalize", "CreateDatasetGroup", {"name": "g", "roleArn": role_arn})
    assert "at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression" in message
    assert compile_java_pattern(r"\p{ASCII}{0,3}").fullmatch("a\x7f") is not None
    assert compile_java_pattern(r"\p{ASCII}{0,3}").fullmatch("é") is None


@pytest.mark.parametrize(
    "pattern", [r"\p{Lu}+", r"[\p{L}]+", r"[a-z&&[^b]]", r"\bword", r"[\p{L}\p{N}]", r"\x{41}"]
)
def test_untranslatable_constructs_are_refused(pattern: str) -> None:
    with pytest.raises(UnsupportedJavaPattern):
        translate_java_pattern(pattern)


# --- property-based: generated values either pass or get the modeled message ----------------------

NAME_ORACLE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9\-_]*")
TAG_EXTRA = set("_.:/=+-@")


@given(st.text(max_size=80) | st.from_regex(NAME_ORACLE, fullmatch=True))
def test_generated_names(name: str) -> None:
    valid = len(name) <= 63 and NAME_ORACLE.fullmatch(name) is not None
    try:
        validate_input("personalize", "CreateDatasetGroup", {"name": name})
    except InvalidInputException as error:
        assert not valid
        head = f"{PREFIX}Value '{name}' at 'name' failed to satisfy constraint: "
        assert error.message in (
            head + "Member must have length less than or equal to 63",
            head + f"Member must satisfy regular expression pattern: {NAME_PATTERN}",
        )
    else:
        assert valid


def tag_value_is_valid(value: str) -> bool:
    return len(value) <= 256 and all(
        unicodedata.category(char)[0] in "LNZ" or char in TAG_EXTRA for char in value
    )


@given(st.text(max_size=300))
def test_generated_tag_values(value: str) -> None:
    params = {"resourceArn": DSG_ARN, "tags": [{"tagKey": "k", "tagValue": value}]}
    try:
        validate_input("personalize", "TagResource", params)
    except InvalidInputException as error:
        assert not tag_value_is_valid(value)
        assert error.message.startswith(
            f"{PREFIX}Value at 'tags.1.member.tagValue' failed to satisfy constraint: "
        )
    else:
        assert tag_value_is_valid(value)


@given(st.integers(min_value=-(2**40), max_value=2**40))
def test_generated_max_results(number: int) -> None:
    try:
        validate_input("personalize", "ListSolutions", {"maxResults": number}, client_checked=False)
    except InvalidInputException as error:
        assert not 1 <= number <= 100
        assert error.message.startswith(f"{PREFIX}Value '{number}' at 'maxResults' failed to satisfy")
    else:
        assert 1 <= number <= 100
