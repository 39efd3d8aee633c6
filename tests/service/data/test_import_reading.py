"""Import jobs read their CSV files from moto's S3 and check them against the schema.

A file that does not fit ends the job CREATE FAILED with a reason naming the file, line and
column; one that fits becomes a batch of typed rows in the dataset group's data store,
visible once the job is ACTIVE. importMode FULL replaces the bulk data, INCREMENTAL adds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import moto
import pytest
from data_world import BUCKET, ENOUGH, REGION, World, csv_text, interactions_csv, make_world, no_network

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.data.data_store import GroupData, group_data

pytestmark = pytest.mark.personalize_mock(require_data=True)

ITEMS_HEADER = ["ITEM_ID", "PRICE", "YEAR", "IN_STOCK", "GENRES"]


@pytest.fixture
def world(pm: PersonalizeMock, client: Any) -> Iterator[World]:
    with moto.mock_aws():
        yield make_world(pm, client, boto3.client("s3", region_name=REGION))


def store(world: World) -> GroupData:
    return group_data(world.pm.state.backend(REGION), world.group)


def rows_now(world: World, kind: str = "INTERACTIONS") -> list[dict[str, Any]]:
    return [dict(record) for record in store(world).records(world.pm.state.clock.time(), kind)]


def failure_of(world: World, dataset: str, body: str | bytes, key: str = "data.csv") -> str:
    job = world.load(dataset, world.put(key, body))
    assert job["status"] == "CREATE FAILED"
    reason: str = job["failureReason"]
    return reason


# -- files that fit ---------------------------------------------------------------------------------


def test_rows_are_typed_per_schema_and_keyed_by_field_names(world: World) -> None:
    dataset = world.dataset("ITEMS")
    body = csv_text(
        ["item_id", "Price", "year", "IN_STOCK", "genres"],  # header matched without regard to case
        [["i1", "9.5", "1999", "true", '"Comedy|Drama"'], ["i2", "", "", "FALSE", ""]],
    )
    job = world.load(dataset, world.put("items.csv", body))
    assert job["status"] == "ACTIVE"
    assert "failureReason" not in job
    assert rows_now(world, "ITEMS") == [
        {"ITEM_ID": "i1", "PRICE": 9.5, "YEAR": 1999, "IN_STOCK": True, "GENRES": "Comedy|Drama"},
        {"ITEM_ID": "i2", "PRICE": None, "YEAR": None, "IN_STOCK": False, "GENRES": None},
    ]


def test_optional_columns_may_be_left_out(world: World) -> None:
    dataset = world.dataset()
    body = csv_text(["USER_ID", "ITEM_ID", "TIMESTAMP"], [["u1", "i1", "1700000000"]])
    assert world.load(dataset, world.put("minimal.csv", body))["status"] == "ACTIVE"
    assert rows_now(world) == [{"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": 1700000000}]


def test_the_index_column_pandas_writes_is_skipped(world: World) -> None:
    # What pandas.DataFrame.to_csv(path) writes: an unnamed first column holding the index.
    # Choice (docs/choices.md): it is skipped, whatever its values (AWS notebooks write so).
    dataset = world.dataset()
    body = (
        ",USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"
        "0,u1,i1,1700000000,click\n"
        "1,u1,i2,1700000060,buy\n"
        "x7,u2,i1,1700000120,click\n"
    )
    job = world.load(dataset, world.put("pandas.csv", body))
    assert job["status"] == "ACTIVE"
    assert rows_now(world) == [
        {"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": 1700000000, "EVENT_TYPE": "click"},
        {"USER_ID": "u1", "ITEM_ID": "i2", "TIMESTAMP": 1700000060, "EVENT_TYPE": "buy"},
        {"USER_ID": "u2", "ITEM_ID": "i1", "TIMESTAMP": 1700000120, "EVENT_TYPE": "click"},
    ]


def test_an_index_column_still_counts_in_each_row(world: World) -> None:
    # The skipped column is a column: a row without its value is one value short.
    body = ",USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1700000000\n"
    reason = failure_of(world, world.dataset(), body)
    assert reason == f"Line 2 of s3://{BUCKET}/data.csv has 3 values; the header has 4 columns."


def test_an_unnamed_column_after_the_first_is_not_in_the_schema(world: World) -> None:
    body = "USER_ID,ITEM_ID,,TIMESTAMP\nu1,i1,0,1700000000\n"
    reason = failure_of(world, world.dataset(), body)
    assert reason == (
        f"Input CSV has columns that are not in the schema: [(unnamed column 3)] (s3://{BUCKET}/data.csv)."
    )


def test_quoted_values_and_blank_lines(world: World) -> None:
    dataset = world.dataset("ITEMS")
    body = 'ITEM_ID,GENRES\r\n"i,1","a|b"\r\n\r\ni2,\r\n'
    assert world.load(dataset, world.put("items.csv", body))["status"] == "ACTIVE"
    assert [(row["ITEM_ID"], row["GENRES"]) for row in rows_now(world, "ITEMS")] == [
        ("i,1", "a|b"),
        ("i2", None),
    ]


def test_rows_are_visible_only_once_the_job_is_active(pm: PersonalizeMock, world: World) -> None:
    dataset = world.dataset()
    job = world.start_import(dataset, world.put("a.csv", interactions_csv(3, 2)))
    pm.advance(DEFAULT_DURATIONS["dataset_import_job"] - 1)
    assert world.client.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"][
        "status"
    ] == ("CREATE IN_PROGRESS")
    assert rows_now(world) == []
    pm.advance(1)
    assert len(rows_now(world)) == 6


# -- FULL and INCREMENTAL --------------------------------------------------------------------------


def test_incremental_adds_and_full_replaces(world: World) -> None:
    dataset = world.dataset()
    world.load(dataset, world.put("a.csv", interactions_csv(10, 10)))
    assert len(rows_now(world)) == 100
    world.load(dataset, world.put("b.csv", interactions_csv(5, 10, first_user=100)), mode="INCREMENTAL")
    assert len(rows_now(world)) == 150
    world.load(dataset, world.put("c.csv", interactions_csv(3, 10, first_user=200)), mode="FULL")
    assert {row["USER_ID"] for row in rows_now(world)} == {"user-200", "user-201", "user-202"}
    summaries = world.client.list_dataset_import_jobs(datasetArn=dataset)["datasetImportJobs"]
    assert [summary["importMode"] for summary in summaries] == ["FULL", "INCREMENTAL", "FULL"]


def test_a_full_import_replaces_only_its_own_type(world: World) -> None:
    interactions = world.dataset()
    items = world.dataset("ITEMS")
    world.load(interactions, world.put("i.csv", interactions_csv(2, 2)))
    world.load(items, world.put("items.csv", csv_text(["ITEM_ID"], [["a"], ["b"]])))
    assert len(rows_now(world)) == 4
    assert len(rows_now(world, "ITEMS")) == 2


def test_a_failed_full_import_replaces_nothing(world: World) -> None:
    dataset = world.dataset()
    world.load(dataset, world.put("a.csv", interactions_csv(10, 10)))
    failure_of(world, dataset, "USER_ID\nu1\n")
    assert len(rows_now(world)) == 100


# -- prefixes ---------------------------------------------------------------------------------------


def test_a_prefix_reads_every_csv_under_it(world: World) -> None:
    dataset = world.dataset()
    world.put("bulk/part-1.csv", interactions_csv(25, 20))
    world.put("bulk/2024/part-2.CSV", interactions_csv(25, 20, first_user=100))
    world.put("bulk/_SUCCESS", b"")
    world.put("bulk/notes.txt", b"not data")
    world.put("other/part-3.csv", b"ignored")
    job = world.load(dataset, f"s3://{BUCKET}/bulk/")
    assert job["status"] == "ACTIVE"
    assert job["dataSource"] == {"dataLocation": f"s3://{BUCKET}/bulk/"}
    assert len(rows_now(world)) == 1000
    assert world.train(world.solution())["status"] == "ACTIVE"


def test_a_bad_file_under_a_prefix_fails_the_import(world: World) -> None:
    dataset = world.dataset()
    world.put("bulk/a.csv", ENOUGH)
    world.put("bulk/b.csv", "USER_ID,ITEM_ID\nu1,i1\n")
    job = world.load(dataset, f"s3://{BUCKET}/bulk/")
    assert job["failureReason"] == (
        f"Input CSV is missing the following columns: [TIMESTAMP] (s3://{BUCKET}/bulk/b.csv)."
    )
    assert rows_now(world) == []


def test_an_empty_prefix_fails(world: World) -> None:
    dataset = world.dataset()
    world.put("bulk/readme.txt", b"no csv here")
    job = world.load(dataset, f"s3://{BUCKET}/bulk/")
    assert job["failureReason"] == f"Could not find any .csv object under s3://{BUCKET}/bulk/."


def test_a_folder_without_the_trailing_slash_is_read_as_the_folder(world: World) -> None:
    # Choice (docs/choices.md): the documentation asks for a "/" after the folder name, but
    # seed scripts write s3://bucket/seed_data/interactions for the folder all the same.
    dataset = world.dataset()
    world.put("seed_data/interactions/part1.csv", interactions_csv(25, 20))
    world.put("seed_data/interactions/part2.csv", interactions_csv(25, 20, first_user=100))
    world.put("seed_data/interactions/_SUCCESS", b"")
    # Neither a sibling sharing the name's prefix nor a file beside the folder is read.
    world.put("seed_data/interactions-old/part.csv", b"ignored")
    world.put("seed_data/interactions.txt", b"ignored")
    location = f"s3://{BUCKET}/seed_data/interactions"
    job = world.load(dataset, location)
    assert job["status"] == "ACTIVE"
    assert job["dataSource"] == {"dataLocation": location}
    assert len(rows_now(world)) == 1000


def test_an_object_wins_over_a_folder_of_the_same_name(world: World) -> None:
    dataset = world.dataset()
    world.put("data", interactions_csv(1, 3))
    world.put("data/part.csv", interactions_csv(25, 20))
    assert world.load(dataset, f"s3://{BUCKET}/data")["status"] == "ACTIVE"
    assert len(rows_now(world)) == 3


def test_a_name_that_is_neither_an_object_nor_a_folder_fails(world: World) -> None:
    dataset = world.dataset()
    world.put("seed_data/interactions/readme.txt", b"no csv here")
    job = world.load(dataset, f"s3://{BUCKET}/seed_data/interactions")
    assert job["failureReason"] == f"Could not find the object s3://{BUCKET}/seed_data/interactions."


def test_the_whole_bucket_as_a_prefix(world: World) -> None:
    dataset = world.dataset()
    world.put("x.csv", interactions_csv(2, 2))
    assert world.load(dataset, f"s3://{BUCKET}/")["status"] == "ACTIVE"
    assert len(rows_now(world)) == 4


# -- files that do not fit --------------------------------------------------------------------------


def test_missing_object(world: World) -> None:
    dataset = world.dataset()
    job = world.load(dataset, f"s3://{BUCKET}/nope.csv")
    assert job["failureReason"] == f"Could not find the object s3://{BUCKET}/nope.csv."
    summary = world.client.list_dataset_import_jobs(datasetArn=dataset)["datasetImportJobs"][0]
    assert (summary["status"], summary["failureReason"]) == ("CREATE FAILED", job["failureReason"])


def test_missing_bucket(world: World) -> None:
    job = world.load(world.dataset(), "s3://no-such-bucket/interactions.csv")
    assert job["failureReason"] == "Could not find the object s3://no-such-bucket/interactions.csv."


def test_missing_required_columns(world: World) -> None:
    reason = failure_of(world, world.dataset(), "USER_ID,EVENT_TYPE\nu1,click\n")
    assert (
        reason
        == f"Input CSV is missing the following columns: [ITEM_ID, TIMESTAMP] (s3://{BUCKET}/data.csv)."
    )


def test_unknown_column(world: World) -> None:
    body = "USER_ID,ITEM_ID,TIMESTAMP,COLOUR\nu1,i1,1,red\n"
    reason = failure_of(world, world.dataset(), body)
    assert reason == f"Input CSV has columns that are not in the schema: [COLOUR] (s3://{BUCKET}/data.csv)."


def test_duplicated_column(world: World) -> None:
    reason = failure_of(world, world.dataset(), "USER_ID,ITEM_ID,TIMESTAMP,user_id\nu1,i1,1,u1\n")
    assert (
        reason == f"Input CSV has the following columns more than once: [user_id] (s3://{BUCKET}/data.csv)."
    )


@pytest.mark.parametrize("value", ["yesterday", "1.5", "1e9", ""])
def test_timestamp_must_be_an_integer(world: World, value: str) -> None:
    body = f"USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1700000000\nu2,i2,{value}\n"
    reason = failure_of(world, world.dataset(), body)
    if value:
        assert reason == (
            f"Invalid value {value!r} for column TIMESTAMP of type long in line 3 of s3://{BUCKET}/data.csv."
        )
    else:
        assert reason == f"Missing value for required column TIMESTAMP in line 3 of s3://{BUCKET}/data.csv."


@pytest.mark.parametrize(
    ("column", "value", "avro_type"),
    [
        ("PRICE", "cheap", "double"),
        ("YEAR", "19x9", "int"),
        ("YEAR", "2.5", "int"),
        ("IN_STOCK", "yes", "boolean"),
    ],
)
def test_item_values_must_fit_their_type(world: World, column: str, value: str, avro_type: str) -> None:
    row = {"ITEM_ID": "i1", "PRICE": "1.0", "YEAR": "2000", "IN_STOCK": "true", "GENRES": "a"}
    row[column] = value
    body = csv_text(ITEMS_HEADER, [[row[name] for name in ITEMS_HEADER]])
    reason = failure_of(world, world.dataset("ITEMS"), body, key="items.csv")
    assert reason == (
        f"Invalid value {value!r} for column {column} of type {avro_type} in line 2 of s3://{BUCKET}/items.csv."
    )


def test_float_values_must_be_numbers(world: World) -> None:
    body = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_VALUE\nu1,i1,1,0.5\nu1,i2,2,high\n"
    reason = failure_of(world, world.dataset(), body)
    assert (
        reason
        == f"Invalid value 'high' for column EVENT_VALUE of type float in line 3 of s3://{BUCKET}/data.csv."
    )


def test_empty_required_value(world: World) -> None:
    body = "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\nu2,i2,2\nu3,,3\n"
    reason = failure_of(world, world.dataset(), body)
    assert reason == f"Missing value for required column ITEM_ID in line 4 of s3://{BUCKET}/data.csv."


def test_a_row_with_the_wrong_number_of_values(world: World) -> None:
    reason = failure_of(world, world.dataset(), "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1,extra\n")
    assert reason == f"Line 2 of s3://{BUCKET}/data.csv has 4 values; the header has 3 columns."


def test_an_empty_file(world: World) -> None:
    reason = failure_of(world, world.dataset(), b"")
    assert (
        reason == f"Input CSV s3://{BUCKET}/data.csv is empty: it needs a header row with the column names."
    )


def test_a_file_that_is_not_utf8(world: World) -> None:
    reason = failure_of(world, world.dataset(), b"USER_ID,ITEM_ID,TIMESTAMP\n\xff\xfe,i1,1\n")
    assert reason.startswith(f"Input CSV s3://{BUCKET}/data.csv is not UTF-8 encoded")


def test_an_injected_failure_wins_over_the_file(pm: PersonalizeMock, world: World) -> None:
    pm.fail_next("dataset_import_job", reason="Injected.")
    assert failure_of(world, world.dataset(), "USER_ID\nu1\n") == "Injected."
    assert rows_now(world) == []


# -- the network is never used ----------------------------------------------------------------------


def test_an_endpoint_moto_does_not_answer_is_opaque(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = world.dataset()
    location = world.put("interactions.csv", "USER_ID\nu1\n")  # would fail if it were read
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    with no_network(monkeypatch) as attempts:
        job = world.load(dataset, location)
    assert attempts == []
    assert job["status"] == "ACTIVE"
    assert rows_now(world) == []
    assert store(world).readable(world.pm.state.clock.time(), "INTERACTIONS") is False


def test_without_moto_nothing_is_read(
    pm: PersonalizeMock, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(pm, client, None)
    dataset = world.dataset()
    with no_network(monkeypatch) as attempts:
        job = world.load(dataset, "s3://somewhere/interactions.csv")
    assert attempts == []
    assert job["status"] == "ACTIVE"
    batches = list(store(world).visible(pm.state.clock.time(), "INTERACTIONS"))
    assert [(batch.opaque, batch.source, batch.origin) for batch in batches] == [
        (True, "BULK", job["datasetImportJobArn"])
    ]
