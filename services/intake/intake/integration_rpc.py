"""Intake's gRPC API for agencies' own systems (lapor.integration.v1.AgencyIntegrationService).

Every call sends the agency's integration key as ``x-api-key`` metadata; errors map to
UNAUTHENTICATED, INVALID_ARGUMENT, NOT_FOUND and UNAVAILABLE with the reason.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, NoReturn

import grpc

from intake.auth import Unauthenticated
from intake.credentials import Credentials
from intake.domain.imports import Importer
from intake.domain.model import Invalid, NotFound
from intake.handlers import Unavailable
from intake.integration import AgencyIntegration
from lapor.integration.v1 import integration_service_pb2 as pb
from lapor.integration.v1 import integration_service_pb2_grpc as pb_grpc
from lapor_common.runtime import GrpcRegistration

Context = grpc.aio.ServicerContext[Any, Any]
_CODES: dict[type[Exception], grpc.StatusCode] = {
    Invalid: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
}
_FAILURES = tuple(_CODES)


async def _abort(context: Context, exc: Exception) -> NoReturn:
    code = next(code for kind, code in _CODES.items() if isinstance(exc, kind))
    await context.abort(code, str(exc))


def _since(request: pb.ListUpdatesRequest) -> datetime | None:
    if not request.HasField("since"):
        return None
    try:
        return request.since.ToDatetime(UTC)
    except (ValueError, OverflowError) as exc:
        raise Invalid([f"since is not a date: {exc}"]) from exc


def _metadata(context: Context, name: str) -> str:
    return str(dict(context.invocation_metadata() or ()).get(name, ""))


class AgencyIntegrationService(pb_grpc.AgencyIntegrationServiceServicer):
    def __init__(self, integration: AgencyIntegration, credentials: Credentials) -> None:
        self._integration = integration
        self._credentials = credentials

    async def _importer(self, context: Context) -> Importer:
        return await self._credentials.importer(_metadata(context, "x-api-key"))

    async def ImportReports(
        self, request: pb.ImportReportsRequest, context: Context
    ) -> pb.ImportReportsResponse:
        correlation = _metadata(context, "x-correlation-id") or str(uuid.uuid4())
        try:
            importer = await self._importer(context)
            return await self._integration.import_reports(importer, request.reports, correlation)
        except _FAILURES as exc:
            await _abort(context, exc)

    async def GetReports(
        self, request: pb.GetReportsRequest, context: Context
    ) -> pb.GetReportsResponse:
        try:
            importer = await self._importer(context)
            return await self._integration.get_reports(
                importer, request.external_ids, request.tracking_ids
            )
        except _FAILURES as exc:
            await _abort(context, exc)

    async def ListUpdates(
        self, request: pb.ListUpdatesRequest, context: Context
    ) -> pb.ListUpdatesResponse:
        try:
            importer = await self._importer(context)
            return await self._integration.list_updates(
                importer, _since(request), request.page_token, request.page_size
            )
        except _FAILURES as exc:
            await _abort(context, exc)


def integration_registration(
    integration: AgencyIntegration, credentials: Credentials
) -> GrpcRegistration:
    def register(server: grpc.aio.Server) -> str:
        pb_grpc.add_AgencyIntegrationServiceServicer_to_server(
            AgencyIntegrationService(integration, credentials), server
        )
        return pb.DESCRIPTOR.services_by_name["AgencyIntegrationService"].full_name

    return register
