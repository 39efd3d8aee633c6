"""List pagination: ``maxResults`` pages and opaque ``nextToken`` values.

A token records which listing it belongs to (the operation and its filter) and the creation
sequence number of the last item returned, so the next page starts with a binary search:
a page costs the same however many resources are stored. A token from another listing, or
one that is not ours, gives ``InvalidNextTokenException`` as on the real service.

A token carries a keyed BLAKE2 tag of its content, with a key drawn once per process, so a
token made by hand (or edited to point elsewhere in a listing) is refused instead of quietly
answering an empty or shifted page: the service's tokens are opaque too. The price, a choice
(docs/choices.md, "Pagination tokens"): a token does not outlive the process that issued it,
so a paginator running across a server restart starts again with ``InvalidNextTokenException``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from personalize_mock.errors import InvalidNextTokenException

DEFAULT_MAX_RESULTS = 100
_PREFIX = "pm2"
#: The key of every token's tag in this process (see the module docstring).
_KEY = secrets.token_bytes(32)
_TAG_SIZE = 12


class Sequenced(Protocol):
    """Anything listed in creation order: ``seq`` grows with each creation in a region."""

    @property
    def seq(self) -> int: ...


T = TypeVar("T", bound=Sequenced)


def _tag(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, key=_KEY, digest_size=_TAG_SIZE).digest()


def encode_token(listing: str, last_seq: int) -> str:
    raw = f"{_PREFIX}\n{listing}\n{last_seq}".encode()
    return base64.urlsafe_b64encode(_tag(raw) + raw).decode("ascii")


def decode_token(token: str, listing: str) -> int:
    """The sequence number stored in ``token``; raises if it is not ours or belongs to another listing."""
    try:
        data = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, binascii.Error):
        raise InvalidNextTokenException("The next token is not valid.") from None
    tag, raw = data[:_TAG_SIZE], data[_TAG_SIZE:]
    if not hmac.compare_digest(tag, _tag(raw)):
        raise InvalidNextTokenException("The next token is not valid.")
    # Ours, so well formed: the format's prefix, the listing and the sequence number.
    _, token_listing, seq = raw.decode().split("\n")
    if token_listing != listing:
        raise InvalidNextTokenException("The next token is not valid for this request.")
    return int(seq)


def paginate(
    items: Sequence[T],
    params: dict[str, Any] | Any,
    listing: str,
    keep: Callable[[T], bool],
    *,
    newest_first: bool = False,
) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted by ascending ``seq``) that pass ``keep``.

    ``listing`` names the listing and its filter (``"ListSolutions|<dataset group arn>"``).
    Returns the page and the token of the next page (``None`` on the last page).
    """
    limit = params.get("maxResults") or DEFAULT_MAX_RESULTS
    token = params.get("nextToken")
    candidates: Iterator[T]
    if newest_first:
        end = len(items)
        if token is not None:
            end = bisect_left(items, decode_token(token, listing), key=lambda item: item.seq)
        # map over indices: a C-level walk from the bisected start, not a copy of the list.
        candidates = map(items.__getitem__, range(end - 1, -1, -1))
    else:
        start = 0
        if token is not None:
            start = bisect_right(items, decode_token(token, listing), key=lambda item: item.seq)
        candidates = map(items.__getitem__, range(start, len(items)))
    page: list[T] = []
    for item in candidates:
        if not keep(item):
            continue
        if len(page) == limit:
            return page, encode_token(listing, page[-1].seq)
        page.append(item)
    return page, None
