"""Intake's REST API for agencies' own systems, the same as AgencyIntegrationService over gRPC,
and the administrators' management of their integration keys.

Agencies' systems send ``X-Api-Key: lpk_<key id>_<secret>``; bodies and answers are the
contract's messages as proto3 JSON (field names as in the .proto). Administrators manage keys
with their bearer token.
"""

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Response
from google.protobuf import json_format
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field

from intake.auth import administrator
from intake.credentials import Credential, Credentials, new_key_id
from intake.domain.imports import MAX_BATCH, Importer
from intake.domain.model import Invalid, Principal
from intake.handlers import Clock
from intake.integration import AgencyIntegration
from lapor.integration.v1 import integration_service_pb2 as pb

PREFIX = "/api/v1/integration"
# The largest body of a bulk import (500 reports with long texts).
IMPORT_PATH = f"{PREFIX}/reports"
AgencyNames = Callable[[str], Awaitable[str]]
ApiKey = Annotated[
    str | None, Header(alias="X-Api-Key", description="The agency's integration key")
]
CorrelationId = Annotated[str | None, Header(alias="X-Correlation-ID", max_length=200)]
_EXAMPLE = {
    "reports": [
        {
            "external_id": "SIPP-2026-000123",
            "type": "REPORT_TYPE_COMPLAINT",
            "title": "Jalan berlubang di Soreang",
            "body": "Jalan utama di depan pasar Soreang berlubang besar sejak dua minggu lalu.",
            "region_code": "32.04.05",
            "received_at": "2026-11-20T08:15:00+07:00",
        }
    ]
}


def _json(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def _import_request(body: dict[str, Any]) -> pb.ImportReportsRequest:
    try:
        return json_format.ParseDict(body, pb.ImportReportsRequest())
    except json_format.ParseError as exc:
        raise Invalid([str(exc)]) from exc


def integration_router(integration: AgencyIntegration, credentials: Credentials) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["integration"])

    async def importer(x_api_key: ApiKey = None) -> Importer:
        return await credentials.importer(x_api_key or "")

    agency = Annotated[Importer, Depends(importer)]

    @router.post(
        "/reports",
        summary="Import up to 500 reports from the agency's own system (idempotent on external_id)",
        description="Body: ImportReportsRequest as proto3 JSON; one result per report, in order.",
    )
    async def import_reports(
        caller: agency,
        body: Annotated[dict[str, Any], Body(examples=[_EXAMPLE])],
        correlation_id: CorrelationId = None,
    ) -> dict[str, Any]:
        if len(body.get("reports") or []) > MAX_BATCH:
            raise Invalid([f"send at most {MAX_BATCH} reports per call"])
        request = _import_request(body)
        correlation = correlation_id or str(uuid.uuid4())
        return _json(await integration.import_reports(caller, request.reports, correlation))

    @router.get("/reports", summary="The agency's reports by external id or tracking id")
    async def get_reports(
        caller: agency,
        external_id: Annotated[list[str] | None, Query()] = None,
        tracking_id: Annotated[list[str] | None, Query()] = None,
    ) -> dict[str, Any]:
        found = await integration.get_reports(caller, external_id or [], tracking_id or [])
        return _json(found)

    @router.get("/updates", summary="Reports in the agency's scope changed since a moment")
    async def updates(
        caller: agency,
        since: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None,
        page_token: str = "",
        page_size: Annotated[int, Query(ge=0, le=MAX_BATCH)] = 0,
    ) -> dict[str, Any]:
        if since is not None and since.tzinfo is None:
            raise Invalid(["since needs a UTC offset, e.g. 2026-11-22T10:00:00+07:00"])
        return _json(await integration.list_updates(caller, since, page_token, page_size))

    return router


class CredentialIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    agency_code: str = Field(min_length=1, max_length=64, description="Code in the directory")
    label: str = Field(min_length=1, max_length=200, description="Which system, e.g. SIPP v3")


def _administrator(who: Principal) -> Principal:
    return administrator(who, "integration keys")


def credentials_router(
    credentials: Credentials,
    agency_names: AgencyNames,
    who: Callable[..., Principal],
    clock: Clock,
) -> APIRouter:
    router = APIRouter(prefix=f"{PREFIX}/credentials", tags=["integration keys"])
    admin = Annotated[Principal, Depends(who)]

    @router.post("", status_code=201, summary="Issue an agency's integration key (shown once)")
    async def issue(key: CredentialIn, caller: admin) -> dict[str, Any]:
        subject = _administrator(caller).subject
        name = await agency_names(key.agency_code)
        credential = Credential(
            new_key_id(), key.agency_code, name, key.label.strip(), clock(), subject
        )
        api_key = await credentials.issue(credential)
        return {**credential.listed(), "api_key": api_key}

    @router.get("", summary="Integration keys (never their secrets)")
    async def listing(caller: admin, agency_code: str = "") -> dict[str, Any]:
        _administrator(caller)
        found = await credentials.listing(agency_code)
        return {"credentials": [credential.listed() for credential in found]}

    @router.delete("/{key_id}", status_code=204, summary="Revoke an integration key")
    async def revoke(key_id: str, caller: admin) -> Response:
        _administrator(caller)
        await credentials.revoke(key_id, clock())
        return Response(status_code=204)

    return router
