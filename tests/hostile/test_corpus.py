"""The hostile corpus on every path: 0 Python exceptions from inside the mock, the paths agree
on the error, and nothing a client can see changes after any error.

Paths: in-process normal and fast mode, each with and without botocore's parameter validation
(``Config(parameter_validation=False)``), and the server (one in every :data:`SERVER_STRIDE`
entries, with validation off: with it on, botocore refuses the same requests client-side
before any of them reaches a server, as it does in-process).
"""

from __future__ import annotations

import functools

import fuzzing
import hostile_paths
from hostile_corpus import CORPUS
from hostile_paths import OK, PARAM_VALIDATION, Report

#: Every how many corpus entries the server path runs one (a round trip over loopback HTTP
#: costs ~5 times an in-process call).
SERVER_STRIDE = 3
SERVER_ENTRIES = CORPUS[::SERVER_STRIDE]
#: Entries refused (and then checked for changes) on each in-process path, at least: the rest
#: are accepted as the service accepts them (an empty eventType, a user id with a NUL).
MIN_CHECKED = 1400
#: Requests botocore's serializer rewrites into valid ones when validation is off: a dict
#: given for UntagResource's query-string list ``tagKeys`` is sent as its keys. The server
#: sees (and accepts) the rewritten request; in-process, the mock refuses the value passed.
WIRE_REWRITES = {"UntagResource[tagKeys=dict]"}


@functools.cache
def in_process(fast: bool, validation: bool) -> Report:
    return hostile_paths.in_process(CORPUS, fast=fast, validation=validation)


def _sound(report: Report) -> None:
    assert report.defects == [], "\n".join(report.defects)
    assert report.changed == [], "\n".join(report.changed)


def _unknown_member(label: str) -> bool:
    # A structure member given keys its shape lacks: botocore's serializer raises KeyError on
    # them (normal mode, validation off); fast mode runs no serializer and the mock, like the
    # service, ignores unknown members (tests/interception/test_validation_off.py).
    return label.endswith("=nested wrong]")


def test_the_corpus_is_large_and_covers_every_operation() -> None:
    operations = {operation for _, operation in fuzzing.implemented()}
    assert len(operations) == 79
    assert {entry.operation for entry in CORPUS} == operations
    assert len(CORPUS) >= 600
    assert len({str(entry) for entry in CORPUS}) == len(CORPUS)  # each entry is named once
    assert len(SERVER_ENTRIES) >= 450


def _normal_and_fast_agree(normal: Report, fast: Report) -> None:
    differ = {
        name: (normal.outcomes[name], fast.outcomes[name])
        for name in normal.outcomes
        if normal.outcomes[name] != fast.outcomes[name] and not _unknown_member(name)
    }
    assert differ == {}


def _unvalidated_refuses_what_botocore_would(validated: Report, unvalidated: Report) -> None:
    for name, outcome in validated.outcomes.items():
        without = unvalidated.outcomes[name]
        if outcome == PARAM_VALIDATION:
            # botocore refused it client-side; the service refuses it too (or botocore's
            # serializer gives up first on an unknown member).
            assert without == "InvalidInputException" or _unknown_member(name), (name, without)
        else:
            assert without == outcome, (name, outcome, without)
    assert PARAM_VALIDATION not in unvalidated.outcomes.values()


def test_every_in_process_path_refuses_alike_without_exception_and_changes_nothing() -> None:
    # One test for the four paths: each runs the corpus once (a few seconds), and the
    # comparisons need all four.
    paths = {
        (fast, validation): in_process(fast, validation)
        for fast in (False, True)
        for validation in (True, False)
    }
    for report in paths.values():
        _sound(report)
        assert report.checked >= MIN_CHECKED
    for validation in (True, False):
        _normal_and_fast_agree(paths[False, validation], paths[True, validation])
    for fast in (False, True):
        _unvalidated_refuses_what_botocore_would(paths[fast, True], paths[fast, False])
    _documents_and_values_get_their_own_error(paths[True, False])


HAND_WRITTEN = {
    "deep properties",
    "nan properties",
    "infinity properties",
    "deep schema",
    "deep object schema",
    "nan schema",
    "duplicate tag key",
    "integer min>max",
    "continuous min>max",
}


def _documents_and_values_get_their_own_error(report: Report) -> None:
    outcomes = report.outcomes
    for entry in CORPUS:
        outcome = outcomes[str(entry)]
        if entry.label in HAND_WRITTEN or entry.label.startswith("explorationWeight"):
            assert outcome == "InvalidInputException", (str(entry), outcome)
        if entry.label.startswith("forged nextToken"):
            assert outcome == "InvalidNextTokenException", (str(entry), outcome)


def test_the_server_answers_as_in_process() -> None:
    report = hostile_paths.through_server(SERVER_ENTRIES, validation=False)
    _sound(report)
    assert report.checked >= 450
    local = in_process(True, False).outcomes
    # A server client runs botocore's serializer, which with validation off gives up on some
    # wrong types itself (AttributeError, KeyError: "botocore:..."), before any request
    # exists; the in-process paths answer those before serializing. Every request that
    # reached the server got the in-process answer.
    reached = {name: remote for name, remote in report.outcomes.items() if not remote.startswith("botocore:")}
    assert len(reached) >= 400
    differ = {
        name: (local[name], remote)
        for name, remote in reached.items()
        if local[name] != remote and name not in WIRE_REWRITES
    }
    assert differ == {}
    assert sum(outcome != OK for outcome in reached.values()) >= 400
