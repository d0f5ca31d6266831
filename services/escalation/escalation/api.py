"""Escalation's REST API: a report's running clocks, and the warnings recorded against an
agency for missed deadlines (for supervisors and the public)."""

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Path

from escalation.domain.clocks import Clock
from escalation.store import Reports, Warnings
from lapor_common.zones import zone_of_agency

Code = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9.-]*$")]
TrackingId = Annotated[str, Path(min_length=1, max_length=40)]


def _clock(clock: Clock) -> dict[str, Any]:
    zone = zone_of_agency(clock.agency_code)
    return {
        "clock": clock.kind.value,
        "agency_code": clock.agency_code,
        "started_at": clock.started_at.isoformat(),
        "deadline": clock.deadline.isoformat(),
        "deadline_local": clock.deadline.astimezone(zone).isoformat(),
        "zone": zone.key,
        "policy_version": clock.policy_version,
        "paused": clock.paused_at is not None,
        "reminded": clock.reminded,
    }


def deadlines_api(reports: Reports, warnings: Warnings) -> FastAPI:
    api = APIRouter(prefix="/api/v1/deadlines")

    @api.get("/warnings/{agency_code}")
    async def agency_warnings(agency_code: Code) -> dict[str, Any]:
        """Deadlines the agency missed, newest first."""
        found = await warnings.of(agency_code)
        return {"agency_code": agency_code, "count": len(found), "warnings": found}

    @api.get("/{tracking_id}")
    async def report_deadlines(tracking_id: TrackingId) -> dict[str, Any]:
        """The report's running clocks, with their deadlines in UTC and in the agency's zone."""
        report = await reports.get(tracking_id.upper())
        if report is None:
            raise HTTPException(404, "no running clocks for that tracking id")
        return {
            "tracking_id": report.report_id,
            "agency_code": report.agency_code,
            "escalation_tier": report.tier,
            "clocks": [_clock(c) for c in report.clocks],
        }

    http = FastAPI(title="LAPOR! escalation", version="1.0.0")
    http.include_router(api)
    return http
