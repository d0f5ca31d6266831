"""evolve(state, event) -> state: the one fold for live updates, replays and time travel."""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC

from google.protobuf.message import Message

from intake.domain.model import IDEMPOTENCY_MEMORY, Answered, ReportState, Sealed, Status
from lapor.events.v1.envelope_pb2 import EventEnvelope
from lapor.report.v1 import events_pb2 as e

S = Status
Step = Callable[[ReportState, Message], ReportState]


def _submitted(envelope: EventEnvelope, event: e.ReportSubmitted) -> ReportState:
    sealed = None
    if event.HasField("reporter"):
        r = event.reporter
        sealed = Sealed(key_id=r.key_id, nonce=r.nonce, ciphertext=r.ciphertext)
    return ReportState(
        report_id=envelope.report_id,
        sequence=envelope.sequence,
        status=S.MENUNGGU_VERIFIKASI,
        type=event.type,
        requires_examination=event.requires_examination,
        title=event.title,
        body=event.body,
        category_code=event.category_code,
        region_code=event.region_code,
        channel=event.channel,
        anonymous=event.anonymous,
        confidential=event.confidential,
        submitted_at=envelope.occurred_at.ToDatetime(UTC),
        language=event.language or "id",
        reporter=sealed,
        access_secret_sha256=event.access_secret_sha256,
        location=(
            (event.location.latitude, event.location.longitude)
            if event.HasField("location")
            else None
        ),
        origin_agency_code=event.origin_agency_code,
        external_id=event.external_id,
    )


def _routed(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.ReportRouted)
    return replace(
        state,
        status=S.DITERUSKAN_KE_INSTANSI,
        agency_code=event.agency_code,
        agency_name=event.agency_name,
        category_code=event.category_code or state.category_code,
        postponed_until=None,
        duplicate_of="",
    )


def _forwarded(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.ReportForwarded)
    declined = state.declined_by
    if event.kind == e.FORWARD_KIND_NOT_OUR_AUTHORITY:
        declined = (*declined, event.from_agency_code)
    if not event.to_agency_code:
        return replace(
            state,
            status=S.MENUNGGU_VERIFIKASI,
            agency_code="",
            agency_name="",
            declined_by=declined,
        )
    # The new agency takes the report up afresh; an appeal stays an appeal.
    status = S.BANDING if state.status is S.BANDING else S.DITERUSKAN_KE_INSTANSI
    return replace(
        state,
        status=status,
        agency_code=event.to_agency_code,
        agency_name=event.to_agency_name,
        declined_by=declined,
    )


def _escalated(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.ReportEscalated)
    return replace(
        state,
        agency_code=event.to_agency_code,
        agency_name=event.to_agency_name,
        escalation_tier=event.tier,
    )


def _postponed(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.ReportPostponed)
    return replace(state, postponed_until=event.until.ToDatetime(UTC))


def _responded(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.ReportResponded)
    return replace(
        state, status=S.DITANGGAPI if event.final else S.DIPROSES, public_response=event.text
    )


def _resolved(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.ReportResolved)
    return replace(state, status=S.DITANGGAPI, public_response=event.summary)


def _rated(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.ReportRated)
    return replace(state, rating=event.score)


def _linked(state: ReportState, event: Message) -> ReportState:
    assert isinstance(event, e.DuplicateLinked)
    return replace(state, status=S.DIGABUNGKAN, duplicate_of=event.original_report_id)


def _to(status: Status) -> Step:
    return lambda state, _: replace(state, status=status)


STEPS: dict[type[Message], Step] = {
    e.ReportVerified: lambda state, _: replace(state, verified=True),
    e.ReportRejected: _to(S.DITOLAK),
    e.ReportArchived: _to(S.DIARSIPKAN),
    e.ReportPostponed: _postponed,
    e.ReportRouted: _routed,
    e.ReportForwarded: _forwarded,
    e.ReportEscalated: _escalated,
    e.ReportAcknowledged: _to(S.DIPROSES),
    e.InformationRequested: _to(S.MENUNGGU_TANGGAPAN_PELAPOR),
    e.InformationProvided: _to(S.DIPROSES),
    e.ReportResponded: _responded,
    e.ReportResolved: _resolved,
    e.ReporterReplied: lambda state, _: state,
    e.ReportRated: _rated,
    e.ReportAppealed: lambda state, _: replace(state, status=S.BANDING, appealed=True),
    e.ReportClosed: _to(S.SELESAI),
    e.ReporterDataErased: lambda state, _: replace(state, reporter_erased=True),
    e.RoutingSuggested: lambda state, _: state,
    e.DuplicateLinked: _linked,
    e.DeadlineApproaching: lambda state, _: state,
    e.DeadlineMissed: lambda state, _: state,
}


def _remember(state: ReportState, envelope: EventEnvelope) -> ReportState:
    if not envelope.idempotency_key:
        return state
    answer = Answered(
        envelope.idempotency_key, envelope.request_digest, envelope.sequence, state.status
    )
    # The submission's answer is kept for good; the latest commands' answers after it.
    first = state.answered[:1] if state.answered and state.answered[0].sequence == 1 else ()
    latest = (*state.answered[len(first) :], answer)[-(IDEMPOTENCY_MEMORY - len(first)) :]
    return replace(state, answered=(*first, *latest))


def _step(state: ReportState | None, envelope: EventEnvelope, event: Message) -> ReportState:
    if isinstance(event, e.ReportSubmitted):
        return _submitted(envelope, event)
    if state is None:
        raise ValueError(f"{type(event).__name__} before ReportSubmitted for {envelope.report_id}")
    step = STEPS.get(type(event))
    if step is None:
        raise ValueError(f"intake cannot fold {type(event).__name__}")
    return replace(step(state, event), sequence=envelope.sequence)


def evolve(state: ReportState | None, envelope: EventEnvelope, event: Message) -> ReportState:
    """The state after one event of the report's log."""
    stepped = replace(
        _step(state, envelope, event), updated_at=envelope.occurred_at.ToDatetime(UTC)
    )
    return _remember(stepped, envelope)


def fold(events: list[tuple[EventEnvelope, Message]]) -> ReportState | None:
    state: ReportState | None = None
    for envelope, event in events:
        state = evolve(state, envelope, event)
    return state
