"""Static fake credentials in the environment while a mock is active (restored on exit).

Under a simulated clock far from real time, temporary credentials look expired and botocore
would try to refresh them; users of AWS mocks also expect that no real credentials are used.
"""

from __future__ import annotations

import os

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class FakeCredentials:
    """Sets :data:`FAKE_CREDENTIALS` and puts back exactly what was there before."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def install(self) -> None:
        environ = os.environ
        for name, value in FAKE_CREDENTIALS.items():
            current = environ.get(name)
            # Each write (and its undo) costs ~1 µs of an activation's ~15: suites that set
            # these test values themselves (moto's habit) pay nothing.
            if current != value:
                self._saved[name] = current
                environ[name] = value

    def uninstall(self) -> None:
        environ = os.environ
        for name, value in self._saved.items():
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value
        self._saved.clear()
