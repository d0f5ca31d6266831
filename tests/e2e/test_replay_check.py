"""`make replay-check` on the running platform: rebuilt read models equal the live ones."""

import asyncio
import functools
from typing import Any

import httpx

from tests.e2e.conftest import Platform
from tests.eventually import eventually
from tests.infra import ROOT

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


async def _status(client: httpx.AsyncClient, tracking_id: str) -> str:
    view: dict[str, Any] = (await client.get(f"/api/v1/reports/{tracking_id}")).json()
    return str(view.get("status", {}).get("code"))


async def test_read_models_rebuilt_from_the_log_equal_the_live_ones(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = [await client.post("/api/v1/reports", json=report) for report in REPORTS]
        assert [response.status_code for response in created] == [201] * len(REPORTS)
        for response in created:
            status = await eventually(
                functools.partial(_status, client, response.json()["tracking_id"]),
                lambda s: s == "DITERUSKAN_KE_INSTANSI",
            )
            assert status == "DITERUSKAN_KE_INSTANSI"
    check = await asyncio.create_subprocess_exec(
        str(ROOT / "deploy/local/replay-check.sh"),
        env=platform.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await check.communicate()
    table = out.decode()
    print(table, err.decode())  # DEBUG
    assert check.returncode == 0, table + err.decode()[-3000:]
    for collection in (
        "lapor_intake.reports",
        "lapor_intake.events",
        "lapor_analytics.report_facts",
    ):
        [row] = [line for line in table.splitlines() if line.startswith(collection + " ")]
        assert row.split()[-1] == "yes", row
