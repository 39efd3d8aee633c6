"""Datasets: CreateDataset / DescribeDataset / ListDatasets / UpdateDataset / DeleteDataset.

Behaviour reference §2 (ARN `dataset/<group>/<TYPE>`), §3.2 (CREATE, UPDATE and DELETE
phases, latestDatasetUpdate), §4.2 and §5.3 (what blocks DeleteDataset).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.service.data.datasets import get_dataset

MakeDatasetGroup = Callable[..., str]
DATASET_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset/"
RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
S3 = {"dataLocation": "s3://bucket/interactions.csv"}
ROLE = "arn:aws:iam::123456789012:role/personalize"
FIELDS = {
    "INTERACTIONS": ("USER_ID", "ITEM_ID", "TIMESTAMP"),
    "ITEMS": ("ITEM_ID",),
    "USERS": ("USER_ID",),
    "ACTIONS": ("ACTION_ID",),
    "ACTION_INTERACTIONS": ("USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"),
}


def avro(*fields: str) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": "Data",
            "namespace": "com.amazonaws.personalize.schema",
            "fields": [{"name": f, "type": "long" if f == "TIMESTAMP" else "string"} for f in fields],
            "version": "1.0",
        }
    )


@pytest.fixture
def dsg(make_dataset_group: MakeDatasetGroup) -> str:
    return make_dataset_group("dsg")


@pytest.fixture
def schema(client: Any) -> str:
    arn: str = client.create_schema(name="interactions", schema=avro(*FIELDS["INTERACTIONS"]))["schemaArn"]
    return arn


def make_dataset(client: Any, dsg: str, schema: str, dataset_type: str = "INTERACTIONS", **extra: Any) -> str:
    arn: str = client.create_dataset(
        name="data", schemaArn=schema, datasetGroupArn=dsg, datasetType=dataset_type, **extra
    )["datasetArn"]
    return arn


def test_create_dataset_goes_pending_then_active(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    created = client.create_dataset(
        name="my-data", schemaArn=schema, datasetGroupArn=dsg, datasetType="Interactions"
    )
    assert set(created) - {"ResponseMetadata"} == {"datasetArn"}
    arn = created["datasetArn"]
    # The type is upper-cased and the dataset's own name is not part of the ARN.
    assert arn == DATASET_ARN + "dsg/INTERACTIONS"
    first = client.describe_dataset(datasetArn=arn)["dataset"]
    assert first["status"] == "CREATE PENDING"
    assert first == {
        "name": "my-data",
        "datasetArn": arn,
        "datasetGroupArn": dsg,
        "datasetType": "INTERACTIONS",
        "schemaArn": schema,
        "status": "CREATE PENDING",
        "creationDateTime": first["creationDateTime"],
        "lastUpdatedDateTime": first["creationDateTime"],
    }
    pm.advance(5)
    assert client.describe_dataset(datasetArn=arn)["dataset"]["status"] == "CREATE IN_PROGRESS"
    pm.settle()
    done = client.describe_dataset(datasetArn=arn)["dataset"]
    assert done["status"] == "ACTIVE"
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]
    assert "latestDatasetUpdate" not in done
    assert "trackingId" not in done


@pytest.mark.parametrize("dataset_type", sorted(FIELDS))
def test_each_type_needs_its_required_fields(client: Any, dsg: str, dataset_type: str) -> None:
    fields = FIELDS[dataset_type]
    for missing in fields:
        partial = client.create_schema(
            name=f"without-{missing.lower().replace('_', '-')}",
            schema=avro(*(f for f in fields if f != missing), "EXTRA"),
        )["schemaArn"]
        with pytest.raises(client.exceptions.InvalidInputException, match=f"{missing} missing"):
            make_dataset(client, dsg, partial, dataset_type.lower())
    full = client.create_schema(name="full", schema=avro(*fields))["schemaArn"]
    arn = make_dataset(client, dsg, full, dataset_type.lower())
    assert arn == DATASET_ARN + f"dsg/{dataset_type}"
    assert client.describe_dataset(datasetArn=arn)["dataset"]["datasetType"] == dataset_type


def test_unknown_dataset_type_is_invalid_input(client: Any, dsg: str, schema: str) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match="EVENTS"):
        make_dataset(client, dsg, schema, "EVENTS")


def test_one_dataset_of_each_type_per_group(client: Any, dsg: str, schema: str) -> None:
    arn = make_dataset(client, dsg, schema)
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException, match=arn):
        make_dataset(client, dsg, schema, "interactions")
    items = client.create_schema(name="items", schema=avro("ITEM_ID"))["schemaArn"]
    assert make_dataset(client, dsg, items, "ITEMS") == DATASET_ARN + "dsg/ITEMS"


def test_dataset_group_must_exist_and_be_active(pm: PersonalizeMock, client: Any, schema: str) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="dataset-group/nope"):
        make_dataset(client, "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope", schema)
    pending = client.create_dataset_group(name="slow")["datasetGroupArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        make_dataset(client, pending, schema)
    pm.settle()
    make_dataset(client, pending, schema)


def test_schema_must_exist(client: Any, dsg: str) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:schema/nope"
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="schema/nope"):
        make_dataset(client, dsg, missing)


def test_schema_domain_must_match_the_group(make_dataset_group: MakeDatasetGroup, client: Any) -> None:
    fields = avro("USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE")
    custom = make_dataset_group("custom")
    ecomm = make_dataset_group("ecomm", domain="ECOMMERCE")
    vod = make_dataset_group("vod", domain="VIDEO_ON_DEMAND")
    plain = client.create_schema(name="plain", schema=fields)["schemaArn"]
    ecomm_schema = client.create_schema(name="ecomm", schema=fields, domain="ECOMMERCE")["schemaArn"]
    with pytest.raises(client.exceptions.InvalidInputException, match="custom dataset group"):
        make_dataset(client, custom, ecomm_schema)
    with pytest.raises(client.exceptions.InvalidInputException, match="has no domain"):
        make_dataset(client, ecomm, plain)
    with pytest.raises(client.exceptions.InvalidInputException, match="domain is VIDEO_ON_DEMAND"):
        make_dataset(client, vod, ecomm_schema)
    make_dataset(client, ecomm, ecomm_schema)
    make_dataset(client, custom, plain)


def test_tags_on_datasets(client: Any, dsg: str, schema: str) -> None:
    tags = [{"tagKey": "team", "tagValue": "recs"}]
    arn = make_dataset(client, dsg, schema, tags=tags)
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    too_many = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
    items = client.create_schema(name="items", schema=avro("ITEM_ID"))["schemaArn"]
    with pytest.raises(client.exceptions.TooManyTagsException):
        make_dataset(client, dsg, items, "ITEMS", tags=too_many)


def test_rate_limit_can_be_simulated(pm: PersonalizeMock, client: Any, dsg: str, schema: str) -> None:
    # No quota limits datasets (one per type is an ARN rule); LimitExceeded is the request-rate error.
    pm.inject_error("CreateDataset", "LimitExceededException")
    with pytest.raises(client.exceptions.LimitExceededException):
        make_dataset(client, dsg, schema)
    make_dataset(client, dsg, schema)


def test_failed_dataset(pm: PersonalizeMock, client: Any, dsg: str, schema: str) -> None:
    pm.fail_next("dataset", "bad schema")
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    dataset = client.describe_dataset(datasetArn=arn)["dataset"]
    assert dataset["status"] == "CREATE FAILED"
    assert "failureReason" not in dataset  # the Dataset shape has no such member
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE FAILED"):
        client.update_dataset(datasetArn=arn, schemaArn=schema)
    client.delete_dataset(datasetArn=arn)
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset(datasetArn=arn)


def test_list_datasets(make_dataset_group: MakeDatasetGroup, client: Any, schema: str) -> None:
    first = make_dataset_group("first")
    second = make_dataset_group("second")
    items = client.create_schema(name="items", schema=avro("ITEM_ID"))["schemaArn"]
    a = make_dataset(client, first, schema)
    b = make_dataset(client, second, schema)
    c = make_dataset(client, first, items, "ITEMS")
    assert [d["datasetArn"] for d in client.list_datasets()["datasets"]] == [a, b, c]
    in_first = client.list_datasets(datasetGroupArn=first)["datasets"]
    assert [d["datasetArn"] for d in in_first] == [a, c]
    assert set(in_first[1]) == {
        "name",
        "datasetArn",
        "datasetType",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
    }
    assert in_first[1]["datasetType"] == "ITEMS"
    unknown = "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope"
    assert client.list_datasets(datasetGroupArn=unknown)["datasets"] == []
    page = client.list_datasets(datasetGroupArn=first, maxResults=1)
    assert [d["datasetArn"] for d in page["datasets"]] == [a]
    rest = client.list_datasets(datasetGroupArn=first, maxResults=1, nextToken=page["nextToken"])
    assert [d["datasetArn"] for d in rest["datasets"]] == [c]
    assert "nextToken" not in rest
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_datasets(datasetGroupArn=second, nextToken=page["nextToken"])
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_datasets(datasetGroupArn="bad-arn")
    pages = client.get_paginator("list_datasets").paginate(PaginationConfig={"PageSize": 2})
    assert [d["datasetArn"] for p in pages for d in p["datasets"]] == [a, b, c]


def test_describe_unknown_or_malformed_dataset(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset(datasetArn=DATASET_ARN + "dsg/ITEMS")
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_dataset(datasetArn="nope")


# -- UpdateDataset -------------------------------------------------------------------------


def test_update_dataset_replaces_the_schema_when_done(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    wider = client.create_schema(name="wider", schema=avro(*FIELDS["INTERACTIONS"], "EVENT_TYPE"))[
        "schemaArn"
    ]
    assert client.update_dataset(datasetArn=arn, schemaArn=wider)["datasetArn"] == arn
    seen = []
    for _ in range(3):
        dataset = client.describe_dataset(datasetArn=arn)["dataset"]
        update = dataset["latestDatasetUpdate"]
        seen.append((dataset["status"], update["status"], dataset["schemaArn"]))
        assert update["schemaArn"] == wider
        pm.advance(20)
    assert seen == [
        ("UPDATE PENDING", "CREATE PENDING", schema),
        ("UPDATE IN_PROGRESS", "CREATE IN_PROGRESS", schema),
        ("UPDATE IN_PROGRESS", "CREATE IN_PROGRESS", schema),
    ]
    pm.settle()
    dataset = client.describe_dataset(datasetArn=arn)["dataset"]
    assert dataset["status"] == "ACTIVE"
    assert dataset["schemaArn"] == wider
    update = dataset["latestDatasetUpdate"]
    assert update["status"] == "ACTIVE"
    assert update["lastUpdatedDateTime"] > update["creationDateTime"] >= dataset["creationDateTime"]
    assert dataset["lastUpdatedDateTime"] == update["lastUpdatedDateTime"]
    assert "failureReason" not in update
    # A second update starts from the new schema and ends on the third.
    third = client.create_schema(name="third", schema=avro(*FIELDS["INTERACTIONS"], "X"))["schemaArn"]
    client.update_dataset(datasetArn=arn, schemaArn=third)
    assert client.describe_dataset(datasetArn=arn)["dataset"]["schemaArn"] == wider
    pm.settle()
    assert client.describe_dataset(datasetArn=arn)["dataset"]["schemaArn"] == third


def test_update_dataset_needs_an_active_dataset(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    arn = make_dataset(client, dsg, schema)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.update_dataset(datasetArn=arn, schemaArn=schema)
    pm.settle()
    client.update_dataset(datasetArn=arn, schemaArn=schema)
    with pytest.raises(client.exceptions.ResourceInUseException, match="UPDATE PENDING"):
        client.update_dataset(datasetArn=arn, schemaArn=schema)


def test_update_dataset_errors(pm: PersonalizeMock, client: Any, dsg: str, schema: str) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.update_dataset(datasetArn=DATASET_ARN + "dsg/INTERACTIONS", schemaArn=schema)
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="schema/nope"):
        client.update_dataset(
            datasetArn=arn, schemaArn="arn:aws:personalize:us-east-1:123456789012:schema/nope"
        )
    narrow = client.create_schema(name="narrow", schema=avro("USER_ID", "ITEM_ID"))["schemaArn"]
    with pytest.raises(client.exceptions.InvalidInputException, match="TIMESTAMP missing"):
        client.update_dataset(datasetArn=arn, schemaArn=narrow)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.update_dataset(datasetArn="bad", schemaArn=schema)
    assert client.describe_dataset(datasetArn=arn)["dataset"]["status"] == "ACTIVE"


# -- DeleteDataset -------------------------------------------------------------------------


def test_delete_dataset_phases_then_not_found(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    arn = make_dataset(client, dsg, schema)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.delete_dataset(datasetArn=arn)
    pm.settle()
    assert set(client.delete_dataset(datasetArn=arn)) == {"ResponseMetadata"}
    assert client.describe_dataset(datasetArn=arn)["dataset"]["status"] == "DELETE PENDING"
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_dataset(datasetArn=arn)
    pm.advance(5)
    assert client.describe_dataset(datasetArn=arn)["dataset"]["status"] == "DELETE IN_PROGRESS"
    assert [d["status"] for d in client.list_datasets()["datasets"]] == ["DELETE IN_PROGRESS"]
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset(datasetArn=arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_dataset(datasetArn=arn)
    assert client.list_datasets()["datasets"] == []
    # The type's slot in the group is free again.
    assert make_dataset(client, dsg, schema) == arn


def test_delete_dataset_during_an_update_is_in_use(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    client.update_dataset(datasetArn=arn, schemaArn=schema)
    with pytest.raises(client.exceptions.ResourceInUseException, match="UPDATE PENDING"):
        client.delete_dataset(datasetArn=arn)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.delete_dataset(datasetArn="bad")


def test_dataset_blocks_its_group_delete(pm: PersonalizeMock, client: Any, dsg: str, schema: str) -> None:
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    with pytest.raises(client.exceptions.ResourceInUseException, match=arn):
        client.delete_dataset_group(datasetGroupArn=dsg)
    client.delete_dataset(datasetArn=arn)
    # A dataset already being deleted no longer blocks (behaviour reference §11.8).
    client.delete_dataset_group(datasetGroupArn=dsg)


def test_import_job_in_flight_blocks_delete_and_jobs_go_with_the_dataset(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    job = client.create_dataset_import_job(jobName="import", datasetArn=arn, dataSource=S3, roleArn=ROLE)[
        "datasetImportJobArn"
    ]
    with pytest.raises(client.exceptions.ResourceInUseException, match=job):
        client.delete_dataset(datasetArn=arn)
    pm.settle()
    client.delete_dataset(datasetArn=arn)
    assert (
        client.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]["status"] == "ACTIVE"
    )
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_import_job(datasetImportJobArn=job)
    assert client.list_dataset_import_jobs()["datasetImportJobs"] == []


def test_export_job_in_flight_blocks_delete(pm: PersonalizeMock, client: Any, dsg: str, schema: str) -> None:
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    job = client.create_dataset_export_job(
        jobName="export",
        datasetArn=arn,
        roleArn=ROLE,
        jobOutput={"s3DataDestination": {"path": "s3://bucket/out/"}},
    )["datasetExportJobArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match=job):
        client.delete_dataset(datasetArn=arn)
    pm.settle()
    client.delete_dataset(datasetArn=arn)
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_dataset_export_job(datasetExportJobArn=job)


def test_training_in_the_group_blocks_delete(pm: PersonalizeMock, client: Any, dsg: str, schema: str) -> None:
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    solution = client.create_solution(name="sol", datasetGroupArn=dsg, recipeArn=RECIPE)["solutionArn"]
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.delete_dataset(datasetArn=arn)
    pm.advance(600)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE IN_PROGRESS"):
        client.delete_dataset(datasetArn=arn)
    client.stop_solution_version_creation(solutionVersionArn=version)
    pm.settle()
    assert client.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["status"] == (
        "CREATE STOPPED"
    )
    client.delete_dataset(datasetArn=arn)


def test_training_in_another_group_does_not_block(
    pm: PersonalizeMock, make_dataset_group: MakeDatasetGroup, client: Any, dsg: str, schema: str
) -> None:
    arn = make_dataset(client, dsg, schema)
    other = make_dataset_group("other")
    solution = client.create_solution(name="sol", datasetGroupArn=other, recipeArn=RECIPE)["solutionArn"]
    client.create_solution_version(solutionArn=solution)
    pm.advance(60)
    client.delete_dataset(datasetArn=arn)


def test_event_tracker_blocks_deleting_the_interactions_dataset(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    interactions = make_dataset(client, dsg, schema)
    items_schema = client.create_schema(name="items", schema=avro("ITEM_ID"))["schemaArn"]
    items = make_dataset(client, dsg, items_schema, "ITEMS")
    tracker = client.create_event_tracker(name="tracker", datasetGroupArn=dsg)["eventTrackerArn"]
    pm.settle()
    with pytest.raises(client.exceptions.ResourceInUseException, match=tracker):
        client.delete_dataset(datasetArn=interactions)
    # Only the interactions dataset receives the tracker's events.
    client.delete_dataset(datasetArn=items)
    client.delete_event_tracker(eventTrackerArn=tracker)
    # A tracker that is being deleted no longer blocks.
    client.delete_dataset(datasetArn=interactions)


def test_last_data_change_is_when_the_latest_import_completed(
    pm: PersonalizeMock, client: Any, dsg: str, schema: str
) -> None:
    arn = make_dataset(client, dsg, schema)
    pm.settle()
    backend = pm.state.backend("us-east-1")
    dataset = get_dataset(backend, arn, backend.clock.time())
    assert dataset.last_data_change(backend.clock.time()) is None
    first = client.create_dataset_import_job(jobName="one", datasetArn=arn, dataSource=S3)[
        "datasetImportJobArn"
    ]
    assert dataset.last_data_change(backend.clock.time()) is None
    pm.settle()
    done = client.describe_dataset_import_job(datasetImportJobArn=first)["datasetImportJob"][
        "lastUpdatedDateTime"
    ]
    assert dataset.last_data_change(backend.clock.time()) == pytest.approx(done.timestamp(), abs=1e-3)
    pm.fail_next("dataset_import_job")
    client.create_dataset_import_job(jobName="two", datasetArn=arn, dataSource=S3)
    pm.settle()
    assert dataset.last_data_change(backend.clock.time()) == pytest.approx(done.timestamp(), abs=1e-3)
    third = client.create_dataset_import_job(
        jobName="three", datasetArn=arn, dataSource=S3, importMode="INCREMENTAL"
    )["datasetImportJobArn"]
    pm.settle()
    later = client.describe_dataset_import_job(datasetImportJobArn=third)["datasetImportJob"][
        "lastUpdatedDateTime"
    ]
    assert later > done
    assert dataset.last_data_change(backend.clock.time()) == pytest.approx(later.timestamp(), abs=1e-3)
