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
            self._saved[name] = environ.get(name)
            environ[name] = value

    def uninstall(self) -> None:
        environ = os.environ
        for name, value in self._saved.items():
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value
        self._saved.clear()
