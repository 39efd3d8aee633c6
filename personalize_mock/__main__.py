"""``python -m personalize_mock serve``: the same command line as ``personalize-mock``."""

from __future__ import annotations

from personalize_mock.server.cli import main

raise SystemExit(main())
