"""Fault injection: ``fail_next`` (creations that end CREATE FAILED) and ``inject_error``."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from personalize_mock.errors import COMMON_ERRORS, MODELED_ERRORS, CommonServiceError, ServiceError

DEFAULT_FAILURE_REASON = "Simulated failure injected by personalize_mock.fail_next()."


@dataclass(frozen=True)
class InjectedError:
    code: str
    message: str

    def to_exception(self) -> ServiceError:
        modeled = MODELED_ERRORS.get(self.code)
        if modeled is not None:
            return modeled(self.message)
        return CommonServiceError(self.code, self.message)


class Faults:
    """Pending injected failures of one mock; consumed first in, first out."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[str]] = {}
        self._errors: dict[str, deque[InjectedError]] = {}
        self._lock = threading.Lock()
        #: Cheap check on the hot path: False until anything is injected.
        self.armed = False

    def fail_next(self, kind: str, reason: str, count: int) -> None:
        with self._lock:
            self._failures.setdefault(kind, deque()).extend([reason] * count)
            self.armed = True

    def inject_error(self, operation: str, code: str, message: str, count: int) -> None:
        with self._lock:
            self._errors.setdefault(operation, deque()).extend([InjectedError(code, message)] * count)
            self.armed = True

    def take_failure(self, kind: str) -> str | None:
        """The failure reason for the next creation of ``kind``, if one was injected."""
        if not self.armed:
            return None
        with self._lock:
            queue = self._failures.get(kind)
            return queue.popleft() if queue else None

    def take_error(self, operation: str) -> InjectedError | None:
        if not self.armed:
            return None
        with self._lock:
            queue = self._errors.get(operation)
            return queue.popleft() if queue else None

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._errors.clear()
            self.armed = False


def check_error_code(code: str, operation_errors: set[str]) -> None:
    """Refuse codes the operation cannot return (a test could not observe them for real)."""
    if code in operation_errors or code in COMMON_ERRORS:
        return
    allowed = ", ".join(sorted(operation_errors | set(COMMON_ERRORS)))
    raise ValueError(f"{code!r} is not an error this operation can return; choose one of: {allowed}")
