"""Reading an import's CSV files against the dataset's schema.

The header row names the columns, matched to the schema's field names without regard to
case. Every required field (an Avro type without ``"null"`` in a union) must have a column,
every column must be a field, and each value must parse as the field's type; a failure is a
:class:`DataFileError` whose message becomes the import job's ``failureReason``. Rows come
back as dicts keyed by the schema's own field names, values typed (``int`` for int/long,
``float`` for float/double, ``bool`` for boolean, ``None`` for an empty optional value,
``str`` otherwise).

Line numbers in messages are those of the file, the header being line 1, so they match what
an editor shows. A first column without a name (the index ``pandas.DataFrame.to_csv`` writes)
is skipped.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from personalize_mock.service.core.bulk import collector_paused
from personalize_mock.service.core.json_documents import load_json_document

INTEGER_TYPES = frozenset({"int", "long"})
FLOAT_TYPES = frozenset({"float", "double"})
BOOLEAN = "boolean"
#: The types whose values are converted; any other is kept as the text of the cell.
TYPED = INTEGER_TYPES | FLOAT_TYPES | {BOOLEAN}


class DataFileError(Exception):
    """A file cannot be imported; ``str(error)`` is the failure reason."""


@dataclass(frozen=True)
class Field:
    """One schema field: its name as declared, its Avro base type, whether a value is required."""

    name: str
    type: str
    required: bool


def _base_type(declared: Any) -> tuple[str, bool]:
    """(base type, nullable) of an Avro type: ``"long"``, ``["null", "string"]``, ``{"type": …}``."""
    if isinstance(declared, list):
        nullable = "null" in declared
        others = [member for member in declared if member != "null"]
        base, _ = _base_type(others[0]) if others else ("null", True)
        return base, nullable
    if isinstance(declared, dict):
        return _base_type(declared.get("type"))
    if isinstance(declared, str):
        return declared, declared == "null"
    return "string", False


def schema_fields(schema_text: str) -> list[Field]:
    """The fields of an Avro record schema (already checked by CreateSchema)."""
    document = load_json_document(schema_text, "The schema")
    fields: list[Field] = []
    for declared in document.get("fields", ()):
        base, nullable = _base_type(declared.get("type"))
        fields.append(Field(declared["name"], base, not nullable))
    return fields


def _listed(names: Sequence[str]) -> str:
    return "[" + ", ".join(names) + "]"


def _typed(field: Field, raw: str, line: int, source: str) -> Any:
    """``raw`` as a value of ``field`` (empty, or of a :data:`TYPED` type); :class:`DataFileError`
    if it does not parse."""
    if raw == "":
        if field.required:
            raise DataFileError(f"Missing value for required column {field.name} in line {line} of {source}.")
        return None
    text = raw.strip()
    try:
        if field.type in INTEGER_TYPES:
            return int(text)
        if field.type in FLOAT_TYPES:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError(text)
            return value
        # BOOLEAN: the only other type that reaches here (text values are kept as read).
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise ValueError(text)
        return lowered == "true"
    except ValueError:
        raise DataFileError(
            f"Invalid value {raw!r} for column {field.name} of type {field.type} in line {line} of {source}."
        ) from None


def _columns(header: Sequence[str], fields: Sequence[Field], source: str) -> list[Field | None]:
    """The schema field of each header column (``None``: a column to skip).

    :class:`DataFileError` on a mismatch. Choice (docs/choices.md): a first column without a
    name is the index ``pandas.DataFrame.to_csv`` writes unless told not to (AWS's own
    notebooks write files so), and is skipped; any other unnamed column is not in the schema.
    """
    by_name = {field.name.upper(): field for field in fields}
    seen: set[str] = set()
    unknown: list[str] = []
    duplicated: list[str] = []
    columns: list[Field | None] = []
    for position, raw in enumerate(header):
        name = raw.strip()
        if not name:
            if position == 0:
                columns.append(None)
                continue
            # Named by its place, so the failure reason does not read "[]".
            name = f"(unnamed column {position + 1})"
        key = name.upper()
        if key in seen:
            duplicated.append(name)
        seen.add(key)
        field = by_name.get(key)
        if field is None:
            unknown.append(name)
        else:
            columns.append(field)
    missing = [field.name for field in fields if field.required and field.name.upper() not in seen]
    if missing:
        raise DataFileError(f"Input CSV is missing the following columns: {_listed(missing)} ({source}).")
    if unknown:
        # Choice (docs/choices.md): a column the schema does not declare fails the import.
        raise DataFileError(
            f"Input CSV has columns that are not in the schema: {_listed(unknown)} ({source})."
        )
    if duplicated:
        raise DataFileError(
            f"Input CSV has the following columns more than once: {_listed(duplicated)} ({source})."
        )
    return columns


def parse_csv(data: bytes, fields: Sequence[Field], source: str) -> list[dict[str, Any]]:
    """The rows of one CSV file, typed per schema; :class:`DataFileError` if it cannot be imported.

    Optional fields without a column are absent from the rows; empty lines are skipped.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"Input CSV {source} is not UTF-8 encoded: {error.reason} at byte {error.start}."
        ) from None
    # One dict per row and no cycles among them: see service/core/bulk.py.
    with collector_paused():
        return _rows(text, fields, source)


def _rows(text: str, fields: Sequence[Field], source: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[dict[str, Any]] = []
    # One copy of each distinct string value (user ids, item ids, event types repeat across
    # the rows of an interactions file): at 10⁶ rows that saves most of the memory the rows
    # take, and later dict lookups reuse each string's cached hash.
    interned: dict[str, str] = {}
    intern = interned.setdefault
    try:
        header = next(reader, None)
        if not header or all(not cell.strip() for cell in header):
            raise DataFileError(f"Input CSV {source} is empty: it needs a header row with the column names.")
        columns = _columns(header, fields, source)
        width = len(columns)
        kept = [
            (position, field, field.type not in TYPED)
            for position, field in enumerate(columns)
            if field is not None
        ]
        for values in reader:
            if not values:
                continue
            line = reader.line_num
            if len(values) != width:
                raise DataFileError(
                    f"Line {line} of {source} has {len(values)} values; the header has {width} columns."
                )
            row: dict[str, Any] = {}
            for position, field, plain in kept:
                raw = values[position]
                row[field.name] = intern(raw, raw) if plain and raw else _typed(field, raw, line, source)
            rows.append(row)
    except csv.Error as error:
        raise DataFileError(
            f"Input CSV {source} is not valid CSV in line {reader.line_num}: {error}."
        ) from None
    # Required fields were checked against the header; optional ones without a column are
    # simply absent, as if every value were empty.
    return rows
