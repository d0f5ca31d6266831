"""The one envelope: events and commands wrapped, encoded and decoded in one place."""

from datetime import UTC, datetime

import pytest

from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_OFFICER,
    ACTOR_KIND_SERVICE,
    Actor,
)
from lapor.report.v1.events_pb2 import (
    CHANNEL_SMS,
    REPORT_TYPE_COMPLAINT,
    GeoPoint,
    ReportRouted,
    ReportSubmitted,
)
from lapor.routing.v1.commands_pb2 import RouteReport
from lapor_common.envelope import (
    SCHEMA_VERSION,
    Causation,
    UndecodableMessage,
    decode_command,
    decode_event,
    new_command,
    new_event,
    service_actor,
)

AT = datetime(2026, 3, 2, 9, 30, 15, 123000, tzinfo=UTC)
CAUSE = Causation(Actor(kind=ACTOR_KIND_OFFICER, id="pemkot-3273"), "corr-9", "cause-7")
SUBMITTED = ReportSubmitted(
    type=REPORT_TYPE_COMPLAINT,
    title="Sampah menumpuk",
    body="Sampah di TPS belum diangkut selama sepuluh hari.",
    region_code="32.73.01",
    location=GeoPoint(latitude=-6.9, longitude=107.6),
    channel=CHANNEL_SMS,
)


def _event_bytes(**fields: object) -> bytes:
    envelope = new_event("7K3M-9QXD-2F8A", 1, SUBMITTED, CAUSE, AT).envelope
    for name, value in fields.items():
        setattr(envelope, name, value)
    return envelope.SerializeToString()


def _command_bytes(**fields: object) -> bytes:
    command = new_command("7K3M-9QXD-2F8A", RouteReport(agency_code="x"), CAUSE, AT)
    for name, value in fields.items():
        setattr(command.envelope, name, value)
    return command.envelope.SerializeToString()


def test_an_event_survives_the_round_trip() -> None:
    event = new_event("7K3M-9QXD-2F8A", 3, SUBMITTED, CAUSE, AT)
    decoded = decode_event(event.envelope.SerializeToString())
    assert decoded == event
    envelope = decoded.envelope
    assert envelope.event_type == "ReportSubmitted"
    assert (envelope.report_id, envelope.sequence) == ("7K3M-9QXD-2F8A", 3)
    assert envelope.schema_version == SCHEMA_VERSION == 1
    assert envelope.occurred_at.ToDatetime(UTC) == AT
    assert envelope.actor == CAUSE.actor
    assert (envelope.correlation_id, envelope.causation_id) == ("corr-9", "cause-7")
    assert isinstance(decoded.payload, ReportSubmitted)
    assert decoded.payload == SUBMITTED


def test_each_event_gets_its_own_id() -> None:
    first = new_event("7K3M-9QXD-2F8A", 1, SUBMITTED, CAUSE, AT)
    second = new_event("7K3M-9QXD-2F8A", 1, SUBMITTED, CAUSE, AT)
    assert first.envelope.event_id
    assert first.envelope.event_id != second.envelope.event_id


def test_a_routed_event_is_named_by_its_stable_name() -> None:
    event = new_event("7K3M-9QXD-2F8A", 2, ReportRouted(agency_code="a"), CAUSE, AT)
    assert decode_event(event.envelope.SerializeToString()).envelope.event_type == "ReportRouted"


def test_a_command_survives_the_round_trip() -> None:
    payload = RouteReport(agency_code="pemkot-3273", confidence=0.75, rule_version="r/1")
    cause = Causation(service_actor("routing"), "corr-9", "event-4")
    command = new_command("7K3M-9QXD-2F8A", payload, cause, AT, expected_sequence=4)
    decoded = decode_command(command.envelope.SerializeToString())
    assert decoded == command
    envelope = decoded.envelope
    assert envelope.command_type == "RouteReport"
    assert envelope.command_id
    assert envelope.expected_sequence == 4
    assert envelope.issued_at.ToDatetime(UTC) == AT
    assert envelope.actor == Actor(kind=ACTOR_KIND_SERVICE, id="routing")
    assert decoded.payload == payload


def test_a_payload_outside_the_catalogue_cannot_be_wrapped() -> None:
    with pytest.raises(KeyError, match="GeoPoint"):
        new_event("7K3M-9QXD-2F8A", 1, GeoPoint(), CAUSE, AT)
    with pytest.raises(KeyError, match="ReportSubmitted"):
        new_command("7K3M-9QXD-2F8A", SUBMITTED, CAUSE, AT)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xff\xff\xff", "not a valid EventEnvelope"),
        (b"\x0a\x10short", "not a valid EventEnvelope"),  # a string field cut short
        (b"", "lacks report_id or sequence"),
        (None, "lacks report_id or sequence"),
        (_event_bytes(report_id=""), "lacks report_id or sequence"),
        (_event_bytes(sequence=0), "lacks report_id or sequence"),
        (_event_bytes(event_type="ReportEaten"), "unknown type 'ReportEaten'"),
        (_event_bytes(event_type=""), "unknown type ''"),
        (_event_bytes(schema_version=2), "ReportSubmitted has unsupported schema version 2"),
        (_event_bytes(schema_version=0), "unsupported schema version 0"),
        (_event_bytes(payload=b"\xff\xff"), "ReportSubmitted payload is not a valid"),
    ],
)
def test_an_undecodable_event_is_refused_with_the_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(UndecodableMessage) as caught:
        decode_event(raw)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xff\xff\xff", "not a valid CommandEnvelope"),
        (b"", "lacks report_id"),
        (None, "lacks report_id"),
        (_command_bytes(report_id=""), "lacks report_id"),
        (_command_bytes(command_type="CloseReport"), "unknown type 'CloseReport'"),
        (_command_bytes(schema_version=7), "RouteReport has unsupported schema version 7"),
        (_command_bytes(payload=b"\xff"), "RouteReport payload is not a valid"),
    ],
)
def test_an_undecodable_command_is_refused_with_the_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(UndecodableMessage) as caught:
        decode_command(raw)
    assert reason in str(caught.value)


def test_a_command_is_not_an_event() -> None:
    with pytest.raises(UndecodableMessage):
        decode_event(_command_bytes())
