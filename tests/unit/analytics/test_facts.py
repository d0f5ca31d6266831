"""The report-facts fold: what each event changes, and that no text or identity gets in."""

from datetime import timedelta

import pytest

from analytics.domain.facts import Occurrence, millis, project, regency_of, wib_day
from lapor.report.v1 import events_pb2 as e
from tests.unit.analytics.lives import AGENCY, ROUTED, SUBMITTED_AT, life, resolved_life, submitted


def test_a_submission_records_where_and_how_the_report_came_in() -> None:
    facts = life([(0, submitted(channel=e.CHANNEL_SMS, confidential=True, anonymous=True))])
    assert facts["_id"] == "R-1"
    assert facts["sequence"] == 1
    assert facts["day"] == "2026-03-02"
    assert (facts["region_code"], facts["regency_code"], facts["province_code"]) == (
        "32.73.01.1001",
        "32.73",
        "32",
    )
    assert (facts["type"], facts["channel"]) == ("complaint", "sms")
    assert facts["confidential"]
    assert facts["anonymous"]
    assert facts["status"] == "submitted"


def test_no_text_and_no_identity_reach_the_facts() -> None:
    identity = e.EncryptedIdentity(key_id="k", nonce=b"n", ciphertext=b"secret")
    facts = life([(0, submitted(reporter=identity, access_secret_sha256=b"\x01" * 32))])
    flat = repr(facts)
    for private in ("KTP elektronik", "tiga bulan", "secret", "key_id", "\\x01"):
        assert private not in flat


def test_the_day_is_the_wib_calendar_day() -> None:
    late = SUBMITTED_AT.replace(hour=17, minute=30)  # 00:30 WIB the next day
    assert wib_day(late) == "2026-03-03"
    assert regency_of("32") == ""
    assert regency_of("32.73") == "32.73"


def test_routing_sets_agency_category_and_times_and_meets_the_verify_deadline() -> None:
    facts = life([(0, submitted()), (2, ROUTED)])
    assert facts["agency_code"] == AGENCY
    assert facts["category_code"] == "kependudukan.ktp"
    assert facts["routed_at"] == facts["verified_at"] == SUBMITTED_AT + timedelta(hours=2)
    assert facts["met"] == [{"clock": "verify", "agency": ""}]


def test_a_resolved_and_rated_life() -> None:
    facts = life(resolved_life(rating=5))
    assert facts["first_response_at"] == SUBMITTED_AT + timedelta(hours=30)
    assert facts["resolved_at"] == SUBMITTED_AT + timedelta(hours=100)
    assert facts["closed_at"] == SUBMITTED_AT + timedelta(hours=121)
    assert (facts["status"], facts["closure"], facts["rating"]) == ("closed", "accepted", 5)
    assert [m["clock"] for m in facts["met"]] == ["verify", "first_response", "completion"]
    assert facts["sequence"] == 6


def test_a_missed_deadline_is_never_also_met_and_counts_against_the_agency() -> None:
    missed = e.DeadlineMissed(clock=e.CLOCK_KIND_FIRST_RESPONSE, agency_code=AGENCY)
    escalated = e.ReportEscalated(
        from_agency_code=AGENCY, to_agency_code="pemkot-3273", to_agency_name="Pemkot", tier=1
    )
    facts = life(
        [
            (0, submitted()),
            (2, ROUTED),
            (200, missed),
            (200, escalated),
            (210, e.ReportResponded(text="x", final=True)),
        ]
    )
    assert facts["missed"] == [{"clock": "first_response", "agency": AGENCY}]
    assert [m["clock"] for m in facts["met"]] == ["verify", "completion"]
    assert facts["met"][1]["agency"] == "pemkot-3273"
    assert (facts["escalations"], facts["agency_code"], facts["status"]) == (
        1,
        "pemkot-3273",
        "resolved",
    )


def test_rejection_duplicates_forwards_and_appeals() -> None:
    rejected = life(
        [(0, submitted()), (5, e.ReportRejected(reason=e.REJECTION_REASON_TOO_GENERAL))]
    )
    assert (rejected["status"], rejected["rejection"]) == ("rejected", "too_general")
    linked = life([(0, submitted()), (1, e.DuplicateLinked(original_report_id="R-0"))])
    assert (linked["status"], linked["duplicate_of"]) == ("duplicate", "R-0")
    forwarded = life(
        [
            (0, submitted()),
            (2, ROUTED),
            (
                3,
                e.ReportForwarded(
                    from_agency_code=AGENCY,
                    to_agency_code="",
                    kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY,
                ),
            ),
        ]
    )
    assert (forwarded["status"], forwarded["agency_code"], forwarded["forwards"]) == (
        "waiting",
        "",
        1,
    )
    appealed = life([*resolved_life(rating=1)[:5], (130, e.ReportAppealed(reason="belum"))])
    assert (appealed["status"], appealed["appeals"]) == ("appealed", 1)


def test_events_that_change_no_fact_still_move_the_sequence() -> None:
    facts = life([(0, submitted()), (1, e.ReporterDataErased(key_id="k"))])
    assert facts["sequence"] == 2
    assert facts["status"] == "submitted"


def test_an_event_before_the_submission_is_refused() -> None:
    with pytest.raises(ValueError, match="before ReportSubmitted"):
        project(None, Occurrence("R-9", 2, SUBMITTED_AT, 0), ROUTED)


def test_times_are_kept_to_the_millisecond_like_the_database() -> None:
    assert millis(SUBMITTED_AT.replace(microsecond=123456)).microsecond == 123000
