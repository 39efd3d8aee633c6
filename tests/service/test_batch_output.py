"""Batch inference jobs read their input from moto's S3 and write their output there once ACTIVE.

The output is one JSON line per input line — ``{"input", "output": {"recommendedItems",
"scores"}, "error"}`` — built deterministically from the items the version's training data
knows (or a synthetic catalogue when the data was not readable).
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
    interaction_rows,
    interactions_csv,
    make_world,
    no_network,
)

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

pytestmark = pytest.mark.personalize_mock(require_data=True)

JOB_TIME = DEFAULT_DURATIONS["batch_inference_job"]
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
    assert reason.startswith(f"Invalid JSON in line 2 of s3://{BUCKET}/input/bad.json:")
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
