"""What a mock holds, as plain data: ``pm.inspect()`` and the server's ``GET /_personalize_mock/state``.

The view is stable and documented (docs/usage.md, "Inspecting the state"): a JSON-ready dict
``{"now", "accountId", "resources": [{"region", "kind", "arn", "name", "status", "created"}]}``
with ISO-8601 UTC timestamps (millisecond precision), resources sorted by region, kind and
creation order. Work that has come due runs first, so each status is the one a Describe call
would answer now.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from personalize_mock.state import MockState


def iso(seconds: float) -> str:
    """Epoch seconds as ISO-8601 UTC with milliseconds: ``2026-01-02T03:04:05.678+00:00``."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


def describe_state(state: MockState) -> dict[str, Any]:
    """Every live resource of every region with its status now (see the module docstring)."""
    with state.lock:
        for backend in state.backends.values():
            backend.run_due()
        now = state.clock.time()
        resources = [
            {
                "region": region,
                "kind": kind,
                "arn": resource.arn,
                "name": resource.name,
                "status": resource.status(now),
                "created": iso(resource.created),
            }
            for region, backend in sorted(state.backends.items())
            for kind, collection in sorted(backend.collections.items())
            for resource in list(collection.live(now))
        ]
    return {"now": iso(now), "accountId": state.options.account_id, "resources": resources}
