"""Escalation's REST API: a report's running clocks and where they stand, the deadline
policies, and the warnings recorded against an agency for missed deadlines (for supervisors
and the public)."""

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Path

from escalation.clock import Clock as TimeSource
from escalation.domain.clocks import Rules
from escalation.store import Reports, Warnings
from escalation.views import clock_view, policy_view

Code = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9.-]*$")]
TrackingId = Annotated[str, Path(min_length=1, max_length=40)]


def deadlines_api(reports: Reports, warnings: Warnings, rules: Rules, time: TimeSource) -> FastAPI:
    api = APIRouter(prefix="/api/v1/deadlines")

    @api.get("/policy")
    async def deadline_policy() -> dict[str, Any]:
        """The deadline policy in force now and every version, what each clock's miss sets
        off and the escalation chain's levels."""
        return policy_view(rules.policies, time.now())

    @api.get("/warnings/{agency_code}")
    async def agency_warnings(agency_code: Code) -> dict[str, Any]:
        """Deadlines the agency missed, newest first."""
        found = await warnings.of(agency_code)
        return {"agency_code": agency_code, "count": len(found), "warnings": found}

    @api.get("/{tracking_id}")
    async def report_deadlines(tracking_id: TrackingId) -> dict[str, Any]:
        """The report's running clocks, with their deadlines in UTC and in the agency's zone
        and the working days left to each."""
        report = await reports.get(tracking_id.upper())
        if report is None:
            raise HTTPException(404, "no running clocks for that tracking id")
        now = time.now()
        return {
            "tracking_id": report.report_id,
            "agency_code": report.agency_code,
            "escalation_tier": report.tier,
            "clocks": [clock_view(c, rules, now) for c in report.clocks],
        }

    http = FastAPI(title="LAPOR! escalation", version="1.0.0")
    http.include_router(api)
    return http
