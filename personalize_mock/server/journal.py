"""The state file's journal: every request that reaches the state, written down before it runs.

With ``--state-file`` the server keeps two files: the snapshot (``state.bin``, written by
:func:`~personalize_mock.snapshot.dump_state`) and this journal beside it
(``state.bin.journal``). Each request that reaches the state is appended to the journal,
under the state's lock and before it runs, so a response never leaves the server before its
request is in the file: after SIGKILL, a restart loads the snapshot and runs the journal
again. Saving (``POST /_personalize_mock/save``, a clean stop, a journal grown past
:data:`COMPACT_BYTES`) writes a new snapshot and starts an empty journal.

Why a journal of requests rather than a snapshot per write: writing the whole state costs
hundreds of microseconds for ten resources and grows with the state (docs/server.md,
"Durability"); an append costs a few microseconds whatever the state holds.

Running a request again gives the same result only if everything it reads is the same. What
it reads besides the state:

* **The clock.** While a journaled request runs, :class:`PinnedClock` reads one fixed time,
  recorded in the request's entry; a replay pins the same time. (Every reading within one
  request is then the same instant, as if the request took no time.)
* **Random ids.** The generator's state is in the snapshot; as every request that reaches the
  state is journaled, reads included, a replay draws the same numbers in the same order.
  Reads must be journaled too: ``GetRecommendations`` draws a recommendation id, and any call
  runs the automatic trainings that have come due, which draw version ids.
* **Injected faults.** The control calls that inject them are journaled too.

File format: :data:`MAGIC`, the SHA-256 of the snapshot the journal follows (a journal left
behind by a save that was interrupted between its two renames names an older snapshot and is
ignored), then one frame per entry: payload length and CRC-32 (two big-endian 32-bit
numbers), then the payload, a pickle. A frame cut short or failing its CRC (the process died
while writing it) ends the journal: it and anything after it are ignored. Like the
snapshot, the journal is a pickle: load only files you trust.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

from personalize_mock.clock import SimulatedClock
from personalize_mock.snapshot import SnapshotError

logger = logging.getLogger("personalize_mock.server")

#: First bytes of every journal; the digit is the format version.
MAGIC = b"personalize_mock journal 1\n"
_DIGEST_SIZE = 32
_FRAME = struct.Struct(">II")
#: A save (compaction) happens once the journal holds more than this many bytes, or more
#: than the snapshot's size if that is larger: a restart then replays at most about that
#: much, and saving costs, per journaled byte, a bounded share of the snapshot's cost.
COMPACT_BYTES = 1024 * 1024


class JournalError(SnapshotError):
    """The file beside the state file is not a journal this version can read."""


def digest(snapshot: bytes) -> bytes:
    """What a journal records of the snapshot it follows."""
    return hashlib.sha256(snapshot).digest()


def journal_path(state_file: Path) -> Path:
    """Where the journal of ``state_file`` lives: beside it, with ``.journal`` appended."""
    return state_file.with_name(state_file.name + ".journal")


def read_journal(path: Path, snapshot_digest: bytes) -> list[Any] | None:
    """The entries of the journal at ``path``, or ``None`` if it follows another snapshot.

    Entries end at the first frame that is cut short or fails its CRC (a write the process
    did not finish); that tail is logged and ignored.
    """
    data = path.read_bytes()
    header = len(MAGIC) + _DIGEST_SIZE
    if not data.startswith(MAGIC) or len(data) < header:
        raise JournalError(f"{path} is not a personalize_mock journal (of this version)")
    if data[len(MAGIC) : header] != snapshot_digest:
        return None
    entries: list[Any] = []
    offset = header
    while offset < len(data):
        start = offset + _FRAME.size
        if start > len(data):
            break
        length, crc = _FRAME.unpack_from(data, offset)
        payload = data[start : start + length]
        if len(payload) != length or zlib.crc32(payload) != crc:
            break
        try:
            entries.append(pickle.loads(payload))
        except Exception as error:  # a frame with a valid CRC that does not load: refuse it
            raise JournalError(f"entry {len(entries) + 1} of {path} could not be loaded: {error}") from error
        offset = start + length
    if offset < len(data):
        logger.warning(
            "%s: ignored the last %d bytes, a write cut short (%d entries kept)",
            path,
            len(data) - offset,
            len(entries),
        )
    return entries


def write_atomically(path: Path, data: bytes, *, sync_directory: bool = False) -> None:
    """Replace ``path`` with ``data``: a temporary file, flushed to disk, renamed over it.

    Whenever the process dies, ``path`` holds either the old content or the new, whole.
    The file is created with permissions 0600 (``mkstemp``).
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            # Without it a power loss after the rename could leave an empty file (ext4, xfs).
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if sync_directory:
        _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Journal:
    """A journal open for appending; made by :meth:`create`."""

    def __init__(self, path: Path, descriptor: int, size: int, *, fsync: bool) -> None:
        self.path = path
        self._descriptor = descriptor
        #: Bytes in the file, header included.
        self.size = size
        self._fsync = fsync

    @classmethod
    def create(cls, path: Path, snapshot_digest: bytes, *, fsync: bool = False) -> Journal:
        """An empty journal following the snapshot of ``snapshot_digest`` (replacing any file)."""
        header = MAGIC + snapshot_digest
        write_atomically(path, header, sync_directory=fsync)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND)
        return cls(path, descriptor, len(header), fsync=fsync)

    def append(self, entry: Any, *, flush: bool = True) -> None:
        """Write ``entry`` (one ``os.write``: in the file once this returns, whatever kills the process).

        With ``fsync`` and ``flush`` it is also on the disk (it survives a power loss), and so
        is every entry before it. Reads pass ``flush=False``: losing the last reads to a power
        loss is as if they had not happened. If the write fails or is cut short (disk full),
        what it wrote is cut off again and the error raised, so no later entry follows a
        broken one.
        """
        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        frame = _FRAME.pack(len(payload), zlib.crc32(payload)) + payload
        try:
            written = os.write(self._descriptor, frame)
            if written != len(frame):
                raise OSError(f"the journal took {written} of {len(frame)} bytes (is the disk full?)")
            if self._fsync and flush:
                os.fdatasync(self._descriptor)
        except OSError:
            os.ftruncate(self._descriptor, self.size)
            raise
        self.size += len(frame)

    def close(self) -> None:
        """Close the file (it stays on disk: a restart replays it)."""
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def remove(self) -> None:
        """Close and delete the file (once a snapshot holds everything it recorded)."""
        self.close()
        self.path.unlink(missing_ok=True)


class PinnedClock(SimulatedClock):
    """The simulated clock of a journaling server: it can be held at one reading.

    While :attr:`pinned` is set, :meth:`time` (and so every stamp) reads it, and ``advance``
    moves it; otherwise it is a plain :class:`SimulatedClock`.
    """

    __slots__ = ("pinned",)

    def __init__(self) -> None:
        super().__init__()
        self.pinned: float | None = None

    def time(self) -> float:
        """The pinned reading, or the simulated time now."""
        pinned = self.pinned
        return super().time() if pinned is None else pinned

    def advance(self, seconds: float) -> None:
        """Move the simulated time forward, the pinned reading with it."""
        super().advance(seconds)
        if self.pinned is not None:
            self.pinned += seconds
