"""Analysts' events: the envelope's facts and the payload, without personal data or free text."""

import json
from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message

from analytics.analyst_events import FREE_TEXT, PERSONAL, analyst_event, json_line
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import UndecodableMessage
from tests.unit.analytics.records import Record, record

SUBMITTED = e.ReportSubmitted(
    type=e.REPORT_TYPE_COMPLAINT,
    title="Jalan rusak di depan rumah Budi Santoso",
    body="Hubungi saya di 0812-3456-7890, Jl. Melati 5",
    category_code="infrastruktur.jalan",
    region_code="32.73.01.1001",
    location=e.GeoPoint(latitude=-6.9, longitude=107.6),
    channel=e.CHANNEL_MOBILE,
    reporter=e.EncryptedIdentity(key_id="key-budi", nonce=b"n" * 12, ciphertext=b"sealed"),
    access_secret_sha256=b"\x02" * 32,
    language="id",
    reporter_gave_email=True,
    reporter_gave_phone=True,
)


def test_an_event_carries_the_envelopes_facts_and_where_it_is_on_the_log() -> None:
    event = analyst_event(record("R-1", 1, SUBMITTED, offset=41))
    assert set(event) == {
        "event_id",
        "event_type",
        "report_id",
        "sequence",
        "occurred_at",
        "actor_kind",
        "partition",
        "offset",
        "schema_version",
        "payload",
    }
    assert (event["event_type"], event["report_id"], event["sequence"]) == (
        "ReportSubmitted",
        "R-1",
        1,
    )
    assert event["occurred_at"] == datetime(2025, 7, 1, 0, 15, tzinfo=UTC)
    assert (event["actor_kind"], event["partition"], event["offset"]) == ("citizen", 3, 41)
    assert event["schema_version"] == 2


def test_the_payload_keeps_facts_with_enums_by_name_and_defaults_present() -> None:
    payload = analyst_event(record("R-1", 1, SUBMITTED))["payload"]
    assert payload["region_code"] == "32.73.01.1001"
    assert payload["category_code"] == "infrastruktur.jalan"
    assert payload["type"] == "REPORT_TYPE_COMPLAINT"
    assert payload["channel"] == "CHANNEL_MOBILE"
    assert payload["confidential"] is False
    assert payload["language"] == "id"


def test_no_personal_data_and_no_free_text_reach_the_event() -> None:
    event = analyst_event(record("R-1", 1, SUBMITTED))
    assert not (PERSONAL | FREE_TEXT) & set(event["payload"])
    assert "region_code" in event["payload"]
    flat = json_line(event)
    for private in ("Budi", "0812", "Melati", "key-budi", "citizen-7", "key-R-1", "corr-data"):
        assert private not in flat
    assert "-6.9" not in flat


def test_free_text_is_removed_at_any_depth() -> None:
    suggested = e.RoutingSuggested(
        suggestions=[e.RouteSuggestion(agency_code="a-1", confidence=0.4, reason="kata 'Budi'")],
        hints=[e.VerificationHint(reason=e.REJECTION_REASON_TOO_GENERAL, explanation="Umum")],
        reason="ragu",
    )
    payload = analyst_event(record("R-1", 2, suggested))["payload"]
    assert payload["suggestions"] == [
        {"agency_code": "a-1", "agency_name": "", "category_code": "", "confidence": 0.4}
    ]
    assert payload["hints"] == [{"reason": "REJECTION_REASON_TOO_GENERAL", "explanation": "Umum"}]
    assert "reason" not in payload


def test_reasons_that_are_enums_stay() -> None:
    rejected = e.ReportRejected(reason=e.REJECTION_REASON_ABUSIVE, note="kata kasar: Budi")
    payload = analyst_event(record("R-1", 2, rejected))["payload"]
    assert payload == {"reason": "REJECTION_REASON_ABUSIVE"}
    closed = analyst_event(record("R-1", 3, e.ReportClosed(reason=e.CLOSURE_REASON_AUTO_CLOSED)))
    assert closed["payload"] == {"reason": "CLOSURE_REASON_AUTO_CLOSED"}


@pytest.mark.parametrize(
    "payload",
    [
        e.ReportRated(score=2, comment="Petugas bernama Joko kasar"),
        e.ReportResolved(summary="Sudah diperbaiki untuk Ibu Siti"),
        e.InformationProvided(answer="Rumah saya nomor 12"),
        e.ReporterDataErased(key_id="key-budi", reason="permintaan pelapor"),
    ],
)
def test_reporters_words_and_keys_are_removed_from_every_event_type(payload: Message) -> None:
    flat = json_line(analyst_event(record("R-1", 2, payload)))
    for private in ("Joko", "Siti", "nomor 12", "key-budi", "permintaan"):
        assert private not in flat


def test_an_undecodable_record_says_so() -> None:
    with pytest.raises(UndecodableMessage):
        analyst_event(Record("t", 0, 0, b"k", b"\xff not an envelope"))


def test_a_json_line_writes_times_as_iso_8601() -> None:
    line = json_line(analyst_event(record("R-1", 1, SUBMITTED)))
    assert json.loads(line)["occurred_at"] == "2025-07-01T00:15:00+00:00"
