"""Shared by every test directory: pytest puts this directory on ``sys.path`` when it loads
this file, so tests under ``tests/service`` and ``tests/server`` can import ``helpers`` too."""
