"""At most once, across a crash: a burst of reports, notification killed with SIGKILL while
it sends their receipts, then restarted. Counted where the messages land (the local SMTP
server and SMS gateway): no e-mail and no SMS twice, and none lost. An e-mail cut off
mid-send is marked uncertain rather than sent again; an SMS is sent again under the same
reference, which the gateway recognises."""

import asyncio
import os
import random
import signal
import subprocess
from collections import Counter
from typing import Any

import httpx

from intake.auth import issue_token
from tests.e2e.conftest import Platform
from tests.e2e.test_lifecycle import _secrets
from tests.eventually import eventually
from tests.infra import PLATFORM, Infrastructure

REPORTS = 100
KILL_AFTER = 6
FINAL = {"sent", "uncertain", "dead"}


def _report(n: int, tag: str) -> dict[str, Any]:
    contact = {"email": f"burst.{tag}.{n}@contoh.id"} if n % 2 else {"phone": _phone(tag, n)}
    return {
        "type": "aspirasi",
        "title": f"Usulan taman bacaan nomor {n}",
        "body": "Mohon dibangun taman bacaan anak di balai desa agar anak-anak gemar membaca.",
        "region_code": "32.04.05",
        "reporter": {"name": "Warga", **contact},
    }


def _phone(tag: str, n: int) -> str:
    return f"+62857{tag[:5]}{n:03d}"


async def _landed(
    platform: Platform, tag: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    async with httpx.AsyncClient(base_url=platform.mailbox_url) as client:
        found = (await client.get("/api/messages")).json()
    emails = [m for m in found["email"] if any(f".{tag}." in to for to in m["rcpt_tos"])]
    sms = [m for m in found["sms"] if m["to"].startswith(f"+62857{tag[:5]}")]
    return emails, sms


async def _submit_all(client: httpx.AsyncClient, tag: str) -> list[str]:
    """The burst, four at a time: the tracking ids."""
    limit = asyncio.Semaphore(4)

    async def one(n: int) -> str:
        async with limit:
            answer = await client.post("/api/v1/reports", json=_report(n, tag))
            return str(answer.json()["tracking_id"])

    return list(await asyncio.gather(*(one(n) for n in range(REPORTS))))


def _ids(emails: list[dict[str, Any]], sms: list[dict[str, Any]]) -> set[str]:
    """The delivery ids of messages that landed."""
    return {m["headers"]["X-Lapor-Delivery"] for m in emails} | {m["reference"] for m in sms}


async def _receipt_logs(
    client: httpx.AsyncClient, tracking_ids: list[str], admin: dict[str, str]
) -> list[dict[str, Any]]:
    logs: list[dict[str, Any]] = []
    for tracking_id in tracking_ids:
        path = f"/api/v1/notifications/reports/{tracking_id}/deliveries"
        answer = (await client.get(path, headers=admin)).json()
        logs += [d for d in answer.get("deliveries", []) if d["kind"] == "received"]
    return logs


async def test_a_killed_notification_sends_nothing_twice_and_loses_nothing(
    platform: Platform, infra: Infrastructure
) -> None:
    tag = "".join(random.choices("0123456789", k=6))
    key = _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]
    admin = {"Authorization": f"Bearer {issue_token(key, 'administrator', 'admin', '', 1)}"}
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        burst = asyncio.create_task(_submit_all(client, tag))
        await eventually(
            lambda: _landed(platform, tag),
            lambda landed: len(landed[0]) + len(landed[1]) >= KILL_AFTER,
            timeout_s=60,
        )
        pid = int((infra.run_dir / "pids" / "notification").read_text())
        os.kill(pid, signal.SIGKILL)
        at_kill = _ids(*await _landed(platform, tag))
        tracking_ids = await burst  # intake takes reports while notification is down
        await asyncio.to_thread(
            subprocess.run, [str(PLATFORM), "services-up"], env=platform.env, check=True
        )
        logs = await eventually(
            lambda: _receipt_logs(client, tracking_ids, admin),
            lambda found: len(found) == REPORTS and all(d["status"] in FINAL for d in found),
            timeout_s=180,
        )
    emails, sms = await _landed(platform, tag)
    assert not {d["id"] for d in logs} <= at_kill, "every receipt was out before the kill"
    by_delivery = Counter(m["headers"]["X-Lapor-Delivery"] for m in emails)
    assert max(by_delivery.values()) == 1, "an e-mail was sent twice"
    assert Counter(m["reference"] for m in sms).most_common(1)[0][1] == 1
    status = {(d["channel"], d["status"]) for d in logs}
    assert status <= {("email", "sent"), ("email", "uncertain"), ("sms", "sent")}, status
    receipts = {d["id"]: (d["channel"], d["status"]) for d in logs}
    sent = {i for i, (_, state) in receipts.items() if state == "sent"}
    uncertain = {i for i, (_, state) in receipts.items() if state == "uncertain"}
    landed = _ids(emails, sms) & set(receipts)
    assert sent <= landed, "a delivery logged as sent never arrived"
    assert landed <= sent | uncertain, "a delivery arrived that the log does not say was sent"
    assert len(sent | uncertain) == REPORTS
    assert all(receipts[i][0] == "email" for i in uncertain), "only e-mail is ever uncertain"
