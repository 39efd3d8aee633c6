"""Bulk work on large data: reading an import's rows, indexing a dataset group's records.

CPython's cyclic garbage collector runs after every few hundred new container objects and,
in its oldest generation, walks every object alive. Building 10⁶ rows and interactions
triggers thousands of such passes over a heap that keeps growing, which measured about three
times the cost of the work itself (docs/performance.md). These objects (dicts, tuples and
lists of strings and numbers) hold no reference cycles, so the passes find nothing to free:
:func:`collector_paused` switches the collector off for the duration of such a build.
Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
# Builds in progress (several threads may run one), and whether the collector was on before
# the first of them: it is switched back on only when the last one ends, and only if it was.
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (restored as found afterwards)."""
    global _depth, _was_enabled
    with _LOCK:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
