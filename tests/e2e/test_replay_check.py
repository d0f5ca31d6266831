"""`make replay-check` on the running platform: rebuilt read models equal the live ones."""

import asyncio
import functools
import uuid
from typing import Any

import httpx

from analytics.settings import AnalyticsSettings
from lapor_common.mongo import mongo_client
from tests.e2e.conftest import Platform
from tests.eventually import eventually
from tests.infra import ROOT, Infrastructure

ANALYTICS = AnalyticsSettings().database
REPORTS = [
    {
        "type": "pengaduan",
        "title": "Sampah menumpuk di pasar",
        "body": "Sampah di pasar induk sudah seminggu tidak diangkut dan mulai berbau busuk.",
        "region_code": "32.04.05",
    },
    {
        "type": "aspirasi",
        "title": "Taman bermain anak",
        "body": "Mohon dibangun taman bermain anak di kelurahan kami yang padat penduduk.",
        "region_code": "73.71",
    },
    {
        "type": "permintaan_informasi",
        "title": "Jadwal vaksinasi",
        "body": "Saya meminta informasi jadwal vaksinasi anak di puskesmas kecamatan ini.",
        "region_code": "73.71",
    },
]


async def _sequence(client: httpx.AsyncClient, tracking_id: str) -> int:
    """How many events the report has: 2 once routing has decided what to do with it."""
    view: dict[str, Any] = (await client.get(f"/api/v1/reports/{tracking_id}")).json()
    return int(view.get("sequence", 0))


async def test_read_models_rebuilt_from_the_log_equal_the_live_ones(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = [await client.post("/api/v1/reports", json=report) for report in REPORTS]
        assert [response.status_code for response in created] == [201] * len(REPORTS)
        for response in created:
            sequence = await eventually(
                functools.partial(_sequence, client, response.json()["tracking_id"]),
                lambda s: s >= 2,
            )
            assert sequence >= 2
    code, table = await _replay_check(platform)
    assert code == 0, table
    for collection in (
        "lapor_intake.reports",
        "lapor_intake.events",
        f"{ANALYTICS}.report_facts",
    ):
        rows = [line for line in table.splitlines() if line.startswith(collection + " ")]
        assert rows, table
        assert rows[-1].split()[-1] == "yes", rows  # the last attempt's row


async def test_a_live_document_the_log_does_not_explain_fails_the_check(
    platform: Platform, infra: Infrastructure
) -> None:
    client = mongo_client(infra.mongo_uri, "tests")
    facts = client[ANALYTICS]["report_facts"]
    stray = {"_id": f"STRAY-{uuid.uuid4().hex[:8]}", "sequence": 1}
    await facts.insert_one(stray)
    try:
        code, table = await _replay_check(platform)
    finally:
        await facts.delete_one({"_id": stray["_id"]})
        await client.close()
    assert code == 1, table
    rows = [line for line in table.splitlines() if line.startswith(f"{ANALYTICS}.report_facts")]
    assert rows, table
    assert rows[-1].split()[-1] == "NO", rows


async def _replay_check(platform: Platform) -> tuple[int, str]:
    """Run the check as `make replay-check` does; its exit status and its table (and log)."""
    check = await asyncio.create_subprocess_exec(
        str(ROOT / "deploy/local/replay-check.sh"),
        env=platform.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await check.communicate()
    return await check.wait(), out.decode() + err.decode()[-3000:]
