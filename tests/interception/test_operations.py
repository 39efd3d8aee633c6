"""The operation table names handlers as "module:function" strings, imported on first use."""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any

import pytest

from personalize_mock.interception import operations
from personalize_mock.interception.operations import TABLE, Deferred, handler_for


def entries() -> list[tuple[str, str]]:
    return [(service, operation) for service, table in TABLE.items() for operation in table]


@pytest.mark.parametrize(("service", "operation"), entries())
def test_every_entry_resolves_to_the_function_it_names(
    service: str, operation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = TABLE[service]
    entry = table[operation]
    if not isinstance(entry, Deferred):
        # Already resolved by an earlier call in this process: its name must still match.
        assert callable(entry)
        return
    module_name, _, function_name = entry.target.partition(":")
    expected = getattr(importlib.import_module(f"personalize_mock.service.{module_name}"), function_name)
    assert callable(expected)
    # Resolved through a copy of the table, so the shared one is left as other tests find it.
    copy = dict(table)
    monkeypatch.setitem(TABLE, service, copy)
    copy[operation] = twin = Deferred(copy, operation, entry.target)
    assert handler_for(service, operation) is expected
    assert copy[operation] is expected  # the entry was replaced: later lookups are a dict hit
    assert twin.resolve() is expected
    assert handler_for(service, "NoSuchOperation") is None


def test_a_deferred_entry_called_directly_runs_the_handler_and_replaces_itself() -> None:
    seen: list[Any] = []
    table: dict[str, operations.Handler] = {}
    table["Op"] = entry = Deferred(table, "Op", "core.tags:list_tags_for_resource")
    module = importlib.import_module("personalize_mock.service.core.tags")
    original = module.list_tags_for_resource
    try:
        module.list_tags_for_resource = lambda backend, params: seen.append((backend, params)) or {"tags": []}
        assert entry("backend", {"resourceArn": "arn"}) == {"tags": []}  # type: ignore[arg-type]
    finally:
        module.list_tags_for_resource = original
    assert seen == [("backend", {"resourceArn": "arn"})]
    assert table["Op"] is not entry
    assert "core.tags:list_tags_for_resource" in repr(entry)


def test_a_patched_entry_is_not_overwritten_when_the_deferred_one_resolves() -> None:
    table: dict[str, operations.Handler] = {}
    entry = Deferred(table, "Op", "core.tags:tag_resource")
    table["Op"] = patched = lambda backend, params: {}
    entry.resolve()
    assert table["Op"] is patched


def test_loading_the_table_imports_no_handler_module() -> None:
    # A fresh interpreter: which service modules does importing the table pull in?
    code = (
        "import sys, personalize_mock.interception.operations as o;"
        "print(sorted(m for m in sys.modules if m.startswith('personalize_mock.service.') "
        "and m.count('.') == 3 and not m.startswith('personalize_mock.service.core.')))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


def test_the_service_implementing_an_operation_is_found_by_name() -> None:
    assert operations.implemented_operation("GetRecommendations") == "personalize-runtime"
    assert operations.implemented_operation("PutEvents") == "personalize-events"
    with pytest.raises(ValueError, match="NoSuchOperation"):
        operations.implemented_operation("NoSuchOperation")
