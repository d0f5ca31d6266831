"""Rows written out as Parquet, CSV or JSON lines, batch by batch, under a stable schema.

A file appears whole or not at all: it is written under a temporary name beside its place
and renamed into it once complete (and deleted if writing fails).
"""

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from analytics.analyst_events import json_line, plain

FORMATS = ("parquet", "csv", "jsonl")
Row = Mapping[str, Any]

_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("ms", tz="UTC"),
    "date": pa.date32(),
    # Nested values: a JSON text.
    "json": pa.string(),
}


@dataclass(frozen=True)
class Column:
    """A column: its name, its kind (a key of ``_ARROW``) and what it means."""

    name: str
    kind: str
    description_id: str = ""
    description_en: str = ""


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.kind], nullable=True) for c in columns])


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=plain, ensure_ascii=False, sort_keys=True)


def _arrow_value(value: Any, kind: str) -> Any:
    if kind == "json":
        return _json_text(value)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "json":
        return _json_text(value) or ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class RowWriter(Protocol):
    def write(self, rows: Sequence[Row]) -> None: ...


class _Csv:
    def __init__(self, file: IO[str], columns: Sequence[Column]) -> None:
        self._columns = columns
        self._writer = csv.writer(file, lineterminator="\n")
        self._writer.writerow([c.name for c in columns])

    def write(self, rows: Sequence[Row]) -> None:
        self._writer.writerows(
            [_csv_value(row.get(c.name), c.kind) for c in self._columns] for row in rows
        )


class _JsonLines:
    def __init__(self, file: IO[str], columns: Sequence[Column]) -> None:
        self._file = file
        self._columns = columns

    def write(self, rows: Sequence[Row]) -> None:
        self._file.writelines(
            json_line({c.name: row.get(c.name) for c in self._columns}) + "\n" for row in rows
        )


class _Parquet:
    def __init__(self, writer: pq.ParquetWriter, columns: Sequence[Column]) -> None:
        self._writer = writer
        self._columns = columns
        self._schema = arrow_schema(columns)

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        data = {
            c.name: [_arrow_value(row.get(c.name), c.kind) for row in rows] for c in self._columns
        }
        self._writer.write_table(pa.Table.from_pydict(data, schema=self._schema))


@contextmanager
def renamed_into(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed into it if the block succeeds."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


@contextmanager
def table_file(path: Path, file_format: str, columns: Sequence[Column]) -> Iterator[RowWriter]:
    """A writer of rows with ``columns`` into ``path`` (parquet, csv or jsonl)."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}; one of {', '.join(FORMATS)}")
    with renamed_into(path) as partial:
        if file_format == "parquet":
            writer = pq.ParquetWriter(partial, arrow_schema(columns), compression="zstd")
            try:
                yield _Parquet(writer, columns)
            finally:
                writer.close()
            return
        with partial.open("w", encoding="utf-8", newline="") as file:
            yield _Csv(file, columns) if file_format == "csv" else _JsonLines(file, columns)


def kind_of(value: Any) -> str:
    """The column kind a value fits."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (bool, "boolean"),
        (int, "integer"),
        (float, "float"),
        (str, "string"),
        (datetime, "timestamp"),
        (date, "date"),
    )
    return next((kind for cls, kind in kinds if isinstance(value, cls)), "json")


def _merged(kinds: set[str]) -> str:
    if not kinds:
        return "string"
    if kinds == {"integer", "float"}:
        return "float"
    return kinds.pop() if len(kinds) == 1 else "json"


class ColumnSurvey:
    """Columns for documents of no declared schema, surveyed batch by batch: every top-level
    field, in order of first appearance, of the kind all its values fit (nested or mixed
    values: JSON text)."""

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = {}

    def observe(self, documents: Iterable[Row]) -> None:
        for document in documents:
            for name, value in document.items():
                kinds = self._seen.setdefault(name, set())
                if value is not None:
                    kinds.add(kind_of(value))

    def columns(self) -> list[Column]:
        return [Column(name, _merged(set(kinds))) for name, kinds in self._seen.items()]
