"""The inbox of officers and administrators: the reports now at an agency, with counts and
each report's nearest deadline from escalation (``DeadlineService/GetDeadlines``)."""

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Query

from intake.domain.inbox import (
    MAX_DUE_CANDIDATES,
    MAX_DUE_HOURS,
    ClockReading,
    Deadline,
    due,
    nearest_deadline,
    open_statuses,
)
from intake.domain.model import Forbidden, Principal, Role, Status
from intake.handlers import Clock, Unavailable, utc_now
from intake.presenting import inbox_item
from intake.store import ReportStore
from lapor_common.mongo import Document

Nearest = dict[str, Deadline]
Agency = Annotated[str | None, Query(description="administrators: any; '' = queue")]
Statuses = Annotated[list[Status] | None, Query()]
Limit = Annotated[int, Query(ge=1, le=500)]
Escalated = Annotated[bool, Query(description="only reports escalated to the agency")]
DueWithin = Annotated[
    int | None, Query(ge=1, le=MAX_DUE_HOURS, description="open reports due within N hours")
]


class Deadlines(Protocol):
    """``intake.open311_ports.EscalationDeadlines``."""

    async def clocks(self, report_ids: list[str]) -> dict[str, list[ClockReading]] | None: ...


def _nearest(clocks: Mapping[str, list[ClockReading]]) -> Nearest:
    found = {report_id: nearest_deadline(kept) for report_id, kept in clocks.items()}
    return {report_id: deadline for report_id, deadline in found.items() if deadline}


def _agency_of(caller: Principal, agency: str | None) -> str:
    if caller.role is Role.OFFICER:
        return caller.agency_code
    if caller.role is not Role.ADMINISTRATOR:
        raise Forbidden("the inbox is for officers and administrators")
    return agency or ""


class Inbox:
    def __init__(self, store: ReportStore, deadlines: Deadlines | None, clock: Clock) -> None:
        self._store = store
        self._deadlines = deadlines
        self._clock = clock

    async def nearest(self, items: list[Document]) -> Nearest | None:
        """The items' nearest deadlines; None when escalation cannot tell."""
        if self._deadlines is None:
            return None
        clocks = await self._deadlines.clocks([item["_id"] for item in items])
        return None if clocks is None else _nearest(clocks)

    async def due(
        self, code: str, wanted: list[Status], escalated: bool, hours: int, limit: int
    ) -> tuple[list[Document], Nearest]:
        """Open reports due within the hours or overdue, nearest first, with their deadlines."""
        statuses = [s.value for s in open_statuses(wanted)]
        candidates = await self._store.inbox(
            code, statuses, MAX_DUE_CANDIDATES, escalated=escalated, oldest_first=True
        )
        nearest = await self.nearest(candidates)
        if nearest is None:
            raise Unavailable("escalation's deadlines are unavailable now; try again shortly")
        by_id = {item["_id"]: item for item in candidates}
        return [by_id[i] for i in due(nearest, self._clock(), hours)[:limit]], nearest


def inbox_router(
    store: ReportStore,
    who: Callable[..., Principal],
    deadlines: Deadlines | None,
    clock: Clock = utc_now,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/inbox", tags=["inbox"])
    desk = Inbox(store, deadlines, clock)

    @router.get("", summary="Reports at an agency (officers: their own), with counts by status")
    async def inbox(
        caller: Annotated[Principal, Depends(who)],
        *,
        agency: Agency = None,
        status: Statuses = None,
        limit: Limit = 100,
        escalated: Escalated = False,
        due_within_hours: DueWithin = None,
    ) -> dict[str, Any]:
        code, wanted = _agency_of(caller, agency), list(status or [])
        if due_within_hours is None:
            values = [s.value for s in wanted]
            items = await store.inbox(code, values, limit, escalated=escalated)
            nearest = await desk.nearest(items)
        else:
            items, nearest = await desk.due(code, wanted, escalated, due_within_hours, limit)
        return {
            "agency_code": code,
            "counts": await store.count_by_status(code),
            "escalated": await store.count_escalated(code),
            "deadlines_available": nearest is not None,
            "reports": [inbox_item(item, (nearest or {}).get(item["_id"])) for item in items],
        }

    return router
