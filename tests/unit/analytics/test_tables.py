"""Rows into Parquet, CSV and JSON lines: types kept, nulls empty, files whole or absent."""

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from analytics.tables import Column, ColumnSurvey, table_file

COLUMNS = [
    Column("id", "string"),
    Column("n", "integer"),
    Column("at", "timestamp"),
    Column("day", "date"),
    Column("ok", "boolean"),
    Column("payload", "json"),
]
AT = datetime(2026, 3, 2, 2, 30, 15, 250000, tzinfo=UTC)
ROWS: list[dict[str, Any]] = [
    {"id": "a", "n": 1, "at": AT, "day": "2026-03-02", "ok": True, "payload": {"k": [1, "x"]}},
    {"id": "b", "n": None, "at": None, "day": None, "ok": False, "payload": None, "extra": 1},
]


def _write(path: Path, file_format: str, batches: int = 2) -> None:
    with table_file(path, file_format, COLUMNS) as writer:
        for _ in range(batches):
            writer.write(ROWS)
        writer.write([])


def test_parquet_keeps_the_types_and_nulls(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    _write(path, "parquet")
    table = pq.read_table(path)
    assert table.column_names == [c.name for c in COLUMNS]
    assert str(table.schema.field("at").type) == "timestamp[ms, tz=UTC]"
    rows = table.to_pylist()
    assert len(rows) == 4
    assert rows[0]["at"] == AT.replace(microsecond=250000)
    assert rows[0]["day"] == date(2026, 3, 2)
    assert json.loads(rows[0]["payload"]) == {"k": [1, "x"]}
    assert rows[1] == {c.name: None for c in COLUMNS} | {"id": "b", "ok": False}


def test_csv_has_a_header_iso_times_and_empty_nulls(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    _write(path, "csv", batches=1)
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows[0] == {
        "id": "a",
        "n": "1",
        "at": "2026-03-02T02:30:15.250000+00:00",
        "day": "2026-03-02",
        "ok": "true",
        "payload": '{"k": [1, "x"]}',
    }
    assert rows[1] == {"id": "b", "n": "", "at": "", "day": "", "ok": "false", "payload": ""}


def test_json_lines_keep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    _write(path, "jsonl", batches=1)
    first, second = (json.loads(line) for line in path.read_text().splitlines())
    assert first["payload"] == {"k": [1, "x"]}
    assert first["at"] == AT.isoformat()
    assert "extra" not in second


def test_a_failed_write_leaves_no_file_and_the_old_one_in_place(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("old\n")

    def broken() -> None:
        with table_file(path, "csv", COLUMNS) as writer:
            writer.write(ROWS)
            raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        broken()
    assert path.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [path]


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="xlsx"), table_file(tmp_path / "x", "xlsx", COLUMNS):
        pass


def test_a_survey_gives_documents_of_no_schema_their_columns() -> None:
    survey = ColumnSurvey()
    survey.observe([{"_id": "a", "count": 1, "share": 0.5, "groups": {"x": 1}, "note": None}])
    survey.observe([{"_id": "b", "count": 2, "share": 1, "groups": {}, "day": "2026-01-01"}])
    assert [(c.name, c.kind) for c in survey.columns()] == [
        ("_id", "string"),
        ("count", "integer"),
        ("share", "float"),
        ("groups", "json"),
        ("note", "string"),
        ("day", "string"),
    ]
