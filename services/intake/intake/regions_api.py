"""The region picker's API: Kemendagri regions, a level at a time, and a region's path."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from intake.domain.regions import RegionIndex

# The reference data changes once a year at most.
CACHE_CONTROL = "public, max-age=86400"


def regions_router(index: RegionIndex) -> APIRouter:
    router = APIRouter(prefix="/api/v1/regions", tags=["regions"])

    @router.get("", summary="Provinces, or the regions directly in a parent region, by name")
    async def children(
        response: Response,
        parent: Annotated[
            str, Query(max_length=20, description="e.g. 32.04; none: provinces")
        ] = "",
    ) -> dict[str, Any]:
        found = index.children(parent)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return {
            "parent": index.region(parent).json() if parent else None,
            "regions": [region.json() for region in found],
        }

    @router.get("/{code}", summary="A region and the regions it lies in, province first")
    async def region(code: str, response: Response) -> dict[str, Any]:
        path = index.path(code)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return {**path[-1].json(), "path": [step.json() for step in path]}

    return router
