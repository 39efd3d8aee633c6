"""Fail closed: block Personalize requests at botocore's HTTP send layer while a mock is active.

The ``before-send`` handler covers clients of sessions created after the import. Clients of
older sessions carry none of the library's handlers, so their requests would be signed and
sent; patching the send method of botocore's (and aiobotocore's) HTTP session catches them.
Requests to other services pass through untouched, so moto or real calls keep working.
"""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlsplit

from personalize_mock.endpoints import is_loopback_url
from personalize_mock.errors import EscapedRequestError

_SCOPE_MARK = b"/personalize/aws4_request"


def is_personalize_request(request: Any) -> bool:
    """Whether ``request`` is for one of the three Personalize services, bound off the machine.

    All three sign with the service name ``personalize``; the host check covers default
    endpoints of unsigned requests.
    """
    if is_loopback_url(str(getattr(request, "url", ""))):
        # Sent on purpose to a local server: it never leaves the machine (docs/usage.md).
        return False
    headers = getattr(request, "headers", None) or {}
    authorization = headers.get("Authorization") or b""
    if isinstance(authorization, str):
        authorization = authorization.encode("utf-8", "replace")
    if _SCOPE_MARK in authorization:
        return True
    host = urlsplit(str(getattr(request, "url", ""))).hostname or ""
    return host.split(".", 1)[0] in {"personalize", "personalize-runtime", "personalize-events"}


class SendGuard:
    """Wraps the ``send`` methods of the HTTP session classes that are loaded."""

    def __init__(self) -> None:
        self._originals: list[tuple[type, Any]] = []

    def _targets(self) -> list[type]:
        targets: list[type] = []
        botocore_http = sys.modules.get("botocore.httpsession")
        if botocore_http is not None:
            targets.append(botocore_http.URLLib3Session)
        # aiobotocore keeps HttpxSession in its own module (older releases had it in httpsession).
        for module_name in ("aiobotocore.httpsession", "aiobotocore.httpxsession"):
            aio_http = sys.modules.get(module_name)
            if aio_http is None:
                continue
            for name in ("AIOHTTPSession", "HttpxSession"):
                cls = aio_http.__dict__.get(name)
                if isinstance(cls, type) and "send" in cls.__dict__ and cls not in targets:
                    targets.append(cls)
        return targets

    def install(self) -> None:
        for cls in self._targets():
            original = cls.__dict__["send"]
            self._originals.append((cls, original))
            # One wrapper per original, reused by every activation (building it, with its
            # coroutine check, was ~1 µs of each activation).
            guarded = _GUARDED.get(original)
            if guarded is None:
                guarded = _GUARDED[original] = _guarded(original)
            setattr(cls, "send", guarded)  # noqa: B010

    def uninstall(self) -> None:
        while self._originals:
            cls, original = self._originals.pop()
            setattr(cls, "send", original)  # noqa: B010


#: The guarded ``send`` of each original ``send`` seen (a handful of classes per process).
_GUARDED: dict[Any, Any] = {}


def _guarded(original: Any) -> Any:
    import inspect

    if inspect.iscoroutinefunction(original):

        async def guarded_async_send(self: Any, request: Any) -> Any:
            if is_personalize_request(request):
                raise EscapedRequestError(str(request.url))
            return await original(self, request)

        guarded_async_send.__wrapped__ = original  # type: ignore[attr-defined]
        return guarded_async_send

    def guarded_send(self: Any, request: Any) -> Any:
        if is_personalize_request(request):
            raise EscapedRequestError(str(request.url))
        return original(self, request)

    guarded_send.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded_send
