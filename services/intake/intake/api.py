"""Intake's REST API: thin routes that translate HTTP into handler calls and back."""

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from intake.domain import STATUS_LABELS, Invalid, Refused, ReportState, SubmitReport
from intake.handlers import ReportWriter
from intake.limits import RequestGuard
from intake.store import ReportStore
from intake.tracking import normalize_tracking_id
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1 import events_pb2
from lapor_common.envelope import Causation

REPORT_TYPES = {
    "pengaduan": events_pb2.REPORT_TYPE_COMPLAINT,
    "aspirasi": events_pb2.REPORT_TYPE_ASPIRATION,
    "permintaan_informasi": events_pb2.REPORT_TYPE_INFORMATION_REQUEST,
}
CHANNELS = {
    "web": events_pb2.CHANNEL_WEB,
    "mobile": events_pb2.CHANNEL_MOBILE,
    "social_media": events_pb2.CHANNEL_SOCIAL_MEDIA,
}
_TYPE_NAMES = {value: name for name, value in REPORT_TYPES.items()}
_CHANNEL_NAMES = {value: name for name, value in events_pb2.Channel.items()}


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    latitude: float
    longitude: float


class ReportIn(BaseModel):
    """A new report as a citizen files it."""

    model_config = ConfigDict(extra="forbid", strict=True)
    type: Literal["pengaduan", "aspirasi", "permintaan_informasi"] = Field(
        description="pengaduan (complaint), aspirasi (aspiration) or permintaan_informasi"
    )
    requires_examination: bool = Field(
        False, description="Complaints only: berkadar pengawasan (needs examination)"
    )
    title: str = Field(description="Short title, 5 to 200 characters")
    body: str = Field(description="What happened, where and when; 20 to 10,000 characters")
    category_code: str = Field("", max_length=64, description="Category, if the reporter chose")
    region_code: str = Field(description="Kemendagri region code, e.g. 32.04 or 32.04.05")
    location: Location | None = None
    channel: Literal["web", "mobile", "social_media"] = "web"
    anonymous: bool = Field(False, description="Hide the reporter's identity from agencies")
    confidential: bool = Field(False, description="Hide the whole report from the public")


def _view(state: ReportState) -> dict[str, Any]:
    label_id, label_en = STATUS_LABELS[state.status]
    return {
        "tracking_id": state.report_id,
        "type": _TYPE_NAMES.get(state.type, "unknown"),
        "title": state.title,
        "region_code": state.region_code,
        "channel": _CHANNEL_NAMES[state.channel].removeprefix("CHANNEL_").lower(),
        "status": state.status.value,
        "status_label": {"id": label_id, "en": label_en},
        "agency": {"code": state.agency_code, "name": state.agency_name}
        if state.agency_code
        else None,
        "sequence": state.sequence,
        "submitted_at": state.submitted_at.isoformat(),
    }


def _command(report: ReportIn) -> SubmitReport:
    location = report.location
    return SubmitReport(
        type=REPORT_TYPES[report.type],
        requires_examination=report.requires_examination,
        title=report.title,
        body=report.body,
        category_code=report.category_code,
        region_code=report.region_code,
        location=(location.latitude, location.longitude) if location else None,
        channel=CHANNELS[report.channel],
        anonymous=report.anonymous,
        confidential=report.confidential,
    )


def reports_router(writer: ReportWriter, store: ReportStore) -> APIRouter:
    router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

    @router.post("", status_code=201, summary="File a report (laporan)")
    async def submit(
        report: ReportIn,
        response: Response,
        correlation_id: Annotated[str | None, Header(alias="X-Correlation-ID")] = None,
    ) -> dict[str, Any]:
        cause = Causation(Actor(kind=ACTOR_KIND_CITIZEN), correlation_id or str(uuid.uuid4()))
        try:
            state = await writer.submit(_command(report), cause)
        except Invalid as exc:
            raise HTTPException(422, {"problems": exc.problems}) from exc
        response.headers["Location"] = f"/api/v1/reports/{state.report_id}"
        return _view(state)

    @router.get("/{tracking_id}", summary="A report and its current status")
    async def get(tracking_id: str) -> dict[str, Any]:
        report_id = normalize_tracking_id(tracking_id)
        state = await store.get(report_id) if report_id else None
        if state is None:
            raise HTTPException(404, f"no report with tracking id {tracking_id!r}")
        return _view(state)

    return router


def _refused(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


def build_app(writer: ReportWriter, store: ReportStore, max_body_bytes: int) -> FastAPI:
    app = FastAPI(
        title="LAPOR! intake",
        description="Pintu masuk laporan warga / The front door for citizens' reports",
        version="1.0.0",
    )
    app.include_router(reports_router(writer, store))
    app.add_exception_handler(Refused, _refused)
    app.add_middleware(RequestGuard, max_bytes=max_body_bytes)
    return app
