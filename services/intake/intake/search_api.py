"""The public search of reports for the web: ``GET /api/v1/reports``, never a confidential one."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from intake.domain.model import Status
from intake.domain.search import MAX_LIMIT, MAX_OFFSET, Search, search_query
from intake.presenting import search_item
from intake.store import ReportStore

# Lengths only bound what is read; the search checks each parameter and says what is wrong.
Text = Annotated[str, Query(max_length=200, description="2-100 characters, in title or body")]
Statuses = Annotated[list[Status] | None, Query(description="status codes, repeatable")]
Category = Annotated[str, Query(max_length=200, description="e.g. infrastruktur.jalan")]
Region = Annotated[str, Query(max_length=200, description="e.g. 32.04: it and those in it")]
Agency = Annotated[str, Query(max_length=200, description="e.g. pemkab-3204")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def search_router(store: ReportStore) -> APIRouter:
    router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

    @router.get("", summary="Search public reports, newest first (never confidential ones)")
    async def search(
        *,
        q: Text = "",
        status: Statuses = None,
        category: Category = "",
        region: Region = "",
        agency: Agency = "",
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        wanted = Search(q, tuple(status or ()), category, region, agency, limit, offset)
        found = await store.public(search_query(wanted))
        return {
            "reports": [search_item(state) for state in found[:limit]],
            "offset": offset,
            "limit": limit,
            "has_more": len(found) > limit,
        }

    return router
