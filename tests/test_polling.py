"""Stalled polling: loops that can no longer end fail fast, and say why; others never trip.

Every loop here is bounded by a counter, so a regression fails the test instead of hanging.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import client

from personalize_mock import StalledPollingError, mock_personalize
from personalize_mock.calls import CallLog, Entry
from personalize_mock.errors import CommonServiceError, ServiceError
from personalize_mock.options import DEFAULT_STALL_AFTER
from personalize_mock.polling import MIN_POLLS, PollingWatch, operation_kind, read_resources

RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
HOUR = 3600.0
#: More polls than any loop here needs (the longest waits 30 simulated hours at 60 s a sleep).
BOUND = 4000


def failed_version(personalize: Any, pm: Any, name: str = "s") -> str:
    """A solution version that ends CREATE FAILED (its dataset group has no data)."""
    group = personalize.create_dataset_group(name=f"{name}-group")["datasetGroupArn"]
    pm.settle()
    solution = personalize.create_solution(name=name, datasetGroupArn=group, recipeArn=RECIPE)
    arn: str = personalize.create_solution_version(solutionArn=solution["solutionArn"])["solutionVersionArn"]
    pm.settle()
    return arn


def status_of(personalize: Any, version: str) -> str:
    status: str = personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"][
        "status"
    ]
    return status


def poll_until_active(read: Callable[[], str], sleep: float = 60) -> int:
    """The loop of docs/pytest.md's old first example, bounded; returns the polls made."""
    for polls in range(BOUND):
        if read() == "ACTIVE":
            return polls
        time.sleep(sleep)
    raise AssertionError("the loop neither ended nor raised")


def test_the_old_pytest_docs_example_fails_fast_naming_the_version() -> None:
    with mock_personalize() as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        started = pm.now()
        with pytest.raises(StalledPollingError) as raised:
            poll_until_active(lambda: status_of(personalize, version))
        message = str(raised.value)
        assert f"solution version {version} is CREATE FAILED" in message
        assert "no interactions dataset" in message  # the failureReason
        assert "Nothing is in flight" in message
        assert "slept 6 simulated hours" in message
        assert raised.value.resources == {version: ("CREATE FAILED", raised.value.resources[version][1])}
        assert raised.value.slept == DEFAULT_STALL_AFTER
        elapsed = (pm.now() - started).total_seconds()
        assert DEFAULT_STALL_AFTER <= elapsed <= DEFAULT_STALL_AFTER + 2 * HOUR


def test_a_loop_with_a_deadline_shorter_than_the_stretch_takes_its_own_timeout_path() -> None:
    with mock_personalize() as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        deadline = time.time() + 3 * HOUR
        polls = 0
        while time.time() < deadline and status_of(personalize, version) != "ACTIVE":
            polls += 1
            time.sleep(60)
        assert polls == 180


def test_waiting_on_work_in_flight_never_trips_however_long_it_takes() -> None:
    with mock_personalize(require_data=False, durations={"solution_version": 30 * HOUR}) as pm:
        personalize = client()
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        solution = personalize.create_solution(name="s", datasetGroupArn=group, recipeArn=RECIPE)
        version = personalize.create_solution_version(solutionArn=solution["solutionArn"])[
            "solutionVersionArn"
        ]
        polls = poll_until_active(lambda: status_of(personalize, version))
        assert polls == 30 * 60


def test_polling_a_final_resource_while_other_work_is_in_flight_waits_for_that_work() -> None:
    with mock_personalize(durations={"dataset_group": 12 * HOUR}) as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        # Another resource with work in flight for 12 hours: anything may still change.
        personalize.create_dataset_group(name="busy")
        start = pm.now()
        with pytest.raises(StalledPollingError):
            poll_until_active(lambda: status_of(personalize, version))
        elapsed = (pm.now() - start).total_seconds()
        assert 12 * HOUR + DEFAULT_STALL_AFTER <= elapsed <= 12 * HOUR + DEFAULT_STALL_AFTER + HOUR


def test_a_single_long_sleep_between_runs_never_trips() -> None:
    """A scheduler that wakes once a week and reads the same failed version each time."""
    with mock_personalize() as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        for _ in range(20):
            assert status_of(personalize, version) == "CREATE FAILED"
            time.sleep(7 * 24 * HOUR)


def test_sleeps_without_reads_never_trip() -> None:
    with mock_personalize() as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        assert status_of(personalize, version) == "CREATE FAILED"
        for _ in range(BOUND):
            time.sleep(60)


def test_writes_between_polls_keep_the_loop_alive() -> None:
    with mock_personalize() as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        for step in range(BOUND):
            assert status_of(personalize, version) == "CREATE FAILED"
            personalize.tag_resource(resourceArn=version, tags=[{"tagKey": "step", "tagValue": str(step)}])
            time.sleep(60)


def test_stall_after_is_an_option_and_none_switches_it_off() -> None:
    with mock_personalize(stall_after=HOUR) as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        with pytest.raises(StalledPollingError, match="slept 1 simulated hours"):
            poll_until_active(lambda: status_of(personalize, version))
    with mock_personalize(stall_after=None) as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        for _ in range(BOUND):
            assert status_of(personalize, version) == "CREATE FAILED"
            time.sleep(60)


def test_short_stretches_read_in_minutes_and_seconds() -> None:
    with mock_personalize(stall_after=600) as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        with pytest.raises(StalledPollingError, match="slept 10 simulated minutes"):
            poll_until_active(lambda: status_of(personalize, version))
    with mock_personalize(stall_after=30) as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        with pytest.raises(StalledPollingError, match="slept 30 simulated seconds"):
            poll_until_active(lambda: status_of(personalize, version), sleep=5)


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan")])
def test_stall_after_must_be_a_positive_finite_duration(value: float) -> None:
    with pytest.raises(ValueError, match="stall_after"):
        mock_personalize(stall_after=value)


def test_simulate_sleep_false_has_no_watch() -> None:
    with mock_personalize(simulate_sleep=False) as pm:
        assert pm.state.polling is None


def test_polling_a_list_until_every_job_is_active() -> None:
    with mock_personalize(stall_after=HOUR) as pm:
        personalize = client()
        version = failed_version(personalize, pm)
        solution = version.rsplit("/", 1)[0]
        with pytest.raises(StalledPollingError, match=f"solution version {version} is CREATE FAILED"):
            for _ in range(BOUND):
                summaries = personalize.list_solution_versions(solutionArn=solution)["solutionVersions"]
                if all(summary["status"] == "ACTIVE" for summary in summaries):
                    break
                time.sleep(60)


def test_retrying_a_refused_delete_that_nothing_will_unblock() -> None:
    with mock_personalize(stall_after=HOUR, require_data=False) as pm:
        personalize = client()
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        personalize.create_solution(name="s", datasetGroupArn=group, recipeArn=RECIPE)
        pm.settle()
        refused = personalize.exceptions.ResourceInUseException
        with pytest.raises(
            StalledPollingError, match="DeleteDatasetGroup was refused with ResourceInUseException"
        ):
            for _ in range(BOUND):
                try:
                    personalize.delete_dataset_group(datasetGroupArn=group)
                    break
                except refused:
                    time.sleep(60)


def test_asyncio_polling_trips_too() -> None:
    async def body() -> None:
        with mock_personalize(stall_after=HOUR) as pm:
            personalize = client()
            version = failed_version(personalize, pm)
            for _ in range(BOUND):
                if status_of(personalize, version) == "ACTIVE":
                    return
                await asyncio.sleep(60)

    with pytest.raises(StalledPollingError):
        asyncio.run(body())


def test_runtime_calls_neither_count_nor_reset() -> None:
    assert operation_kind("GetRecommendations") == "neutral"
    assert operation_kind("GetSolutionMetrics") == "read"
    assert operation_kind("ListCampaigns") == "read"
    assert operation_kind("PutEvents") == "write"


def test_a_scheduled_automatic_training_does_not_keep_a_failed_version_alive() -> None:
    with mock_personalize(require_data=False) as pm:
        personalize = client()
        pm.fail_next("solution_version")
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        solution = personalize.create_solution(
            name="s", datasetGroupArn=group, recipeArn=RECIPE, performAutoTraining=True
        )["solutionArn"]
        version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        with pytest.raises(StalledPollingError, match="CREATE FAILED"):
            poll_until_active(lambda: status_of(personalize, version))


def test_the_message_names_ten_resources_and_counts_the_rest() -> None:
    resources = {
        f"arn:aws:personalize:us-east-1:1:campaign/c{index}": ("ACTIVE", None) for index in range(12)
    }
    message = str(StalledPollingError(resources, 7200))
    assert message.count("campaign arn:") == 10
    assert "and 2 more" in message


CAMPAIGN = "arn:aws:personalize:us-east-1:1:campaign/c"
ACTIVE_CAMPAIGN = {"campaign": {"campaignArn": CAMPAIGN, "status": "ACTIVE"}}


def record(calls: CallLog, operation: str, output: Any = None, error: ServiceError | None = None) -> None:
    """Append a call to the log as interception/dispatch.py does."""
    calls.append(("personalize", operation, {}, output, error, 0.0))


def stalled(
    watch: PollingWatch, poll: Callable[[int], None], seconds: float
) -> tuple[int, StalledPollingError]:
    """Poll and sleep until the watch raises: the number of sleeps it took, and the error."""
    for sleeps in range(1, BOUND):
        poll(sleeps)
        try:
            watch.before_sleep(seconds)
        except StalledPollingError as error:
            return sleeps, error
    raise AssertionError("not raised")


def sleeps_until_stalled(watch: PollingWatch, poll: Callable[[int], None], seconds: float) -> int:
    """Poll and sleep until the watch raises; the number of sleeps it took."""
    return stalled(watch, poll, seconds)[0]


def test_the_watch_reads_the_call_log_and_counts_only_calls_after_its_start() -> None:
    calls = CallLog()
    record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)
    watch = PollingWatch(HOUR, lambda: False, calls)
    # Half-hour polls: the stretch is slept after two, the third then raises.
    assert (
        sleeps_until_stalled(watch, lambda _: record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN), HOUR / 2)
        == 3
    )
    # Calls before the watch started never count: with only them, sleeps are not polls.
    calls = CallLog()
    for _ in range(10):
        record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)
    watch = PollingWatch(60, lambda: False, calls)
    for _ in range(MIN_POLLS * 2):
        watch.before_sleep(59)


def test_a_long_run_of_reads_between_two_sleeps_counts_as_one_poll() -> None:
    calls = CallLog()
    watch = PollingWatch(HOUR, lambda: False, calls)

    def poll(_: int) -> None:
        for _ in range(1000):
            record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)

    assert sleeps_until_stalled(watch, poll, HOUR / 2) == 3


IN_FLIGHT_CAMPAIGN = {"campaign": {"campaignArn": CAMPAIGN, "status": "CREATE IN_PROGRESS"}}


@pytest.mark.parametrize(
    "interruption",
    [("UpdateCampaign", {"campaignArn": CAMPAIGN}), ("DescribeCampaign", IN_FLIGHT_CAMPAIGN)],
    ids=["write", "read of work in flight"],
)
def test_a_write_or_a_read_of_work_in_flight_starts_the_count_over(interruption: tuple[str, Any]) -> None:
    calls = CallLog()
    watch = PollingWatch(HOUR, lambda: False, calls)

    def poll(sleeps: int) -> None:
        record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)
        if sleeps == 2:
            # Met first on the walk back in time: what came before it (read at the same
            # poll or earlier) no longer counts; what comes after does.
            record(calls, *interruption)
            record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)

    # The count starts again at the second poll: it trips one sleep later than without.
    assert sleeps_until_stalled(watch, poll, HOUR / 2) == 2 + 2


@pytest.mark.parametrize("lose_the_marker", ["clear", "overflow"])
def test_a_log_cleared_or_overflowed_since_the_last_sleep_starts_the_count_over(lose_the_marker: str) -> None:
    calls = CallLog(limit=8)
    watch = PollingWatch(HOUR, lambda: False, calls)

    def poll(sleeps: int) -> None:
        if sleeps == 2:
            # What happened since the last sleep can no longer be known (a write may have
            # been among the dropped calls): the count starts again from what the log holds.
            record(calls, "UpdateCampaign", {"campaignArn": CAMPAIGN})
            if lose_the_marker == "clear":
                calls.clear()
            else:
                for _ in range(8):
                    record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)
        record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)

    assert sleeps_until_stalled(watch, poll, HOUR / 2) == 2 + 2


def test_a_poll_that_reads_more_resources_than_the_log_holds_never_trips_wrongly() -> None:
    calls = CallLog(limit=8)
    watch = PollingWatch(60, lambda: False, calls)
    for _ in range(MIN_POLLS * 3):
        for index in range(20):
            record(
                calls,
                "DescribeCampaign",
                {"campaign": {"campaignArn": f"{CAMPAIGN}{index}", "status": "ACTIVE"}},
            )
        # Each poll overflows the log, so each starts the count over: it never trips.
        watch.before_sleep(59)


def test_a_call_recorded_by_another_thread_during_the_walk_is_not_lost() -> None:
    class BusyLog(CallLog):
        """A log another thread writes to while the watch walks it."""

        def newest_first(self) -> Iterator[Entry]:
            walk = super().newest_first()
            yield next(walk)
            record(self, "DescribeCampaign", ACTIVE_CAMPAIGN)
            yield from walk  # a deque refuses to go on once it changed

    calls = BusyLog()
    watch = PollingWatch(HOUR, lambda: False, calls)
    assert (
        sleeps_until_stalled(watch, lambda _: record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN), HOUR / 2)
        == 3
    )


def test_refused_calls_count_as_reads_whatever_refused_them() -> None:
    class Refused(ServiceError):
        code = "ResourceInUseException"

    calls = CallLog()
    watch = PollingWatch(60, lambda: False, calls)
    _, error = stalled(watch, lambda _: record(calls, "DeleteSchema", error=Refused("in use")), 59)
    assert "DeleteSchema was refused with ResourceInUseException (in use)" in str(error)
    # An injected common error says the code the client saw.
    calls = CallLog()
    watch = PollingWatch(60, lambda: False, calls)
    throttled = CommonServiceError("ThrottlingException", "Rate exceeded")
    _, error = stalled(watch, lambda _: record(calls, "DescribeCampaign", error=throttled), 59)
    assert "DescribeCampaign was refused with ThrottlingException (Rate exceeded)" in str(error)


def test_the_message_lists_resources_in_the_order_they_were_read() -> None:
    calls = CallLog()
    watch = PollingWatch(60, lambda: False, calls)
    arns = [f"{CAMPAIGN}{index}" for index in range(5)]

    def poll(_: int) -> None:
        for arn in arns:
            record(calls, "DescribeCampaign", {"campaign": {"campaignArn": arn, "status": "ACTIVE"}})

    assert list(stalled(watch, poll, 59)[1].resources) == arns


def test_a_resource_read_again_keeps_its_first_place_and_shows_its_newest_status() -> None:
    calls = CallLog()
    watch = PollingWatch(60, lambda: False, calls)
    first, second = f"{CAMPAIGN}1", f"{CAMPAIGN}2"

    def poll(_: int) -> None:
        record(calls, "DescribeCampaign", {"campaign": {"campaignArn": first, "status": "ACTIVE"}})
        record(calls, "DescribeCampaign", {"campaign": {"campaignArn": second, "status": "ACTIVE"}})
        record(
            calls,
            "DescribeCampaign",
            {"campaign": {"campaignArn": first, "status": "CREATE FAILED", "failureReason": "newest"}},
        )

    resources = stalled(watch, poll, 59)[1].resources
    assert list(resources) == [first, second]
    assert resources[first] == ("CREATE FAILED", "newest")
    assert resources[second] == ("ACTIVE", None)


def test_a_list_names_its_resources_in_the_order_it_returned_them() -> None:
    calls = CallLog()
    watch = PollingWatch(60, lambda: False, calls)
    arns = [f"{CAMPAIGN}{name}" for name in ("a", "b", "c")]
    listing = {"campaigns": [{"campaignArn": arn, "status": "ACTIVE"} for arn in arns]}
    assert list(stalled(watch, lambda _: record(calls, "ListCampaigns", listing), 59)[1].resources) == arns


def test_what_a_read_shows() -> None:
    arn = "arn:aws:personalize:us-east-1:1:campaign/c"
    active = {"campaignArn": arn, "status": "ACTIVE", "failureReason": None}
    # Single resources, lists of summaries, and fields that are neither (a nextToken).
    assert read_resources({"campaign": active}) == [(arn, "ACTIVE", None)]
    assert read_resources({"campaigns": [active, "odd"], "nextToken": "t"}) == [(arn, "ACTIVE", None)]
    # Anything in flight, at the top level or in a nested update, means "still waiting".
    assert read_resources({"campaign": {**active, "status": "CREATE IN_PROGRESS"}}) is None
    updating = {**active, "latestCampaignUpdate": {"status": "CREATE PENDING"}}
    assert read_resources({"campaign": updating}) is None
    # Resources without a status (a schema, a recipe) are read but name nothing.
    assert read_resources({"schema": {"schemaArn": "arn:s", "name": "s"}}) == []


def test_an_async_sleep_without_a_watch_only_moves_the_clock() -> None:
    async def body() -> float:
        with mock_personalize(stall_after=None) as pm:
            before = pm.state.clock.offset
            await asyncio.sleep(60)
            return pm.state.clock.offset - before

    assert asyncio.run(body()) == 60


def test_a_runtime_call_between_polls_neither_counts_nor_resets() -> None:
    calls = CallLog()
    watch = PollingWatch(60, lambda: False, calls)

    def poll(_: int) -> None:
        record(calls, "DescribeCampaign", ACTIVE_CAMPAIGN)
        record(calls, "GetRecommendations", {"itemList": []})

    # The same count as without the runtime calls: the third poll, after 60 s slept.
    assert sleeps_until_stalled(watch, poll, 30) == MIN_POLLS
