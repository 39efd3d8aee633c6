"""Event trackers: Create / Describe / List / Delete.

Behaviour reference §2 (``event-tracker/<8 hex>`` ARNs, lowercase UUID4 tracking ids),
§3.2, §5.1 (one per dataset group), §5.4, §11.7, §11.8.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]

ARN = re.compile(r"arn:aws:personalize:us-east-1:(\d{12}):event-tracker/[0-9a-f]{8}")


def _status(client: Any, arn: str) -> str:
    status: str = client.describe_event_tracker(eventTrackerArn=arn)["eventTracker"]["status"]
    return status


def test_create_event_tracker_returns_a_hex_arn_and_a_uuid4_tracking_id(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    created = client.create_event_tracker(name="MovieTracker", datasetGroupArn=dsg)
    assert set(created) == {"eventTrackerArn", "trackingId", "ResponseMetadata"}
    arn, tracking_id = created["eventTrackerArn"], created["trackingId"]
    assert ARN.fullmatch(arn)
    assert "MovieTracker" not in arn
    assert tracking_id == tracking_id.lower()
    assert uuid.UUID(tracking_id).version == 4
    assert str(uuid.UUID(tracking_id)) == tracking_id

    detail = client.describe_event_tracker(eventTrackerArn=arn)["eventTracker"]
    assert detail["name"] == "MovieTracker"
    assert detail["eventTrackerArn"] == arn
    assert detail["trackingId"] == tracking_id
    assert detail["accountId"] == "123456789012"
    assert detail["datasetGroupArn"] == dsg
    assert detail["status"] == "CREATE PENDING"
    pm.advance(5)
    assert _status(client, arn) == "CREATE IN_PROGRESS"
    pm.advance(5)
    assert _status(client, arn) == "ACTIVE"


@pytest.mark.personalize_mock(account_id="111122223333")
def test_account_id_is_the_mock_account(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    arn = client.create_event_tracker(name="t", datasetGroupArn=dsg)["eventTrackerArn"]
    match = ARN.fullmatch(arn)
    assert match is not None and match.group(1) == "111122223333"
    assert client.describe_event_tracker(eventTrackerArn=arn)["eventTracker"]["accountId"] == "111122223333"


def test_trackers_get_distinct_ids(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    made = [
        client.create_event_tracker(name=f"t{i}", datasetGroupArn=make_dataset_group(f"g{i}"))
        for i in range(3)
    ]
    assert len({m["eventTrackerArn"] for m in made}) == 3
    assert len({m["trackingId"] for m in made}) == 3


def test_one_event_tracker_per_dataset_group(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    first = client.create_event_tracker(name="first", datasetGroupArn=dsg)["eventTrackerArn"]
    with pytest.raises(client.exceptions.LimitExceededException, match="already has 1 event tracker"):
        client.create_event_tracker(name="second", datasetGroupArn=dsg)
    pm.advance(10)
    client.delete_event_tracker(eventTrackerArn=first)
    # Once the first is being deleted the group may get a new one.
    second = client.create_event_tracker(name="second", datasetGroupArn=dsg)["eventTrackerArn"]
    assert second != first


def test_event_tracker_names_are_unique_per_account_and_region(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    other = make_dataset_group("other")
    arn = client.create_event_tracker(name="tracker", datasetGroupArn=dsg)["eventTrackerArn"]
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        client.create_event_tracker(name="tracker", datasetGroupArn=other)
    pm.advance(10)
    client.delete_event_tracker(eventTrackerArn=arn)
    client.create_event_tracker(name="tracker", datasetGroupArn=other)


def test_create_event_tracker_needs_an_existing_active_dataset_group(
    client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_event_tracker(name="t", datasetGroupArn=missing)
    pending = make_dataset_group(wait=False)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.create_event_tracker(name="t", datasetGroupArn=pending)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_event_tracker(name="bad name!", datasetGroupArn=pending)
    assert client.list_event_trackers()["eventTrackers"] == []


def test_event_trackers_are_taggable(client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    too_many = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
    with pytest.raises(client.exceptions.TooManyTagsException):
        client.create_event_tracker(name="t", datasetGroupArn=dsg, tags=too_many)
    arn = client.create_event_tracker(name="t", datasetGroupArn=dsg, tags=[{"tagKey": "a", "tagValue": "b"}])[
        "eventTrackerArn"
    ]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "a", "tagValue": "b"}]


def test_failed_event_tracker_can_be_deleted(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    pm.fail_next("event_tracker")
    arn = client.create_event_tracker(name="t", datasetGroupArn=dsg)["eventTrackerArn"]
    pm.settle()
    detail = client.describe_event_tracker(eventTrackerArn=arn)["eventTracker"]
    # The EventTracker shape has no failureReason member.
    assert detail["status"] == "CREATE FAILED"
    assert "failureReason" not in detail
    client.delete_event_tracker(eventTrackerArn=arn)
    assert _status(client, arn) == "DELETE PENDING"


def test_describe_event_tracker_errors(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_event_tracker(
            eventTrackerArn="arn:aws:personalize:us-east-1:123456789012:event-tracker/00000000"
        )
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_event_tracker(eventTrackerArn="event-tracker/00000000")


def test_list_event_trackers_by_dataset_group_with_pages(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    groups = [make_dataset_group(f"g{i}") for i in range(3)]
    arns = [
        client.create_event_tracker(name=f"t{i}", datasetGroupArn=g)["eventTrackerArn"]
        for i, g in enumerate(groups)
    ]
    listed = client.list_event_trackers()["eventTrackers"]
    assert [t["eventTrackerArn"] for t in listed] == arns
    assert set(listed[0]) == {"name", "eventTrackerArn", "status", "creationDateTime", "lastUpdatedDateTime"}
    assert [t["name"] for t in client.list_event_trackers(datasetGroupArn=groups[1])["eventTrackers"]] == [
        "t1"
    ]
    first = client.list_event_trackers(maxResults=2)
    assert [t["name"] for t in first["eventTrackers"]] == ["t0", "t1"]
    rest = client.list_event_trackers(maxResults=2, nextToken=first["nextToken"])
    assert [t["name"] for t in rest["eventTrackers"]] == ["t2"]
    assert "nextToken" not in rest
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_event_trackers(datasetGroupArn=groups[0], nextToken=first["nextToken"])
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_event_trackers(datasetGroupArn="not-an-arn")


def test_delete_event_tracker_goes_pending_in_progress_then_not_found(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    arn = client.create_event_tracker(name="t", datasetGroupArn=dsg)["eventTrackerArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.delete_event_tracker(eventTrackerArn=arn)
    pm.advance(10)
    assert client.delete_event_tracker(eventTrackerArn=arn).keys() == {"ResponseMetadata"}
    assert _status(client, arn) == "DELETE PENDING"
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_event_tracker(eventTrackerArn=arn)
    pm.advance(1)
    assert _status(client, arn) == "DELETE IN_PROGRESS"
    pm.advance(9)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_event_tracker(eventTrackerArn=arn)
    assert client.list_event_trackers(datasetGroupArn=dsg)["eventTrackers"] == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_event_tracker(eventTrackerArn=arn)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.delete_event_tracker(eventTrackerArn="x" * 300)


def test_delete_dataset_group_right_after_delete_event_tracker(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    """Behaviour reference §11.8: notebooks delete the group straight after the tracker."""
    dsg = make_dataset_group()
    tracker = client.create_event_tracker(name="t", datasetGroupArn=dsg)["eventTrackerArn"]
    pm.advance(10)
    with pytest.raises(client.exceptions.ResourceInUseException, match="event tracker"):
        client.delete_dataset_group(datasetGroupArn=dsg)
    client.delete_event_tracker(eventTrackerArn=tracker)
    client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "DELETE PENDING"
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_event_tracker(eventTrackerArn=tracker)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_group(datasetGroupArn=dsg)


def test_delete_dataset_group_with_every_extra_child(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    """An event tracker blocks until its delete; a filter and a metric attribution go with the group.

    API_DeleteDatasetGroup names event trackers (and solutions, datasets), not filters or
    metric attributions (docs/choices.md).
    """
    dsg = make_dataset_group()
    tracker = client.create_event_tracker(name="t", datasetGroupArn=dsg)["eventTrackerArn"]
    client.create_filter(
        name="f",
        datasetGroupArn=dsg,
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")',
    )
    client.create_metric_attribution(
        name="m",
        datasetGroupArn=dsg,
        metrics=[{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}],
        metricsOutputConfig={"roleArn": "arn:aws:iam::123456789012:role/r"},
    )
    pm.settle()
    with pytest.raises(client.exceptions.ResourceInUseException, match="event tracker"):
        client.delete_dataset_group(datasetGroupArn=dsg)
    client.delete_event_tracker(eventTrackerArn=tracker)
    client.delete_dataset_group(datasetGroupArn=dsg)
    pm.settle()
    assert client.list_dataset_groups()["datasetGroups"] == []
    assert client.list_event_trackers()["eventTrackers"] == []
    assert client.list_filters()["Filters"] == []
    assert client.list_metric_attributions()["metricAttributions"] == []
