"""lapor.analytics.v1.StatisticsService: the statistics of the HTTP API over gRPC, as thin
translations of ``analytics.statistics``."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.json_format import ParseDict
from google.protobuf.message import Message

from analytics.domain.figures import Filter
from analytics.statistics import BadRequest, Statistics
from lapor.analytics.v1 import statistics_service_pb2 as pb
from lapor.analytics.v1 import statistics_service_pb2_grpc as pb_grpc
from lapor_common.runtime import GrpcRegistration

Context = grpc.aio.ServicerContext[Any, Any]
M = TypeVar("M", bound=Message)


class StatisticsService(pb_grpc.StatisticsServiceServicer):
    def __init__(self, statistics: Statistics) -> None:
        self._statistics = statistics

    def _where(self, request: pb.Filter) -> Filter:
        fields = (
            "from_day",
            "to_day",
            "province_code",
            "regency_code",
            "agency_code",
            "category_code",
            "programme",
            "report_type",
            "channel",
        )
        return self._statistics.window(**{name: getattr(request, name) for name in fields})

    async def _serve(
        self, context: Context, into: M, compute: Callable[[], Awaitable[dict[str, Any]]]
    ) -> M:
        try:
            return ParseDict(await compute(), into, ignore_unknown_fields=True)
        except BadRequest as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
            raise

    async def GetSummary(
        self, request: pb.GetSummaryRequest, context: Context
    ) -> pb.GetSummaryResponse:
        return await self._serve(
            context,
            pb.GetSummaryResponse(),
            lambda: self._statistics.summary(self._where(request.filter)),
        )

    async def GetBreakdown(
        self, request: pb.GetBreakdownRequest, context: Context
    ) -> pb.GetBreakdownResponse:
        return await self._serve(
            context,
            pb.GetBreakdownResponse(),
            lambda: self._statistics.breakdown(
                self._where(request.filter), request.by, request.granularity
            ),
        )

    async def GetDurations(
        self, request: pb.GetDurationsRequest, context: Context
    ) -> pb.GetDurationsResponse:
        return await self._serve(
            context,
            pb.GetDurationsResponse(),
            lambda: self._statistics.durations(self._where(request.filter)),
        )

    async def GetLeagueTable(
        self, request: pb.GetLeagueTableRequest, context: Context
    ) -> pb.GetLeagueTableResponse:
        limit, min_reports = request.limit or 50, request.min_reports or 5
        return await self._serve(
            context,
            pb.GetLeagueTableResponse(),
            lambda: self._statistics.league(self._where(request.filter), limit, min_reports),
        )

    async def ListSpikes(
        self, request: pb.ListSpikesRequest, context: Context
    ) -> pb.ListSpikesResponse:
        return await self._serve(
            context,
            pb.ListSpikesResponse(),
            lambda: self._statistics.spikes(self._where(request.filter)),
        )


def registration(statistics: Statistics) -> GrpcRegistration:
    def register(server: grpc.aio.Server) -> str:
        pb_grpc.add_StatisticsServiceServicer_to_server(StatisticsService(statistics), server)
        return pb.DESCRIPTOR.services_by_name["StatisticsService"].full_name

    return register
