"""A report's timeline per audience: the public sees what happened, never what was said, and
nobody ever reads the reporter's identity in it."""

from datetime import UTC, timedelta

import pytest
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st

from intake.domain.fold import STEPS
from intake.domain.model import Role
from intake.domain.timeline import WORDING, Entry, entry
from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_ADMINISTRATOR,
    ACTOR_KIND_CITIZEN,
    ACTOR_KIND_OFFICER,
    ACTOR_KIND_SERVICE,
    Actor,
    ActorKind,
)
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import EVENT_TYPES, Causation, new_event
from tests.unit.reports import AT, IDENTITY, REPORT_ID, SEALED, timestamp

FULL = [Role.REPORTER, Role.OFFICER, Role.ADMINISTRATOR]


def _said(marker: str) -> dict[type[Message], list[Message]]:
    """Every event, each free-text field carrying ``marker`` plus the field's name."""
    return {
        e.ReportSubmitted: [
            e.ReportSubmitted(
                title=f"{marker} title",
                body=f"{marker} body",
                region_code="32.04",
                reporter=e.EncryptedIdentity(
                    key_id=SEALED.key_id, nonce=SEALED.nonce, ciphertext=SEALED.ciphertext
                ),
            )
        ],
        e.ReportVerified: [e.ReportVerified(note=f"{marker} verify-note")],
        e.ReportRejected: [
            e.ReportRejected(reason=r, note=f"{marker} reject-note")
            for r in e.RejectionReason.values()
        ],
        e.ReportArchived: [e.ReportArchived(reason=f"{marker} archive-reason")],
        e.ReportPostponed: [
            e.ReportPostponed(reason=f"{marker} postpone-reason", until=timestamp(AT))
        ],
        e.ReportRouted: [e.ReportRouted(agency_code="a", agency_name="A", reason=f"{marker} r")],
        e.ReportForwarded: [
            e.ReportForwarded(
                from_agency_code="a", to_agency_name=n, reason=f"{marker} forward-reason", kind=k
            )
            for k, n in (
                (e.FORWARD_KIND_NOT_OUR_AUTHORITY, ""),
                (e.FORWARD_KIND_ADMINISTRATOR, "B"),
            )
        ],
        e.ReportEscalated: [
            e.ReportEscalated(to_agency_name="B", tier=1, reason=f"{marker} escalate-reason")
        ],
        e.ReportAcknowledged: [e.ReportAcknowledged(note=f"{marker} acknowledge-note")],
        e.InformationRequested: [e.InformationRequested(question=f"{marker} question")],
        e.InformationProvided: [e.InformationProvided(answer=f"{marker} answer")],
        e.ReportResponded: [e.ReportResponded(text="Sudah", final=f) for f in (True, False)],
        e.ReportResolved: [e.ReportResolved(summary="Selesai diperbaiki")],
        e.ReporterReplied: [e.ReporterReplied(text=f"{marker} reply")],
        e.ReportRated: [e.ReportRated(score=s, comment=f"{marker} comment") for s in (1, 5)],
        e.ReportAppealed: [e.ReportAppealed(reason=f"{marker} appeal-reason")],
        e.ReportClosed: [e.ReportClosed(reason=r) for r in e.ClosureReason.values()],
        e.ReporterDataErased: [
            e.ReporterDataErased(key_id=SEALED.key_id, reason=f"{marker} erase-reason")
        ],
        e.RoutingSuggested: [
            e.RoutingSuggested(
                suggestions=[e.RouteSuggestion(agency_code="a", reason=f"{marker} why")],
                reason=f"{marker} suggest-reason",
            )
        ],
        e.DuplicateLinked: [
            e.DuplicateLinked(original_report_id="AAAA-BBBB-CCCC", reason=f"{marker} link")
        ],
        e.DeadlineApproaching: [
            e.DeadlineApproaching(clock=k, deadline=timestamp(AT), agency_code="pemkab-3204")
            for k in e.ClockKind.values()
        ],
        e.DeadlineMissed: [
            e.DeadlineMissed(clock=k, deadline=timestamp(AT), agency_code="pemkab-3204")
            for k in e.ClockKind.values()
        ],
    }


# Events the public is not told of at all.
UNSEEN_BY_PUBLIC = (e.ReporterDataErased, e.RoutingSuggested, e.DeadlineApproaching)
MARK = "«SAID»"
EVENTS = _said(MARK)
ALL = [(payload, role) for payloads in EVENTS.values() for payload in payloads for role in Role]
KINDS: list[ActorKind.ValueType] = [
    ACTOR_KIND_CITIZEN,
    ACTOR_KIND_OFFICER,
    ACTOR_KIND_ADMINISTRATOR,
    ACTOR_KIND_SERVICE,
]


def _entry(payload: Message, role: Role, kind: ActorKind.ValueType = ACTOR_KIND_OFFICER) -> Entry:
    actor = Actor(kind=kind, id="pemkab-3204" if kind == ACTOR_KIND_OFFICER else "")
    event = new_event(REPORT_ID, 7, payload, Causation(actor, "corr"), AT + timedelta(hours=1))
    found = entry(event.envelope, payload, role)
    assert found is not None, type(payload).__name__
    return found


def _text(found: Entry) -> str:
    return f"{found.actor} {found.text_id} {found.text_en}"


def test_every_event_in_the_catalogue_has_wording_and_a_fold_step() -> None:
    catalogue = set(EVENT_TYPES.values())
    assert set(WORDING) == catalogue
    assert set(STEPS) | {e.ReportSubmitted} == catalogue
    assert set(EVENTS) == catalogue


def test_an_entry_carries_the_envelopes_facts() -> None:
    found = _entry(e.ReportAcknowledged(), Role.OFFICER)
    assert (found.sequence, found.event_type) == (7, "ReportAcknowledged")
    assert found.occurred_at == AT + timedelta(hours=1)
    assert found.occurred_at.tzinfo == UTC
    assert (found.text_id, found.text_en) == (
        "Instansi mulai memproses laporan",
        "The agency took the report up",
    )


@pytest.mark.parametrize(("payload", "role"), ALL, ids=lambda v: type(v).__name__)
def test_no_entry_ever_shows_identity_data(payload: Message, role: Role) -> None:
    if role is Role.PUBLIC and isinstance(payload, UNSEEN_BY_PUBLIC):
        return
    for kind in KINDS:
        text = _text(_entry(payload, role, kind))
        for secret in (
            IDENTITY.name,
            IDENTITY.phone,
            IDENTITY.email,
            IDENTITY.id_number,
            SEALED.key_id,
            SEALED.ciphertext.decode(),
        ):
            assert secret not in text


@pytest.mark.parametrize(("payload", "role"), ALL, ids=lambda v: type(v).__name__)
def test_the_public_never_reads_what_was_said(payload: Message, role: Role) -> None:
    if role is not Role.PUBLIC:
        return
    found = entry(new_event(REPORT_ID, 2, payload, _officer(), AT).envelope, payload, role)
    if isinstance(payload, UNSEEN_BY_PUBLIC):
        assert found is None
        return
    assert found is not None
    assert MARK not in _text(found)
    assert "pemkab-3204" not in found.actor  # which officer's agency acted is not public


def _officer() -> Causation:
    return Causation(Actor(kind=ACTOR_KIND_OFFICER, id="pemkab-3204"), "corr")


@pytest.mark.parametrize("role", FULL)
def test_other_audiences_see_the_erasure_and_who_acted(role: Role) -> None:
    erased = _entry(EVENTS[e.ReporterDataErased][0], role)
    assert "Data pelapor dihapus" in erased.text_id
    assert erased.actor == "Instansi pemkab-3204"


SAID_TO_FULL_AUDIENCES = [
    ("question", e.InformationRequested),
    ("answer", e.InformationProvided),
    ("reply", e.ReporterReplied),
    ("comment", e.ReportRated),
    ("archive-reason", e.ReportArchived),
    ("forward-reason", e.ReportForwarded),  # the not-our-authority reason
    ("appeal-reason", e.ReportAppealed),
    ("suggest-reason", e.RoutingSuggested),
]


@pytest.mark.parametrize(("field", "event_type"), SAID_TO_FULL_AUDIENCES)
@pytest.mark.parametrize("role", FULL)
def test_other_audiences_read_what_was_said(
    field: str, event_type: type[Message], role: Role
) -> None:
    payload = EVENTS[event_type][0]
    found = _entry(payload, role)
    assert f"{MARK} {field}" in found.text_id
    assert f"{MARK} {field}" in found.text_en


# docs/lifecycle.md, "Who sees what": the reporter sees "everything said". An administrator's
# explanation of a decision on the report (why it was rejected, why verification waits, why it
# moved to another agency) is said to the reporter, yet no audience ever reads it.
NEVER_SHOWN = [
    ("reject-note", e.ReportRejected(reason=e.REJECTION_REASON_TOO_GENERAL)),
    ("postpone-reason", e.ReportPostponed(until=timestamp(AT))),
    ("forward-reason", e.ReportForwarded(to_agency_name="B", kind=e.FORWARD_KIND_ADMINISTRATOR)),
]


@pytest.mark.parametrize(("field", "payload"), NEVER_SHOWN, ids=[f for f, _ in NEVER_SHOWN])
def test_the_reporter_reads_every_note_and_reason_said_about_the_report(
    field: str, payload: Message
) -> None:
    said = f"{MARK} {field}"
    name = "reason" if "reason" in field else "note"
    filled = type(payload)()
    filled.CopyFrom(payload)
    setattr(filled, name, said)
    assert said in _text(_entry(filled, Role.REPORTER))


def test_the_public_sees_the_rejection_category_but_not_the_note() -> None:
    rejected = e.ReportRejected(reason=e.REJECTION_REASON_DUPLICATE, note=f"{MARK} n")
    found = _entry(rejected, Role.PUBLIC)
    assert (found.text_id, found.text_en) == (
        "Laporan ditolak: duplikat",
        "Report rejected: duplicate",
    )


def test_a_not_our_authority_entry_names_the_declining_agency_for_everyone() -> None:
    declined = e.ReportForwarded(
        from_agency_code="pemkab-3204", reason="bukan", kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY
    )
    public = _entry(declined, Role.PUBLIC)
    assert public.text_id.startswith("pemkab-3204 menyatakan bukan wewenangnya")
    assert public.text_id.endswith("instansi baru ditentukan")
    assert _entry(declined, Role.OFFICER).text_en.endswith(": bukan")


@pytest.mark.parametrize(
    ("kind", "public", "full"),
    [
        (ACTOR_KIND_CITIZEN, "Pelapor", "Pelapor"),
        (ACTOR_KIND_OFFICER, "Instansi", "Instansi pemkab-3204"),
        (ACTOR_KIND_ADMINISTRATOR, "Administrator", "Administrator"),
        (ACTOR_KIND_SERVICE, "Sistem", "Sistem"),
    ],
)
def test_actors_are_named_by_kind_and_only_agencies_by_code(
    kind: ActorKind.ValueType, public: str, full: str
) -> None:
    actor = Actor(kind=kind, id="pemkab-3204" if kind == ACTOR_KIND_OFFICER else "dewi@contoh.id")
    event = new_event(REPORT_ID, 2, e.ReportVerified(), Causation(actor, "c"), AT)
    for role, expected in ((Role.PUBLIC, public), (Role.ADMINISTRATOR, full)):
        found = entry(event.envelope, event.payload, role)
        assert found is not None
        assert found.actor == expected


markers = st.from_regex(r"\A[A-Z]{3}[0-9]{6}[a-z]{3}\Z")


@given(markers, st.sampled_from(list(Role)), st.sampled_from(KINDS))
def test_what_was_said_is_never_public_whatever_it_says(
    marker: str, role: Role, kind: ActorKind.ValueType
) -> None:
    for payloads in _said(marker).values():
        for payload in payloads:
            envelope = new_event(REPORT_ID, 3, payload, Causation(Actor(kind=kind), "c"), AT)
            found = entry(envelope.envelope, payload, role)
            if role is Role.PUBLIC and found is not None:
                assert marker not in f"{found.text_id} {found.text_en} {found.actor}"
            if role is Role.PUBLIC and isinstance(payload, e.ReporterDataErased):
                assert found is None
