"""Deadlines through the running platform, with escalation's clock advanced (not waited for)
and escalation killed with SIGKILL around each deadline: every timer fires, none twice, and
the escalation shows in the report's timeline. Runs last: it moves escalation's time on."""

import asyncio
import os
import signal
import subprocess
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from escalation.domain.calendar import end_of_day, indonesian_calendar, local_day
from intake.auth import issue_token
from lapor_common.envelope import decode_event
from lapor_common.mongo import mongo_client
from lapor_common.replay import topic_partitions
from lapor_common.topics import REPORT_COMMANDS, REPORT_EVENTS
from lapor_common.zones import WITA
from tests.e2e.conftest import Platform
from tests.e2e.settling import at_agency
from tests.e2e.test_lifecycle import _secrets
from tests.eventually import eventually
from tests.infra import PLATFORM, Infrastructure
from tests.kafka_reading import all_records

CALENDAR = indonesian_calendar(2025, 2030)
DINKES = "pemkot-7371.dinkes"
REPORT = {
    "type": "pengaduan",
    "title": "Puskesmas Kassi-Kassi tutup sebelum jam pelayanan berakhir",
    "body": (
        "Sudah tiga kali saya datang ke Puskesmas Kassi-Kassi Makassar jam 11 siang tetapi loket "
        "pendaftaran sudah tutup, padahal jadwal pelayanan sampai jam 14. Pasien lansia disuruh "
        "pulang dan datang besok. Mohon Dinas Kesehatan Kota Makassar menertibkan."
    ),
    "region_code": "73.71",
}


def _deadline(routed_at: datetime, days: int) -> datetime:
    last: date = CALENDAR.add_working_days(local_day(routed_at, WITA), days)
    return end_of_day(last, WITA).astimezone(UTC)


async def _kill_and_restart(platform: Platform, infra: Infrastructure) -> None:
    pid = int((infra.run_dir / "pids" / "escalation").read_text())
    os.kill(pid, signal.SIGKILL)
    await asyncio.to_thread(
        subprocess.run, [str(PLATFORM), "services-up"], env=platform.env, check=True
    )


def _set_clock(platform: Platform, moment: datetime) -> None:
    """Move escalation's time on, atomically (it never reads half a file)."""
    draft = platform.clock.with_suffix(".draft")
    draft.write_text(moment.isoformat())
    draft.replace(platform.clock)


async def _cursors_past(infra: Infrastructure, moment: datetime) -> bool:
    client = mongo_client(infra.mongo_uri, "e2e")
    try:
        cursors = [c async for c in client["lapor_escalation"]["cursors"].find({})]
    finally:
        await client.close()
    return bool(cursors) and all(c["at"] >= moment for c in cursors)


async def _commands_decided(infra: Infrastructure) -> bool:
    """Whether intake's command consumer has committed the end of lapor.report-commands."""
    servers = infra.kafka_bootstrap_servers
    partitions = await topic_partitions(servers, REPORT_COMMANDS)
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, group_id="intake-commands")
    await consumer.start()
    try:
        ends = await consumer.end_offsets(partitions)
        committed = {tp: await consumer.committed(tp) or 0 for tp in partitions}
    finally:
        await consumer.stop()
    return all(committed[tp] >= end for tp, end in ends.items())


async def _log(servers: str, report_id: str) -> list[tuple[str, Any]]:
    found = []
    for record in await all_records(servers, [REPORT_EVENTS]):
        if record.key == report_id.encode():
            event = decode_event(record.value)
            found.append((event.envelope.event_type, event.payload))
    return found


# A bound, not a speed claim: every earlier test's report misses its deadline with this one.
@pytest.mark.timeout(900)
async def test_every_deadline_fires_once_across_kills_and_climbs_the_chain(
    platform: Platform, infra: Infrastructure
) -> None:
    key = _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]
    admin = {"Authorization": f"Bearer {issue_token(key, 'administrator', 'a', '', 1)}"}
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = (await client.post("/api/v1/reports", json=REPORT)).json()
        tracking_id = created["tracking_id"]
        view = await at_agency(client, tracking_id, admin, DINKES)
        agency = view["agency"]["code"]
        routed_at = datetime.fromisoformat(view["timeline"][-1]["occurred_at"])
        due = _deadline(routed_at, 5)

        async def types() -> list[str]:
            answer = (await client.get(f"/api/v1/reports/{tracking_id}", headers=admin)).json()
            return [entry["event_type"] for entry in answer["timeline"]]

        # Just into the deadline's last working day: the reminder. Kill escalation as it fires.
        _set_clock(platform, due - timedelta(hours=23, minutes=59))
        await _kill_and_restart(platform, infra)
        await eventually(types, lambda t: "DeadlineApproaching" in t, timeout_s=60)
        # Past the deadline: the miss and the escalation. Kill again around it. The earlier
        # tests' reports pass their deadlines at the same moment, so every service has a few
        # hundred misses and escalations to work through, this one among them.
        _set_clock(platform, due + timedelta(seconds=1))
        await eventually(types, lambda t: "DeadlineMissed" in t, timeout_s=180)
        await _kill_and_restart(platform, infra)
        timeline = await eventually(types, lambda t: "ReportEscalated" in t, timeout_s=180)
        escalated = (await client.get(f"/api/v1/reports/{tracking_id}", headers=admin)).json()
        warned = await eventually(
            lambda: _json(client, f"/api/v1/deadlines/warnings/{agency}"),
            lambda w: tracking_id in [x["report_id"] for x in w["warnings"]],
        )
        clocks = await eventually(
            lambda: _json(client, f"/api/v1/deadlines/{tracking_id}"),
            lambda d: d.get("agency_code") == escalated["agency"]["code"],
        )
        policy = await _json(client, "/api/v1/deadlines/policy")
    # Every escalation cursor is past the deadline and intake has decided every command sent
    # so far: a second firing, had there been one, is on the log by now.
    await eventually(lambda: _cursors_past(infra, due), lambda past: past, timeout_s=60)
    await eventually(lambda: _commands_decided(infra), lambda done: done, timeout_s=60)
    log = [kind for kind, _ in await _log(infra.kafka_bootstrap_servers, tracking_id)]
    assert log.count("DeadlineApproaching") == 1, log
    assert log.count("DeadlineMissed") == 1, log
    assert log.count("ReportEscalated") == 1, log
    assert timeline.index("DeadlineMissed") + 1 == timeline.index("ReportEscalated")
    assert escalated["agency"]["code"] != agency
    assert escalated["escalation_tier"] == 1
    assert [w["clock"] for w in warned["warnings"] if w["report_id"] == tracking_id] == [
        "first_response"
    ]
    assert sorted(c["clock"] for c in clocks["clocks"]) == ["completion", "first_response"]
    assert clocks["escalation_tier"] == 1
    assert all(c["zone"] for c in clocks["clocks"])
    labels = {c["clock"]: c["kind_label"]["id"] for c in clocks["clocks"]}
    assert labels == {"completion": "Penyelesaian", "first_response": "Tanggapan pertama"}
    assert all(isinstance(c["working_days_left"], int) for c in clocks["clocks"])
    assert policy["in_force"] == clocks["clocks"][0]["policy_version"]


async def _json(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    return dict((await client.get(path)).json())
