"""Snapshots of a mock's whole state, as bytes: ``pm.snapshot()``, ``PersonalizeMock.restore()``
and the HTTP server's ``--state-file`` (docs/server.md, "Snapshots and the state file").

A snapshot is a pickle. **Load only snapshots you trust**: unpickling can run any code the
data names. It holds every region backend (resources, the data of dataset groups, scheduled
work such as automatic trainings), the options, the random generator's state, the clock's
last creation stamp and the simulated time at which it was taken. Injected faults
(``fail_next``/``inject_error``) are not part of it.

Simulated time stands still while a snapshot is stored: a restored state resumes at the
simulated "now" of the moment it was taken, so a snapshot restored twice gives the same
statuses both times whatever the wall time in between.

The objects a backend shares with its :class:`~personalize_mock.state.MockState` (clock,
faults, options, random generator) are written as references and bound to the restoring
state's own objects. Status strings that the code compares by identity (``is GONE``) are
written as references to the module constants, so identity survives the round trip.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import pickle
import sys
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from personalize_mock.clock import SimulatedClock
from personalize_mock.options import MockOptions
from personalize_mock.state import MockState

#: First bytes of every snapshot; the digit is the format version.
MAGIC = b"personalize_mock snapshot 1\n"
_SHARED = ("clock", "faults", "options", "rng")
#: Modules whose upper-case string constants keep their identity through a snapshot.
_CONSTANT_MODULES = ("personalize_mock.service.",)


class SnapshotError(ValueError):
    """The data is not a snapshot this version of personalize_mock can load."""


def dump_state(state: MockState) -> bytes:
    """The whole of ``state`` as bytes (taken under the state's lock)."""
    with state.lock:
        header = {
            "options": _options_fields(state.options),
            "now": state.clock.time(),
            # The clock's private field: creation stamps must stay strictly increasing.
            "last_stamp": state.clock.last_stamp,
            "rng": state.rng.getstate(),
        }
        buffer = io.BytesIO()
        buffer.write(MAGIC)
        pickle.dump(header, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        _Pickler(buffer, state).dump(state.backends)
    return buffer.getvalue()


def read_options(data: bytes) -> MockOptions:
    """The options a snapshot was taken with (reads the header only)."""
    header, _ = _read_header(data)
    return _options_from(header["options"])


def read_time(data: bytes) -> float:
    """The simulated time (epoch seconds) at which a snapshot was taken (reads the header only)."""
    header, _ = _read_header(data)
    return float(header["now"])


def load_state(data: bytes, *, clock: SimulatedClock | None = None) -> MockState:
    """A new :class:`MockState` equal to the one ``data`` was taken from.

    ``clock``: the clock the state gets (set to the snapshot's time) instead of a new
    :class:`SimulatedClock`; the server's journal passes one it can pin.
    """
    header, stream = _read_header(data)
    state = MockState(_options_from(header["options"]))
    if clock is not None:
        state.clock = clock
    state.rng.setstate(header["rng"])
    state.clock.offset = float(header["now"]) - time.time()
    state.clock.last_stamp = float(header["last_stamp"])
    try:
        backends = _Unpickler(stream, state).load()
    except Exception as error:  # a truncated or foreign stream: say what it is
        raise SnapshotError(f"the snapshot's backends could not be loaded: {error}") from error
    if not isinstance(backends, dict):
        raise SnapshotError("the snapshot's backends are not a mapping of regions")
    state.backends = backends
    return state


def _read_header(data: bytes) -> tuple[dict[str, Any], io.BytesIO]:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"a snapshot is bytes, got {type(data).__name__}")
    raw = bytes(data)
    if not raw.startswith(MAGIC):
        if raw.startswith(b"personalize_mock snapshot "):
            raise SnapshotError("the snapshot was written in another format version of personalize_mock")
        raise SnapshotError("the data is not a personalize_mock snapshot")
    stream = io.BytesIO(raw)
    stream.seek(len(MAGIC))
    try:
        header = pickle.load(stream)
    except Exception as error:
        raise SnapshotError(f"the snapshot's header could not be read: {error}") from error
    if not isinstance(header, dict) or not {"options", "now", "last_stamp", "rng"} <= header.keys():
        raise SnapshotError("the snapshot's header is incomplete")
    return header, stream


def _options_fields(options: MockOptions) -> dict[str, Any]:
    # MockOptions holds MappingProxyType tables, which do not pickle: store plain dicts.
    return {
        field.name: dict(value) if isinstance(value, Mapping) else value
        for field in dataclasses.fields(options)
        for value in (getattr(options, field.name),)
    }


def _options_from(fields: Mapping[str, Any]) -> MockOptions:
    known = {field.name for field in dataclasses.fields(MockOptions)}
    # Options added since the snapshot was taken keep their defaults; removed ones are dropped.
    given: dict[str, Any] = {
        name: MappingProxyType(dict(value)) if isinstance(value, Mapping) else value
        for name, value in fields.items()
        if name in known
    }
    return MockOptions(**given)


def _constants() -> dict[int, str]:
    """``id(constant) -> "constant:<module>:<name>"`` for the service modules' upper-case str constants.

    The reference is one string built here, never a constant itself: a persistent id is pickled
    in turn, and a constant inside it (``ECOMMERCE = "ECOMMERCE"``) would refer to itself forever.
    """
    found: dict[int, str] = {}
    for module_name, module in list(sys.modules.items()):
        # getattr: sys.modules may hold None for a module whose import failed.
        namespace: dict[str, Any] = getattr(module, "__dict__", None) or {}
        if not module_name.startswith(_CONSTANT_MODULES):
            continue
        for name, value in namespace.items():
            if type(value) is str and name.isupper() and id(value) not in found:
                found[id(value)] = f"constant:{module_name}:{name}"
    return found


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, state: MockState) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._shared = {id(getattr(state, name)): f"shared:{name}" for name in _SHARED}
        self._constants = _constants()

    def persistent_id(self, obj: Any) -> Any:
        key = id(obj)
        shared = self._shared.get(key)
        if shared is not None:
            return shared
        if type(obj) is str:
            return self._constants.get(key)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, state: MockState) -> None:
        super().__init__(file)
        self._state = state

    def persistent_load(self, pid: Any) -> Any:
        kind, _, rest = str(pid).partition(":")
        if kind == "shared" and rest in _SHARED:
            return getattr(self._state, rest)
        if kind == "constant":
            module_name, _, name = rest.partition(":")
            return getattr(importlib.import_module(module_name), name)
        raise pickle.UnpicklingError(f"unknown reference {pid!r} in the snapshot")
