"""Open data: public reports only, no text or identity, a stable schema, nulls for no value."""

from datetime import date

import pytest
from google.protobuf.message import Message

from analytics.domain.facts import Facts
from analytics.opendata import OPEN_COLUMNS, open_row, open_rows, schema_document
from analytics.report_rows import REPORT_COLUMNS, Row, report_row
from lapor.report.v1 import events_pb2 as e
from tests.infra import ROOT
from tests.unit.analytics.lives import AGENCY, ROUTED, life, resolved_life, submitted

# The published schema, version 1: changing it is a decision (a new version), not an accident.
SCHEMA_V1 = [
    ("report_id", "string"),
    ("submitted_at", "timestamp"),
    ("day", "date"),
    ("report_type", "string"),
    ("channel", "string"),
    ("category_code", "string"),
    ("province_code", "string"),
    ("regency_code", "string"),
    ("region_code", "string"),
    ("agency_code", "string"),
    ("agency_name", "string"),
    ("status", "string"),
    ("verified_at", "timestamp"),
    ("routed_at", "timestamp"),
    ("first_response_at", "timestamp"),
    ("resolved_at", "timestamp"),
    ("closed_at", "timestamp"),
    ("closure", "string"),
    ("rejection", "string"),
    ("forwards", "integer"),
    ("escalations", "integer"),
    ("appeals", "integer"),
    ("rating", "integer"),
    ("deadlines_met", "integer"),
    ("deadlines_missed", "integer"),
]


def _public(facts: Facts) -> Row:
    row = open_row(facts)
    assert row is not None
    return row


def test_the_schema_is_the_published_one_and_every_column_is_described() -> None:
    assert [(c.name, c.kind) for c in OPEN_COLUMNS] == SCHEMA_V1
    assert all(c.description_id and c.description_en for c in OPEN_COLUMNS)
    documented = (ROOT / "docs/open-data.md").read_text()
    for name, kind in SCHEMA_V1:
        assert f"| `{name}` | {kind} |" in documented, name


def test_confidential_reports_are_never_published() -> None:
    assert open_row(life([(0, submitted(confidential=True))])) is None
    unknown = {k: v for k, v in life([(0, submitted())]).items() if k != "confidential"}
    assert open_row(unknown) is None


def test_the_days_rows_are_the_public_reports_submitted_up_to_its_end() -> None:
    public, secret = life([(0, submitted())]), life([(0, submitted(confidential=True))], "R-2")
    later = {**life([(0, submitted())], "R-3"), "day": "2026-03-03"}
    rows = open_rows([public, secret, later], date(2026, 3, 2))
    assert [row["report_id"] for row in rows] == ["R-1"]
    assert len(open_rows([public, secret, later], date(2026, 3, 3))) == 2


def test_a_new_report_has_nulls_where_nothing_happened_yet() -> None:
    row = _public(life([(0, submitted())]))
    assert list(row) == [name for name, _ in SCHEMA_V1]
    assert row["status"] == "submitted"
    assert row["day"] == "2026-03-02"
    for empty in ("category_code", "agency_code", "agency_name", "verified_at", "routed_at"):
        assert row[empty] is None, empty
    assert (row["rating"], row["closure"], row["rejection"]) == (None, None, None)
    assert (row["forwards"], row["deadlines_met"], row["deadlines_missed"]) == (0, 0, 0)


def test_a_resolved_report_has_its_milestones_to_the_second_and_its_rating() -> None:
    row = _public(life(resolved_life(rating=5)))
    assert (row["agency_code"], row["status"], row["closure"]) == (AGENCY, "closed", "accepted")
    assert row["rating"] == 5
    assert row["category_code"] == "kependudukan.ktp"
    for milestone in ("verified_at", "routed_at", "first_response_at", "resolved_at"):
        assert row[milestone] is not None
        assert row[milestone].microsecond == 0
    assert row["deadlines_met"] == 3


def test_only_the_counted_deadlines_are_missed() -> None:
    missed: list[tuple[float, Message]] = [
        (0, submitted()),
        (2, ROUTED),
        (200, e.DeadlineMissed(clock=e.CLOCK_KIND_FIRST_RESPONSE, agency_code=AGENCY)),
        (300, e.DeadlineMissed(clock=e.CLOCK_KIND_AUTO_CLOSE, agency_code=AGENCY)),
    ]
    assert _public(life(missed))["deadlines_missed"] == 1


def test_no_text_reaches_a_row() -> None:
    flat = repr(_public(life(resolved_life())))
    for text in ("KTP elektronik", "Sedang diproses", "sudah dicetak"):
        assert text not in flat


def test_report_snapshots_for_analysts_mark_confidential_ones() -> None:
    row = report_row(life([(0, submitted(confidential=True))]))
    assert set(row) == {c.name for c in REPORT_COLUMNS}
    assert row["confidential"] is True
    assert row["report_id"] == "R-1"


@pytest.mark.parametrize("rows", [0, 12])
def test_the_schema_document_lists_the_files_and_columns(rows: int) -> None:
    document = schema_document(date(2026, 3, 2), rows)
    assert document["files"] == [
        "laporan-publik-2026-03-02.csv",
        "laporan-publik-2026-03-02.parquet",
    ]
    assert document["rows"] == rows
    assert [(c["name"], c["type"]) for c in document["columns"]] == SCHEMA_V1
    assert not document["columns"][0]["nullable"]
    assert document["columns"][-3]["name"] == "rating"
    assert document["columns"][-3]["nullable"]
