"""Escalation's gRPC API (lapor.escalation.v1.DeadlineService): reports' running clocks, from
the same store as GET /api/v1/deadlines/{id}. Too many or malformed ids are INVALID_ARGUMENT."""

from typing import Any

import grpc

from escalation.domain.clocks import PROTO_KINDS, Report
from escalation.store import Reports
from lapor.escalation.v1 import deadline_service_pb2 as pb
from lapor.escalation.v1 import deadline_service_pb2_grpc as pb_grpc
from lapor_common.envelope import timestamp
from lapor_common.runtime import GrpcRegistration
from lapor_common.tracking import normalize_tracking_id

Context = grpc.aio.ServicerContext[Any, Any]
MAX_IDS = 1000


def report_deadlines(report: Report) -> pb.ReportDeadlines:
    """A report's clocks as the contract carries them, with the nearest running deadline."""
    answer = pb.ReportDeadlines(tracking_id=report.report_id)
    for clock in report.clocks:
        answer.deadlines.append(
            pb.Deadline(
                clock=PROTO_KINDS[clock.kind],
                deadline=timestamp(clock.deadline),
                agency_code=clock.agency_code,
                paused=clock.paused_at is not None,
                policy_version=clock.policy_version,
            )
        )
    running = [c.deadline for c in report.clocks if c.paused_at is None]
    if running:
        answer.nearest.CopyFrom(timestamp(min(running)))
    return answer


class DeadlineService(pb_grpc.DeadlineServiceServicer):
    def __init__(self, reports: Reports) -> None:
        self._reports = reports

    async def GetDeadlines(
        self, request: pb.GetDeadlinesRequest, context: Context
    ) -> pb.GetDeadlinesResponse:
        if len(request.tracking_ids) > MAX_IDS:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, f"at most {MAX_IDS} tracking ids at once"
            )
        ids = [normalize_tracking_id(text) for text in request.tracking_ids]
        if None in ids:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "tracking_ids must be tracking ids"
            )
        found = await self._reports.many(sorted({i for i in ids if i is not None}))
        return pb.GetDeadlinesResponse(reports=[report_deadlines(r) for r in found])


def registration(reports: Reports) -> GrpcRegistration:
    def register(server: grpc.aio.Server) -> str:
        pb_grpc.add_DeadlineServiceServicer_to_server(DeadlineService(reports), server)
        return pb.DESCRIPTOR.services_by_name["DeadlineService"].full_name

    return register
