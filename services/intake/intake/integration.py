"""Agencies' own complaint systems: bulk import with their own ids, and the way back (status,
timeline, changes since a moment).

Answers are the contract's messages (lapor.integration.v1), so the gRPC and the REST adapter
answer the same. The reports of one call are imported concurrently, at most ``concurrency`` at
a time; the writer still serialises each report, and answers only after Kafka acknowledged.
"""

import asyncio
import base64
import binascii
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from intake.domain.imports import MAX_BATCH, Importer, decide_import, idempotency_text, in_scope
from intake.domain.model import STATUS_LABELS, Invalid, NotFound, ReportState, Role
from intake.domain.submission import SubmitReport
from intake.domain.timeline import entry
from intake.handlers import Clock, Conflict, Idempotency, ReportWriter, utc_now
from intake.requests import identity_of
from intake.rpc import proto_submission
from intake.store import EventCopy, ReportStore
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_OFFICER, Actor
from lapor.integration.v1 import integration_service_pb2 as pb
from lapor.report.v1.events_pb2 import CHANNEL_AGENCY_SYSTEM, ReporterIdentity
from lapor_common.envelope import Causation, Event, timestamp
from lapor_common.tracking import normalize_tracking_id

DEFAULT_PAGE = 100
# Imports' idempotency keys are hashed apart from clients' own keys, so no citizen's
# Idempotency-Key can take the tracking id an agency's external id will have.
NAMESPACE = b"agency-import"


def _received_at(report: pb.ExternalReport) -> datetime | None:
    if not report.HasField("received_at"):
        return None
    try:
        return report.received_at.ToDatetime(UTC)
    except (ValueError, OverflowError) as exc:
        raise Invalid([f"received_at is not a date: {exc}"]) from exc


def _submission(report: pb.ExternalReport) -> tuple[SubmitReport, ReporterIdentity | None]:
    command = replace(
        proto_submission(report, CHANNEL_AGENCY_SYSTEM),
        external_id=report.external_id,
        received_at=_received_at(report),
    )
    r = report.reporter
    return command, identity_of(r.name, r.phone, r.email, r.id_number)


def _page_token(state: ReportState) -> str:
    assert state.updated_at is not None
    text = f"{state.updated_at.isoformat()}|{state.report_id}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _after(token: str) -> tuple[datetime, str]:
    """Where a page token says the next page starts: after (moment, tracking id)."""
    try:
        moment, _, report_id = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
        after = datetime.fromisoformat(moment)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise Invalid(["page_token is not one this API gave"]) from exc
    if after.tzinfo is None:
        raise Invalid(["page_token is not one this API gave"])
    return after, report_id


def _timeline(events: list[Event], last: int) -> list[pb.TimelineEntry]:
    """The report's events up to ``last`` as the agency's officers read them."""
    said = [entry(e.envelope, e.payload, Role.OFFICER) for e in events]
    return [
        pb.TimelineEntry(
            sequence=s.sequence,
            event_type=s.event_type,
            occurred_at=timestamp(s.occurred_at),
            actor=s.actor,
            text_id=s.text_id,
            text_en=s.text_en,
        )
        for s in said
        if s is not None and s.sequence <= last
    ]


def _present(state: ReportState, events: list[Event]) -> pb.AgencyReport:
    label_id, label_en = STATUS_LABELS[state.status]
    report = pb.AgencyReport(
        tracking_id=state.report_id,
        external_id=state.external_id,
        origin_agency_code=state.origin_agency_code,
        status=state.status.value,
        status_label_id=label_id,
        status_label_en=label_en,
        agency_code=state.agency_code,
        agency_name=state.agency_name,
        sequence=state.sequence,
        title=state.title,
    )
    if state.updated_at is not None:
        report.updated_at.CopyFrom(timestamp(state.updated_at))
    report.timeline.extend(_timeline(events, state.sequence))
    return report


class AgencyIntegration:
    def __init__(
        self,
        writer: ReportWriter,
        store: ReportStore,
        copy: EventCopy,
        *,
        concurrency: int = 32,
        clock: Clock = utc_now,
    ) -> None:
        self._writer = writer
        self._store = store
        self._copy = copy
        self._slots = asyncio.Semaphore(concurrency)
        self._clock = clock

    async def import_reports(
        self, importer: Importer, reports: Sequence[pb.ExternalReport], correlation_id: str
    ) -> pb.ImportReportsResponse:
        if not reports or len(reports) > MAX_BATCH:
            raise Invalid([f"send 1 to {MAX_BATCH} reports per call, not {len(reports)}"])
        cause = Causation(Actor(kind=ACTOR_KIND_OFFICER, id=importer.agency_code), correlation_id)
        keys = [
            self._idempotency(importer, r.external_id, r.SerializeToString(deterministic=True))
            for r in reports
        ]
        ids = [self._writer.report_id_for(key) for key in keys]
        existing = await self._store.existing(ids)

        async def one(report: pb.ExternalReport, key: Idempotency, absent: bool) -> pb.ImportResult:
            async with self._slots:
                return await self._import(importer, report, key, cause, absent)

        results = await asyncio.gather(
            *(
                one(report, key, report_id not in existing)
                for report, key, report_id in zip(reports, keys, ids, strict=True)
            )
        )
        return pb.ImportReportsResponse(results=results)

    def _idempotency(self, importer: Importer, external_id: str, request: bytes) -> Idempotency:
        key = idempotency_text(importer.agency_code, external_id)
        return Idempotency.of(key, "import", request, namespace=NAMESPACE)

    async def _import(
        self,
        importer: Importer,
        report: pb.ExternalReport,
        idempotency: Idempotency,
        cause: Causation,
        absent: bool,
    ) -> pb.ImportResult:
        result = pb.ImportResult(external_id=report.external_id)
        now = self._clock()
        try:
            command, identity = _submission(report)
            outcome = await self._writer.submit(
                command,
                identity,
                cause,
                idempotency,
                decision=lambda c, regions: decide_import(c, importer, now, regions),
                absent=absent,
            )
        except Invalid as exc:
            result.outcome, result.problems[:] = pb.IMPORT_OUTCOME_INVALID, exc.problems
            return result
        except Conflict:
            result.tracking_id = self._writer.report_id_for(idempotency)
            result.outcome = pb.IMPORT_OUTCOME_CONFLICT
            result.problems.append(
                "external_id sudah diimpor dengan isi lain / "
                "this external_id was imported before with different content"
            )
            return result
        result.tracking_id = outcome.report_id
        result.outcome = (
            pb.IMPORT_OUTCOME_ALREADY_IMPORTED if outcome.replayed else pb.IMPORT_OUTCOME_CREATED
        )
        return result

    async def get_reports(
        self, importer: Importer, external_ids: Sequence[str], tracking_ids: Sequence[str]
    ) -> pb.GetReportsResponse:
        asked = len(external_ids) + len(tracking_ids)
        if not 1 <= asked <= MAX_BATCH:
            raise Invalid([f"name 1 to {MAX_BATCH} reports by external_ids or tracking_ids"])
        named = {
            self._writer.report_id_for(self._idempotency(importer, x, b"")): x for x in external_ids
        }
        named |= {normalize_tracking_id(t) or t: t for t in tracking_ids}
        stored = await self._store.many(list(named))
        for report_id, name in named.items():
            state = stored.get(report_id)
            if state is None or not in_scope(state, importer.agency_code):
                raise NotFound(f"no report {name!r} in your agency's scope")
        return pb.GetReportsResponse(reports=await self._present_all([stored[r] for r in named]))

    async def list_updates(
        self, importer: Importer, since: datetime | None, token: str, page_size: int
    ) -> pb.ListUpdatesResponse:
        if not 0 <= page_size <= MAX_BATCH:
            raise Invalid([f"page_size must be 1 to {MAX_BATCH} (0: {DEFAULT_PAGE})"])
        size = page_size or DEFAULT_PAGE
        after = _after(token) if token else (since or datetime.min.replace(tzinfo=UTC), "")
        states = await self._store.updates(importer.agency_code, after, size + 1)
        answer = pb.ListUpdatesResponse(reports=await self._present_all(states[:size]))
        if len(states) > size:
            answer.next_page_token = _page_token(states[size - 1])
        return answer

    async def _present_all(self, states: Sequence[ReportState]) -> list[pb.AgencyReport]:
        if not states:
            return []
        events = await self._copy.of_reports([state.report_id for state in states])
        return [_present(state, events[state.report_id]) for state in states]
