"""Which endpoints the in-process mock leaves alone: loopback ones.

A client aimed at ``endpoint_url="http://127.0.0.1:…"`` (a running personalize-mock server,
LocalStack or another local emulator) was pointed there on purpose: answering it in-process
would silently bypass the server the test set up. Such requests never leave the machine, so
letting them through keeps the promise that nothing reaches AWS. Every other client is still
answered by the mock.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

#: Cheap first look: a URL that starts otherwise cannot be loopback (the hot path reads this).
_LOOPBACK_STARTS = tuple(
    f"{scheme}://{host}" for scheme in ("http", "https") for host in ("127.", "localhost", "[::1]", "[0:0:")
)


def is_loopback_url(url: str) -> bool:
    """Whether ``url``'s host is a loopback address (127.0.0.0/8, ::1) or ``localhost``."""
    if not url.startswith(_LOOPBACK_STARTS):
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
