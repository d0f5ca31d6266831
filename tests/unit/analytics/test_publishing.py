"""When the open-data files are written, which are listed, and which names are served."""

from datetime import UTC, datetime, time
from pathlib import Path

from analytics.publishing import FILE_NAME, next_run, prune, snapshots


def test_the_next_run_is_the_next_time_jakarta_shows_the_hour() -> None:
    before = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # 00:00 WIB on the 23rd
    assert next_run(before, time(1, 0)) == datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    after = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)  # 02:00 WIB
    assert next_run(after, time(1, 0)) == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def test_snapshots_are_listed_newest_first_and_strangers_ignored(tmp_path: Path) -> None:
    for name in (
        "laporan-publik-2026-11-21.csv",
        "laporan-publik-2026-11-21.parquet",
        "laporan-publik-2026-11-22.parquet",
        "laporan-publik-2026-11-22.csv",
        "laporan-publik-2026-11-22.csv.partial",
        "notes.txt",
        "schema.json",
    ):
        (tmp_path / name).write_text("x")
    found = snapshots(tmp_path)
    assert [(s.day, s.files) for s in found] == [
        ("2026-11-22", ["laporan-publik-2026-11-22.csv", "laporan-publik-2026-11-22.parquet"]),
        ("2026-11-21", ["laporan-publik-2026-11-21.csv", "laporan-publik-2026-11-21.parquet"]),
    ]


def test_only_open_data_names_are_served() -> None:
    assert FILE_NAME.match("laporan-publik-2026-11-22.parquet")
    assert FILE_NAME.match("schema.json")
    for name in ("../secrets", "laporan-publik-2026-11-22.csv.partial", "report_facts.json", ""):
        assert not FILE_NAME.match(name)


def test_pruning_keeps_the_newest_days(tmp_path: Path) -> None:
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        for suffix in ("csv", "parquet"):
            (tmp_path / f"laporan-publik-{day}.{suffix}").write_text("x")
    (tmp_path / "schema.json").write_text("{}")
    assert prune(tmp_path, 2) == ["2026-11-20"]
    assert [s.day for s in snapshots(tmp_path)] == ["2026-11-22", "2026-11-21"]
    assert (tmp_path / "schema.json").exists()
