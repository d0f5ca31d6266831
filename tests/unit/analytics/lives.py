"""Reports' lives as (Occurrence, event) steps, for analytics' unit tests."""

from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.message import Message

from analytics.domain.facts import Facts, Occurrence, project
from lapor.report.v1 import events_pb2 as e

SUBMITTED_AT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)  # 09:30 WIB, Monday
AGENCY = "pemkot-3273.disdukcapil"


def submitted(**changes: Any) -> e.ReportSubmitted:
    report = e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT,
        title="KTP elektronik belum jadi",
        body="Sudah tiga bulan KTP elektronik saya belum dicetak.",
        region_code="32.73.01.1001",
        channel=e.CHANNEL_WEB,
    )
    report.MergeFrom(e.ReportSubmitted(**changes))
    return report


ROUTED = e.ReportRouted(
    agency_code=AGENCY,
    agency_name="Dinas Kependudukan dan Pencatatan Sipil Kota Bandung",
    category_code="kependudukan.ktp",
)


def life(steps: list[tuple[float, Message]], report_id: str = "R-1", partition: int = 0) -> Facts:
    """The facts after events at the given hours after SUBMITTED_AT (sequences 1, 2, ...)."""
    facts: Facts | None = None
    for sequence, (hours, event) in enumerate(steps, start=1):
        at = SUBMITTED_AT + timedelta(hours=hours)
        facts = project(facts, Occurrence(report_id, sequence, at, partition), event)
    assert facts is not None
    return facts


def resolved_life(rating: int = 4) -> list[tuple[float, Message]]:
    return [
        (0, submitted()),
        (2, ROUTED),
        (30, e.ReportResponded(text="Sedang diproses", final=False)),
        (100, e.ReportResolved(summary="KTP sudah dicetak")),
        (120, e.ReportRated(score=rating)),
        (121, e.ReportClosed(reason=e.CLOSURE_REASON_ACCEPTED)),
    ]
