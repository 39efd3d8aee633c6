"""Asynchronous deletes and their ordering rules (behaviour reference §3.2, §5.3, §11.7-11.8)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import RECIPE_PREFIX

from personalize_mock import PersonalizeMock
from personalize_mock.options import DEFAULT_DURATIONS

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]
TrainVersion = Callable[..., str]


def _solution_status(client: Any, arn: str) -> str:
    status: str = client.describe_solution(solutionArn=arn)["solution"]["status"]
    return status


def _wait_gone(describe: Callable[[], Any]) -> list[str]:
    """A cleanup loop as AWS code writes it: poll until ResourceNotFoundException."""
    seen: list[str] = []
    while True:
        try:
            response = describe()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return seen
            raise
        status = next(iter(v for k, v in response.items() if k != "ResponseMetadata"))["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        assert len(seen) < 10
        time.sleep(1)


def test_delete_solution_pending_in_progress_then_not_found(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg, performAutoTraining=False)
    keep = make_solution(dsg, name="keep", performAutoTraining=False)
    version = train_version(solution)
    other_version = train_version(keep)
    assert client.delete_solution(solutionArn=solution).keys() == {"ResponseMetadata"}
    assert _solution_status(client, solution) == "DELETE PENDING"
    listed = {s["solutionArn"]: s["status"] for s in client.list_solutions()["solutions"]}
    assert listed == {solution: "DELETE PENDING", keep: "ACTIVE"}
    # The version is still there while its solution is being deleted.
    assert (
        client.describe_solution_version(solutionVersionArn=version)["solutionVersion"]["status"] == "ACTIVE"
    )

    seen = _wait_gone(lambda: client.describe_solution(solutionArn=solution))
    assert seen == ["DELETE PENDING", "DELETE IN_PROGRESS"]
    assert [s["solutionArn"] for s in client.list_solutions()["solutions"]] == [keep]
    assert [s["solutionArn"] for s in client.list_solutions(datasetGroupArn=dsg)["solutions"]] == [keep]

    # Its versions went with it.
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_solution_version(solutionVersionArn=version)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_solution_versions(solutionArn=solution)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_solution_metrics(solutionVersionArn=version)
    all_versions = [v["solutionVersionArn"] for v in client.list_solution_versions()["solutionVersions"]]
    assert all_versions == [other_version]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_solution(solutionArn=solution)


def test_delete_solution_with_a_version_in_flight_is_in_use(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    for _ in range(2):
        with pytest.raises(client.exceptions.ResourceInUseException, match=version):
            client.delete_solution(solutionArn=solution)
        assert _solution_status(client, solution) == "ACTIVE"
        pm.advance(1200)
    pm.settle()
    client.delete_solution(solutionArn=solution)
    assert _solution_status(client, solution) == "DELETE PENDING"


def test_delete_solution_with_only_finished_versions_is_allowed(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    solution = make_solution(make_dataset_group(), performAutoTraining=False)
    pm.fail_next("solution_version")
    failed = train_version(solution)
    stopped = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.stop_solution_version_creation(solutionVersionArn=stopped)
    active = train_version(solution)
    client.delete_solution(solutionArn=solution)
    pm.settle()
    for arn in (failed, stopped, active):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_solution_version(solutionVersionArn=arn)
    assert client.list_solution_versions()["solutionVersions"] == []


def test_delete_twice_is_in_use(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg)
    client.delete_solution(solutionArn=solution)
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_solution(solutionArn=solution)
    client.delete_dataset_group(datasetGroupArn=dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_dataset_group(datasetGroupArn=dsg)


def test_dataset_group_with_a_live_solution_is_in_use(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match=solution):
        client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "ACTIVE"


def test_dataset_group_delete_right_after_its_solutions_delete(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solutions = [make_solution(dsg, name=f"s{i}") for i in range(3)]
    for arn in solutions:
        client.delete_solution(solutionArn=arn)
    # No wait: children already being deleted do not block the parent (§11.8).
    client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "DELETE PENDING"
    # Dataset groups document DELETE PENDING only.
    assert _wait_gone(lambda: client.describe_dataset_group(datasetGroupArn=dsg)) == ["DELETE PENDING"]
    assert client.list_dataset_groups()["datasetGroups"] == []
    assert client.list_solutions()["solutions"] == []
    for arn in solutions:
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_solution(solutionArn=arn)


def test_one_live_solution_among_deleted_ones_still_blocks(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    gone = make_solution(dsg, name="gone")
    live = make_solution(dsg, name="live")
    client.delete_solution(solutionArn=gone)
    with pytest.raises(client.exceptions.ResourceInUseException, match=live):
        client.delete_dataset_group(datasetGroupArn=dsg)


def test_dataset_group_being_created_cannot_be_deleted(pm: PersonalizeMock, client: Any) -> None:
    dsg = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE PENDING"):
        client.delete_dataset_group(datasetGroupArn=dsg)
    pm.advance(5)
    with pytest.raises(client.exceptions.ResourceInUseException, match="CREATE IN_PROGRESS"):
        client.delete_dataset_group(datasetGroupArn=dsg)
    pm.advance(5)
    client.delete_dataset_group(datasetGroupArn=dsg)


def test_failed_dataset_group_and_solution_can_be_deleted(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, recipe_arn: Callable[[str], str]
) -> None:
    pm.fail_next("dataset_group", reason="broken")
    failed = client.create_dataset_group(name="failed")["datasetGroupArn"]
    pm.advance(10)
    described = client.describe_dataset_group(datasetGroupArn=failed)["datasetGroup"]
    assert described["status"] == "CREATE FAILED"
    assert described["failureReason"] == "broken"
    client.delete_dataset_group(datasetGroupArn=failed)

    dsg = make_dataset_group()
    pm.fail_next("solution")
    solution = client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=recipe_arn("aws-sims"))[
        "solutionArn"
    ]
    assert _solution_status(client, solution) == "CREATE FAILED"
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.create_solution_version(solutionArn=solution)
    client.delete_solution(solutionArn=solution)
    pm.settle()
    assert client.list_solutions()["solutions"] == []
    assert [g["datasetGroupArn"] for g in client.list_dataset_groups()["datasetGroups"]] == [dsg]


def test_create_solution_in_a_dataset_group_being_deleted_is_in_use(
    client: Any, make_dataset_group: MakeDatasetGroup, recipe_arn: Callable[[str], str]
) -> None:
    dsg = make_dataset_group()
    client.delete_dataset_group(datasetGroupArn=dsg)
    with pytest.raises(client.exceptions.ResourceInUseException, match="DELETE PENDING"):
        client.create_solution(name="s", datasetGroupArn=dsg, recipeArn=recipe_arn("aws-sims"))


def test_delete_unknown_resources_is_not_found(pm: PersonalizeMock, client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_dataset_group(
            datasetGroupArn="arn:aws:personalize:us-east-1:123456789012:dataset-group/x"
        )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_solution(solutionArn="arn:aws:personalize:us-east-1:123456789012:solution/x")


def test_recreated_solution_does_not_inherit_the_old_versions(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    dsg = make_dataset_group()
    old = make_solution(dsg, performAutoTraining=False)
    train_version(old)
    client.delete_solution(solutionArn=old)
    pm.settle()
    new = make_solution(dsg, performAutoTraining=False)
    assert new == old
    described = client.describe_solution(solutionArn=new)["solution"]
    assert "latestSolutionVersion" not in described
    assert client.list_solution_versions(solutionArn=new)["solutionVersions"] == []
    assert client.list_solution_versions()["solutionVersions"] == []
    with pytest.raises(client.exceptions.InvalidInputException):
        client.create_solution_version(solutionArn=new, trainingMode="UPDATE")
    fresh = client.create_solution_version(solutionArn=new)["solutionVersionArn"]
    latest = client.describe_solution(solutionArn=new)["solution"]["latestSolutionVersion"]
    assert latest["solutionVersionArn"] == fresh
    assert latest["status"] == "CREATE PENDING"


def test_automatic_training_stops_with_the_solution(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    solution = make_solution(make_dataset_group())
    client.delete_solution(solutionArn=solution)
    pm.advance(30 * 86400)
    assert client.list_solution_versions()["solutionVersions"] == []


# -- The delete audit: each Delete* refuses what its pages name, and nothing else ---------------
#
# API reference pages (https://docs.aws.amazon.com/personalize/latest/dg/API_Delete*.html), the
# guide's cleanup page (https://docs.aws.amazon.com/personalize/latest/dg/gs-cleanup.html) and
# "Deleting a dataset" (https://docs.aws.amazon.com/personalize/latest/dg/delete-dataset.html).

ROLE = "arn:aws:iam::123456789012:role/personalize"
CLICKS = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
SAMPLECOUNT = [{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}]
REVENUE = [{"eventType": "buy", "metricName": "revenue", "expression": "SUM(Items.PRICE)"}]
FIELDS = {
    "INTERACTIONS": {"USER_ID": "string", "ITEM_ID": "string", "TIMESTAMP": "long", "EVENT_TYPE": "string"},
    "ITEMS": {"ITEM_ID": "string", "PRICE": "float"},
    "USERS": {"USER_ID": "string"},
}
BATCH_IO = {
    "jobInput": {"s3DataSource": {"path": "s3://bucket/input.json"}},
    "jobOutput": {"s3DataDestination": {"path": "s3://bucket/output/"}},
    "roleArn": ROLE,
}


def _schema_text(dataset_type: str) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": dataset_type.title(),
            "namespace": "com.amazonaws.personalize.schema",
            "fields": [{"name": name, "type": kind} for name, kind in FIELDS[dataset_type].items()],
            "version": "1.0",
        }
    )


def _datasets(pm: PersonalizeMock, client: Any, dsg: str, domain: str | None = None) -> dict[str, str]:
    """An ACTIVE Interactions, Items and Users dataset in ``dsg`` (ARN by type)."""
    arns: dict[str, str] = {}
    extra = {"domain": domain} if domain else {}
    for dataset_type in FIELDS:
        schema = client.create_schema(
            name=f"{dsg.rsplit('/', 1)[1]}-{dataset_type.lower()}", schema=_schema_text(dataset_type), **extra
        )["schemaArn"]
        arns[dataset_type] = client.create_dataset(
            name=dataset_type.lower(), schemaArn=schema, datasetGroupArn=dsg, datasetType=dataset_type
        )["datasetArn"]
    pm.settle()
    return arns


def _status(client: Any, arn: str) -> str:
    status: str = client.describe_dataset(datasetArn=arn)["dataset"]["status"]
    return status


def _refused(client: Any, dataset: str, blocker: str) -> None:
    """DeleteDataset is ResourceInUseException naming ``blocker`` and leaves the dataset ACTIVE."""
    with pytest.raises(client.exceptions.ResourceInUseException, match=blocker):
        client.delete_dataset(datasetArn=dataset)
    assert _status(client, dataset) == "ACTIVE"


def test_a_filter_blocks_deleting_every_dataset_of_its_group(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    # "You must delete all filters before deleting any dataset" (delete-dataset.html), even
    # a filter that reads another dataset and one whose creation failed.
    dsg = make_dataset_group()
    other = make_dataset_group("other")
    datasets = _datasets(pm, client, dsg)
    pm.fail_next("filter")
    failed = client.create_filter(name="failed", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    pm.settle()
    live = client.create_filter(name="live", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    # A filter of another dataset group is no concern of this one's datasets.
    client.create_filter(name="elsewhere", datasetGroupArn=other, filterExpression=CLICKS)
    for dataset in datasets.values():
        _refused(client, dataset, failed)
    client.delete_filter(filterArn=failed)
    pm.settle()
    for dataset in datasets.values():
        # Still CREATE PENDING: it blocks all the same.
        _refused(client, dataset, live)
    pm.settle()
    client.delete_filter(filterArn=live)
    # Being deleted is enough (no wait, behaviour reference §11.8).
    for dataset in datasets.values():
        client.delete_dataset(datasetArn=dataset)
        assert _status(client, dataset) == "DELETE PENDING"


def test_a_metric_attribution_blocks_the_datasets_it_references(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group()
    datasets = _datasets(pm, client, dsg)
    output = {"metricsOutputConfig": {"roleArn": ROLE}}
    counts = client.create_metric_attribution(name="m", datasetGroupArn=dsg, metrics=SAMPLECOUNT, **output)[
        "metricAttributionArn"
    ]
    pm.settle()
    # Every metric counts events of its eventType: the Interactions dataset is referenced;
    # SAMPLECOUNT() reads no Items or Users column.
    _refused(client, datasets["INTERACTIONS"], counts)
    client.update_metric_attribution(metricAttributionArn=counts, addMetrics=REVENUE)
    pm.settle()
    # SUM(Items.PRICE) references the Items dataset too; still nothing reads Users.
    _refused(client, datasets["ITEMS"], counts)
    client.delete_dataset(datasetArn=datasets["USERS"])
    client.delete_metric_attribution(metricAttributionArn=counts)
    client.delete_dataset(datasetArn=datasets["ITEMS"])
    client.delete_dataset(datasetArn=datasets["INTERACTIONS"])


def test_campaigns_block_deleting_a_dataset_until_failed_or_being_deleted(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    # "No associated Campaign can have a status of CREATE PENDING or IN PROGRESS or ACTIVE."
    dsg = make_dataset_group()
    items = _datasets(pm, client, dsg)["ITEMS"]
    version = train_version(make_solution(dsg, performAutoTraining=False))
    pm.fail_next("campaign")
    failed = client.create_campaign(name="failed", solutionVersionArn=version)["campaignArn"]
    pm.settle()
    campaign = client.create_campaign(name="c", solutionVersionArn=version)["campaignArn"]
    _refused(client, items, "CREATE PENDING")
    pm.advance(DEFAULT_DURATIONS["campaign"] / 2)
    _refused(client, items, "CREATE IN_PROGRESS")
    pm.settle()
    _refused(client, items, campaign)
    client.delete_campaign(campaignArn=campaign)
    # A CREATE FAILED campaign and one being deleted no longer block.
    assert client.describe_campaign(campaignArn=failed)["campaign"]["status"] == "CREATE FAILED"
    client.delete_dataset(datasetArn=items)


def test_batch_jobs_in_flight_block_deleting_a_dataset(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    # "No associated BatchInferenceJob or BatchSegmentJob can have a status of CREATE
    # PENDING or IN PROGRESS."
    dsg = make_dataset_group()
    users = _datasets(pm, client, dsg)["USERS"]
    ranking = train_version(make_solution(dsg, performAutoTraining=False))
    segments = train_version(make_solution(dsg, name="seg", recipe="aws-item-attribute-affinity"))
    inference = client.create_batch_inference_job(jobName="i", solutionVersionArn=ranking, **BATCH_IO)[
        "batchInferenceJobArn"
    ]
    _refused(client, users, inference)
    pm.advance(DEFAULT_DURATIONS["batch_inference_job"] / 2)
    _refused(client, users, "CREATE IN_PROGRESS")
    pm.settle()
    segment = client.create_batch_segment_job(jobName="s", solutionVersionArn=segments, **BATCH_IO)[
        "batchSegmentJobArn"
    ]
    _refused(client, users, segment)
    pm.settle()
    # Finished jobs no longer block.
    client.delete_dataset(datasetArn=users)


def test_recommenders_being_created_block_deleting_a_dataset(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    # "No associated Recommender ... can have a status of CREATE PENDING or IN PROGRESS";
    # an ACTIVE recommender is not named, so it does not block.
    dsg = make_dataset_group("shop", domain="ECOMMERCE")
    datasets = _datasets(pm, client, dsg, domain="ECOMMERCE")
    recommender = client.create_recommender(
        name="for-you", datasetGroupArn=dsg, recipeArn=RECIPE_PREFIX + "aws-ecomm-recommended-for-you"
    )["recommenderArn"]
    _refused(client, datasets["USERS"], recommender)
    pm.advance(DEFAULT_DURATIONS["recommender"] / 2)
    _refused(client, datasets["USERS"], "CREATE IN_PROGRESS")
    pm.settle()
    assert client.describe_recommender(recommenderArn=recommender)["recommender"]["status"] == "ACTIVE"
    client.delete_dataset(datasetArn=datasets["USERS"])


def test_dataset_group_blockers_are_event_trackers_solutions_datasets_and_recommenders(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    # API_DeleteDatasetGroup names event trackers, solutions and datasets; the cleanup page
    # adds recommenders (Domain dataset groups). Each blocks until its own delete starts.
    dsg = make_dataset_group("shop", domain="ECOMMERCE")
    datasets = _datasets(pm, client, dsg, domain="ECOMMERCE")
    tracker = client.create_event_tracker(name="t", datasetGroupArn=dsg)["eventTrackerArn"]
    solution = make_solution(dsg, performAutoTraining=False)
    recommender = client.create_recommender(
        name="for-you", datasetGroupArn=dsg, recipeArn=RECIPE_PREFIX + "aws-ecomm-recommended-for-you"
    )["recommenderArn"]
    pm.settle()
    deletes: list[tuple[str, Callable[[], Any]]] = [
        (tracker, lambda: client.delete_event_tracker(eventTrackerArn=tracker)),
        (solution, lambda: client.delete_solution(solutionArn=solution)),
    ]
    deletes += [(arn, lambda arn=arn: client.delete_dataset(datasetArn=arn)) for arn in datasets.values()]
    deletes.append((recommender, lambda: client.delete_recommender(recommenderArn=recommender)))
    for blocker, delete in deletes:
        with pytest.raises(client.exceptions.ResourceInUseException, match=blocker):
            client.delete_dataset_group(datasetGroupArn=dsg)
        assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "ACTIVE"
        delete()
    client.delete_dataset_group(datasetGroupArn=dsg)


@pytest.mark.personalize_mock(
    durations={"filter_delete": 100},
    quotas={"filters_per_dataset_group": 1},
)
def test_filters_and_metric_attributions_do_not_block_their_group_and_go_with_it(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    # Neither API_DeleteDatasetGroup nor the cleanup page names them (docs/choices.md).
    dsg = make_dataset_group()
    output = {"metricsOutputConfig": {"roleArn": ROLE}}
    attribution = client.create_metric_attribution(
        name="m", datasetGroupArn=dsg, metrics=SAMPLECOUNT, **output
    )["metricAttributionArn"]
    slow = client.create_filter(name="slow", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    pm.settle()
    client.delete_filter(filterArn=slow)  # 100 s, longer than the group's delete
    client.delete_metric_attribution(metricAttributionArn=attribution)  # over before the group's
    pm.advance(1)
    creating = client.create_filter(name="new", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    client.delete_dataset_group(datasetGroupArn=dsg)
    assert client.describe_dataset_group(datasetGroupArn=dsg)["datasetGroup"]["status"] == "DELETE PENDING"
    # Its filters and metric attribution are being deleted with it.
    assert {f["filterArn"]: f["status"] for f in client.list_filters()["Filters"]} == {
        slow: "DELETE PENDING",
        creating: "DELETE PENDING",
    }
    described = client.describe_metric_attribution(metricAttributionArn=attribution)["metricAttribution"]
    assert described["status"] == "DELETE IN_PROGRESS"  # its own deletion goes on
    with pytest.raises(client.exceptions.ResourceInUseException, match="already being deleted"):
        client.delete_filter(filterArn=creating)
    pm.advance(DEFAULT_DURATIONS["dataset_group_delete"])
    # All gone with the group, the slow one too.
    for describe in (
        lambda: client.describe_dataset_group(datasetGroupArn=dsg),
        lambda: client.describe_filter(filterArn=slow),
        lambda: client.describe_filter(filterArn=creating),
        lambda: client.describe_metric_attribution(metricAttributionArn=attribution),
    ):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            describe()
    assert client.list_filters()["Filters"] == []
    assert client.list_metric_attributions()["metricAttributions"] == []
    # A new group of the same name (same ARN) starts with none counted against its quotas.
    make_dataset_group()
    client.create_filter(name="again", datasetGroupArn=dsg, filterExpression=CLICKS)
    client.create_metric_attribution(name="m", datasetGroupArn=dsg, metrics=SAMPLECOUNT, **output)


def test_a_solution_update_in_flight_blocks_delete_solution(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    # The cleanup page: the status that must be ACTIVE or CREATE FAILED includes the
    # solution's latestSolutionUpdate status.
    solution = make_solution(make_dataset_group())
    client.update_solution(solutionArn=solution, performAutoTraining=False)
    with pytest.raises(client.exceptions.ResourceInUseException, match="update is CREATE PENDING"):
        client.delete_solution(solutionArn=solution)
    pm.advance(DEFAULT_DURATIONS["solution_update"] / 2)
    with pytest.raises(client.exceptions.ResourceInUseException, match="update is CREATE IN_PROGRESS"):
        client.delete_solution(solutionArn=solution)
    assert _solution_status(client, solution) == "ACTIVE"
    pm.settle()
    client.delete_solution(solutionArn=solution)
    # A failed update does not block either.
    other = make_solution(make_dataset_group("other"), name="other")
    pm.fail_next("solution_update")
    client.update_solution(solutionArn=other, performAutoTraining=False)
    pm.settle()
    assert client.describe_solution(solutionArn=other)["solution"]["latestSolutionUpdate"]["status"] == (
        "CREATE FAILED"
    )
    client.delete_solution(solutionArn=other)


def test_deletes_whose_pages_name_no_blocker_succeed_beside_everything_else(
    pm: PersonalizeMock,
    client: Any,
    make_dataset_group: MakeDatasetGroup,
    make_solution: MakeSolution,
    train_version: TrainVersion,
) -> None:
    # DeleteEventTracker, DeleteFilter, DeleteMetricAttribution and DeleteCampaign name no
    # blocker: with datasets, a solution, a campaign and each other in place, each succeeds.
    dsg = make_dataset_group()
    datasets = _datasets(pm, client, dsg)
    output = {"metricsOutputConfig": {"roleArn": ROLE}}
    tracker = client.create_event_tracker(name="t", datasetGroupArn=dsg)["eventTrackerArn"]
    filter_arn = client.create_filter(name="f", datasetGroupArn=dsg, filterExpression=CLICKS)["filterArn"]
    attribution = client.create_metric_attribution(
        name="m", datasetGroupArn=dsg, metrics=SAMPLECOUNT, **output
    )["metricAttributionArn"]
    version = train_version(make_solution(dsg, performAutoTraining=False))
    campaign = client.create_campaign(
        name="c", solutionVersionArn=version, campaignConfig={"itemExplorationConfig": {}}
    )["campaignArn"]
    pm.settle()
    client.delete_event_tracker(eventTrackerArn=tracker)
    client.delete_filter(filterArn=filter_arn)
    client.delete_metric_attribution(metricAttributionArn=attribution)
    client.delete_campaign(campaignArn=campaign)
    pm.settle()
    # "Does not delete the dataset from the dataset group" (API_DeleteEventTracker).
    assert {_status(client, arn) for arn in datasets.values()} == {"ACTIVE"}
