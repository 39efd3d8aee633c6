"""The cyclic garbage collector is off during bulk builds and restored as found."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from personalize_mock.service.core.bulk import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_off_inside_and_back_on_after_nested_builds() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer build is still running
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_restored_when_the_build_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_builds_in_other_threads_keep_it_off_until_the_last_ends() -> None:
    inside, release = threading.Event(), threading.Event()

    def build() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=build)
    worker.start()
    assert inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the worker's build is still running
    release.set()
    worker.join(5)
    assert gc.isenabled()
