"""Intake's gRPC API (lapor.report.v1.ReportService): the same commands as the REST API."""

import uuid

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from intake.domain import STATUS_LABELS, Invalid, Refused, ReportState, SubmitReport
from intake.handlers import ReportWriter
from intake.store import ReportStore
from intake.tracking import normalize_tracking_id
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1 import report_service_pb2 as pb
from lapor.report.v1 import report_service_pb2_grpc as pb_grpc
from lapor_common.envelope import Causation
from lapor_common.runtime import GrpcRegistration


def _view(state: ReportState) -> pb.ReportView:
    label_id, label_en = STATUS_LABELS[state.status]
    submitted_at = Timestamp()
    submitted_at.FromDatetime(state.submitted_at)
    return pb.ReportView(
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
        submitted_at=submitted_at,
    )


def _command(request: pb.SubmitReportRequest) -> SubmitReport:
    location = request.location if request.HasField("location") else None
    return SubmitReport(
        type=request.type,
        requires_examination=request.requires_examination,
        title=request.title,
        body=request.body,
        category_code=request.category_code,
        region_code=request.region_code,
        location=(location.latitude, location.longitude) if location else None,
        channel=request.channel,
        anonymous=request.anonymous,
        confidential=request.confidential,
    )


class ReportService(pb_grpc.ReportServiceServicer):
    def __init__(self, writer: ReportWriter, store: ReportStore) -> None:
        self._writer = writer
        self._store = store

    async def SubmitReport(
        self,
        request: pb.SubmitReportRequest,
        context: grpc.aio.ServicerContext[pb.SubmitReportRequest, pb.SubmitReportResponse],
    ) -> pb.SubmitReportResponse:
        metadata = dict(context.invocation_metadata() or ())
        correlation_id = str(metadata.get("x-correlation-id") or uuid.uuid4())
        cause = Causation(Actor(kind=ACTOR_KIND_CITIZEN), correlation_id)
        try:
            state = await self._writer.submit(_command(request), cause)
        except Invalid as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        except Refused as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        return pb.SubmitReportResponse(tracking_id=state.report_id, status=state.status.value)

    async def GetReport(
        self,
        request: pb.GetReportRequest,
        context: grpc.aio.ServicerContext[pb.GetReportRequest, pb.GetReportResponse],
    ) -> pb.GetReportResponse:
        report_id = normalize_tracking_id(request.tracking_id)
        if report_id is None:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "malformed tracking_id")
        state = await self._store.get(report_id) if report_id else None
        if state is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, "no report with that tracking id")
        return pb.GetReportResponse(report=_view(state))


def registration(writer: ReportWriter, store: ReportStore) -> GrpcRegistration:
    def register(server: grpc.aio.Server) -> str:
        pb_grpc.add_ReportServiceServicer_to_server(ReportService(writer, store), server)
        return pb.DESCRIPTOR.services_by_name["ReportService"].full_name

    return register
