"""Default options of server mode: durations long enough to watch in wall time.

The server's simulated clock follows the wall clock between control calls, so with the
in-process durations a dataset group would leave ``CREATE PENDING`` one second after it was
created, before a client polling over HTTP had looked. In server mode every duration that is
not zero lasts at least :data:`MINIMUM` (ten minutes), so each PENDING phase (a tenth of the
duration) lasts at least a minute; clients move time on with the control API's ``advance``
and ``settle``. Durations that are zero (a solution is ACTIVE at once) stay zero.
docs/server.md lists the table; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from personalize_mock.options import DEFAULT_DURATIONS, MINUTE, MockOptions

#: The shortest non-zero duration in server mode.
MINIMUM = 10 * MINUTE

#: Server-mode durations (simulated seconds) per kind of work.
SERVER_DURATIONS: Mapping[str, float] = MappingProxyType(
    {key: seconds if seconds == 0 else max(seconds, MINIMUM) for key, seconds in DEFAULT_DURATIONS.items()}
)


def server_options(**overrides: Any) -> MockOptions:
    """Options for a server: :data:`SERVER_DURATIONS`, no simulated sleep, then ``overrides``.

    ``overrides`` are the keyword options of ``mock_personalize`` (``account_id``, ``quotas``,
    ``validate_responses``, …); ``durations`` given there are applied over the server table.
    """
    durations = dict(SERVER_DURATIONS)
    durations.update(overrides.pop("durations", None) or {})
    overrides.setdefault("simulate_sleep", False)
    return MockOptions.build(durations=durations, **overrides)
