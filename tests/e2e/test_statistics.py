"""Statistics through the running platform: reports submitted at the front door show up in
the figures over HTTP and gRPC, and a wave of one category in one regency raises one spike."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import httpx
import pytest

from lapor.analytics.v1 import statistics_service_pb2 as pb
from lapor.analytics.v1 import statistics_service_pb2_grpc as pb_grpc
from lapor_common.regions import region_names
from lapor_common.settings import PlatformSettings
from lapor_common.zones import WIB
from tests.e2e.conftest import Platform
from tests.eventually import eventually

COMPLAINTS = [
    "Bantuan PKH keluarga kami tidak cair sejak tiga bulan, saldo KKS kosong.",
    "Nama ibu saya dicoret dari PKH tanpa penjelasan padahal masih layak.",
    "Pendamping PKH meminta potongan setiap pencairan bantuan di desa kami.",
    "KKS PKH ditahan ketua kelompok, kami hanya menerima sebagian bantuan.",
    "Rekening PKH belum dibuka walau sudah dinyatakan layak sejak tahun lalu.",
    "Bantuan PKH komponen anak sekolah tidak masuk ke rekening bulan ini.",
]


def _quiet_regency() -> str:
    """A regency chosen at random, so no other test's reports fall in it today."""
    regencies = sorted(region_names(PlatformSettings().regions_dir, ("regencies",)))
    return random.choice(regencies)


async def _stats(client: httpx.AsyncClient, path: str, **params: str) -> Any:
    response = await client.get(f"/api/v1/stats/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_reports_count_and_a_wave_raises_one_spike(platform: Platform) -> None:
    regency = _quiet_regency()
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        before = (await _stats(client, "summary"))["outcomes"]["reports"]
        for number, body in enumerate(COMPLAINTS):
            report = {
                "type": "pengaduan",
                "title": f"Bantuan PKH bermasalah ({number + 1})",
                "body": body,
                "region_code": regency,
                "category_code": "sosial.pkh",
            }
            created = await client.post("/api/v1/reports", json=report)
            assert created.status_code == 201, created.text
        summary = await eventually(
            lambda: _stats(client, "summary"),
            lambda s: s["outcomes"]["reports"] >= before + len(COMPLAINTS),
        )
        assert summary["outcomes"]["reports"] >= before + len(COMPLAINTS)
        here = await _stats(client, "breakdown", regency_code=regency, by="category")
        counts = {r["key"]: r["outcomes"]["reports"] for r in here["rows"]}
        assert sum(counts.values()) == len(COMPLAINTS)
        assert counts["sosial.pkh"] >= 5  # routing may file one under a neighbouring category
        labels = {r["key"]: r["label"] for r in here["rows"]}
        assert labels["sosial.pkh"] != "sosial.pkh"  # named by routing's taxonomy
        spikes = await eventually(
            lambda: _stats(client, "spikes", regency_code=regency),
            lambda found: len(found["spikes"]) == 1,
        )
    [spike] = spikes["spikes"]
    assert (spike["category_code"], spike["region_code"]) == ("sosial.pkh", regency)
    assert spike["count"] >= 5
    assert spike["region_name"]

    async with grpc.aio.insecure_channel(
        f"127.0.0.1:{platform.grpc_ports['analytics']}"
    ) as channel:
        stub = pb_grpc.StatisticsServiceStub(channel)
        where = pb.Filter(regency_code=regency)
        answer = await stub.GetSummary(pb.GetSummaryRequest(filter=where))
        assert answer.outcomes.reports == len(COMPLAINTS)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.GetBreakdown(pb.GetBreakdownRequest(filter=where, by="reporter"))
        assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT


async def test_bad_statistics_requests_get_a_reason(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        response = await client.get("/api/v1/stats/summary", params={"channel": "fax"})
    assert response.status_code == 422
    assert "channel" in response.text


async def test_yesterdays_open_data_is_published_at_start_up(platform: Platform) -> None:
    yesterday = (datetime.now(UTC).astimezone(WIB).date() - timedelta(days=1)).isoformat()
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        listing = await eventually(
            lambda: _json(client, "/api/v1/open-data"),
            lambda found: any(d["day"] == yesterday for d in found["days"]),
        )
        [published] = [d for d in listing["days"] if d["day"] == yesterday]
        assert sorted(name.rsplit(".", 1)[-1] for name in published["files"]) == ["csv", "parquet"]
        csv_path = next(name for name in published["files"] if name.endswith(".csv"))
        download = await client.get(csv_path)
        schema = await client.get(listing["schema"])
    assert download.status_code == 200
    assert download.text.splitlines()[0].startswith("report_id,")
    assert schema.json()["day"] == yesterday


async def _json(client: httpx.AsyncClient, path: str) -> Any:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.json()
