"""The statistics over HTTP and gRPC, on fake read models: shapes, filters, labels, errors."""

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest

from analytics.api import build_app
from analytics.domain.cells import DayDocument, cell_key, empty_day
from analytics.rpc import StatisticsService
from analytics.statistics import Statistics
from lapor.analytics.v1 import statistics_service_pb2 as pb
from lapor_common.mongo import Document

TODAY = date(2026, 11, 23)
AGENCY = "pemkot-3273.disdukcapil"


class FakeStore:
    def __init__(self, days: list[DayDocument], spikes: list[Document]) -> None:
        self._days, self._spikes = days, spikes

    async def days(self, from_day: str, to_day: str) -> list[DayDocument]:
        return self._days

    async def agencies_connected(self) -> int:
        return 3

    async def spikes(self, from_day: str, to_day: str) -> list[Document]:
        return [s for s in self._spikes if from_day <= s["day"] <= to_day]


class FakeLabels:
    async def programme_of(self) -> dict[str, str]:
        return {"sosial.pkh": "pkh"}

    async def category_name(self, code: str) -> str:
        return {"sosial.pkh": "Program Keluarga Harapan (PKH)"}.get(code, code)

    def region_name(self, code: str) -> str:
        return {"32": "Jawa Barat", "32.73": "Kota Bandung"}.get(code, code)

    async def agency_names(self, codes: list[str]) -> dict[str, str]:
        return {code: f"Nama {code}" for code in codes}


def _cells(category: str, agency: str, counters: dict[str, int]) -> dict[str, dict[str, int]]:
    return {cell_key(category, "32.73", agency, "web", "complaint"): counters}


DAYS = [
    {
        **empty_day("2026-11-20", 0),
        "cells": _cells(
            "sosial.pkh",
            AGENCY,
            {
                "reports": 8,
                "resolved": 6,
                "rated": 4,
                "rating_sum": 14,
                "rating_4": 2,
                "rating_3": 2,
                "h_resolution_08": 6,
                "deadlines_met": 6,
            },
        ),
    },
    {
        **empty_day("2026-11-21", 1),
        "cells": _cells("infrastruktur.jalan", "pemkot-3273.pupr", {"reports": 2}),
    },
]
SPIKE = {
    "_id": "e-1",
    "day": "2026-11-20",
    "category_code": "sosial.pkh",
    "category_name": "PKH",
    "region_code": "32.73",
    "region_name": "Kota Bandung",
    "count": 8,
    "baseline_mean": 0.5,
    "baseline_days": 28,
    "threshold": 6,
    "rule_version": "r",
    "detected_at": None,
}


@pytest.fixture
def statistics() -> Statistics:
    return Statistics(FakeStore(DAYS, [SPIKE]), FakeLabels(), lambda: TODAY)


@pytest.fixture
async def http(statistics: Statistics, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "laporan-publik-2026-11-22.csv").write_text("report_id\nR-1\n")
    (tmp_path / "secret.txt").write_text("no")
    transport = httpx.ASGITransport(app=build_app(statistics, tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="http://analytics") as client:
        yield client


async def test_the_summary_is_this_year_to_date_by_default(http: httpx.AsyncClient) -> None:
    body = (await http.get("/api/v1/stats/summary")).json()
    assert (body["from_day"], body["to_day"]) == ("2026-01-01", "2026-11-23")
    assert body["outcomes"]["reports"] == 10
    assert body["outcomes"]["resolution_rate"] == 0.6
    assert body["outcomes"]["satisfaction_average"] == 3.5
    assert body["daily_average"] == round(10 / 327, 2)
    assert body["agencies_connected"] == 3
    assert body["agencies_reached"] == 2
    assert body["resolution_median_hours"] == 96.0


async def test_breakdowns_carry_labels(http: httpx.AsyncClient) -> None:
    rows = (await http.get("/api/v1/stats/breakdown", params={"by": "category"})).json()["rows"]
    assert [(r["key"], r["label"], r["outcomes"]["reports"]) for r in rows] == [
        ("infrastruktur.jalan", "infrastruktur.jalan", 2),
        ("sosial.pkh", "Program Keluarga Harapan (PKH)", 8),
    ]
    params = {"granularity": "day", "programme": "pkh", "from_day": "2026-11-01"}
    daily = (await http.get("/api/v1/stats/breakdown", params=params)).json()["rows"]
    assert [(r["period"], r["outcomes"]["reports"]) for r in daily] == [("2026-11-20", 8)]


async def test_the_league_table_and_durations(http: httpx.AsyncClient) -> None:
    rows = (await http.get("/api/v1/stats/agencies", params={"min_reports": 5})).json()["rows"]
    assert [(r["rank"], r["agency_code"], r["agency_name"]) for r in rows] == [
        (1, AGENCY, f"Nama {AGENCY}"),
        (0, "pemkot-3273.pupr", "Nama pemkot-3273.pupr"),
    ]
    [_, _, resolution] = (await http.get("/api/v1/stats/durations")).json()["distributions"]
    assert (resolution["measure"], resolution["count"]) == ("resolution", 6)
    assert len(resolution["bucket_counts"]) == len(resolution["bucket_upper_hours"]) + 1


async def test_spikes_are_listed_without_internal_fields(http: httpx.AsyncClient) -> None:
    [spike] = (await http.get("/api/v1/stats/spikes")).json()["spikes"]
    assert spike["event_id"] == "e-1"
    assert "detected_at" not in spike
    assert (await http.get("/api/v1/stats/spikes", params={"regency_code": "11.01"})).json() == {
        "spikes": []
    }


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"from_day": "2026-13-01"}, "from_day"),
        ({"from_day": "2026-02-01", "to_day": "2026-01-01"}, "after"),
        ({"report_type": "gossip"}, "report_type"),
        ({"channel": "fax"}, "channel"),
        ({"province_code": "Jabar"}, "province_code"),
        ({"regency_code": "3273"}, "regency_code"),
        ({"from_day": "2000-01-01"}, "at most"),
    ],
)
async def test_bad_filters_are_refused_with_the_reason(
    http: httpx.AsyncClient, params: dict[str, str], reason: str
) -> None:
    response = await http.get("/api/v1/stats/summary", params=params)
    assert response.status_code == 422
    assert reason in str(response.json()["detail"])


async def test_bad_groupings_are_refused(http: httpx.AsyncClient) -> None:
    assert (await http.get("/api/v1/stats/breakdown", params={"by": "reporter"})).status_code == 422
    too_long = {"granularity": "day", "from_day": "2024-01-01"}
    assert (await http.get("/api/v1/stats/breakdown", params=too_long)).status_code == 422


async def test_open_data_files_are_listed_and_served_and_nothing_else(
    http: httpx.AsyncClient,
) -> None:
    listing = (await http.get("/api/v1/open-data")).json()
    assert listing["days"] == [
        {"day": "2026-11-22", "files": ["/api/v1/open-data/laporan-publik-2026-11-22.csv"]}
    ]
    assert listing["schema"] == "/api/v1/open-data/schema.json"
    download = await http.get("/api/v1/open-data/laporan-publik-2026-11-22.csv")
    assert download.status_code == 200
    assert download.text == "report_id\nR-1\n"
    assert download.headers["content-type"].startswith("text/csv")
    for name in ("secret.txt", "..%2Fsecret.txt", "laporan-publik-2026-11-21.csv"):
        assert (await http.get(f"/api/v1/open-data/{name}")).status_code == 404


class AbortedError(Exception):
    pass


class FakeContext:
    def __init__(self) -> None:
        self.code: Any = None
        self.details = ""

    async def abort(self, code: grpc.StatusCode, details: str) -> None:
        self.code, self.details = code, details
        raise AbortedError(details)


async def test_grpc_answers_the_same_figures(statistics: Statistics) -> None:
    service = StatisticsService(statistics)
    request = pb.GetSummaryRequest(filter=pb.Filter(from_day="2026-11-01"))
    answer = await service.GetSummary(request, FakeContext())  # type: ignore[arg-type]
    assert answer.outcomes.reports == 10
    assert list(answer.outcomes.ratings) == [0, 0, 2, 2, 0]
    league = await service.GetLeagueTable(pb.GetLeagueTableRequest(), FakeContext())  # type: ignore[arg-type]
    assert league.rows[0].agency_code == AGENCY
    spikes = await service.ListSpikes(pb.ListSpikesRequest(), FakeContext())  # type: ignore[arg-type]
    assert spikes.spikes[0].region_name == "Kota Bandung"


async def test_grpc_refuses_bad_input_as_invalid_argument(statistics: Statistics) -> None:
    context = FakeContext()
    request = pb.GetBreakdownRequest(by="reporter")
    with pytest.raises(AbortedError):
        await StatisticsService(statistics).GetBreakdown(request, context)  # type: ignore[arg-type]
    assert context.code is grpc.StatusCode.INVALID_ARGUMENT
    assert "by must be one of" in context.details
