"""Metric attributions: Create / Describe / List / Update / Delete and ListMetricAttributionMetrics.

Behaviour reference §1.1 (``metricAttributionArn`` optional in UpdateMetricAttribution's
model), §2 (``metric-attribution/<name>``, INFERRED), §5.1 (one per dataset group, ≤10
metrics), §5.5 (not taggable), Appendix A/B.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]

ROLE = "arn:aws:iam::123456789012:role/PersonalizeRole"
OUTPUT = {"s3DataDestination": {"path": "s3://bucket/metrics/"}, "roleArn": ROLE}
CLICKS = {"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}
REVENUE = {"eventType": "purchase", "metricName": "revenue", "expression": "SUM(Items.PRICE)"}


def _metric(index: int) -> dict[str, str]:
    return {"eventType": "click", "metricName": f"m{index}", "expression": "SAMPLECOUNT()"}


def _create(client: Any, dsg: str, name: str = "attribution", **params: Any) -> str:
    params.setdefault("metrics", [CLICKS])
    params.setdefault("metricsOutputConfig", OUTPUT)
    arn: str = client.create_metric_attribution(name=name, datasetGroupArn=dsg, **params)[
        "metricAttributionArn"
    ]
    return arn


def _describe(client: Any, arn: str) -> dict[str, Any]:
    detail: dict[str, Any] = client.describe_metric_attribution(metricAttributionArn=arn)["metricAttribution"]
    return detail


def _metrics(client: Any, arn: str) -> list[dict[str, str]]:
    pages = client.get_paginator("list_metric_attribution_metrics").paginate(metricAttributionArn=arn)
    return [metric for page in pages for metric in page["metrics"]]


@pytest.fixture
def dsg(make_dataset_group: MakeDatasetGroup) -> str:
    return make_dataset_group()


@pytest.fixture
def active(pm: PersonalizeMock, client: Any, dsg: str) -> str:
    """An ACTIVE metric attribution with the CLICKS and REVENUE metrics."""
    arn = _create(client, dsg, metrics=[CLICKS, REVENUE])
    pm.advance(10)
    return arn


# --------------------------------------------------------------------------------------------
# Create / Describe


def test_create_metric_attribution_statuses_and_fields(pm: PersonalizeMock, client: Any, dsg: str) -> None:
    arn = _create(client, dsg, metrics=[CLICKS, REVENUE])
    assert arn == "arn:aws:personalize:us-east-1:123456789012:metric-attribution/attribution"
    detail = _describe(client, arn)
    assert detail["status"] == "CREATE PENDING"
    assert detail["name"] == "attribution"
    assert detail["datasetGroupArn"] == dsg
    assert detail["metricsOutputConfig"] == OUTPUT
    assert "failureReason" not in detail
    pm.advance(1)
    assert _describe(client, arn)["status"] == "CREATE IN_PROGRESS"
    pm.advance(9)
    assert _describe(client, arn)["status"] == "ACTIVE"
    assert _metrics(client, arn) == [CLICKS, REVENUE]


def test_output_config_without_s3_is_echoed(client: Any, dsg: str) -> None:
    arn = _create(client, dsg, metricsOutputConfig={"roleArn": ROLE})
    assert _describe(client, arn)["metricsOutputConfig"] == {"roleArn": ROLE}


def test_one_metric_attribution_per_dataset_group(
    pm: PersonalizeMock, client: Any, dsg: str, make_dataset_group: MakeDatasetGroup
) -> None:
    first = _create(client, dsg, name="first")
    with pytest.raises(client.exceptions.LimitExceededException, match="already has 1 metric attribution"):
        _create(client, dsg, name="second")
    _create(client, make_dataset_group("other"), name="second")
    pm.advance(10)
    client.delete_metric_attribution(metricAttributionArn=first)
    _create(client, dsg, name="third")


def test_names_are_unique_per_account_and_region(
    client: Any, dsg: str, make_dataset_group: MakeDatasetGroup
) -> None:
    arn = _create(client, dsg)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        _create(client, make_dataset_group("other"))


def test_create_needs_an_existing_active_dataset_group(
    client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        _create(client, "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope")
    pending = make_dataset_group(wait=False)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        _create(client, pending)


@pytest.mark.parametrize(
    "expression",
    [
        "SUM(PRICE)",
        "SUM(Users.AGE)",
        "AVG(Items.PRICE)",
        "SAMPLECOUNT(Items.PRICE)",
        "",
        "SUM(Items.PRICE) + 1",
    ],
)
def test_bad_metric_expressions_are_invalid(client: Any, dsg: str, expression: str) -> None:
    metric = {"eventType": "click", "metricName": "m", "expression": expression}
    with pytest.raises(client.exceptions.InvalidInputException, match="Invalid metric expression"):
        _create(client, dsg, metrics=[metric])


@pytest.mark.parametrize(
    "expression", ["SUM(Items.PRICE)", "sum( interactions.EVENT_VALUE )", "SAMPLECOUNT()"]
)
def test_good_metric_expressions(client: Any, dsg: str, expression: str) -> None:
    metric = {"eventType": "click", "metricName": "m", "expression": expression}
    arn = _create(client, dsg, metrics=[metric])
    assert _metrics(client, arn) == [metric]


def test_metric_list_rules(client: Any, dsg: str) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        _create(client, dsg, metrics=[_metric(i) for i in range(11)])
    with pytest.raises(client.exceptions.InvalidInputException, match="more than once"):
        _create(client, dsg, metrics=[CLICKS, {**REVENUE, "metricName": "clicks"}])
    with pytest.raises(client.exceptions.InvalidInputException, match="non-empty"):
        _create(client, dsg, metrics=[{**CLICKS, "eventType": ""}])
    arn = _create(client, dsg, metrics=[_metric(i) for i in range(10)])
    assert len(_metrics(client, arn)) == 10


def test_sum_columns_are_checked_against_the_dataset_schema(client: Any, dsg: str) -> None:
    schema = {
        "type": "record",
        "name": "Items",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [{"name": "ITEM_ID", "type": "string"}, {"name": "PRICE", "type": "float"}],
        "version": "1.0",
    }
    schema_arn = client.create_schema(name="items", schema=json.dumps(schema))["schemaArn"]
    client.create_dataset(name="items", schemaArn=schema_arn, datasetGroupArn=dsg, datasetType="ITEMS")
    with pytest.raises(
        client.exceptions.InvalidInputException, match="COST, which is not a column of the ITEMS"
    ):
        _create(client, dsg, metrics=[{**REVENUE, "expression": "SUM(Items.COST)"}])
    # Interactions columns are not checked while the group has no Interactions dataset.
    _create(client, dsg, metrics=[REVENUE, {**CLICKS, "expression": "SUM(Interactions.EVENT_VALUE)"}])


def test_failed_metric_attribution(pm: PersonalizeMock, client: Any, dsg: str) -> None:
    pm.fail_next("metric_attribution", reason="Role cannot be assumed.")
    arn = _create(client, dsg)
    pm.settle()
    detail = _describe(client, arn)
    assert (detail["status"], detail["failureReason"]) == ("CREATE FAILED", "Role cannot be assumed.")
    assert (
        client.list_metric_attributions()["metricAttributions"][0]["failureReason"]
        == "Role cannot be assumed."
    )
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE FAILED"):
        client.update_metric_attribution(metricAttributionArn=arn, removeMetrics=["clicks"])
    client.delete_metric_attribution(metricAttributionArn=arn)


def test_metric_attributions_are_not_taggable(client: Any, dsg: str) -> None:
    arn = _create(client, dsg)
    with pytest.raises(client.exceptions.InvalidInputException, match="does not support tagging"):
        client.tag_resource(resourceArn=arn, tags=[{"tagKey": "k", "tagValue": "v"}])


def test_describe_errors(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_metric_attribution(
            metricAttributionArn="arn:aws:personalize:us-east-1:123456789012:metric-attribution/nope"
        )
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_metric_attribution(metricAttributionArn="nope")


# --------------------------------------------------------------------------------------------
# Lists


def test_list_metric_attributions_by_dataset_group(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    groups = [make_dataset_group(f"g{i}") for i in range(3)]
    for index, group in enumerate(groups):
        _create(client, group, name=f"m{index}")
    listed = client.list_metric_attributions()["metricAttributions"]
    assert [m["name"] for m in listed] == ["m0", "m1", "m2"]
    assert set(listed[0]) == {
        "name",
        "metricAttributionArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
    }
    by_group = client.list_metric_attributions(datasetGroupArn=groups[2])["metricAttributions"]
    assert [m["name"] for m in by_group] == ["m2"]
    page = client.list_metric_attributions(maxResults=2)
    rest = client.list_metric_attributions(maxResults=2, nextToken=page["nextToken"])
    assert [m["name"] for m in rest["metricAttributions"]] == ["m2"]
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_metric_attributions(nextToken="nope")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_metric_attributions(maxResults=101)


def test_list_metric_attribution_metrics_pages(client: Any, dsg: str) -> None:
    arn = _create(client, dsg, metrics=[_metric(i) for i in range(5)])
    first = client.list_metric_attribution_metrics(metricAttributionArn=arn, maxResults=2)
    assert [m["metricName"] for m in first["metrics"]] == ["m0", "m1"]
    second = client.list_metric_attribution_metrics(
        metricAttributionArn=arn, maxResults=2, nextToken=first["nextToken"]
    )
    assert [m["metricName"] for m in second["metrics"]] == ["m2", "m3"]
    last = client.list_metric_attribution_metrics(metricAttributionArn=arn, nextToken=second["nextToken"])
    assert [m["metricName"] for m in last["metrics"]] == ["m4"]
    assert "nextToken" not in last


def test_list_metric_attribution_metrics_errors(client: Any, dsg: str) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match="metricAttributionArn is required"):
        client.list_metric_attribution_metrics()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_metric_attribution_metrics(
            metricAttributionArn="arn:aws:personalize:us-east-1:123456789012:metric-attribution/nope"
        )
    arn = _create(client, dsg, metrics=[_metric(i) for i in range(3)])
    token = client.list_metric_attribution_metrics(metricAttributionArn=arn, maxResults=1)["nextToken"]
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_metric_attributions(nextToken=token)
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_metric_attribution_metrics(metricAttributionArn=arn, nextToken="garbage")


# --------------------------------------------------------------------------------------------
# Update


def test_update_adds_removes_and_replaces_output(pm: PersonalizeMock, client: Any, active: str) -> None:
    new_output = {"roleArn": ROLE}
    views = {"eventType": "view", "metricName": "views", "expression": "SAMPLECOUNT()"}
    response = client.update_metric_attribution(
        metricAttributionArn=active,
        addMetrics=[views],
        removeMetrics=["clicks"],
        metricsOutputConfig=new_output,
    )
    assert response["metricAttributionArn"] == active
    detail = _describe(client, active)
    assert detail["status"] == "UPDATE PENDING"
    assert detail["metricsOutputConfig"] == new_output
    assert _metrics(client, active) == [REVENUE, views]
    pm.advance(1)
    assert _describe(client, active)["status"] == "UPDATE IN_PROGRESS"
    with pytest.raises(client.exceptions.ResourceInUseException, match="UPDATE IN_PROGRESS"):
        client.update_metric_attribution(metricAttributionArn=active, removeMetrics=["views"])
    with pytest.raises(client.exceptions.ResourceInUseException, match="UPDATE IN_PROGRESS"):
        client.delete_metric_attribution(metricAttributionArn=active)
    pm.advance(9)
    done = _describe(client, active)
    assert done["status"] == "ACTIVE"
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]
    client.update_metric_attribution(metricAttributionArn=active, removeMetrics=["views", "revenue"])
    assert _metrics(client, active) == []


def test_update_may_replace_a_metric_by_removing_and_adding_its_name(client: Any, active: str) -> None:
    changed = {**CLICKS, "eventType": "tap"}
    client.update_metric_attribution(
        metricAttributionArn=active, removeMetrics=["clicks"], addMetrics=[changed]
    )
    assert _metrics(client, active) == [REVENUE, changed]


def test_update_errors(client: Any, active: str) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match="metricAttributionArn is required"):
        client.update_metric_attribution(removeMetrics=["clicks"])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.update_metric_attribution(
            metricAttributionArn="arn:aws:personalize:us-east-1:123456789012:metric-attribution/nope",
            removeMetrics=["clicks"],
        )
    with pytest.raises(client.exceptions.InvalidInputException, match="Provide addMetrics"):
        client.update_metric_attribution(metricAttributionArn=active)
    with pytest.raises(
        client.exceptions.ResourceAlreadyExistsException, match="already has a metric named clicks"
    ):
        client.update_metric_attribution(metricAttributionArn=active, addMetrics=[CLICKS])
    with pytest.raises(client.exceptions.InvalidInputException, match="no metric named views"):
        client.update_metric_attribution(metricAttributionArn=active, removeMetrics=["views"])
    with pytest.raises(client.exceptions.InvalidInputException, match="at most 10 metrics"):
        client.update_metric_attribution(
            metricAttributionArn=active, addMetrics=[_metric(i) for i in range(9)]
        )
    with pytest.raises(client.exceptions.InvalidInputException, match="Invalid metric expression"):
        client.update_metric_attribution(
            metricAttributionArn=active,
            addMetrics=[{**CLICKS, "metricName": "x", "expression": "MAX(Items.A)"}],
        )
    # None of the rejected requests changed anything.
    assert _metrics(client, active) == [CLICKS, REVENUE]
    assert _describe(client, active)["status"] == "ACTIVE"


def test_update_before_active_is_in_use(client: Any, dsg: str) -> None:
    arn = _create(client, dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.update_metric_attribution(metricAttributionArn=arn, removeMetrics=["clicks"])


# --------------------------------------------------------------------------------------------
# Delete


def test_delete_goes_pending_in_progress_then_not_found(pm: PersonalizeMock, client: Any, dsg: str) -> None:
    arn = _create(client, dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.delete_metric_attribution(metricAttributionArn=arn)
    pm.advance(10)
    assert client.delete_metric_attribution(metricAttributionArn=arn).keys() == {"ResponseMetadata"}
    assert _describe(client, arn)["status"] == "DELETE PENDING"
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_metric_attribution(metricAttributionArn=arn)
    pm.advance(1)
    assert _describe(client, arn)["status"] == "DELETE IN_PROGRESS"
    pm.advance(9)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        _describe(client, arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_metric_attribution_metrics(metricAttributionArn=arn)
    assert client.list_metric_attributions(datasetGroupArn=dsg)["metricAttributions"] == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_metric_attribution(metricAttributionArn=arn)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.delete_metric_attribution(metricAttributionArn="bad")


def test_a_live_metric_attribution_goes_with_its_dataset_group(
    pm: PersonalizeMock, client: Any, dsg: str
) -> None:
    # API_DeleteDatasetGroup does not name metric attributions (docs/choices.md).
    arn = _create(client, dsg)
    pm.advance(10)
    client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_metric_attribution(metricAttributionArn=arn)["metricAttribution"]["status"] == (
        "DELETE PENDING"
    )
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_metric_attribution(metricAttributionArn=arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_group(datasetGroupArn=dsg)
