"""The one envelope: events and commands wrapped, encoded, decoded and upcast in one place."""

from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message

from intake.domain.fold import fold
from intake.domain.model import Status
from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_CITIZEN,
    ACTOR_KIND_OFFICER,
    ACTOR_KIND_SERVICE,
    Actor,
    EventEnvelope,
)
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes
from lapor_common.envelope import (
    COMMAND_TYPES,
    EVENT_TYPES,
    EVENT_VERSIONS,
    SCHEMA_VERSION,
    Causation,
    UndecodableMessage,
    decode_command,
    decode_event,
    new_command,
    new_event,
    service_actor,
    upcast,
)
from tests.unit.reports import timestamp

AT = datetime(2026, 3, 2, 9, 30, 15, 123000, tzinfo=UTC)
REPORT_ID = "7K3M-9QXD-2F8A"
CAUSE = Causation(Actor(kind=ACTOR_KIND_OFFICER, id="pemkot-3273"), "corr-9", "cause-7")
SUBMITTED = e.ReportSubmitted(
    type=e.REPORT_TYPE_COMPLAINT,
    title="Sampah menumpuk",
    body="Sampah di TPS belum diangkut selama sepuluh hari.",
    region_code="32.73.01",
    location=e.GeoPoint(latitude=-6.9, longitude=107.6),
    channel=e.CHANNEL_SMS,
    reporter=e.EncryptedIdentity(key_id="k1", nonce=b"n" * 12, ciphertext=b"sealed"),
    access_secret_sha256=b"h" * 32,
    language="en",
)
# One instance of every event in the catalogue, each with its fields filled.
SAMPLES: dict[str, Message] = {
    "ReportSubmitted": SUBMITTED,
    "ReportVerified": e.ReportVerified(note="ok"),
    "ReportRejected": e.ReportRejected(reason=e.REJECTION_REASON_ABUSIVE, note="kasar"),
    "ReportArchived": e.ReportArchived(reason="arsip"),
    "ReportPostponed": e.ReportPostponed(reason="tunggu", until=timestamp(AT)),
    "ReportRouted": e.ReportRouted(
        agency_code="a", agency_name="A", decided_by=e.DECIDED_BY_MODEL, confidence=0.5
    ),
    "ReportForwarded": e.ReportForwarded(
        from_agency_code="a", reason="bukan", kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY
    ),
    "ReportEscalated": e.ReportEscalated(from_agency_code="a", to_agency_code="b", tier=2),
    "ReportAcknowledged": e.ReportAcknowledged(note="diterima"),
    "InformationRequested": e.InformationRequested(question="kapan?"),
    "InformationProvided": e.InformationProvided(answer="senin"),
    "ReportResponded": e.ReportResponded(text="sudah", final=True),
    "ReportResolved": e.ReportResolved(summary="beres"),
    "ReporterReplied": e.ReporterReplied(text="terima kasih"),
    "ReportRated": e.ReportRated(score=2, comment="lambat"),
    "ReportAppealed": e.ReportAppealed(reason="belum beres"),
    "ReportClosed": e.ReportClosed(reason=e.CLOSURE_REASON_AUTO_CLOSED),
    "ReporterDataErased": e.ReporterDataErased(key_id="k1", reason="permintaan"),
    "RoutingSuggested": e.RoutingSuggested(
        suggestions=[e.RouteSuggestion(agency_code="a", category_code="x.y", confidence=0.4)],
        hints=[e.VerificationHint(reason=e.REJECTION_REASON_INCOMPLETE, explanation="singkat")],
        model_version="nb-1",
    ),
    "DuplicateLinked": e.DuplicateLinked(original_report_id="AAAA-BBBB-CCCC", similarity=0.8),
    "DeadlineApproaching": e.DeadlineApproaching(
        clock=e.CLOCK_KIND_VERIFY, deadline=timestamp(AT), policy_version="d/1"
    ),
    "DeadlineMissed": e.DeadlineMissed(
        clock=e.CLOCK_KIND_COMPLETION, deadline=timestamp(AT), agency_code="a", policy_version="d/1"
    ),
}
COMMANDS: dict[str, Message] = {
    "RouteReport": RouteReport(agency_code="pemkot-3273", confidence=0.75, rule_version="r/1"),
    "SuggestRoutes": SuggestRoutes(reason="ragu", model_version="nb-1"),
    "LinkDuplicate": LinkDuplicate(original_report_id="AAAA-BBBB-CCCC", similarity=0.9),
    "NoteDeadlineApproaching": c.NoteDeadlineApproaching(
        clock=e.CLOCK_KIND_VERIFY, deadline=timestamp(AT), policy_version="d/1"
    ),
    "RecordDeadlineMissed": c.RecordDeadlineMissed(
        clock=e.CLOCK_KIND_COMPLETION, agency_code="a", escalate_to_agency_code="b", tier=1
    ),
    "EscalateReport": c.EscalateReport(to_agency_code="pemprov-32", tier=1, reason="lewat"),
    "CloseReport": c.CloseReport(reason=e.CLOSURE_REASON_AUTO_CLOSED),
}


def _event_bytes(**fields: object) -> bytes:
    envelope = new_event(REPORT_ID, 1, SUBMITTED, CAUSE, AT).envelope
    for name, value in fields.items():
        setattr(envelope, name, value)
    return envelope.SerializeToString()


def _command_bytes(**fields: object) -> bytes:
    command = new_command(REPORT_ID, RouteReport(agency_code="x"), CAUSE, AT)
    for name, value in fields.items():
        setattr(command.envelope, name, value)
    return command.envelope.SerializeToString()


def test_the_samples_cover_the_whole_catalogue() -> None:
    assert set(SAMPLES) == set(EVENT_TYPES)
    assert all(isinstance(SAMPLES[name], cls) for name, cls in EVENT_TYPES.items())
    assert set(COMMANDS) == set(COMMAND_TYPES)


def test_every_catalogue_name_is_the_message_name() -> None:
    for registry in (EVENT_TYPES, COMMAND_TYPES):
        for name, cls in registry.items():
            assert cls.DESCRIPTOR.name == name


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_event_survives_the_round_trip_under_its_stable_name(name: str) -> None:
    event = new_event(REPORT_ID, 3, SAMPLES[name], CAUSE, AT)
    decoded = decode_event(event.envelope.SerializeToString())
    assert decoded == event
    envelope = decoded.envelope
    assert envelope.event_type == name
    assert (envelope.report_id, envelope.sequence) == (REPORT_ID, 3)
    assert envelope.occurred_at.ToDatetime(UTC) == AT
    assert envelope.actor == CAUSE.actor
    assert (envelope.correlation_id, envelope.causation_id) == ("corr-9", "cause-7")
    assert type(decoded.payload) is EVENT_TYPES[name]
    assert decoded.payload == SAMPLES[name]


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_event_is_written_at_its_current_schema_version(name: str) -> None:
    envelope = new_event(REPORT_ID, 1, SAMPLES[name], CAUSE, AT).envelope
    expected = 2 if name == "ReportSubmitted" else 1
    assert envelope.schema_version == expected == EVENT_VERSIONS.get(name, SCHEMA_VERSION)


def test_report_submitted_is_at_version_two_and_everything_else_at_one() -> None:
    assert EVENT_VERSIONS == {"ReportSubmitted": 2}
    assert SCHEMA_VERSION == 1


def test_the_idempotency_key_and_request_digest_survive_the_round_trip() -> None:
    event = new_event(REPORT_ID, 2, SAMPLES["ReportVerified"], CAUSE, AT)
    event.envelope.idempotency_key = "key-1"
    event.envelope.request_digest = b"d" * 32
    decoded = decode_event(event.envelope.SerializeToString())
    assert (decoded.envelope.idempotency_key, decoded.envelope.request_digest) == (
        "key-1",
        b"d" * 32,
    )


def test_each_event_gets_its_own_id() -> None:
    first = new_event(REPORT_ID, 1, SUBMITTED, CAUSE, AT)
    second = new_event(REPORT_ID, 1, SUBMITTED, CAUSE, AT)
    assert first.envelope.event_id
    assert first.envelope.event_id != second.envelope.event_id


# A version 1 ReportSubmitted, as the log holds the first reports: no reporter, no access
# secret, no language. Its bytes are built by hand, not by new_event.
V1_PAYLOAD = e.ReportSubmitted(
    type=e.REPORT_TYPE_ASPIRATION,
    title="Perbanyak taman kota",
    body="Mohon taman kota diperbanyak agar anak-anak punya tempat bermain.",
    region_code="32.73",
    channel=e.CHANNEL_WEB,
    anonymous=True,
)


def _v1_submitted(version: int = 1) -> bytes:
    envelope = EventEnvelope(
        event_id="2f1c0a0e-0000-4000-8000-000000000001",
        event_type="ReportSubmitted",
        report_id=REPORT_ID,
        sequence=1,
        occurred_at=timestamp(AT),
        actor=Actor(kind=ACTOR_KIND_CITIZEN),
        correlation_id="old-1",
        schema_version=version,
        payload=V1_PAYLOAD.SerializeToString(),
    )
    return envelope.SerializeToString()


def test_a_version_one_submission_is_upcast_to_indonesian() -> None:
    assert "language" not in str(V1_PAYLOAD)
    decoded = decode_event(_v1_submitted())
    assert decoded.envelope.schema_version == 1
    payload = decoded.payload
    assert isinstance(payload, e.ReportSubmitted)
    assert payload.language == "id"
    assert not payload.HasField("reporter")
    assert payload.access_secret_sha256 == b""
    assert payload.title == V1_PAYLOAD.title


def test_a_version_one_submission_folds_into_a_report() -> None:
    decoded = decode_event(_v1_submitted())
    routed = new_event(REPORT_ID, 2, e.ReportRouted(agency_code="pemkot-3273"), CAUSE, AT)
    state = fold([(decoded.envelope, decoded.payload), (routed.envelope, routed.payload)])
    assert state is not None
    assert (state.sequence, state.status, state.language) == (
        2,
        Status.DITERUSKAN_KE_INSTANSI,
        "id",
    )
    assert (state.reporter, state.access_secret_sha256, state.anonymous) == (None, b"", True)
    assert state.submitted_at == AT


def test_upcasting_leaves_current_events_alone() -> None:
    payload = e.ReportSubmitted(language="en")
    assert upcast("ReportSubmitted", 2, payload).language == "en"  # type: ignore[attr-defined]
    note = e.ReportVerified(note="x")
    assert upcast("ReportVerified", 1, note) == e.ReportVerified(note="x")


@pytest.mark.parametrize("version", [0, 3, 7])
def test_unknown_versions_of_a_submission_are_refused(version: int) -> None:
    with pytest.raises(UndecodableMessage, match=f"unsupported schema version {version}"):
        decode_event(_v1_submitted(version))


@pytest.mark.parametrize("name", sorted(set(EVENT_TYPES) - {"ReportSubmitted"}))
def test_other_events_exist_only_at_version_one(name: str) -> None:
    envelope = new_event(REPORT_ID, 2, SAMPLES[name], CAUSE, AT).envelope
    envelope.schema_version = 2
    with pytest.raises(UndecodableMessage, match=f"{name} has unsupported schema version 2"):
        decode_event(envelope.SerializeToString())


# commands


@pytest.mark.parametrize("name", sorted(COMMAND_TYPES))
def test_every_command_survives_the_round_trip(name: str) -> None:
    cause = Causation(service_actor("escalation"), "corr-9", "event-4")
    command = new_command(REPORT_ID, COMMANDS[name], cause, AT, expected_sequence=4)
    decoded = decode_command(command.envelope.SerializeToString())
    assert decoded == command
    envelope = decoded.envelope
    assert envelope.command_type == name
    assert envelope.command_id
    assert envelope.expected_sequence == 4
    assert envelope.schema_version == 1
    assert envelope.issued_at.ToDatetime(UTC) == AT
    assert envelope.actor == Actor(kind=ACTOR_KIND_SERVICE, id="escalation")
    assert decoded.payload == COMMANDS[name]


def test_a_payload_outside_the_catalogue_cannot_be_wrapped() -> None:
    with pytest.raises(KeyError, match="GeoPoint"):
        new_event(REPORT_ID, 1, e.GeoPoint(), CAUSE, AT)
    with pytest.raises(KeyError, match="ReportSubmitted"):
        new_command(REPORT_ID, SUBMITTED, CAUSE, AT)
    with pytest.raises(KeyError, match="VerifyReport"):  # people's commands never go on Kafka
        new_command(REPORT_ID, c.VerifyReport(), CAUSE, AT)


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
        (_event_bytes(event_type="RouteReport"), "unknown type 'RouteReport'"),
        (_event_bytes(schema_version=3), "ReportSubmitted has unsupported schema version 3"),
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
        (_command_bytes(command_type="VerifyReport"), "unknown type 'VerifyReport'"),
        (_command_bytes(command_type="ReportRouted"), "unknown type 'ReportRouted'"),
        (_command_bytes(schema_version=2), "RouteReport has unsupported schema version 2"),
        (_command_bytes(schema_version=0), "RouteReport has unsupported schema version 0"),
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
