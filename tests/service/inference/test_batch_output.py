"""Batch inference and batch segment jobs read their input from moto's S3 and write their
output there once ACTIVE.

The output is one JSON line per input line — ``{"input", "output": {"recommendedItems",
"scores"}, "error"}`` for batch inference, ``{"input", "output": {"recommendedUsers"}}`` (item
affinity) or ``{"itemAttributes", "output": {"recommendedUsers"}}`` (item-attribute affinity)
for segments — built deterministically from what the version's training data knows (or a
synthetic catalogue when the data was not readable).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import moto
import pytest
from data_world import (
    BUCKET,
    REGION,
    ROLE_ARN,
    World,
    csv_text,
    interaction_rows,
    interactions_csv,
    make_world,
    no_network,
)

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.service.inference.batch_output import _line_text, parse_attributes

pytestmark = pytest.mark.personalize_mock(require_data=True)

JOB_TIME = DEFAULT_DURATIONS["batch_inference_job"]
SEGMENT_TIME = DEFAULT_DURATIONS["batch_segment_job"]
USERS = 50
PER_USER = 20


@pytest.fixture
def world(pm: PersonalizeMock, client: Any) -> Iterator[World]:
    with moto.mock_aws():
        yield make_world(pm, client, boto3.client("s3", region_name=REGION))


def trained(world: World, recipe: str = "aws-user-personalization") -> str:
    """An ACTIVE version trained on 50 users with 20 interactions each, read from S3."""
    location = world.put("interactions.csv", interactions_csv(USERS, PER_USER))
    assert world.load(world.dataset(), location)["status"] == "ACTIVE"
    version = world.train(world.solution(recipe))
    assert version["status"] == "ACTIVE"
    arn: str = version["solutionVersionArn"]
    return arn


def start_job(world: World, version: str, input_path: str, output_path: str, **params: Any) -> str:
    world.counter += 1
    arn: str = world.client.create_batch_inference_job(
        jobName=f"batch-{world.counter}",
        solutionVersionArn=version,
        jobInput={"s3DataSource": {"path": input_path}},
        jobOutput={"s3DataDestination": {"path": output_path}},
        roleArn=ROLE_ARN,
        **params,
    )["batchInferenceJobArn"]
    return arn


def describe(world: World, arn: str) -> dict[str, Any]:
    job: dict[str, Any] = world.client.describe_batch_inference_job(batchInferenceJobArn=arn)[
        "batchInferenceJob"
    ]
    return job


def keys(world: World, prefix: str) -> list[str]:
    return [
        entry["Key"] for entry in world.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    ]


def output_lines(world: World, key: str) -> list[dict[str, Any]]:
    body = world.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines()]


def jsonl(*lines: dict[str, Any]) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)


def history(user: int) -> set[str]:
    return {row[1] for row in interaction_rows(USERS, PER_USER) if row[0] == f"user-{user}"}


def popularity() -> Counter[str]:
    return Counter(row[1] for row in interaction_rows(USERS, PER_USER))


def served(pm: PersonalizeMock, client: Any, version: str, user: str, count: int) -> list[str]:
    """What a campaign on ``version`` recommends to ``user`` (the runtime's answer)."""
    campaign = client.create_campaign(
        name=f"served-{abs(hash((version, user))) % 10**6}", solutionVersionArn=version
    )
    pm.settle()
    runtime = boto3.client("personalize-runtime", region_name=REGION)
    answer = runtime.get_recommendations(campaignArn=campaign["campaignArn"], userId=user, numResults=count)
    return [entry["itemId"] for entry in answer["itemList"]]


# -- the output -------------------------------------------------------------------------------------


def test_output_appears_when_the_job_is_active(pm: PersonalizeMock, world: World) -> None:
    version = trained(world)
    source = world.put("input/users.json", jsonl({"userId": "user-0"}, {"userId": "stranger"}))
    job = start_job(world, version, source, f"s3://{BUCKET}/output/", numResults=5)
    assert describe(world, job)["status"] == "CREATE PENDING"
    pm.advance(JOB_TIME - 1)
    assert describe(world, job)["status"] == "CREATE IN_PROGRESS"
    assert keys(world, "output/") == []
    pm.advance(1)
    assert describe(world, job)["status"] == "ACTIVE"
    assert keys(world, "output/") == ["output/users.json.out"]
    known, fresh = output_lines(world, "output/users.json.out")
    assert known["input"] == {"userId": "user-0"}
    assert known["error"] is None
    items = known["output"]["recommendedItems"]
    assert len(items) == 5 == len(known["output"]["scores"])
    assert known["output"]["scores"] == sorted(known["output"]["scores"], reverse=True)
    assert 0 < sum(known["output"]["scores"]) <= 1
    # Batch and real-time answers come from the same model of the version.
    assert items == served(pm, world.client, version, "user-0", 5)
    # A user the data does not know gets the most popular items.
    counts = popularity()
    fresh_items = fresh["output"]["recommendedItems"]
    assert [counts[item] for item in fresh_items] == sorted(counts.values(), reverse=True)[:5]
    assert fresh_items == served(pm, world.client, version, "stranger", 5)


def test_output_is_deterministic(world: World) -> None:
    version = trained(world)
    source = world.put("input/users.json", jsonl({"userId": "user-3"}))
    first = start_job(world, version, source, f"s3://{BUCKET}/one/")
    second = start_job(world, version, source, f"s3://{BUCKET}/two/")
    world.pm.advance(JOB_TIME)
    assert describe(world, first)["status"] == describe(world, second)["status"] == "ACTIVE"
    one = output_lines(world, "one/users.json.out")
    assert one == output_lines(world, "two/users.json.out")
    assert len(one[0]["output"]["recommendedItems"]) == 25  # numResults defaults to 25


def test_related_items_leave_out_the_item(world: World) -> None:
    version = trained(world, "aws-sims")
    source = world.put("input/items.json", jsonl({"itemId": "item-7"}))
    job = start_job(world, version, source, f"s3://{BUCKET}/out", numResults=10)  # no trailing slash
    world.pm.advance(JOB_TIME)
    assert describe(world, job)["status"] == "ACTIVE"
    (line,) = output_lines(world, "out/items.json.out")
    assert len(line["output"]["recommendedItems"]) == 10
    assert "item-7" not in line["output"]["recommendedItems"]


def test_ranking_orders_the_given_items(world: World) -> None:
    version = trained(world, "aws-personalized-ranking")
    given = ["item-49", "item-10", "unknown", "item-25"]
    source = world.put("input/rank.json", jsonl({"userId": "user-1", "itemList": given}))
    job = start_job(world, version, source, f"s3://{BUCKET}/ranked/")
    world.pm.advance(JOB_TIME)
    assert describe(world, job)["status"] == "ACTIVE"
    (line,) = output_lines(world, "ranked/rank.json.out")
    ranked = line["output"]["recommendedItems"]
    assert sorted(ranked) == sorted(given)
    counts = popularity()
    assert [counts[item] for item in ranked] == sorted((counts[item] for item in given), reverse=True)
    assert sum(line["output"]["scores"]) == pytest.approx(1.0, abs=1e-5)


def test_a_line_without_user_or_item_gets_an_error(world: World) -> None:
    version = trained(world)
    source = world.put("input/odd.json", jsonl({"sessionId": "s1"}, {"userId": "user-2"}))
    start_job(world, version, source, f"s3://{BUCKET}/odd/")
    world.pm.advance(JOB_TIME)
    world.client.list_batch_inference_jobs()  # any call runs the write that is due
    odd, fine = output_lines(world, "odd/odd.json.out")
    assert odd == {
        "input": {"sessionId": "s1"},
        "output": None,
        "error": "The input line has neither userId nor itemId.",
    }
    assert fine["error"] is None


def test_a_prefix_of_input_files(world: World) -> None:
    version = trained(world)
    world.put("batch/in/a.json", jsonl({"userId": "user-1"}))
    world.put("batch/in/b.json", jsonl({"userId": "user-2"}, {"userId": "user-3"}))
    job = start_job(world, version, f"s3://{BUCKET}/batch/in/", f"s3://{BUCKET}/batch/out/")
    world.pm.advance(JOB_TIME)
    assert describe(world, job)["status"] == "ACTIVE"
    assert keys(world, "batch/out/") == ["batch/out/a.json.out", "batch/out/b.json.out"]
    assert len(output_lines(world, "batch/out/b.json.out")) == 2


def test_blank_input_lines_are_skipped(world: World) -> None:
    version = trained(world)
    source = world.put("input/gaps.json", '\n{"userId": "user-1"}\n   \n\n{"itemId": "item-3"}\n\n')
    job = start_job(world, version, source, f"s3://{BUCKET}/gaps/", numResults=3)
    world.pm.advance(JOB_TIME)
    assert describe(world, job)["status"] == "ACTIVE"
    # One output line per input line that holds something, in input order.
    lines = output_lines(world, "gaps/gaps.json.out")
    assert [line["input"] for line in lines] == [{"userId": "user-1"}, {"itemId": "item-3"}]
    assert all(line["error"] is None and len(line["output"]["recommendedItems"]) == 3 for line in lines)


def test_the_output_is_written_once(world: World) -> None:
    version = trained(world)
    source = world.put("input/users.json", jsonl({"userId": "user-0"}))
    job = start_job(world, version, source, f"s3://{BUCKET}/once/")
    world.pm.advance(JOB_TIME)
    assert describe(world, job)["status"] == "ACTIVE"
    world.s3.delete_object(Bucket=BUCKET, Key="once/users.json.out")
    assert describe(world, job)["status"] == "ACTIVE"
    assert keys(world, "once/") == []


def test_unreadable_training_data_gives_a_synthetic_catalogue(pm: PersonalizeMock, client: Any) -> None:
    opaque = make_world(pm, client, None, name="opaque")
    opaque.load(opaque.dataset(), "s3://not-read/interactions.csv")  # before moto: opaque
    version = opaque.train(opaque.solution())["solutionVersionArn"]
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        opaque.s3 = s3
        source = opaque.put("input/users.json", jsonl({"userId": "anyone"}))
        job = start_job(opaque, version, source, f"s3://{BUCKET}/synthetic/", numResults=3)
        pm.advance(JOB_TIME)
        assert describe(opaque, job)["status"] == "ACTIVE"
        (line,) = output_lines(opaque, "synthetic/users.json.out")
    synthetic = line["output"]["recommendedItems"]
    assert len(synthetic) == 3
    assert all(item.startswith("item-") for item in synthetic)
    assert synthetic == served(pm, client, version, "anyone", 3)
    scores = line["output"]["scores"]
    assert scores == sorted(scores, reverse=True)


# -- failures ---------------------------------------------------------------------------------------


def test_missing_input_fails_the_job(world: World) -> None:
    version = trained(world)
    job = start_job(world, version, f"s3://{BUCKET}/input/none.json", f"s3://{BUCKET}/out/")
    world.pm.advance(JOB_TIME)
    described = describe(world, job)
    assert described["status"] == "CREATE FAILED"
    assert described["failureReason"] == f"Could not find the object s3://{BUCKET}/input/none.json."
    summary = world.client.list_batch_inference_jobs()["batchInferenceJobs"][0]
    assert summary["failureReason"] == described["failureReason"]
    assert keys(world, "out/") == []


def test_invalid_json_fails_the_job(world: World) -> None:
    version = trained(world)
    source = world.put("input/bad.json", '{"userId": "u1"}\n{"userId": \n')
    job = start_job(world, version, source, f"s3://{BUCKET}/out/")
    world.pm.advance(JOB_TIME)
    reason = describe(world, job)["failureReason"]
    assert reason.startswith(f"Line 2 of s3://{BUCKET}/input/bad.json is not valid JSON:")
    source = world.put("input/nan.json", '{"userId": "u1", "score": NaN}\n')
    job = start_job(world, version, source, f"s3://{BUCKET}/out/")
    world.pm.advance(JOB_TIME)
    reason = describe(world, job)["failureReason"]
    expected = f"Line 1 of s3://{BUCKET}/input/nan.json is not valid JSON: NaN is not a JSON value"
    assert reason.startswith(expected)
    source = world.put("input/list.json", "[1, 2]\n")
    job = start_job(world, version, source, f"s3://{BUCKET}/out/")
    world.pm.advance(JOB_TIME)
    assert (
        describe(world, job)["failureReason"]
        == f"Line 1 of s3://{BUCKET}/input/list.json is not a JSON object."
    )


def test_missing_output_bucket_fails_the_job(world: World) -> None:
    version = trained(world)
    source = world.put("input/users.json", jsonl({"userId": "user-0"}))
    job = start_job(world, version, source, "s3://no-such-bucket/out/")
    world.pm.advance(JOB_TIME)
    described = describe(world, job)
    assert (described["status"], described["failureReason"]) == (
        "CREATE FAILED",
        "Could not find the bucket no-such-bucket of the output path s3://no-such-bucket/out/.",
    )


def test_an_output_bucket_deleted_while_the_job_runs_gets_no_output(world: World) -> None:
    version = trained(world)
    source = world.put("input/users.json", jsonl({"userId": "user-0"}))
    world.s3.create_bucket(Bucket="short-lived")
    job = start_job(world, version, source, "s3://short-lived/out/")
    world.s3.delete_bucket(Bucket="short-lived")
    world.pm.advance(JOB_TIME)
    # The bucket existed when the job was created, so the job succeeds; writing its output
    # at the end finds no bucket, and nothing is written (or re-created) anywhere.
    assert describe(world, job)["status"] == "ACTIVE"
    assert [bucket["Name"] for bucket in world.s3.list_buckets()["Buckets"]] == [BUCKET]
    assert keys(world, "") == ["input/users.json", "interactions.csv"]


def test_an_output_path_s3_cannot_address_is_neither_checked_nor_written(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = trained(world)
    source = world.put("input/users.json", jsonl({"userId": "user-0"}))
    # "bad:bucket" fits the Personalize path pattern, but botocore refuses it as a bucket name
    # before any request is made: whether it exists cannot be known in process.
    with no_network(monkeypatch) as attempts:
        job = start_job(world, version, source, "s3://bad:bucket/out/")
        world.pm.advance(JOB_TIME)
        described = describe(world, job)
    assert (described["status"], described.get("failureReason")) == ("ACTIVE", None)
    assert attempts == []
    assert [bucket["Name"] for bucket in world.s3.list_buckets()["Buckets"]] == [BUCKET]
    assert keys(world, "") == ["input/users.json", "interactions.csv"]


def test_an_injected_failure_writes_nothing(pm: PersonalizeMock, world: World) -> None:
    version = trained(world)
    source = world.put("input/users.json", jsonl({"userId": "user-0"}))
    pm.fail_next("batch_inference_job", reason="Injected.")
    job = start_job(world, version, source, f"s3://{BUCKET}/out/")
    pm.advance(JOB_TIME)
    assert describe(world, job)["failureReason"] == "Injected."
    assert keys(world, "out/") == []


# -- without moto -----------------------------------------------------------------------------------


def test_without_moto_nothing_is_read_or_written(
    pm: PersonalizeMock, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = make_world(pm, client, None)
    bare.load(bare.dataset(), "s3://data/interactions.csv")
    version = bare.train(bare.solution())["solutionVersionArn"]
    with no_network(monkeypatch) as attempts:
        job = start_job(bare, version, "s3://data/in/users.json", "s3://data/out/")
        pm.advance(JOB_TIME)
        assert describe(bare, job)["status"] == "ACTIVE"
    assert attempts == []


def test_moto_stopped_before_the_job_finished(pm: PersonalizeMock, client: Any) -> None:
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        world = make_world(pm, client, s3)
        world.load(world.dataset(), world.put("interactions.csv", interactions_csv(USERS, PER_USER)))
        version = world.train(world.solution())["solutionVersionArn"]
        job = start_job(
            world, version, world.put("in.json", jsonl({"userId": "user-0"})), f"s3://{BUCKET}/out/"
        )
    pm.advance(JOB_TIME)
    assert describe(world, job)["status"] == "ACTIVE"  # the write is skipped, nothing escapes


# -- batch segment jobs -------------------------------------------------------------------------------

#: Item metadata for the attribute segments: items 0-4 are Action (the even ones Comedy too),
#: the other even items Comedy, the odd ones Drama.
GENRES = {
    f"item-{n}": "Action|Comedy"
    if n in (0, 2, 4)
    else "Action"
    if n < 5
    else "Comedy"
    if n % 2 == 0
    else "Drama"
    for n in range(50)
}


def start_segment_job(world: World, version: str, input_path: str, output_path: str, **params: Any) -> str:
    world.counter += 1
    arn: str = world.client.create_batch_segment_job(
        jobName=f"segments-{world.counter}",
        solutionVersionArn=version,
        jobInput={"s3DataSource": {"path": input_path}},
        jobOutput={"s3DataDestination": {"path": output_path}},
        roleArn=ROLE_ARN,
        **params,
    )["batchSegmentJobArn"]
    return arn


def describe_segment_job(world: World, arn: str) -> dict[str, Any]:
    job: dict[str, Any] = world.client.describe_batch_segment_job(batchSegmentJobArn=arn)["batchSegmentJob"]
    return job


def attribute_version(world: World) -> str:
    """An aws-item-attribute-affinity version trained on the interactions and :data:`GENRES`."""
    items = world.dataset("ITEMS")
    body = csv_text(["ITEM_ID", "GENRES"], sorted(GENRES.items()))
    assert world.load(items, world.put("items.csv", body))["status"] == "ACTIVE"
    return trained(world, "aws-item-attribute-affinity")


def histories() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for user, item, *_ in interaction_rows(USERS, PER_USER):
        found.setdefault(user, set()).add(item)
    return found


def test_item_affinity_segments_appear_when_the_job_is_active(pm: PersonalizeMock, world: World) -> None:
    version = trained(world, "aws-item-affinity")
    lines = ({"itemId": "item-7"}, {"itemId": "never-seen"}, {"userId": "user-1"})
    source = world.put("input/items.json", jsonl(*lines))
    job = start_segment_job(world, version, source, f"s3://{BUCKET}/segments/", numResults=8)
    pm.advance(SEGMENT_TIME - 1)
    assert describe_segment_job(world, job)["status"] == "CREATE IN_PROGRESS"
    assert keys(world, "segments/") == []
    pm.advance(1)
    assert describe_segment_job(world, job)["status"] == "ACTIVE"
    assert keys(world, "segments/") == ["segments/items.json.out"]
    known, unknown, odd = output_lines(world, "segments/items.json.out")
    # The guide's format: {"input": {"itemId": …}, "output": {"recommendedUsers": […]}}.
    assert set(known) == {"input", "output"}
    assert known["input"] == {"itemId": "item-7"}
    users = known["output"]["recommendedUsers"]
    assert len(users) == len(set(users)) == 8
    # Users come from the training data; those most likely to interact with item-7 are the
    # ones who already did (20 of the 50 users have it in their history).
    holders = {user for user, items in histories().items() if "item-7" in items}
    assert len(holders) == 20
    assert set(users) <= holders
    # An item the model never saw has nobody to predict; a line without itemId gets an error.
    assert unknown == {"input": {"itemId": "never-seen"}, "output": {"recommendedUsers": []}}
    assert odd == {"input": {"userId": "user-1"}, "output": None, "error": "The input line has no itemId."}


def test_segments_are_deterministic_and_sized_by_num_results(world: World) -> None:
    version = trained(world, "aws-item-affinity")
    source = world.put("input/items.json", jsonl({"itemId": "item-3"}))
    first = start_segment_job(world, version, source, f"s3://{BUCKET}/one/")
    second = start_segment_job(world, version, source, f"s3://{BUCKET}/two", numResults=3)
    world.pm.advance(SEGMENT_TIME)
    world.client.list_batch_segment_jobs()  # any call runs the writes that are due
    (one,) = output_lines(world, "one/items.json.out")
    (two,) = output_lines(world, "two/items.json.out")
    assert len(one["output"]["recommendedUsers"]) == 25  # numResults defaults to 25
    assert two["output"]["recommendedUsers"] == one["output"]["recommendedUsers"][:3]
    assert describe_segment_job(world, first)["status"] == describe_segment_job(world, second)["status"]


def test_item_attribute_affinity_segments(world: World) -> None:
    version = attribute_version(world)
    queries = (
        {"itemAttributes": 'ITEMS.GENRES = "Action"'},
        {"itemAttributes": 'ITEMS.genres = "Comedy" AND ITEMS.GENRES = "Action"'},
        {"itemAttributes": 'ITEMS.GENRES = "Horror"'},
        {"itemAttributes": 'ITEMS.GENRES = "Comedy" OR ITEMS.GENRES = "Action"'},
        {"itemId": "item-1"},
    )
    source = world.put("input/attributes.json", jsonl(*queries))
    job = start_segment_job(world, version, source, f"s3://{BUCKET}/attributes/", numResults=8)
    world.pm.advance(SEGMENT_TIME)
    assert describe_segment_job(world, job)["status"] == "ACTIVE"
    action, both, horror, either, item = output_lines(world, "attributes/attributes.json.out")
    # The guide's format: the query's fields, then "output" (no "input" wrapper).
    assert action == {"itemAttributes": 'ITEMS.GENRES = "Action"', "output": action["output"]}
    # The users ranked first have the most Action items in their history (all five).
    history = histories()
    action_items = {item for item, genres in GENRES.items() if "Action" in genres.split("|")}
    most = max(len(items & action_items) for items in history.values())
    assert most == 5
    assert all(len(history[user] & action_items) == most for user in action["output"]["recommendedUsers"])
    assert len(action["output"]["recommendedUsers"]) == 8
    # AND narrows to items with both genres (item-0, item-2, item-4).
    comedy_action = {"item-0", "item-2", "item-4"}
    assert all(len(history[user] & comedy_action) == 3 for user in both["output"]["recommendedUsers"])
    assert horror == {"itemAttributes": 'ITEMS.GENRES = "Horror"', "output": {"recommendedUsers": []}}
    assert either["output"] is None
    assert either["error"].startswith("Invalid itemAttributes")
    assert "only AND can join conditions" in either["error"]
    assert item == {"itemId": "item-1", "output": None, "error": "The input line has no itemAttributes."}


def test_more_than_ten_attribute_queries_fail_the_job(world: World) -> None:
    version = attribute_version(world)
    source = world.put(
        "input/many.json", jsonl(*({"itemAttributes": f'ITEMS.GENRES = "g{n}"'} for n in range(11)))
    )
    job = start_segment_job(world, version, source, f"s3://{BUCKET}/many/")
    world.pm.advance(SEGMENT_TIME)
    described = describe_segment_job(world, job)
    assert (described["status"], described["failureReason"]) == (
        "CREATE FAILED",
        "The input holds 11 queries; the Item-Attribute-Affinity recipe accepts at most 10.",
    )
    assert keys(world, "many/") == []


def test_segment_job_with_a_missing_input_fails(world: World) -> None:
    version = trained(world, "aws-item-affinity")
    job = start_segment_job(world, version, f"s3://{BUCKET}/input/none.json", f"s3://{BUCKET}/out/")
    world.pm.advance(SEGMENT_TIME)
    described = describe_segment_job(world, job)
    assert (described["status"], described["failureReason"]) == (
        "CREATE FAILED",
        f"Could not find the object s3://{BUCKET}/input/none.json.",
    )
    summary = world.client.list_batch_segment_jobs()["batchSegmentJobs"][0]
    assert summary["failureReason"] == described["failureReason"]
    assert keys(world, "out/") == []


def test_segment_job_with_a_missing_output_bucket_fails(world: World) -> None:
    version = trained(world, "aws-item-affinity")
    source = world.put("input/items.json", jsonl({"itemId": "item-7"}))
    job = start_segment_job(world, version, source, "s3://no-such-bucket/out/")
    world.pm.advance(SEGMENT_TIME)
    described = describe_segment_job(world, job)
    assert (described["status"], described["failureReason"]) == (
        "CREATE FAILED",
        "Could not find the bucket no-such-bucket of the output path s3://no-such-bucket/out/.",
    )


def test_segment_job_input_that_is_not_json_lines_fails(world: World) -> None:
    version = trained(world, "aws-item-affinity")
    source = world.put("input/bad.json", '{"itemId": "item-1"}\n["item-2"]\n')
    job = start_segment_job(world, version, source, f"s3://{BUCKET}/out/")
    world.pm.advance(SEGMENT_TIME)
    assert describe_segment_job(world, job)["failureReason"] == (
        f"Line 2 of s3://{BUCKET}/input/bad.json is not a JSON object."
    )


def test_an_injected_segment_job_failure_writes_nothing(pm: PersonalizeMock, world: World) -> None:
    version = trained(world, "aws-item-affinity")
    source = world.put("input/items.json", jsonl({"itemId": "item-7"}))
    pm.fail_next("batch_segment_job", reason="Injected.")
    job = start_segment_job(world, version, source, f"s3://{BUCKET}/out/")
    pm.advance(SEGMENT_TIME)
    assert describe_segment_job(world, job)["failureReason"] == "Injected."
    assert keys(world, "out/") == []


def test_unreadable_training_data_gives_synthetic_segments(pm: PersonalizeMock, client: Any) -> None:
    opaque = make_world(pm, client, None, name="opaque-segments")
    opaque.load(opaque.dataset(), "s3://not-read/interactions.csv")  # before moto: opaque
    version = opaque.train(opaque.solution("aws-item-affinity"))["solutionVersionArn"]
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        opaque.s3 = s3
        # The synthetic catalogue is item-1 … item-100; its users are user-1 … user-100.
        source = opaque.put("input/items.json", jsonl({"itemId": "item-3"}, {"itemId": "item-3"}))
        job = start_segment_job(opaque, version, source, f"s3://{BUCKET}/synthetic/", numResults=5)
        pm.advance(SEGMENT_TIME)
        assert describe_segment_job(opaque, job)["status"] == "ACTIVE"
        first, again = output_lines(opaque, "synthetic/items.json.out")
    users = first["output"]["recommendedUsers"]
    assert len(set(users)) == 5
    assert all(user.startswith("user-") and 1 <= int(user[5:]) <= 100 for user in users)
    assert again == first


def test_segment_job_without_moto_reads_and_writes_nothing(
    pm: PersonalizeMock, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = make_world(pm, client, None, name="bare-segments")
    bare.load(bare.dataset(), "s3://data/interactions.csv")
    version = bare.train(bare.solution("aws-item-affinity"))["solutionVersionArn"]
    with no_network(monkeypatch) as attempts:
        job = start_segment_job(bare, version, "s3://data/in/items.json", "s3://data/out/")
        pm.advance(SEGMENT_TIME)
        assert describe_segment_job(bare, job)["status"] == "ACTIVE"
    assert attempts == []


@pytest.mark.parametrize(
    ("expression", "conditions"),
    [
        ('ITEMS.GENRES = "Comedy"', [("GENRES", "Comedy")]),
        ("items.genres='Horror' and ITEMS.YEAR = 2001", [("GENRES", "Horror"), ("YEAR", "2001")]),
        (
            r'ITEMS.TITLE = "Rock \"n\" Roll" AND ITEMS.TAG="a AND b"',
            [("TITLE", 'Rock "n" Roll'), ("TAG", "a AND b")],
        ),
    ],
)
def test_parse_attributes(expression: str, conditions: list[tuple[str, str]]) -> None:
    assert parse_attributes(expression) == conditions


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "expected ITEMS.<column>"),
        ('ITEMS.PRICE > "3"', "expected ITEMS.<column>"),
        ('ITEMS.GENRES = "Comedy" AND', "expected ITEMS.<column>"),
        ('ITEMS.GENRES = "Comedy" OR ITEMS.GENRES = "Action"', "only AND can join conditions"),
        ('USERS.AGE = "3"', "expected ITEMS.<column>"),
    ],
)
def test_parse_attributes_refuses_other_expressions(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_attributes(expression)


def test_numbers_and_missing_values_in_attribute_queries(world: World) -> None:
    items = world.dataset("ITEMS")
    # Items 0-9 cost 9.5, the others 20; only the odd items have a YEAR, and they are the Drama ones.
    rows = [
        [f"item-{n}", 9.5 if n < 10 else 20.0, 2001 if n % 2 else "", "Drama" if n % 2 else "Comedy"]
        for n in range(50)
    ]
    body = csv_text(["ITEM_ID", "PRICE", "YEAR", "GENRES"], rows)
    assert world.load(items, world.put("items.csv", body))["status"] == "ACTIVE"
    version = trained(world, "aws-item-attribute-affinity")
    queries = (
        {"itemAttributes": "ITEMS.PRICE = 9.50"},
        {"itemAttributes": 'ITEMS.PRICE = "9.5"'},
        {"itemAttributes": "ITEMS.PRICE = 20"},
        {"itemAttributes": 'ITEMS.YEAR = "2001"'},
        {"itemAttributes": 'ITEMS.GENRES = "Drama"'},
    )
    source = world.put("input/numbers.json", jsonl(*queries))
    start_segment_job(world, version, source, f"s3://{BUCKET}/numbers/", numResults=10)
    world.pm.advance(SEGMENT_TIME)
    world.client.list_batch_segment_jobs()  # any call runs the write that is due
    cheap, cheap_text, dear, dated, drama = (
        line["output"]["recommendedUsers"] for line in output_lines(world, "numbers/numbers.json.out")
    )
    # A number matches the stored value as a number, quoted or not: the same items, the same users.
    assert cheap == cheap_text != dear
    assert cheap[0] in {user for user, seen in histories().items() if seen & {f"item-{n}" for n in range(10)}}
    # Items without a YEAR never match it: YEAR = 2001 selects exactly the odd (Drama) items.
    assert dated == drama


@pytest.mark.parametrize(
    "line",
    [
        # The common line, built from parts: ids that need escaping, scores of every size.
        {
            "input": {"userId": 'u\u00e9"1', "context": {"DEVICE": "phone"}},
            "output": {
                "recommendedItems": ["i1", "i\u00e9", 'q"x', "i1"],
                "scores": [0.5, 1e-07, 0.0123457, 1.0],
            },
            "error": None,
        },
        # Everything else goes through json.dumps itself.
        {"input": {"userId": "u1"}, "output": None, "error": "The input line has neither userId nor itemId."},
        {"input": {"itemId": "i1"}, "output": {"usersList": ["u1", "u2"]}, "error": None},
        {"input": {"userId": "u1"}, "output": {"recommendedItems": ["i1"], "scores": [1]}, "error": None},
        {
            "input": {"userId": "u1"},
            "output": {"recommendedItems": ["i1"], "scores": [float("nan")]},
            "error": None,
        },
        {"output": {"recommendedItems": [], "scores": []}, "input": {}, "error": None},
        {"input": {"userId": "u1"}, "output": [], "error": None},
        # 0.0 and -0.0 are one dict key with two texts: neither is kept.
        {"input": {}, "output": {"recommendedItems": ["a", "b"], "scores": [0.0, -0.0]}, "error": None},
        {"input": {}, "output": {"recommendedItems": ["a", "b"], "scores": [-0.0, 0.0]}, "error": None},
    ],
)
def test_output_lines_are_written_as_json_dumps_writes_them(line: dict[str, Any]) -> None:
    encoded: dict[str, str] = {}
    assert _line_text(line, encoded) == json.dumps(line)
    assert _line_text(line, encoded) == json.dumps(line)  # again, from the encoded ids
