"""Filters: CreateFilter / DescribeFilter / ListFilters / DeleteFilter, and the expression parser.

Behaviour reference §1.1 (the capital ``Filters`` list key), §2 (``filter/<name>``), §3.2,
§5.1 to §5.4, §11.7, §11.8, Appendix A/B.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.errors import InvalidInputException
from personalize_mock.service.inference.filter_expressions import (
    CURRENT_ITEM,
    CURRENT_USER,
    EXCLUDE,
    INCLUDE,
    ITEM_ID,
    USER_ID,
    Condition,
    Reference,
    parse,
)

MakeDatasetGroup = Callable[..., str]

CLICKS = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'


def _status(client: Any, arn: str) -> str:
    status: str = client.describe_filter(filterArn=arn)["filter"]["status"]
    return status


# --------------------------------------------------------------------------------------------
# The parser


def test_parse_returns_clauses_with_conditions() -> None:
    parsed = parse(
        'EXCLUDE ItemID WHERE Items.PRICE > 10 | INCLUDE ItemID WHERE Items.CATEGORY IN ("shoes", "hats")'
    )
    assert [(c.action, c.target) for c in parsed.clauses] == [(EXCLUDE, ITEM_ID), (INCLUDE, ITEM_ID)]
    assert parsed.clauses[0].conditions == (Condition("Items", "PRICE", ">", (10.0,)),)
    assert parsed.clauses[1].conditions == (Condition("Items", "CATEGORY", "IN", ("shoes", "hats")),)
    assert parsed.placeholders == ()
    assert parsed.columns() == {("ITEMS", "PRICE"), ("ITEMS", "CATEGORY")}


def test_parse_placeholders_and_not_in() -> None:
    parsed = parse(
        "INCLUDE ItemID WHERE Items.GENRE IN ($GENRES) AND Items.YEAR >= $YEAR "
        "AND Interactions.EVENT_TYPE NOT IN ($GENRES)"
    )
    (condition, year, events) = parsed.clauses[0].conditions
    assert condition == Condition("Items", "GENRE", "IN", (), "GENRES")
    assert year == Condition("Items", "YEAR", ">=", (), "YEAR")
    assert events.operator == "NOT IN"
    assert events.dataset == "Interactions"
    assert parsed.placeholders == ("GENRES", "YEAR")


def test_and_binds_tighter_than_or() -> None:
    parsed = parse('INCLUDE ItemID WHERE Items.A IN ("a") AND Items.B = 1 OR Items.C IN ("c")')
    groups = parsed.clauses[0].groups
    assert [[c.column for c in group] for group in groups] == [["A", "B"], ["C"]]


def test_keywords_and_datasets_are_case_insensitive_and_normalised() -> None:
    parsed = parse('exclude itemid where interactions.EVENT_TYPE in ("*")')
    clause = parsed.clauses[0]
    assert (clause.action, clause.target) == (EXCLUDE, ITEM_ID)
    assert clause.conditions == (Condition("Interactions", "EVENT_TYPE", "IN", ("*",)),)


def test_references_and_if_current_user() -> None:
    parsed = parse(
        "INCLUDE ItemID WHERE Items.GENRE IN (CurrentItem.GENRE) | "
        'EXCLUDE ItemID WHERE Items.RATING IN ("R") IF CurrentUser.AGE < 18'
    )
    first, second = parsed.clauses
    assert first.conditions[0].reference == Reference(CURRENT_ITEM, "GENRE")
    assert second.when == (Condition(CURRENT_USER, "AGE", "<", (18.0,)),)
    assert parsed.columns() == {("ITEMS", "GENRE"), ("ITEMS", "RATING"), ("USERS", "AGE")}


def test_user_filters_and_escaped_quotes() -> None:
    parsed = parse('INCLUDE UserID WHERE Users.TIER IN ("gold \\"plus\\"")')
    assert parsed.target == USER_ID
    assert parsed.clauses[0].conditions[0].values == ('gold "plus"',)


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("garbage", "expected INCLUDE or EXCLUDE"),
        ("EXCLUDE Items WHERE Items.A IN (1)", "expected ItemID, UserID or ActionID"),
        ('EXCLUDE ItemID Items.A IN ("x")', "expected WHERE"),
        ("EXCLUDE ItemID WHERE", "end of the expression"),
        ('INCLUDE ItemID WHERE Items.A IN ("x") junk', "found 'junk'"),
        ("INCLUDE ItemID WHERE Items.A IN ('x')", "double quotes"),
        ('INCLUDE ItemID WHERE Items.A > "x"', "compares numbers"),
        ('INCLUDE ItemID WHERE Users.A IN ("x")', "not Users"),
        ('INCLUDE UserID WHERE Items.A IN ("x")', "not Items"),
        ("INCLUDE ItemID WHERE Items.A IN ()", "expected a value"),
        ('INCLUDE ItemID WHERE Items.A IN ($X, "y")', "only value"),
        ('INCLUDE ItemID WHERE Items.A IN ("x") | INCLUDE UserID WHERE Users.A IN ("x")', "same thing"),
        ("INCLUDE ItemID WHERE Items.A !~ 3", "unexpected character '!'"),
        ("INCLUDE ItemID WHERE Items.A <> 3", "expected a value"),
        ('INCLUDE ItemID WHERE Items.A IN "x"', "expected '('"),
        ("INCLUDE ItemID WHERE Items.A IN $X", "expected '('"),
        ("INCLUDE ItemID WHERE Items.A > (1, 2)", "expected ')'"),
        ("INCLUDE ItemID WHERE Items.A > (3", "expected ')'"),
        ("INCLUDE ItemID WHERE Items.A IN (CurrentUser.A)", "only be used in the IF condition"),
        ("INCLUDE ItemID WHERE Items.A > CurrentUser.A", "only be used in the IF condition"),
        ('INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B IN CurrentItem.B', "expected '('"),
        ('INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B = CurrentItem.B', "expected a value"),
        ("INCLUDE ActionID WHERE Actions.A IN CurrentItem.A", "only allowed in ItemID filters"),
        ('INCLUDE ItemID WHERE Items.A IN ("x") IF Users.B = 1', "expected CurrentUser"),
        ('INCLUDE ItemID WHERE Items.A LIKE "x"', "expected IN, NOT IN"),
        ('INCLUDE ItemID WHERE Items.A IN ("x"', "expected ')'"),
        ('INCLUDE UserID WHERE Users.A IN ("x") IF CurrentUser.B = 1', "only allowed in ItemID"),
        ("INCLUDE UserID WHERE Users.A IN (CurrentItem.A)", "only allowed in ItemID"),
        ('INCLUDE ItemID WHERE Items.A IN ("x") |', "INCLUDE or EXCLUDE"),
        ('INCLUDE ItemID WHERE Items. IN ("x")', "column name"),
    ],
)
def test_parse_rejects_garbage_with_a_message(expression: str, problem: str) -> None:
    with pytest.raises(InvalidInputException, match="Invalid filter expression") as raised:
        parse(expression)
    assert problem in raised.value.message
    assert "at position" in raised.value.message


# --------------------------------------------------------------------------------------------
# CreateFilter / DescribeFilter


def test_create_filter_goes_pending_in_progress_active(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    arn = client.create_filter(name="no-clicks", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    assert arn == "arn:aws:personalize:us-east-1:123456789012:filter/no-clicks"
    detail = client.describe_filter(filterArn=arn)["filter"]
    assert detail["status"] == "CREATE PENDING"
    assert detail["name"] == "no-clicks"
    assert detail["datasetGroupArn"] == dsg
    assert detail["filterExpression"] == CLICKS
    assert "failureReason" not in detail
    pm.advance(5)
    assert _status(client, arn) == "CREATE IN_PROGRESS"
    pm.advance(5)
    done = client.describe_filter(filterArn=arn)["filter"]
    assert done["status"] == "ACTIVE"
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]


def test_create_filter_with_a_taken_name_already_exists(
    client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    other = make_dataset_group("other")
    client.create_filter(name="f", datasetGroupArn=dsg, filterExpression=CLICKS)
    # Names are unique per account and region: the ARN has no dataset-group part.
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match="filter/f already exists"):
        client.create_filter(name="f", datasetGroupArn=other, filterExpression=CLICKS)


def test_create_filter_needs_an_existing_active_dataset_group(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_filter(name="f", datasetGroupArn=missing, filterExpression=CLICKS)
    pending = make_dataset_group(wait=False)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.create_filter(name="f", datasetGroupArn=pending, filterExpression=CLICKS)
    assert client.list_filters()["Filters"] == []


def test_create_filter_rejects_an_invalid_expression(
    client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    with pytest.raises(client.exceptions.InvalidInputException, match="expected INCLUDE or EXCLUDE"):
        client.create_filter(name="f", datasetGroupArn=dsg, filterExpression="SELECT name FROM items")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_filter(name="f", datasetGroupArn=dsg, filterExpression="x" * 2501)
    assert client.list_filters(datasetGroupArn=dsg)["Filters"] == []


def test_create_filter_checks_columns_against_the_dataset_schema(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    # Without an Items dataset any column is accepted.
    client.create_filter(
        name="early", datasetGroupArn=dsg, filterExpression='INCLUDE ItemID WHERE Items.X IN ("a")'
    )
    schema = {
        "type": "record",
        "name": "Items",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "ITEM_ID", "type": "string"},
            {"name": "GENRE", "type": ["null", "string"], "categorical": True},
            {"name": "PRICE", "type": "float"},
        ],
        "version": "1.0",
    }
    schema_arn = client.create_schema(name="items", schema=json.dumps(schema))["schemaArn"]
    client.create_dataset(name="items", schemaArn=schema_arn, datasetGroupArn=dsg, datasetType="Items")
    with pytest.raises(
        client.exceptions.InvalidInputException, match="COLOR, which is not a column of the ITEMS"
    ):
        client.create_filter(
            name="f", datasetGroupArn=dsg, filterExpression='INCLUDE ItemID WHERE Items.COLOR IN ("red")'
        )
    with pytest.raises(client.exceptions.InvalidInputException, match="SIZE"):
        client.create_filter(
            name="f",
            datasetGroupArn=dsg,
            filterExpression="INCLUDE ItemID WHERE Items.GENRE IN (CurrentItem.SIZE)",
        )
    ok = client.create_filter(
        name="f",
        datasetGroupArn=dsg,
        filterExpression="EXCLUDE ItemID WHERE Items.price > 10 AND Items.GENRE IN ($G)",
    )
    assert ok["filterArn"].endswith("filter/f")
    # Columns of dataset types the group does not have are not checked.
    client.create_filter(name="g", datasetGroupArn=dsg, filterExpression=CLICKS)


@pytest.mark.personalize_mock(quotas={"filters_per_dataset_group": 2})
def test_filters_per_dataset_group_quota(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    other = make_dataset_group("other")
    first = client.create_filter(name="a", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    client.create_filter(name="b", datasetGroupArn=dsg, filterExpression=CLICKS)
    with pytest.raises(client.exceptions.LimitExceededException, match="More than 2 filters"):
        client.create_filter(name="c", datasetGroupArn=dsg, filterExpression=CLICKS)
    # The quota is per dataset group.
    client.create_filter(name="c", datasetGroupArn=other, filterExpression=CLICKS)
    pm.advance(10)
    client.delete_filter(filterArn=first)
    # A filter being deleted no longer counts.
    client.create_filter(name="d", datasetGroupArn=dsg, filterExpression=CLICKS)


def test_failed_filter_reports_its_reason_and_can_be_deleted(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    pm.fail_next("filter", reason="Filter creation failed.")
    arn = client.create_filter(name="f", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    pm.settle()
    detail = client.describe_filter(filterArn=arn)["filter"]
    assert detail["status"] == "CREATE FAILED"
    assert detail["failureReason"] == "Filter creation failed."
    assert client.list_filters()["Filters"][0]["failureReason"] == "Filter creation failed."
    client.delete_filter(filterArn=arn)
    assert _status(client, arn) == "DELETE PENDING"


def test_filters_are_taggable(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    arn = client.create_filter(
        name="f", datasetGroupArn=dsg, filterExpression=CLICKS, tags=[{"tagKey": "team", "tagValue": "recs"}]
    )["filterArn"]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "team", "tagValue": "recs"}]
    too_many = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
    with pytest.raises(client.exceptions.TooManyTagsException):
        client.create_filter(name="g", datasetGroupArn=dsg, filterExpression=CLICKS, tags=too_many)


def test_describe_filter_errors(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_filter(filterArn="arn:aws:personalize:us-east-1:123456789012:filter/nope")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_filter(filterArn="not-an-arn")


# --------------------------------------------------------------------------------------------
# ListFilters


def test_list_filters_uses_the_capitalised_key_and_filters_by_dataset_group(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    other = make_dataset_group("other")
    for name, group in (("a", dsg), ("b", other), ("c", dsg)):
        client.create_filter(name=name, datasetGroupArn=group, filterExpression=CLICKS)
    response = client.list_filters()
    assert "filters" not in response
    assert [f["name"] for f in response["Filters"]] == ["a", "b", "c"]
    summary = client.list_filters(datasetGroupArn=dsg)["Filters"][0]
    assert set(summary) == {
        "name",
        "filterArn",
        "creationDateTime",
        "lastUpdatedDateTime",
        "datasetGroupArn",
        "status",
    }
    assert summary["status"] == "CREATE PENDING"
    assert [f["name"] for f in client.list_filters(datasetGroupArn=dsg)["Filters"]] == ["a", "c"]
    unknown = "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope"
    assert client.list_filters(datasetGroupArn=unknown)["Filters"] == []

    first = client.list_filters(datasetGroupArn=dsg, maxResults=1)
    assert [f["name"] for f in first["Filters"]] == ["a"]
    second = client.list_filters(datasetGroupArn=dsg, maxResults=1, nextToken=first["nextToken"])
    assert [f["name"] for f in second["Filters"]] == ["c"]
    assert "nextToken" not in second
    pages = client.get_paginator("list_filters").paginate(PaginationConfig={"PageSize": 2})
    assert [f["name"] for page in pages for f in page["Filters"]] == ["a", "b", "c"]


def test_list_filters_errors(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_filters(nextToken="bogus")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_filters(maxResults=101)


# --------------------------------------------------------------------------------------------
# DeleteFilter


def test_delete_filter_goes_pending_in_progress_then_not_found(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    arn = client.create_filter(name="f", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.delete_filter(filterArn=arn)
    pm.advance(10)
    assert client.delete_filter(filterArn=arn).keys() == {"ResponseMetadata"}
    assert _status(client, arn) == "DELETE PENDING"
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_filter(filterArn=arn)
    pm.advance(1)
    assert _status(client, arn) == "DELETE IN_PROGRESS"
    assert [f["status"] for f in client.list_filters()["Filters"]] == ["DELETE IN_PROGRESS"]
    pm.advance(9)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_filter(filterArn=arn)
    assert client.list_filters()["Filters"] == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_filter(filterArn=arn)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.delete_filter(filterArn="filter/f")
    # The name is free again.
    client.create_filter(name="f", datasetGroupArn=dsg, filterExpression=CLICKS)


def test_a_live_filter_does_not_block_delete_dataset_group_and_goes_with_it(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    # API_DeleteDatasetGroup does not name filters (docs/choices.md); they block DeleteDataset.
    dsg = make_dataset_group()
    arn = client.create_filter(name="f", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    pm.advance(10)
    client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "DELETE PENDING"
    assert client.describe_filter(filterArn=arn)["filter"]["status"] == "DELETE PENDING"
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_filter(filterArn=arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_group(datasetGroupArn=dsg)


def test_distinct_fields_across_a_groups_filters_are_limited(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()

    def on(column: str) -> str:
        return f'EXCLUDE ItemID WHERE Items.{column} IN ("x")'

    made = [
        client.create_filter(name=f"f{n}", datasetGroupArn=dsg, filterExpression=on(f"COL_{n}"))["filterArn"]
        for n in range(20)
    ]
    # Reusing a field already counted is fine; a 21st distinct field is not (quota: 20).
    client.create_filter(name="again", datasetGroupArn=dsg, filterExpression=on("col_3"))
    with pytest.raises(client.exceptions.LimitExceededException, match="21 distinct dataset fields"):
        client.create_filter(name="more", datasetGroupArn=dsg, filterExpression=on("COL_20"))
    assert len(client.list_filters(datasetGroupArn=dsg)["Filters"]) == 21
    # A filter being deleted frees its fields.
    pm.advance(10)
    client.delete_filter(filterArn=made[0])
    client.create_filter(name="more", datasetGroupArn=dsg, filterExpression=on("COL_20"))
