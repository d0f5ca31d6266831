"""Crash safety over the real broker: intake and the analytics projector are killed with
SIGKILL at random moments during thousands of commands, and restarted.

Every acknowledged report must be on the log exactly once, with gapless sequences,
and the read models must converge on the log.
"""

import asyncio
import os
import random
import signal
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest

from analytics.settings import AnalyticsSettings
from intake.auth import issue_token
from lapor_common.envelope import decode_event
from lapor_common.mongo import mongo_client
from lapor_common.topics import REPORT_EVENTS
from tests.e2e.conftest import Platform
from tests.eventually import eventually
from tests.infra import PLATFORM, Infrastructure
from tests.kafka_reading import all_records

REPORTS = 300
CONCURRENCY = 24
KILLS = 4
AGENCY = "pemkab-3204"


class Client:
    """Sends each command until it is acknowledged, with the same idempotency key every time."""

    def __init__(self, http: httpx.AsyncClient, signing_key: str) -> None:
        self._http = http
        self._key = signing_key
        self._admin = {
            "Authorization": f"Bearer {issue_token(signing_key, 'administrator', 'a', '', 1)}"
        }
        self.retries = 0

    def officer(self, agency: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(self._key, 'officer', 'crash', agency, 1)}"}

    async def _view(self, path: str) -> dict[str, Any]:
        try:
            return dict((await self._http.get(path, headers=self._admin, timeout=10)).json())
        except (httpx.TransportError, ValueError):
            return {}

    async def at_agency(self, path: str, number: int) -> str:
        """Wait until routing has settled the report; one it left to the administrators (unsure,
        or linked as a duplicate of a like report) an administrator assigns. The agency's code."""
        while True:
            view = await self._view(path)
            if view.get("agency"):
                return str(view["agency"]["code"])
            if view.get("routing_suggestions") or view.get("duplicate_of"):
                assign = {
                    "agency_code": AGENCY,
                    "agency_name": "Pemerintah Kabupaten Bandung",
                    "reason": "uji",
                }
                await self.send(f"{path}/assign", assign, f"crash-assign-{number}", self._admin)
            await asyncio.sleep(0.2)

    async def send(
        self, path: str, body: dict[str, Any], key: str, auth: dict[str, str] | None = None
    ) -> Any:
        headers = {"Idempotency-Key": key, **(auth or {})}
        while True:
            try:
                answer = await self._http.post(path, json=body, headers=headers, timeout=10)
            except httpx.TransportError:
                answer = None
            if answer is not None and answer.status_code in (200, 201):
                return answer.json()
            if answer is not None and answer.status_code not in (409, 502, 503, 504):
                raise AssertionError(f"{path}: {answer.status_code} {answer.text}")
            self.retries += 1
            await asyncio.sleep(0.2)


async def _one_report(client: Client, number: int) -> str:
    report = {
        "type": "pengaduan",
        "title": f"Lampu jalan mati nomor {number}",
        "body": f"Lampu penerangan jalan di gang {number} mati sejak dua minggu, rawan kejahatan.",
        "region_code": "32.04.05",
    }
    created = await client.send("/api/v1/reports", report, f"crash-submit-{number}")
    tracking_id = str(created["tracking_id"])
    base = f"/api/v1/reports/{tracking_id}"
    officer = client.officer(await client.at_agency(base, number))
    await client.send(f"{base}/acknowledge", {}, f"crash-ack-{number}", officer)
    respond = {"text": "Lampu sudah diganti.", "final": True}
    await client.send(f"{base}/respond", respond, f"crash-respond-{number}", officer)
    return tracking_id


async def _chaos(platform: Platform, run_dir: Path, seed: int) -> list[str]:
    """Kill intake or analytics with SIGKILL at random moments, then start them again."""
    chaos = random.Random(seed)
    killed = []
    for _ in range(KILLS):
        await asyncio.sleep(chaos.uniform(1.0, 4.0))
        victim = chaos.choice(["intake", "analytics"])
        pid = int((run_dir / "pids" / victim).read_text())
        os.kill(pid, signal.SIGKILL)
        killed.append(victim)
        await asyncio.sleep(chaos.uniform(0.2, 1.0))
        await asyncio.to_thread(
            subprocess.run, [str(PLATFORM), "services-up"], env=platform.env, check=True
        )
    return killed


async def _log(servers: str) -> dict[str, list[tuple[int, str]]]:
    """Every report's (sequence, event type) pairs as they are on the log."""
    reports: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for record in await all_records(servers, [REPORT_EVENTS]):
        try:
            envelope = decode_event(record.value).envelope
        except ValueError:
            continue
        reports[envelope.report_id].append((envelope.sequence, envelope.event_type))
    return reports


async def _count(uri: str, database: str, collection: str, ids: list[str]) -> int:
    client = mongo_client(uri, "crash-check")
    try:
        return await client[database][collection].count_documents({"_id": {"$in": ids}})
    finally:
        await client.close()


# A bound, not a speed claim: 300 reports with four SIGKILLs take 4-5 minutes here.
@pytest.mark.timeout(900)
async def test_acknowledged_work_survives_kill_9_of_intake_and_the_projector(
    platform: Platform, infra: Infrastructure
) -> None:
    secrets = (infra.run_dir / "secrets.env").read_text().splitlines()
    key = dict(line.split("=", 1) for line in secrets)["LAPOR_JWT_SIGNING_KEY"]
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=platform.base_url, limits=limits) as http:
        client = Client(http, key)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def bounded(number: int) -> str:
            async with gate:
                return await _one_report(client, number)

        chaos = asyncio.create_task(_chaos(platform, infra.run_dir, seed=20261122))
        try:
            tracking_ids = await asyncio.wait_for(
                asyncio.gather(*(bounded(n) for n in range(REPORTS))), timeout=600
            )
            killed = await chaos
        finally:
            chaos.cancel()
            await asyncio.to_thread(
                subprocess.run, [str(PLATFORM), "services-up"], env=platform.env, check=True
            )

    log = await _log(infra.kafka_bootstrap_servers)
    mine = {tracking_id: log[tracking_id] for tracking_id in tracking_ids}
    assert len(set(tracking_ids)) == REPORTS
    assert len(killed) == KILLS
    for tracking_id, events in mine.items():
        sequences = [sequence for sequence, _ in events]
        kinds = [kind for _, kind in events]
        assert sequences == list(range(1, len(events) + 1)), (tracking_id, events)
        assert kinds.count("ReportSubmitted") == 1, (tracking_id, events)
        assert kinds[-3:] == ["ReportRouted", "ReportAcknowledged", "ReportResponded"], events
    ids = list(mine)
    converged = await eventually(
        lambda: _count(infra.mongo_uri, AnalyticsSettings().database, "report_facts", ids),
        lambda n: n == REPORTS,
        timeout_s=60,
    )
    assert converged == REPORTS
    assert await _count(infra.mongo_uri, "lapor_intake", "reports", ids) == REPORTS
