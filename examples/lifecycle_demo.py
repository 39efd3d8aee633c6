"""A Personalize training pipeline, run against personalize_mock through plain boto3.

The pipeline is written the way real automation code is: it creates a dataset group, waits
for it with ``time.sleep``, creates an interactions schema and dataset and imports the
interactions, creates a solution, trains a FULL solution version with an unchanged
``time.sleep(60)`` polling loop, imports new interactions (INCREMENTAL) and trains an UPDATE
version on them, reads the offline metrics and lists the versions. Under
``mock_personalize()`` every ``time.sleep`` in this thread moves the simulated clock instead
of waiting, so hours of simulated training finish in milliseconds of wall time.

Training needs data, as on AWS. Without moto the CSV files are not read (the mock never
reaches the network): the imports succeed and count as data of unknown content. Run the
same code inside ``moto.mock_aws()`` with the files in a moto bucket and the mock reads and
checks them (docs/usage.md).

Run it with ``python examples/lifecycle_demo.py``; tests import it and call :func:`main`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3

from personalize_mock import PersonalizeMock, mock_personalize

REGION = "us-east-1"
RECIPE_ARN = "arn:aws:personalize:::recipe/aws-user-personalization"
BUCKET = "s3://demo-personalize-data"
ROLE_ARN = "arn:aws:iam::123456789012:role/PersonalizeS3Access"
INTERACTIONS_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "EVENT_TYPE", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)


@dataclass
class Transition:
    """One status change seen while polling: what, which status, and when (simulated)."""

    resource: str
    status: str
    at: datetime
    elapsed: timedelta


@dataclass
class DemoResult:
    """What :func:`main` observed; tests assert on it."""

    dataset_group_arn: str = ""
    dataset_arn: str = ""
    import_job_arns: list[str] = field(default_factory=list)
    solution_arn: str = ""
    full_version_arn: str = ""
    update_version_arn: str = ""
    transitions: list[Transition] = field(default_factory=list)
    final_statuses: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    listed_versions: list[dict[str, Any]] = field(default_factory=list)
    simulated: timedelta = timedelta()
    wall_seconds: float = 0.0


class Recorder:
    """Prints each status change with the simulated time at which it was observed."""

    def __init__(self, now: Callable[[], datetime], result: DemoResult, quiet: bool) -> None:
        self._now = now
        self._start: datetime = now()
        self._last: dict[str, str] = {}
        self._result = result
        self._quiet = quiet

    def see(self, resource: str, status: str) -> str:
        if self._last.get(resource) != status:
            self._last[resource] = status
            at = self._now()
            elapsed = at - self._start
            self._result.transitions.append(Transition(resource, status, at, elapsed))
            self.say(f"{at:%Y-%m-%d %H:%M:%S} (+{_hms(elapsed)})  {resource:<26} {status}")
        return status

    def say(self, line: str) -> None:
        if not self._quiet:
            print(line)


def _hms(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def wait_for_solution_version(personalize: Any, arn: str, label: str, recorder: Recorder) -> str:
    """The polling loop found in real pipelines, unchanged: describe, sleep 60 s, repeat."""
    max_time = time.time() + 3 * 60 * 60  # give up after 3 hours
    while time.time() < max_time:
        version = personalize.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
        status = recorder.see(label, version["status"])
        if status in ("ACTIVE", "CREATE FAILED"):
            return status
        time.sleep(60)
    raise TimeoutError(f"{arn} did not finish training")


def wait_for_import(personalize: Any, arn: str, label: str, recorder: Recorder) -> str:
    """Import jobs take minutes: poll every minute until the job is done."""
    while True:
        job = personalize.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
        status = recorder.see(label, job["status"])
        if status in ("ACTIVE", "CREATE FAILED"):
            return status
        time.sleep(60)


def import_interactions(
    personalize: Any, result: DemoResult, recorder: Recorder, name: str, mode: str
) -> None:
    """Import ``<bucket>/<name>.csv`` into the interactions dataset and wait for it."""
    arn = personalize.create_dataset_import_job(
        jobName=f"demo-{name}",
        datasetArn=result.dataset_arn,
        dataSource={"dataLocation": f"{BUCKET}/{name}.csv"},
        roleArn=ROLE_ARN,
        importMode=mode,
    )["datasetImportJobArn"]
    result.import_job_arns.append(arn)
    result.final_statuses[f"import ({mode})"] = wait_for_import(
        personalize, arn, f"import ({mode})", recorder
    )


def run_pipeline(pm: PersonalizeMock, result: DemoResult, quiet: bool) -> None:
    personalize = boto3.client("personalize", region_name=REGION)
    recorder = Recorder(pm.now, result, quiet)

    # 1. A dataset group, polled until ACTIVE.
    group_arn = personalize.create_dataset_group(name="demo-movies")["datasetGroupArn"]
    result.dataset_group_arn = group_arn
    while True:
        group = personalize.describe_dataset_group(datasetGroupArn=group_arn)["datasetGroup"]
        if recorder.see("dataset group", group["status"]) in ("ACTIVE", "CREATE FAILED"):
            break
        time.sleep(5)

    # 2. The interactions: a schema, a dataset, and a bulk import (FULL) of the history.
    schema_arn = personalize.create_schema(name="demo-interactions", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    result.dataset_arn = personalize.create_dataset(
        name="demo-interactions",
        datasetGroupArn=group_arn,
        datasetType="Interactions",
        schemaArn=schema_arn,
    )["datasetArn"]
    while True:
        dataset = personalize.describe_dataset(datasetArn=result.dataset_arn)["dataset"]
        if recorder.see("interactions dataset", dataset["status"]) in ("ACTIVE", "CREATE FAILED"):
            break
        time.sleep(5)
    import_interactions(personalize, result, recorder, "interactions", "FULL")

    # 3. A solution: ACTIVE at once with the default durations, as real pipelines expect.
    solution_arn = personalize.create_solution(
        name="demo-user-personalization",
        datasetGroupArn=group_arn,
        recipeArn=RECIPE_ARN,
    )["solutionArn"]
    result.solution_arn = solution_arn
    solution = personalize.describe_solution(solutionArn=solution_arn)["solution"]
    recorder.see("solution", solution["status"])

    # 4. FULL training (one simulated hour by default).
    full_arn = personalize.create_solution_version(solutionArn=solution_arn, trainingMode="FULL")[
        "solutionVersionArn"
    ]
    result.full_version_arn = full_arn
    result.final_statuses["FULL version"] = wait_for_solution_version(
        personalize, full_arn, "solution version (FULL)", recorder
    )

    # 5. New interactions arrive (INCREMENTAL keeps the earlier ones); UPDATE training needs
    #    data newer than the last trained version (ten simulated minutes by default).
    import_interactions(personalize, result, recorder, "new-interactions", "INCREMENTAL")
    update_arn = personalize.create_solution_version(solutionArn=solution_arn, trainingMode="UPDATE")[
        "solutionVersionArn"
    ]
    result.update_version_arn = update_arn
    result.final_statuses["UPDATE version"] = wait_for_solution_version(
        personalize, update_arn, "solution version (UPDATE)", recorder
    )

    # 6. Offline metrics of the FULL version, and the versions of the solution.
    result.metrics = personalize.get_solution_metrics(solutionVersionArn=full_arn)["metrics"]
    result.listed_versions = personalize.list_solution_versions(solutionArn=solution_arn)["solutionVersions"]
    result.final_statuses["dataset group"] = group["status"]
    solution = personalize.describe_solution(solutionArn=solution_arn)["solution"]
    result.final_statuses["solution"] = solution["status"]

    recorder.say("")
    recorder.say("metrics of the FULL version:")
    for name, value in result.metrics.items():
        recorder.say(f"  {name:<45} {value}")
    recorder.say("solution versions (oldest first):")
    for summary in result.listed_versions:
        recorder.say(
            f"  {summary['solutionVersionArn'].rsplit('/', 1)[-1]}  {summary['trainingMode']:<6} "
            f"{summary['trainingType']:<9} {summary['status']}"
        )


def main(quiet: bool = False) -> DemoResult:
    """Run the pipeline under the mock; returns what it observed."""
    result = DemoResult()
    wall_start = time.perf_counter()
    with mock_personalize() as pm:
        simulated_start = pm.now()
        run_pipeline(pm, result, quiet)
        result.simulated = pm.now() - simulated_start
    result.wall_seconds = time.perf_counter() - wall_start
    if not quiet:
        print()
        print(f"simulated time: {_hms(result.simulated)}; wall time: {result.wall_seconds * 1000:.0f} ms")
    return result


if __name__ == "__main__":
    main()
