"""With --state-file, every answered request survives SIGKILL: the journal, its replay, its file.

The kill test kills real server processes at random moments under eight writing clients
(while another client keeps saving, so kills land in saves too) and checks that a restart
lists every answered write. The replay tests check that a restart reproduces the state
exactly (same ARNs, timestamps, statuses, random generator), across processes too. The rest
covers the journal file: a torn tail, a stale journal, compaction, a failed append.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import server_scenario
from server_helpers import SCHEMA, Live, Served, Writers, list_schema_names, serving

from personalize_mock.server import MockServer, ServerApp, server_options
from personalize_mock.server import app as app_module
from personalize_mock.server import journal as journal_module
from personalize_mock.server.control import describe_state
from personalize_mock.server.journal import MAGIC, Journal, JournalError, PinnedClock, journal_path
from personalize_mock.snapshot import load_state

RUNS = 5
WRITERS = 8
PER_WRITER = 60
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1")
RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
TARGET = "X-Amz-Target"


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _keep_saving(served: Served, stop: threading.Event) -> None:
    """POST save again and again until ``stop`` or the server is gone (bounded: 500 saves)."""
    for _ in range(500):
        if stop.wait(0.01):
            return
        try:
            served.control("save")
        except (OSError, http.client.HTTPException, AssertionError, ValueError):  # killed mid-way
            return


def test_sigkill_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    # Each run restarts on the same state file (the restart replays the journal the previous
    # kill left), checks every earlier run's answered writes, writes in a region of its own
    # and is killed after a random number of answers and a random delay.
    state_file = tmp_path / "state.bin"
    acknowledged: dict[str, list[str]] = {}
    summary = []
    for run, region in enumerate(REGIONS[:RUNS]):
        chance = random.Random(run)
        with serving("--state-file", str(state_file)) as served:
            for earlier, names in acknowledged.items():
                missing = set(names) - list_schema_names(served.port, earlier)
                assert not missing, f"lost after SIGKILL: {sorted(missing)[:5]} ({len(missing)})"
            writers = Writers(served.port, region, f"r{run}", writers=WRITERS, per_writer=PER_WRITER)
            stop_saving = threading.Event()
            saver = threading.Thread(target=_keep_saving, args=(served, stop_saving), daemon=True)
            saver.start()
            writers.start().wait_for(chance.randrange(20, 250))
            time.sleep(chance.uniform(0, 0.02))
            served.process.kill()
            served.process.communicate(timeout=30)
            writers.join()
            stop_saving.set()
            saver.join(30)
        assert writers.unexpected == []
        acknowledged[region] = writers.acknowledged
        summary.append((len(writers.acknowledged), writers.unanswered))
    with serving("--state-file", str(state_file)) as served:
        lost = {
            region: set(names) - list_schema_names(served.port, region)
            for region, names in acknowledged.items()
        }
        code, stderr = served.stop()
    print(f"SIGKILL runs (acknowledged, unanswered): {summary}")
    assert code == 0, stderr
    assert sum(len(names) for names in acknowledged.values()) >= RUNS * 20
    assert lost == {region: set() for region in acknowledged}
    load_state(state_file.read_bytes())  # the file loads by itself too


# -- replay reproduces the state -------------------------------------------------------------


def _auto_training(client: Any, advance: Any) -> dict[str, Any]:
    """Random ids drawn by a read: automatic training that comes due during a List call."""
    group = client.create_dataset_group(name="auto")["datasetGroupArn"]
    advance(3600)
    solution = client.create_solution(
        name="auto", datasetGroupArn=group, recipeArn=RECIPE, performAutoTraining=True
    )["solutionArn"]
    client.update_solution(
        solutionArn=solution,
        performAutoTraining=True,
        solutionUpdateConfig={"autoTrainingConfig": {"schedulingExpression": "rate(1 day)"}},
    )
    advance(3 * 86400)
    listed = client.list_solution_versions(solutionArn=solution)["solutionVersions"]  # a read
    manual = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    return {"listed": [version["solutionVersionArn"] for version in listed], "manual": manual}


def test_a_restart_replays_to_exactly_the_same_state(tmp_path: Path) -> None:
    # The server is "killed" by leaving it running: a second app starts on its files.
    state_file = tmp_path / "state.bin"
    options = server_options(require_data=False)
    with MockServer(options=options, state_file=state_file) as server:
        live = Live(server)
        server_scenario.run(
            live.client,
            lambda seconds: live.control("advance", {"seconds": seconds}),
            lambda: live.control("settle"),
        )
        live.control("fail-next", {"kind": "dataset_group"})
        failed = live.client().create_dataset_group(name="doomed")["datasetGroupArn"]
        live.control("inject-error", {"operation": "ListSchemas", "code": "ThrottlingException", "count": 2})
        live.call("ListSchemas", {})  # consumes one of the two
        auto = _auto_training(live.client(), lambda seconds: live.control("advance", {"seconds": seconds}))
        original = server.app.state
        rng, stamp = original.rng.getstate(), original.clock.last_stamp
        before = describe_state(original)

        restarted = ServerApp.create(state_file=state_file)
        server.app.close(save=False)
    after = describe_state(restarted.state)
    restarted.close()

    assert restarted.replayed > 20
    assert after["resources"] == before["resources"]
    assert restarted.state.rng.getstate() == rng
    assert restarted.state.clock.last_stamp == stamp
    assert seconds(after["now"]) == pytest.approx(seconds(before["now"]), abs=5)
    statuses = {resource["arn"]: resource["status"] for resource in after["resources"]}
    assert statuses[failed] == "CREATE FAILED"
    assert set(auto["listed"]) | {auto["manual"]} <= set(statuses)
    assert len(auto["listed"]) >= 2
    # Injected faults are forgotten, as a snapshot forgets them.
    assert restarted.state.faults.take_error("ListSchemas") is None


def test_a_restart_after_sigkill_replays_the_same_state_in_another_process(tmp_path: Path) -> None:
    # Another process: another hash seed, a real kill, the journal read from the disk.
    state_file = tmp_path / "state.bin"
    with serving("--state-file", str(state_file), "--no-require-data") as served:
        server_scenario.run(
            served.client,
            lambda seconds: served.control("advance", {"seconds": seconds}),
            lambda: served.control("settle"),
        )
        auto = _auto_training(
            served.client(), lambda seconds: served.control("advance", {"seconds": seconds})
        )
        before = served.control("state")
        served.process.send_signal(signal.SIGKILL)
        served.process.communicate(timeout=30)
    with serving("--state-file", str(state_file)) as served:
        after = served.control("state")
        code, stderr = served.stop()

    assert after["resources"] == before["resources"]
    assert {auto["manual"], *auto["listed"]} <= {resource["arn"] for resource in after["resources"]}
    assert "replayed" in stderr and "journaled requests" in stderr
    assert code == 0


# -- the journal file ------------------------------------------------------------------------


def _create(app: ServerApp, name: str) -> str:
    """Create schema ``name`` through ``app``; its ARN."""
    body = json.dumps({"name": name, "schema": SCHEMA}).encode()
    response = app.handle("POST", "/", {TARGET: "AmazonPersonalize.CreateSchema"}, body)
    assert response.status == 200, response.body
    return str(json.loads(response.body)["schemaArn"])


def _names(app: ServerApp) -> list[str]:
    return [resource["name"] for resource in describe_state(app.state)["resources"]]


@pytest.mark.parametrize(
    ("damage", "kept"),
    [
        pytest.param(lambda whole: whole[:-1], ["one"], id="the last payload cut short"),
        pytest.param(lambda whole: whole + b"\x00\x00\x00", ["one", "two"], id="a frame header cut short"),
        pytest.param(
            lambda whole: whole + journal_module._FRAME.pack(100, 0) + b"abc",
            ["one", "two"],
            id="a third payload cut short",
        ),
    ],
)
def test_a_torn_last_entry_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Any, kept: list[str]
) -> None:
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)
    _create(app, "one")
    _create(app, "two")
    app.close(save=False)
    journal = journal_path(state_file)
    journal.write_bytes(damage(journal.read_bytes()))

    with caplog.at_level(logging.WARNING, logger="personalize_mock.server"):
        restored = ServerApp.create(state_file=state_file)
    names = _names(restored)
    restored.close()

    assert names == kept
    assert any("ignored the last" in record.getMessage() for record in caplog.records)


def test_a_corrupt_entry_ends_the_journal(tmp_path: Path) -> None:
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)
    _create(app, "one")
    _create(app, "two")
    app.close(save=False)
    journal = journal_path(state_file)
    data = bytearray(journal.read_bytes())
    data[-1] ^= 0xFF  # the last entry's CRC no longer matches
    journal.write_bytes(bytes(data))

    restored = ServerApp.create(state_file=state_file)

    assert _names(restored) == ["one"]
    restored.close()


def test_a_journal_of_another_snapshot_is_ignored(tmp_path: Path) -> None:
    # What a save interrupted between its two renames leaves: the new snapshot holds all.
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)
    _create(app, "one")
    stale = journal_path(state_file).read_bytes()
    app.save()
    app.close(save=False)
    journal_path(state_file).write_bytes(stale)

    restored = ServerApp.create(state_file=state_file)

    assert restored.replayed == 0
    assert _names(restored) == ["one"]
    restored.close()


@pytest.mark.parametrize("content", [b"", b"hello", MAGIC + b"short"])
def test_a_file_that_is_no_journal_is_refused(tmp_path: Path, content: bytes) -> None:
    state_file = tmp_path / "state.bin"
    ServerApp.create(state_file=state_file).close(save=False)
    journal_path(state_file).write_bytes(content)

    with pytest.raises(JournalError, match="is not a personalize_mock journal"):
        ServerApp.create(state_file=state_file)


def test_an_entry_that_does_not_load_is_refused(tmp_path: Path) -> None:
    state_file = tmp_path / "state.bin"
    ServerApp.create(state_file=state_file).close(save=False)
    payload = b"\x80\x05not a pickle"
    frame = journal_module._FRAME.pack(len(payload), journal_module.zlib.crc32(payload)) + payload
    with journal_path(state_file).open("ab") as file:
        file.write(frame)

    with pytest.raises(JournalError, match=r"entry 1 of .* could not be loaded"):
        ServerApp.create(state_file=state_file)


def test_the_journal_is_compacted_once_it_outgrows_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "COMPACT_BYTES", 0)  # compact at the snapshot's size
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)
    first = state_file.read_bytes()
    arns = [_create(app, f"g{n}") for n in range(40)]
    journal_size = journal_path(state_file).stat().st_size
    snapshot_size = state_file.stat().st_size
    app.close(save=False)

    restored = ServerApp.create(state_file=state_file)

    assert state_file.read_bytes() != first  # a save happened on the way
    assert journal_size <= snapshot_size  # each save emptied the journal
    assert [resource["arn"] for resource in describe_state(restored.state)["resources"]] == arns
    restored.close()


def test_a_failed_append_answers_500_runs_nothing_and_leaves_the_journal_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)
    _create(app, "before")
    real_write = os.write

    def short_write(descriptor: int, data: bytes) -> int:
        return real_write(descriptor, data[:7])

    monkeypatch.setattr(journal_module.os, "write", short_write)
    failed = app.handle(
        "POST",
        "/",
        {TARGET: "AmazonPersonalize.CreateSchema"},
        json.dumps({"name": "lost", "schema": SCHEMA}).encode(),
    )
    monkeypatch.undo()
    _create(app, "after")
    app.close(save=False)

    restored = ServerApp.create(state_file=state_file)

    assert failed.status == 500
    assert "the journal took 7 of" in json.loads(failed.body)["message"]
    assert _names(restored) == ["before", "after"]
    restored.close()


def test_fsync_flushes_every_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flushed: list[int] = []
    real_fdatasync = os.fdatasync
    monkeypatch.setattr(journal_module.os, "fdatasync", lambda fd: flushed.append(fd) or real_fdatasync(fd))
    state_file = tmp_path / "state.bin"

    with MockServer(state_file=state_file, fsync=True) as server:
        client = Live(server).client()
        client.create_dataset_group(name="g")
        client.list_dataset_groups()  # journaled, not flushed
        Live(server).control("state")  # the same
        Live(server).control("advance", {"seconds": 1})

    assert len(flushed) == 2


def test_close_without_saving_keeps_the_journal_for_the_next_start(tmp_path: Path) -> None:
    state_file = tmp_path / "state.bin"
    with MockServer(state_file=state_file) as server:
        arn = Live(server).client().create_dataset_group(name="g")["datasetGroupArn"]
        server.stop(save=False)
    snapshot_groups = load_state(state_file.read_bytes()).backends

    restored = ServerApp.create(state_file=state_file)

    assert snapshot_groups == {}  # the snapshot predates the request; the journal has it
    assert restored.replayed == 1
    assert [resource["arn"] for resource in describe_state(restored.state)["resources"]] == [arn]
    restored.close()


def test_a_state_file_that_is_no_journal_beside_it_exits_2(tmp_path: Path) -> None:
    from personalize_mock.server import cli

    state_file = tmp_path / "state.bin"
    ServerApp.create(state_file=state_file).close(save=False)
    journal_path(state_file).write_bytes(b"garbage")

    assert cli.main(["serve", "--state-file", str(state_file)]) == 2


def test_the_pinned_clock_reads_the_pin_and_moves_it() -> None:
    clock = PinnedClock()
    clock.advance(10)  # not pinned: a plain simulated clock
    assert clock.time() == pytest.approx(time.time() + 10, abs=1)

    clock.pinned = 1_000.0
    clock.advance(5)
    assert (clock.time(), clock.stamp(), clock.stamp()) == (1_005.0, 1_005.0, 1_005.001)
    clock.pinned = None
    assert clock.time() == pytest.approx(time.time() + 15, abs=1)


def test_closing_a_journal_twice_is_harmless(tmp_path: Path) -> None:
    journal = Journal.create(tmp_path / "journal", journal_module.digest(b""))
    journal.close()
    journal.close()
    journal.remove()

    assert not (tmp_path / "journal").exists()


def test_a_failed_compaction_keeps_every_request_journaled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(app_module, "COMPACT_BYTES", 0)
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)
    app._compact_at = 0  # the next request's end saves
    real_create = Journal.create
    failures = iter([OSError("disk full"), None])

    def flaky_create(*args: Any, **kwargs: Any) -> Journal:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_create(*args, **kwargs)

    monkeypatch.setattr(app_module.Journal, "create", flaky_create)
    with caplog.at_level(logging.ERROR, logger="personalize_mock.server"):
        first = _create(app, "first")  # answered; its save dropped the journal and failed
    second = _create(app, "second")  # saves again (and starts a journal) before it runs
    app.close(save=False)

    restored = ServerApp.create(state_file=state_file)

    assert [first, second] == [resource["arn"] for resource in describe_state(restored.state)["resources"]]
    assert any("could not save" in record.getMessage() for record in caplog.records)
    restored.close()


def test_a_request_that_cannot_be_journaled_is_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_file = tmp_path / "state.bin"
    app = ServerApp.create(state_file=state_file)
    app._journal = None  # as a failed save leaves it
    monkeypatch.setattr(app_module, "write_atomically", _raise_disk_full)

    refused = app.handle("POST", "/", {TARGET: "AmazonPersonalize.ListSchemas"}, b"{}")
    monkeypatch.undo()
    listed = app.handle("POST", "/", {TARGET: "AmazonPersonalize.ListSchemas"}, b"{}")
    app.close()

    assert refused.status == 500
    assert "disk full" in json.loads(refused.body)["message"]
    assert listed.status == 200


def _raise_disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError("disk full")
