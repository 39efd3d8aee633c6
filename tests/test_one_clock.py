"""One world: while a mock is active, the process's wall clock reads the simulated time.

time-machine carries the mock's offset, so ``time.time()``, ``datetime.now()`` and friends in
the code under test agree with every timestamp the mock hands out, while monotonic clocks
stay real. freezegun and the user's own time-machine travellers keep driving when they are
on, in either order.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

import freezegun
import pytest
import time_machine
from helpers import assert_reset, client

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.clock import SimulatedClock, active_time_machine_traveller

HOUR = 3600.0
RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"


def every_timestamp(value: Any) -> list[datetime]:
    """Every datetime anywhere in a response."""
    if isinstance(value, datetime):
        return [value]
    if isinstance(value, dict):
        return [stamp for item in value.values() for stamp in every_timestamp(item)]
    if isinstance(value, list):
        return [stamp for item in value for stamp in every_timestamp(item)]
    return []


def test_sleep_moves_the_process_wall_clock_but_not_monotonic_clocks() -> None:
    with mock_personalize() as pm:
        wall, aware, naive_utc = time.time(), datetime.now(timezone.utc), datetime.utcnow()
        wall_ns, monotonic, perf = time.time_ns(), time.monotonic(), time.perf_counter()
        time.sleep(HOUR)
        assert time.time() - wall >= HOUR
        assert time.time_ns() - wall_ns >= HOUR * 1e9
        assert (datetime.now(timezone.utc) - aware).total_seconds() >= HOUR
        assert (datetime.utcnow() - naive_utc).total_seconds() >= HOUR
        # Durations stay real: pytest, timeouts and benchmarks measure with these.
        assert time.monotonic() - monotonic < HOUR / 2
        assert time.perf_counter() - perf < HOUR / 2
        assert abs(time.time() - pm.now().timestamp()) < 1
    assert_reset()
    assert abs(time.time() - wall) < HOUR / 2


def test_calendar_functions_follow_the_simulated_clock() -> None:
    with mock_personalize() as pm:
        pm.advance(timedelta(days=400))
        expected = pm.now()
        assert date.today() == expected.astimezone().date()
        assert datetime.now().date() == expected.astimezone().date()
        assert time.gmtime().tm_year == expected.year
        assert time.localtime().tm_yday == expected.astimezone().timetuple().tm_yday
        assert time.strftime("%Y-%m-%d") == expected.astimezone().strftime("%Y-%m-%d")
    assert_reset()
    assert date.today() != expected.astimezone().date()


def test_every_response_timestamp_is_at_or_before_datetime_now_read_after_it() -> None:
    with mock_personalize(require_data=False, quotas={"solutions_per_dataset_group": 100}) as pm:
        personalize = client()
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        responses = [personalize.describe_dataset_group(datasetGroupArn=group)]
        pm.settle()
        checked = 0
        for step in range(30):
            time.sleep(7 * step + 0.3)
            solution = personalize.create_solution(name=f"s{step}", datasetGroupArn=group, recipeArn=RECIPE)
            responses.append(personalize.describe_solution(solutionArn=solution["solutionArn"]))
            responses.append(personalize.list_solutions(datasetGroupArn=group))
            responses.append(personalize.describe_dataset_group(datasetGroupArn=group))
            now = datetime.now(timezone.utc)
            for response in responses:
                for stamp in every_timestamp(response):
                    assert stamp <= now
                    checked += 1
            responses.clear()
            if step % 10 == 9:
                personalize.delete_solution(solutionArn=solution["solutionArn"])
        assert checked > 300


def test_a_deadline_polling_loop_exits_through_its_own_deadline() -> None:
    """The most common loop of AWS's samples: its timeout path now runs, in simulated time."""
    with mock_personalize() as pm:
        personalize = client()
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        pm.settle()
        solution = personalize.create_solution(name="s", datasetGroupArn=group, recipeArn=RECIPE)
        version = personalize.create_solution_version(solutionArn=solution["solutionArn"])[
            "solutionVersionArn"
        ]
        max_time = time.time() + 3 * 60 * 60
        polls = 0
        status = ""
        while time.time() < max_time:
            status = personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"][
                "status"
            ]
            if status == "ACTIVE":
                break
            polls += 1
            time.sleep(60)
        # No data: the training failed, and the loop ran out of time after 3 simulated hours.
        assert status == "CREATE FAILED"
        assert polls == 180


def test_other_threads_read_the_same_wall_clock() -> None:
    seen: list[float] = []
    with mock_personalize() as pm:
        pm.advance(5 * HOUR)
        thread = threading.Thread(target=lambda: seen.append(time.time()))
        thread.start()
        thread.join()
        assert abs(seen[0] - pm.now().timestamp()) < 1


def test_wall_clock_false_keeps_the_process_clock_real() -> None:
    with mock_personalize(wall_clock=False) as pm:
        before = time.time()
        time.sleep(HOUR)
        assert time.time() - before < HOUR / 2
        assert pm.now().timestamp() - time.time() >= HOUR - 1
        assert active_time_machine_traveller() is None
    assert_reset()


def test_nested_activations_start_one_traveller() -> None:
    with mock_personalize() as outer:
        outer.advance(HOUR)
        traveller = active_time_machine_traveller()
        assert traveller is not None
        with mock_personalize() as inner:
            assert time_machine.traveller_stack == [traveller]
            inner.advance(HOUR)
            assert time_machine.traveller_stack == [traveller]
        outer.advance(HOUR)
        assert time_machine.traveller_stack == [traveller]
        assert abs(time.time() - outer.now().timestamp()) < 1
    assert_reset()


def test_the_traveller_starts_at_the_first_move() -> None:
    """Until the simulated time leaves the process's, the wall clock already reads it."""
    with mock_personalize() as pm:
        assert active_time_machine_traveller() is None
        assert abs(time.time() - pm.now().timestamp()) < 1
        client().list_dataset_groups()
        assert active_time_machine_traveller() is None
        time.sleep(60)
        assert active_time_machine_traveller() is not None
        assert abs(time.time() - pm.now().timestamp()) < 1
    assert_reset()


def test_threads_making_the_first_move_together_start_one_traveller() -> None:
    threads = 8
    with mock_personalize() as pm:
        barrier = threading.Barrier(threads)

        def move() -> None:
            barrier.wait()
            pm.advance(HOUR)

        workers = [threading.Thread(target=move) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert len(time_machine.traveller_stack) == 1
        assert pm.state.clock.offset == threads * HOUR
        assert abs(time.time() - pm.now().timestamp()) < 1
    assert_reset()


def test_a_user_traveller_on_at_the_first_move_is_shifted_and_ours_starts_after_it() -> None:
    with mock_personalize() as pm:
        destination = datetime(2031, 1, 1, tzinfo=timezone.utc)
        with time_machine.travel(destination, tick=False) as users:
            time.sleep(90)
            assert time_machine.traveller_stack == [users]
            assert pm.now() == datetime.now(timezone.utc) == destination + timedelta(seconds=90)
        # The mock's own time never moved: the process's again, until the next move.
        assert active_time_machine_traveller() is None
        assert abs(pm.now().timestamp() - time.time()) < 1
        time.sleep(HOUR)
        assert active_time_machine_traveller() is not None
        assert abs(pm.now().timestamp() - time.time()) < 1
        assert pm.now().timestamp() - time_machine.escape_hatch.time.time() >= HOUR - 1
    assert_reset()


def test_freezegun_on_at_the_first_move_is_ticked_and_starts_no_traveller() -> None:
    with mock_personalize() as pm:
        frozen = datetime(2030, 6, 1, tzinfo=timezone.utc)
        with freezegun.freeze_time(frozen):
            time.sleep(60)
            assert active_time_machine_traveller() is None
            assert pm.now() == datetime.now(timezone.utc) == frozen + timedelta(minutes=1)
        assert abs(pm.now().timestamp() - time.time()) < 1
    assert_reset()


def test_every_activation_style_releases_the_wall_clock() -> None:
    @mock_personalize
    def decorated() -> float:
        time.sleep(HOUR)
        return time.time()

    real = time.time()
    assert decorated() - real >= HOUR
    assert_reset()
    mock = PersonalizeMock()
    mock.start()
    mock.advance(HOUR)
    mock.stop()
    assert_reset()
    assert time.time() - real < HOUR / 2


def test_body_raising_still_releases_the_wall_clock() -> None:
    with pytest.raises(KeyError), mock_personalize() as pm:
        pm.advance(HOUR)
        raise KeyError("boom")
    assert_reset()


def test_a_restored_snapshot_resumes_at_its_time_on_the_wall_clock() -> None:
    with mock_personalize() as pm:
        pm.advance(30 * 24 * HOUR)
        saved_at = pm.now()
        snapshot = pm.snapshot()
    with PersonalizeMock.restore(snapshot):
        assert abs((datetime.now(timezone.utc) - saved_at).total_seconds()) < 5
    assert_reset()


# -- freezegun and time-machine, in either order ---------------------------------------------------


def test_freezegun_started_first_keeps_driving() -> None:
    frozen = datetime(2024, 1, 2, tzinfo=timezone.utc)
    with freezegun.freeze_time(frozen), mock_personalize() as pm:
        assert active_time_machine_traveller() is None
        time.sleep(HOUR)
        assert datetime.now(timezone.utc) == frozen + timedelta(hours=1)
        assert pm.now() == frozen + timedelta(hours=1)
    assert_reset()


def test_freezegun_started_inside_the_mock_drives_while_it_runs() -> None:
    with mock_personalize() as pm:
        pm.advance(HOUR)
        frozen = datetime(2030, 6, 1, tzinfo=timezone.utc)
        with freezegun.freeze_time(frozen):
            time.sleep(60)
            assert pm.now() == datetime.now(timezone.utc) == frozen + timedelta(minutes=1)
        # Back on the mock's own clock, which freezegun's ticks did not move.
        assert abs(pm.now().timestamp() - time.time()) < 1
        assert pm.now() < frozen
    assert_reset()


def test_user_time_machine_started_first_is_shifted_by_the_mock() -> None:
    destination = datetime(2025, 3, 1, tzinfo=timezone.utc)
    with time_machine.travel(destination, tick=False) as traveller, mock_personalize() as pm:
        assert time_machine.traveller_stack == [traveller]
        time.sleep(HOUR)
        assert datetime.now(timezone.utc) == destination + timedelta(hours=1)
        assert pm.now() == destination + timedelta(hours=1)
    assert_reset()


def test_user_time_machine_started_inside_the_mock_drives_while_it_runs() -> None:
    with mock_personalize() as pm:
        pm.advance(HOUR)
        destination = datetime(2031, 1, 1, tzinfo=timezone.utc)
        with time_machine.travel(destination, tick=False):
            time.sleep(90)
            assert pm.now() == datetime.now(timezone.utc) == destination + timedelta(seconds=90)
        assert abs(pm.now().timestamp() - time.time()) < 1
    assert_reset()


def test_a_user_traveller_left_running_outlives_the_mock() -> None:
    mock = mock_personalize()
    mock.start()
    mock.advance(HOUR)  # the mock's own traveller is on
    destination = datetime(2032, 1, 1, tzinfo=timezone.utc)
    users = time_machine.travel(destination, tick=False)
    users.start()
    mock.stop()
    # The mock's traveller is gone; the user's keeps the time it set.
    assert datetime.now(timezone.utc) == destination
    users.stop()
    assert_reset()
    assert active_time_machine_traveller() is None


def test_releasing_a_clock_that_never_drove_does_nothing() -> None:
    clock = SimulatedClock()
    clock.release_wall_clock()
    clock.drive_wall_clock()
    clock.drive_wall_clock()  # already driving
    assert active_time_machine_traveller() is None
    clock.advance(HOUR)
    assert abs(time.time() - clock.time()) < 1
    clock.release_wall_clock()
    assert active_time_machine_traveller() is None
    assert clock.time() - time.time() >= HOUR - 1


@pytest.mark.parametrize("seconds", [10**30, 1e300, timedelta.max])
def test_a_move_no_datetime_can_hold_is_refused_and_the_clock_stays(seconds: Any) -> None:
    with mock_personalize() as pm:
        before = pm.now()
        with pytest.raises(ValueError, match="outside the range of datetime"):
            pm.advance(seconds)
        assert abs((pm.now() - before).total_seconds()) < 1
        assert abs(time.time() - pm.now().timestamp()) < 1
        client().list_dataset_groups()
    assert_reset()
