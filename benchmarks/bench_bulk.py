"""Bulk data: learning a model from 10⁶ interactions and a batch inference job over 10⁵ users.

Run as ``python bench_bulk.py USERS ITEMS INTERACTIONS BATCH_USERS [--trace]``; prints one JSON
object. :func:`run` starts it in fresh interpreters (one timed, one under tracemalloc: tracing
slows Python code several times over, so it never shares a run with the timing).

Everything goes through boto3 against moto's S3 and the mock, in simulated time:

* ``import_s``: CreateDatasetImportJob of one CSV file (``USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE``,
  user ``n % USERS``, a spread of items) until the job is ACTIVE: reading the file from S3
  and parsing it;
* ``train_s``: CreateSolution + CreateSolutionVersion until ACTIVE: the training rules over
  the dataset group's data view (every interaction indexed);
* ``learn_s``: the two together, the "learning from 10⁶ interactions" figure;
* ``batch_s``: CreateBatchInferenceJob over a JSON-lines file of ``BATCH_USERS`` users until
  ACTIVE, when the output is written to S3 (the model learned from the view, every user's
  recommendations, the output file);
* ``evaluate_s``: the first GetSolutionMetrics of the version, i.e. its offline evaluation
  (a model learned from the training users, the held-out users scored);
* ``peak_mb`` (``--trace``): tracemalloc's peak while learning, above what was allocated
  before the import (the CSV file already stored in moto's S3).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BUCKET = "bench-bulk-data"
ROLE_ARN = "arn:aws:iam::123456789012:role/PersonalizeS3"
RECIPE_ARN = "arn:aws:personalize:::recipe/aws-user-personalization"
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "version": "1.0",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
            {"name": "EVENT_TYPE", "type": "string"},
        ],
    }
)
#: The issue's targets: learning ≤ 5 s and ≤ 500 MB at 10⁶ interactions, batch ≤ 5 s at 10⁵ users.
LEARN_S = 5.0
PEAK_MB = 500.0
BATCH_S = 5.0


@dataclass(frozen=True)
class Size:
    users: int
    items: int
    interactions: int
    batch_users: int


FULL = Size(50_000, 10_000, 1_000_000, 100_000)
QUICK = Size(5_000, 1_000, 100_000, 10_000)
SMOKE = Size(200, 50, 2_000, 200)


def interactions_csv(size: Size) -> bytes:
    lines = ["USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE"]
    for n in range(size.interactions):
        user = n % size.users
        lines.append(f"user-{user},item-{(user * 7 + n * 13) % size.items},{1_700_000_000 + n},click")
    return ("\n".join(lines) + "\n").encode()


def main(size: Size, trace: bool) -> dict[str, Any]:
    import boto3
    import moto

    from personalize_mock import mock_personalize
    from personalize_mock.options import DEFAULT_DURATIONS as DURATIONS

    clock = time.perf_counter
    figures: dict[str, Any] = {}
    with moto.mock_aws(), mock_personalize() as pm:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="interactions.csv", Body=interactions_csv(size))
        client = boto3.client("personalize", region_name="us-east-1")
        group = client.create_dataset_group(name="bulk")["datasetGroupArn"]
        pm.advance(DURATIONS["dataset_group"])
        schema = client.create_schema(name="bulk", schema=SCHEMA)["schemaArn"]
        dataset = client.create_dataset(
            name="bulk", datasetGroupArn=group, datasetType="Interactions", schemaArn=schema
        )["datasetArn"]
        pm.advance(DURATIONS["dataset"])
        gc.collect()
        if trace:
            tracemalloc.start()
        start = clock()
        job = client.create_dataset_import_job(
            jobName="bulk",
            datasetArn=dataset,
            dataSource={"dataLocation": f"s3://{BUCKET}/interactions.csv"},
            roleArn=ROLE_ARN,
        )["datasetImportJobArn"]
        pm.advance(DURATIONS["dataset_import_job"])
        imported = client.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]
        middle = clock()
        solution = client.create_solution(
            name="bulk", datasetGroupArn=group, recipeArn=RECIPE_ARN, performAutoTraining=False
        )["solutionArn"]
        version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        pm.advance(DURATIONS["solution_version"])
        trained = client.describe_solution_version(solutionVersionArn=version)["solutionVersion"]
        end = clock()
        assert (imported["status"], trained["status"]) == ("ACTIVE", "ACTIVE"), (imported, trained)
        figures.update(import_s=middle - start, train_s=end - middle, learn_s=end - start)
        if trace:
            figures["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            return figures
        # The offline evaluation (issue #16) runs once per version, when its metrics are first
        # asked for: it learns a second model from the training users and scores the others.
        start = clock()
        metrics = client.get_solution_metrics(solutionVersionArn=version)["metrics"]
        figures["evaluate_s"] = clock() - start
        assert "normalized_discounted_cumulative_gain_at_10" in metrics, metrics
        users = (f"user-{n % size.users}" for n in range(size.batch_users))
        lines = "".join(json.dumps({"userId": user}) + "\n" for user in users)
        s3.put_object(Bucket=BUCKET, Key="batch/users.json", Body=lines.encode())
        start = clock()
        batch = client.create_batch_inference_job(
            jobName="bulk",
            solutionVersionArn=version,
            jobInput={"s3DataSource": {"path": f"s3://{BUCKET}/batch/users.json"}},
            jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/out/"}},
            roleArn=ROLE_ARN,
        )["batchInferenceJobArn"]
        pm.advance(DURATIONS["batch_inference_job"])
        described = client.describe_batch_inference_job(batchInferenceJobArn=batch)["batchInferenceJob"]
        figures["batch_s"] = clock() - start
        assert described["status"] == "ACTIVE", described
        body = s3.get_object(Bucket=BUCKET, Key="out/users.json.out")["Body"].read()
        assert body.count(b"\n") == size.batch_users
    return figures


def _run(size: Size, trace: bool) -> dict[str, Any]:
    arguments = [str(value) for value in (size.users, size.items, size.interactions, size.batch_users)]
    completed = subprocess.run(
        [sys.executable, str(HERE / "bench_bulk.py"), *arguments, *(["--trace"] if trace else [])],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=str(HERE.parent),
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run(quick: bool, smoke: bool = False) -> tuple[Size, dict[str, Any]]:
    """The figures at the size the run asks for: one timed process, one traced one."""
    size = SMOKE if smoke else (QUICK if quick else FULL)
    figures = _run(size, trace=False)
    figures["peak_mb"] = _run(size, trace=True)["peak_mb"]
    return size, figures


if __name__ == "__main__":
    users, items, interactions, batch_users = (int(value) for value in sys.argv[1:5])
    print(json.dumps(main(Size(users, items, interactions, batch_users), "--trace" in sys.argv[5:])))
