"""The public statistics API: headline figures, computed from the read models, no personal data."""

from typing import Any

from fastapi import APIRouter, FastAPI
from pymongo.asynchronous.collection import AsyncCollection

from lapor_common.mongo import Document


def stats_router(facts: AsyncCollection[Document]) -> APIRouter:
    router = APIRouter(prefix="/api/v1/stats", tags=["statistics"])

    @router.get("/summary", summary="Headline figures: reports received and routed, by type")
    async def summary() -> dict[str, Any]:
        by_type = {
            row["_id"]: row["count"]
            async for row in await facts.aggregate(
                [{"$group": {"_id": "$type", "count": {"$sum": 1}}}]
            )
        }
        routed = await facts.count_documents({"agency_code": {"$ne": ""}})
        return {
            "reports_total": sum(by_type.values()),
            "reports_routed": routed,
            "by_type": by_type,
        }

    return router


def build_app(facts: AsyncCollection[Document]) -> FastAPI:
    app = FastAPI(
        title="LAPOR! analytics",
        description="Statistik nasional / National statistics",
        version="1.0.0",
    )
    app.include_router(stats_router(facts))
    return app
