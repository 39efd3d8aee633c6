"""The seed flow real pipelines run: dataset group → solution → FULL version, polled with sleeps.

Behaviour reference §2 (ARNs), §3 (statuses), §4.1-4.2, §11.1/5/10/11/13.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from personalize_mock import PersonalizeMock

UP = "arn:aws:personalize:::recipe/aws-user-personalization"
HEX8 = re.compile(r"[0-9a-f]{8}")
MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]


def _seen(statuses: list[str]) -> list[str]:
    """Distinct statuses in the order they were first seen."""
    return list(dict.fromkeys(statuses))


def test_dataset_group_goes_pending_then_active_after_ten_seconds(pm: PersonalizeMock, client: Any) -> None:
    arn = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    first = client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
    assert first["status"] == "CREATE PENDING"
    assert first["creationDateTime"] == first["lastUpdatedDateTime"]
    pm.advance(5)
    assert (
        client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"] == "CREATE IN_PROGRESS"
    )
    pm.advance(5)
    done = client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]
    assert done["status"] == "ACTIVE"
    assert done["lastUpdatedDateTime"] > done["creationDateTime"]
    assert done["lastUpdatedDateTime"] - done["creationDateTime"] == timedelta(seconds=10)


def test_create_solution_on_a_dataset_group_that_is_not_active_is_in_use(
    pm: PersonalizeMock, client: Any
) -> None:
    arn = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.create_solution(name="sol", datasetGroupArn=arn, recipeArn=UP)
    pm.advance(2)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE IN_PROGRESS"):
        client.create_solution(name="sol", datasetGroupArn=arn, recipeArn=UP)
    assert client.list_solutions()["solutions"] == []
    pm.advance(10)
    client.create_solution(name="sol", datasetGroupArn=arn, recipeArn=UP)
    assert [s["name"] for s in client.list_solutions()["solutions"]] == ["sol"]


def test_create_solution_on_unknown_dataset_group_is_not_found(pm: PersonalizeMock, client: Any) -> None:
    missing = "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope"
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="nope"):
        client.create_solution(name="sol", datasetGroupArn=missing, recipeArn=UP)


def test_solution_is_active_on_first_read(make_dataset_group: MakeDatasetGroup, client: Any) -> None:
    dsg = make_dataset_group()
    arn = client.create_solution(name="sol", datasetGroupArn=dsg, recipeArn=UP)["solutionArn"]
    solution = client.describe_solution(solutionArn=arn)["solution"]
    assert solution["status"] == "ACTIVE"
    assert solution["creationDateTime"] == solution["lastUpdatedDateTime"]
    assert "latestSolutionVersion" not in solution
    assert "latestSolutionUpdate" not in solution
    assert solution["recipeArn"] == UP
    assert solution["datasetGroupArn"] == dsg
    assert solution["performAutoTraining"] is True
    assert solution["performHPO"] is False
    assert solution["performAutoML"] is False


def test_unchanged_polling_loop_reaches_active_through_pending_and_in_progress(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution_arn = make_solution(make_dataset_group())
    version_arn = client.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    started = pm.now()
    seen: list[str] = []
    has_hours: list[bool] = []
    polls = 0

    # The loop as sample notebooks write it; time.sleep is simulated, so it ends at once.
    status = ""
    while status != "ACTIVE":
        described = client.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
        status = described["status"]
        seen.append(status)
        has_hours.append("trainingHours" in described)
        polls += 1
        assert polls < 1000, "the polling loop did not end"
        if status != "ACTIVE":
            time.sleep(60)

    assert _seen(seen) == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
    # trainingHours only once ACTIVE.
    assert has_hours == [status == "ACTIVE" for status in seen]
    assert pm.now() - started >= timedelta(hours=1)
    assert polls == 61  # 60 sleeps of a minute: the default training takes one simulated hour
    version = client.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
    assert version["trainingMode"] == "FULL"
    assert version["trainingType"] == "MANUAL"
    assert version["trainingHours"] > 0
    assert version["solutionArn"] == solution_arn
    latest = client.describe_solution(solutionArn=solution_arn)["solution"]["latestSolutionVersion"]
    assert latest["solutionVersionArn"] == version_arn
    assert latest["status"] == "ACTIVE"


def test_literal_while_loop_with_sleep_first(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution_arn = make_solution(make_dataset_group(), performAutoTraining=False)
    arn = client.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    seen = []
    status = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]["status"]
    seen.append(status)
    while status != "ACTIVE":
        time.sleep(60)
        status = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]["status"]
        seen.append(status)
    assert _seen(seen) == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]


def test_training_hours_absent_until_active(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution_arn = make_solution(make_dataset_group(), performAutoTraining=False)
    arn = client.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    for _ in range(3):
        version = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
        assert "trainingHours" not in version
        pm.advance(600)
    pm.settle()
    version = client.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
    assert version["status"] == "ACTIVE"
    assert isinstance(version["trainingHours"], float)
    assert 0 < version["trainingHours"] <= 1.0


def test_age_from_pm_now_equals_simulated_age(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    created = client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["creationDateTime"]
    assert created.tzinfo is not None
    age_before = pm.now() - created
    pm.advance(timedelta(hours=5))
    age = pm.now() - created
    # The process's own clock moves on a little between the reads (far less than a minute);
    # the simulated part is exact (see the freeze test below for exact equality).
    assert timedelta(hours=5) <= age - age_before < timedelta(hours=5, minutes=1)
    assert timedelta(hours=5, seconds=10) <= age < timedelta(hours=5, minutes=1)


@pytest.mark.personalize_mock(freeze=True)
def test_with_freeze_ages_are_exact_and_agree_with_datetime_now(pm: PersonalizeMock, client: Any) -> None:
    arn = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    created = client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["creationDateTime"]
    pm.advance(3600)
    # Stamps are at millisecond precision, the frozen time may carry microseconds.
    assert abs((pm.now() - created) - timedelta(hours=1)) < timedelta(milliseconds=1)
    assert abs((datetime.now(timezone.utc) - created) - timedelta(hours=1)) < timedelta(milliseconds=1)
    time.sleep(120)
    assert abs((datetime.now(timezone.utc) - created) - timedelta(hours=1, minutes=2)) < timedelta(
        milliseconds=1
    )


@pytest.mark.personalize_mock(freeze=True)
def test_creation_times_strictly_increase_even_when_time_stands_still(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solutions = [make_solution(dsg, name=f"s{i}", performAutoTraining=False) for i in range(3)]
    versions = [
        client.create_solution_version(solutionArn=solutions[0])["solutionVersionArn"] for _ in range(3)
    ]
    stamps = [client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["creationDateTime"]]
    stamps += [client.describe_solution(solutionArn=a)["solution"]["creationDateTime"] for a in solutions]
    stamps += [
        client.describe_solution_version(solutionVersionArn=a)["solutionVersion"]["creationDateTime"]
        for a in versions
    ]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    # List summaries carry the same stamps, so reconcilers can sort by them.
    listed = [
        v["creationDateTime"]
        for v in client.list_solution_versions(solutionArn=solutions[0])["solutionVersions"]
    ]
    assert sorted(listed) == stamps[4:]


def test_creation_times_strictly_increase_without_freeze(
    make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution, client: Any
) -> None:
    dsg = make_dataset_group()
    arns = [make_solution(dsg, name=f"s{i}") for i in range(5)]
    stamps = [client.describe_solution(solutionArn=a)["solution"]["creationDateTime"] for a in arns]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    for stamp in stamps:
        assert stamp.microsecond % 1000 == 0  # millisecond precision, as the real service reports


def test_arn_formats(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group("my-group_1")
    assert dsg == "arn:aws:personalize:us-east-1:123456789012:dataset-group/my-group_1"
    solution_arn = make_solution(dsg, name="my-solution")
    assert solution_arn == "arn:aws:personalize:us-east-1:123456789012:solution/my-solution"
    version_arn = client.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    prefix, _, version_id = version_arn.rpartition("/")
    assert prefix == solution_arn
    assert HEX8.fullmatch(version_id)
    version = client.describe_solution_version(solutionVersionArn=version_arn)["solutionVersion"]
    assert version["name"] == f"my-solution/{version_id}"
    named = client.create_solution_version(solutionArn=solution_arn, name="v0")["solutionVersionArn"]
    assert HEX8.fullmatch(named.rpartition("/")[2])
    assert client.describe_solution_version(solutionVersionArn=named)["solutionVersion"]["name"] == "v0"
    assert named != version_arn


def test_version_ids_are_distinct(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution_arn = make_solution(make_dataset_group(), performAutoTraining=False)
    arns = {client.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"] for _ in range(15)}
    assert len(arns) == 15


@pytest.mark.personalize_mock(account_id="111122223333")
def test_account_id_option_is_in_every_arn(pm: PersonalizeMock, client: Any) -> None:
    dsg = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    assert dsg == "arn:aws:personalize:us-east-1:111122223333:dataset-group/dsg"
    pm.advance(10)
    solution_arn = client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=UP)["solutionArn"]
    assert solution_arn == "arn:aws:personalize:us-east-1:111122223333:solution/s"


def test_china_regions_use_the_aws_cn_partition(pm: PersonalizeMock) -> None:
    cn = boto3.client("personalize", region_name="cn-north-1")
    dsg = cn.create_dataset_group(name="dsg")["datasetGroupArn"]
    assert dsg == "arn:aws-cn:personalize:cn-north-1:123456789012:dataset-group/dsg"
    pm.advance(10)
    cn_recipe = "arn:aws-cn:personalize:::recipe/aws-user-personalization"
    solution_arn = cn.create_solution(name="s", datasetGroupArn=dsg, recipeArn=cn_recipe)["solutionArn"]
    assert solution_arn == "arn:aws-cn:personalize:cn-north-1:123456789012:solution/s"
    assert cn.describe_solution(solutionArn=solution_arn)["solution"]["recipeArn"] == cn_recipe


def test_regions_are_isolated(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group()
    solution_arn = client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=UP)["solutionArn"]
    eu = boto3.client("personalize", region_name="eu-west-1")
    with pytest.raises(eu.exceptions.ResourceNotFoundException):
        eu.describe_solution(solutionArn=solution_arn)
    with pytest.raises(eu.exceptions.ResourceNotFoundException):
        eu.describe_dataset_group(datasetGroupArn=dsg)
    assert eu.list_solutions()["solutions"] == []
    assert eu.list_dataset_groups()["datasetGroups"] == []
    # The same names are free in the other region.
    eu_dsg = eu.create_dataset_group(name="dsg")["datasetGroupArn"]
    assert eu_dsg == "arn:aws:personalize:eu-west-1:123456789012:dataset-group/dsg"
    assert [g["datasetGroupArn"] for g in client.list_dataset_groups()["datasetGroups"]] == [dsg]


def test_create_outputs_are_json_serializable(
    client: Any, make_dataset_group: MakeDatasetGroup, recipe_arn: Callable[[str], str]
) -> None:
    # Sample code passes whole create responses to json.dumps without default= (§11.6).
    json.dumps(client.create_dataset_group(name="other"))
    dsg = make_dataset_group()
    out = client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=recipe_arn("aws-sims"))
    json.dumps(out)
    json.dumps(client.create_solution_version(solutionArn=out["solutionArn"]))


@pytest.mark.personalize_mock(freeze=True)
def test_advancing_by_the_duration_finishes_back_to_back_creations_under_freeze(
    pm: PersonalizeMock, client: Any
) -> None:
    # Stamps strictly increase, so under a frozen clock each is a millisecond ahead of the
    # last; the work itself still starts at the clock's reading.
    arns = [client.create_dataset_group(name=f"dsg{i}")["datasetGroupArn"] for i in range(5)]
    pm.advance(10)
    statuses = [client.describe_dataset_group(datasetGroupArn=a)["datasetGroup"]["status"] for a in arns]
    assert statuses == ["ACTIVE"] * 5


def test_advancing_by_the_duration_always_finishes(pm: PersonalizeMock, client: Any) -> None:
    for i in range(5):
        arn = client.create_dataset_group(name=f"dsg{i}")["datasetGroupArn"]
        pm.advance(10)
        assert client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"] == "ACTIVE"
        client.delete_dataset_group(datasetGroupArn=arn)
