"""Analytics' report-facts read model as a pure fold over the report's events."""

from datetime import UTC, datetime, timedelta

import pytest

from analytics.domain import Facts, project
from lapor.report.v1.events_pb2 import (
    CHANNEL_SOCIAL_MEDIA,
    REPORT_TYPE_INFORMATION_REQUEST,
    GeoPoint,
    ReportRouted,
    ReportSubmitted,
)

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ROUTED_AT = AT + timedelta(hours=2)
REPORT_ID = "7K3M-9QXD-2F8A"
SUBMITTED = ReportSubmitted(
    type=REPORT_TYPE_INFORMATION_REQUEST,
    title="Anggaran perbaikan jalan",
    body="Mohon informasi anggaran perbaikan jalan kabupaten tahun ini.",
    category_code="keuangan",
    region_code="32.04.05",
    location=GeoPoint(latitude=-7.0, longitude=107.5),
    channel=CHANNEL_SOCIAL_MEDIA,
    anonymous=True,
    confidential=True,
)
ROUTED = ReportRouted(agency_code="pemkab-3204", agency_name="Pemerintah Kabupaten Bandung")


def _submitted() -> Facts:
    return project(None, REPORT_ID, 1, AT, SUBMITTED)


def test_a_submission_projects_its_facts() -> None:
    assert _submitted() == {
        "_id": REPORT_ID,
        "sequence": 1,
        "submitted_at": AT,
        "type": "information_request",
        "channel": "social_media",
        "region_code": "32.04.05",
        "province_code": "32",
        "category_code": "keuangan",
        "confidential": True,
        "agency_code": "",
        "routed_at": None,
    }


def test_the_facts_hold_no_content_or_personal_data() -> None:
    facts = project(_submitted(), REPORT_ID, 2, ROUTED_AT, ROUTED)
    text = repr(facts)
    for secret in (SUBMITTED.title, SUBMITTED.body, "anonymous", "location", "-7.0"):
        assert secret not in text


def test_a_routing_records_the_agency_and_when() -> None:
    facts = project(_submitted(), REPORT_ID, 2, ROUTED_AT, ROUTED)
    assert facts == {
        **_submitted(),
        "sequence": 2,
        "agency_code": "pemkab-3204",
        "routed_at": ROUTED_AT,
    }


def test_projecting_leaves_the_previous_facts_alone() -> None:
    before = _submitted()
    project(before, REPORT_ID, 2, ROUTED_AT, ROUTED)
    assert before == _submitted()


def test_an_event_without_facts_only_moves_the_sequence() -> None:
    facts = project(_submitted(), REPORT_ID, 2, ROUTED_AT, GeoPoint(latitude=1.0))
    assert facts == {**_submitted(), "sequence": 2}


def test_a_routing_before_the_submission_cannot_be_projected() -> None:
    with pytest.raises(ValueError, match=f"ReportRouted before ReportSubmitted for {REPORT_ID}"):
        project(None, REPORT_ID, 1, AT, ROUTED)


def test_a_replay_gives_the_same_document() -> None:
    def fold() -> Facts | None:
        facts: Facts | None = None
        for sequence, (at, event) in enumerate([(AT, SUBMITTED), (ROUTED_AT, ROUTED)], 1):
            facts = project(facts, REPORT_ID, sequence, at, event)
        return facts

    first, second = fold(), fold()
    assert first == second
    assert first is not None
    assert list(first) == list(second or {})  # same key order: same BSON bytes


def test_the_category_routing_decided_replaces_the_reporters_choice() -> None:
    routed = ReportRouted(agency_code="pemkab-3204.pupr", category_code="infrastruktur.jalan")
    facts = project(_submitted(), REPORT_ID, 2, ROUTED_AT, routed)
    assert facts["category_code"] == "infrastruktur.jalan"
