"""Intake's gRPC API (lapor.report.v1.ReportService): the same commands as the REST API.

Officers and administrators send ``authorization: Bearer <token>`` metadata;
errors map to INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION,
PERMISSION_DENIED and UNAUTHENTICATED with the reason.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, NoReturn

import grpc
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from intake.auth import Unauthenticated, principal_from_token
from intake.domain.model import (
    PUBLIC,
    STATUS_LABELS,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Refused,
    Role,
)
from intake.domain.submission import SubmitReport
from intake.handlers import Idempotency, ReportWriter, Unavailable
from intake.requests import identity_of
from intake.views import ReportReader, View
from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_ADMINISTRATOR,
    ACTOR_KIND_CITIZEN,
    ACTOR_KIND_OFFICER,
    Actor,
)
from lapor.integration.v1.integration_service_pb2 import ExternalReport
from lapor.report.v1 import report_service_pb2 as pb
from lapor.report.v1 import report_service_pb2_grpc as pb_grpc
from lapor.report.v1.events_pb2 import Channel
from lapor_common.envelope import Causation
from lapor_common.runtime import GrpcRegistration
from lapor_common.tracking import normalize_tracking_id

Context = grpc.aio.ServicerContext[Any, Any]
_CODES: list[tuple[type[Exception], grpc.StatusCode]] = [
    (Invalid, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (Refused, grpc.StatusCode.FAILED_PRECONDITION),
    (Forbidden, grpc.StatusCode.PERMISSION_DENIED),
    (Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (Unavailable, grpc.StatusCode.UNAVAILABLE),
]
_ACTOR_KINDS = {Role.OFFICER: ACTOR_KIND_OFFICER, Role.ADMINISTRATOR: ACTOR_KIND_ADMINISTRATOR}


async def _abort(context: Context, exc: Exception) -> NoReturn:
    code = next(code for kind, code in _CODES if isinstance(exc, kind))
    await context.abort(code, str(exc))


def _stamp(moment: Any) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _moment(stamp: Timestamp) -> datetime:
    try:
        return stamp.ToDatetime(UTC)
    except (ValueError, OverflowError) as exc:
        raise Invalid([f"as_of is not a date: {exc}"]) from exc


def _view(view: View) -> pb.ReportView:
    state = view.state
    label_id, label_en = STATUS_LABELS[state.status]
    report = pb.ReportView(
        tracking_id=state.report_id,
        type=state.type,
        title=state.title,
        region_code=state.region_code,
        channel=state.channel,
        status=state.status.value,
        status_label_id=label_id,
        status_label_en=label_en,
        agency_code=state.agency_code,
        agency_name=state.agency_name,
        sequence=state.sequence,
        submitted_at=_stamp(state.submitted_at),
        body=state.body,
        audience=view.audience.value,
        anonymous=state.anonymous,
        confidential=state.confidential,
        reporter_erased=state.reporter_erased,
    )
    if view.identity is not None:
        report.reporter.CopyFrom(view.identity)
    for e in view.timeline:
        report.timeline.add(
            sequence=e.sequence,
            event_type=e.event_type,
            occurred_at=_stamp(e.occurred_at),
            actor=e.actor,
            text_id=e.text_id,
            text_en=e.text_en,
        )
    return report


def proto_submission(
    request: pb.SubmitReportRequest | ExternalReport, channel: Channel.ValueType
) -> SubmitReport:
    """A submission from a contract message with the report's fields (SubmitReportRequest, or an
    agency system's ExternalReport)."""
    location = request.location if request.HasField("location") else None
    return SubmitReport(
        type=request.type,
        requires_examination=request.requires_examination,
        title=request.title,
        body=request.body,
        category_code=request.category_code,
        region_code=request.region_code,
        location=(location.latitude, location.longitude) if location else None,
        channel=channel,
        anonymous=request.anonymous,
        confidential=request.confidential,
        language=request.language or "id",
    )


class ReportService(pb_grpc.ReportServiceServicer):
    def __init__(self, writer: ReportWriter, reader: ReportReader, signing_key: str | None) -> None:
        self._writer = writer
        self._reader = reader
        self._signing_key = signing_key

    def _caller(self, context: Context) -> Principal:
        metadata = dict(context.invocation_metadata() or ())
        authorization = str(metadata.get("authorization", ""))
        if not authorization:
            return PUBLIC
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("use 'authorization: Bearer <token>' metadata")
        return principal_from_token(self._signing_key, token.strip())

    @staticmethod
    def _correlation(context: Context) -> str:
        metadata = dict(context.invocation_metadata() or ())
        return str(metadata.get("x-correlation-id") or uuid.uuid4())

    @staticmethod
    def _idempotency(key: str, request: Message, scope: str) -> Idempotency | None:
        body = request.SerializeToString(deterministic=True)
        return Idempotency.of(key, scope, body) if key else None

    async def SubmitReport(
        self, request: pb.SubmitReportRequest, context: Context
    ) -> pb.SubmitReportResponse:
        try:
            r = request.reporter
            identity = identity_of(r.name, r.phone, r.email, r.id_number)
            cause = Causation(Actor(kind=ACTOR_KIND_CITIZEN), self._correlation(context))
            idempotency = self._idempotency(request.idempotency_key, request, "submit")
            outcome = await self._writer.submit(
                proto_submission(request, request.channel), identity, cause, idempotency
            )
        except (Invalid, Refused, Unavailable) as exc:
            await _abort(context, exc)
        return pb.SubmitReportResponse(
            tracking_id=outcome.report_id,
            status=outcome.status.value,
            access_secret=outcome.access_secret,
        )

    async def GetReport(
        self, request: pb.GetReportRequest, context: Context
    ) -> pb.GetReportResponse:
        try:
            report_id = normalize_tracking_id(request.tracking_id)
            if report_id is None:
                raise Invalid(["tracking_id is malformed (e.g. 7K3M-9QXD-2F8A)"])
            as_of = _moment(request.as_of) if request.HasField("as_of") else None
            view = await self._reader.view(
                report_id, self._caller(context), request.access_secret, as_of
            )
        except (Invalid, Refused, Forbidden, Unauthenticated) as exc:
            await _abort(context, exc)
        return pb.GetReportResponse(report=_view(view))

    async def Act(self, request: pb.ActRequest, context: Context) -> pb.ActResponse:
        try:
            which = request.WhichOneof("command")
            report_id = normalize_tracking_id(request.tracking_id)
            if which is None or report_id is None:
                raise Invalid(["tracking_id and one command are required"])
            command = getattr(request, which)
            caller = self._caller(context)
            actor = Actor(
                kind=_ACTOR_KINDS.get(caller.role, ACTOR_KIND_CITIZEN), id=caller.agency_code
            )
            outcome = await self._writer.act(
                report_id,
                command,
                caller,
                Causation(actor, self._correlation(context)),
                expected_sequence=request.expected_sequence,
                idempotency=self._idempotency(request.idempotency_key, command, which),
                secret=request.access_secret,
            )
        except (Invalid, Refused, Forbidden, Unauthenticated, Unavailable) as exc:
            await _abort(context, exc)
        return pb.ActResponse(
            tracking_id=outcome.report_id, sequence=outcome.sequence, status=outcome.status.value
        )

    async def GetReporterContact(
        self, request: pb.GetReporterContactRequest, context: Context
    ) -> pb.GetReporterContactResponse:
        try:
            report_id = normalize_tracking_id(request.tracking_id)
            if report_id is None:
                raise Invalid(["tracking_id is malformed (e.g. 7K3M-9QXD-2F8A)"])
            found = await self._reader.contact(report_id, self._caller(context))
        except (Invalid, NotFound, Forbidden, Unauthenticated) as exc:
            await _abort(context, exc)
        answer = pb.GetReporterContactResponse(
            access_secret=found.access_secret,
            erased=found.erased,
            anonymous=found.anonymous,
            language=found.language,
        )
        if found.identity is not None:
            answer.contact.CopyFrom(found.identity)
        return answer


def registration(
    writer: ReportWriter, reader: ReportReader, signing_key: str | None
) -> GrpcRegistration:
    def register(server: grpc.aio.Server) -> str:
        pb_grpc.add_ReportServiceServicer_to_server(
            ReportService(writer, reader, signing_key), server
        )
        return pb.DESCRIPTOR.services_by_name["ReportService"].full_name

    return register
