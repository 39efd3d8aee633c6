"""Server mode: the mock behind an HTTP endpoint, for code outside the test process.

The AWS JSON 1.1 control plane (``X-Amz-Target``) and the rest-json runtime and events paths
are answered by the same handlers, input validation and :meth:`MockState.dispatch` as the
in-process mock; ``/_personalize_mock/`` holds a small control API (clock, faults, state).
See docs/server.md.
"""

from __future__ import annotations

from personalize_mock.server.app import ServerApp
from personalize_mock.server.defaults import SERVER_DURATIONS, server_options
from personalize_mock.server.httpd import MockServer

__all__ = ["SERVER_DURATIONS", "MockServer", "ServerApp", "server_options"]
