"""The store's in-flight bookkeeping: quotas see exactly the resources with work in flight."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from personalize_mock.clock import SimulatedClock
from personalize_mock.service.core.lifecycle import (
    ACTIVE,
    CREATE_STOPPED,
    CREATE_STOPPING,
    DELETE_PENDING,
    GONE,
    IN_FLIGHT,
    Timeline,
)
from personalize_mock.service.core.store import Collection, InFlight, Resource, UpdatableResource


def job(seq: int, start: float, total: float) -> Resource:
    return Resource(f"arn:job/{seq}", f"job-{seq}", seq, start, Timeline.creation(start, 1.0, total))


def in_flight(now: float) -> object:
    return lambda resource: resource.status(now) in IN_FLIGHT


def test_a_quota_is_reached_only_by_resources_still_in_flight() -> None:
    jobs: Collection[Resource] = Collection("job")
    for seq, total in enumerate((10.0, 20.0, 30.0)):
        jobs.add(job(seq, 0.0, total))
    assert jobs.in_flight_reaches(5.0, in_flight(5.0), 3)
    assert not jobs.in_flight_reaches(5.0, in_flight(5.0), 4)
    # At 15 the first job has settled: it leaves the candidates for good.
    assert not jobs.in_flight_reaches(15.0, in_flight(15.0), 3)
    assert jobs.in_flight_reaches(15.0, in_flight(15.0), 2)
    assert [entry[2].seq for entry in sorted(jobs.unsettled)] == [1, 2]


def test_a_predicate_narrows_the_count_when_enough_candidates_remain() -> None:
    jobs: Collection[Resource] = Collection("job")
    for seq in range(4):
        jobs.add(job(seq, 0.0, 100.0))

    def odd(resource: Resource) -> bool:
        return resource.seq % 2 == 1

    assert jobs.in_flight_reaches(1.0, odd, 2)
    assert not jobs.in_flight_reaches(1.0, odd, 3)


def test_work_rescheduled_later_keeps_counting_until_it_settles() -> None:
    jobs: Collection[Resource] = Collection("job")
    late = jobs.add(job(0, 0.0, 10.0))
    # Stopped at 9 s with a stop that takes 5 s: it now settles at 14 s, after its first time.
    late.timeline = late.timeline.then(9.0, [(CREATE_STOPPING, 0.0), (CREATE_STOPPED, 5.0)])
    assert jobs.in_flight_reaches(12.0, in_flight(12.0), 1)
    assert jobs.unsettled[0][0] == 14.0
    assert not jobs.in_flight_reaches(14.0, in_flight(14.0), 1)
    assert jobs.unsettled == []


def test_work_stopped_early_stops_counting_at_once() -> None:
    jobs: Collection[Resource] = Collection("job")
    early = jobs.add(job(0, 0.0, 100.0))
    early.timeline = early.timeline.then(5.0, [(CREATE_STOPPING, 0.0), (CREATE_STOPPED, 1.0)])
    # Still a candidate under its first time (100 s), but no longer in flight at 10 s.
    assert not jobs.in_flight_reaches(10.0, in_flight(10.0), 1)
    assert early.status(10.0) == CREATE_STOPPED


def test_a_resource_with_an_update_settles_when_both_have() -> None:
    resource = UpdatableResource("arn:r/1", "r", 1, 0.0, Timeline.creation(0.0, 1.0, 10.0))
    assert resource.settles_at() == 10.0
    resource.update = Resource("arn:u/1", "u", 2, 20.0, Timeline.creation(20.0, 1.0, 5.0))
    assert resource.settles_at() == 25.0
    resource.update.timeline = Timeline.creation(2.0, 1.0, 3.0)
    assert resource.settles_at() == 10.0


def test_a_rewrite_is_watched_until_it_settles_and_a_gone_resource_is_forgotten() -> None:
    jobs: Collection[Resource] = Collection("job")
    settled = jobs.add(Resource("arn:job/0", "job-0", 0, 0.0, Timeline((ACTIVE,), (0.0,))))
    jobs.in_flight.sweep(1.0)
    assert jobs.in_flight.latest(1.0) == 1.0  # nothing in flight
    jobs.rewrite(settled, 2.0, [(DELETE_PENDING, 0.0), (GONE, 30.0)])
    assert settled.status(10.0) == DELETE_PENDING
    # The rewrite is in flight until it settles, so settle() waits for it ...
    assert jobs.in_flight.latest(10.0) == 32.0
    # ... and once gone, the resource is dropped from the collection.
    jobs.in_flight.sweep(32.0)
    assert "arn:job/0" not in jobs.by_arn
    assert jobs.in_flight.heap == []


def test_a_resource_added_already_gone_is_forgotten_at_the_next_create() -> None:
    # With a region behind it, a collection sweeps at every create and keeps off the heaps
    # what has settled and stays; what has settled as gone must still be swept away.
    region = cast(Any, SimpleNamespace(clock=SimulatedClock()))
    jobs: Collection[Resource] = Collection("job", InFlight(region))
    jobs.add(Resource("arn:job/0", "job-0", 0, 0.0, Timeline((ACTIVE, GONE), (0.0, 1.0))), now=5.0)
    kept = jobs.add(Resource("arn:job/1", "job-1", 1, 0.0, Timeline((ACTIVE,), (0.0,))), now=6.0)
    assert list(jobs.by_arn) == [kept.arn]
    assert jobs.in_flight.heap == []
    assert jobs.unsettled == []
