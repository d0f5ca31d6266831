"""The public statistics API (GET /api/v1/stats/...): thin FastAPI routes over
``analytics.statistics``. Figures only: no report's content, no personal data."""

import asyncio
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse

from analytics.api_models import (
    Breakdown,
    Durations,
    FilterQuery,
    LeagueTable,
    OpenDataList,
    SpikeList,
    Summary,
)
from analytics.domain.figures import Filter
from analytics.publishing import FILE_NAME, snapshots
from analytics.statistics import BadRequest, Statistics

_MEDIA = {
    ".csv": "text/csv; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
}

BY_HELP = "category, province, regency, agency, channel, report_type, programme, or empty."


def _filter(statistics: Statistics) -> Any:
    def where(query: Annotated[FilterQuery, Query()]) -> Filter:
        try:
            return statistics.window(**query.model_dump())
        except BadRequest as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc

    return where


async def _answer(call: Any) -> Any:
    try:
        return await call
    except BadRequest as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


def stats_router(statistics: Statistics) -> APIRouter:
    router = APIRouter(prefix="/api/v1/stats", tags=["statistik / statistics"])
    where_of = Depends(_filter(statistics))

    @router.get(
        "/summary", response_model=Summary, summary="Angka utama / Headline figures for a period"
    )
    async def summary(where: Annotated[Filter, where_of]) -> Any:
        return await _answer(statistics.summary(where))

    @router.get(
        "/breakdown",
        response_model=Breakdown,
        summary="Rincian / Counts and outcomes by a dimension and period",
    )
    async def breakdown(
        where: Annotated[Filter, where_of],
        by: Annotated[str, Query(description=BY_HELP)] = "",
        granularity: Annotated[
            str, Query(description="day, month, year, or empty for the whole period.")
        ] = "",
    ) -> Any:
        return await _answer(statistics.breakdown(where, by, granularity))

    @router.get(
        "/durations",
        response_model=Durations,
        summary="Lama penanganan / Time to verification, first response, resolution",
    )
    async def durations(where: Annotated[Filter, where_of]) -> Any:
        return await _answer(statistics.durations(where))

    @router.get(
        "/agencies",
        response_model=LeagueTable,
        summary="Peringkat instansi / Agencies ranked by the service index",
    )
    async def agencies(
        where: Annotated[Filter, where_of],
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        min_reports: Annotated[
            int, Query(ge=0, description="Fewer reports: listed, not ranked.")
        ] = 5,
    ) -> Any:
        return await _answer(statistics.league(where, limit, min_reports))

    @router.get(
        "/spikes", response_model=SpikeList, summary="Lonjakan laporan / Spike alerts in a period"
    )
    async def spikes(where: Annotated[Filter, where_of]) -> Any:
        return await _answer(statistics.spikes(where))

    return router


def open_data_router(directory: Path) -> APIRouter:
    router = APIRouter(prefix="/api/v1/open-data", tags=["data terbuka / open data"])

    @router.get(
        "",
        response_model=OpenDataList,
        summary="Data terbuka / The daily open-data files of public reports",
    )
    async def listing() -> Any:
        found = await asyncio.to_thread(snapshots, directory)
        return {
            "schema": f"{router.prefix}/schema.json",
            "days": [
                {"day": s.day, "files": [f"{router.prefix}/{name}" for name in s.files]}
                for s in found
            ],
        }

    @router.get(
        "/{name}", summary="Unduh / Download one open-data file", response_class=FileResponse
    )
    async def download(name: str) -> FileResponse:
        if not FILE_NAME.match(name):
            raise HTTPException(status_code=404, detail=f"no open-data file named {name!r}")
        path = directory / name
        if not await asyncio.to_thread(path.is_file):
            raise HTTPException(status_code=404, detail=f"{name} has not been published")
        return FileResponse(path, filename=name, media_type=_MEDIA[path.suffix])

    return router


def build_app(statistics: Statistics, open_data: Path) -> FastAPI:
    app = FastAPI(
        title="LAPOR! analytics",
        description=(
            "Statistik nasional pengaduan pelayanan publik / National statistics of public-"
            "service complaints. Hari menurut WIB / days on the WIB calendar. Laporan rahasia "
            "dihitung dalam jumlah, isinya tidak pernah ditampilkan / confidential reports "
            "count in totals; no content and no personal data are ever served."
        ),
        version="1.0.0",
    )
    app.include_router(stats_router(statistics))
    app.include_router(open_data_router(open_data))
    return app
