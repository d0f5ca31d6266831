"""Notification through the running platform: the reporter's receipt carries the tracking id
and access secret intake handed out (asked of intake over gRPC, never stored by
notification), the feed and preferences answer the reporter only, and an agency desk that
subscribed hears of the report by e-mail and by a signed webhook."""

import json
import random
import time
from typing import Any

import httpx
import pytest

from intake.auth import issue_token
from notification.signing import verify
from tests.e2e.conftest import Platform
from tests.e2e.settling import at_agency
from tests.e2e.test_lifecycle import _secrets
from tests.eventually import eventually
from tests.infra import Infrastructure

AGENCY = "pemkab-3204"
NOTIFICATIONS = "/api/v1/notifications"


def _digits() -> str:
    return "".join(random.choices("0123456789", k=9))


async def _messages(platform: Platform, kind: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=platform.mailbox_url) as client:
        found: list[dict[str, Any]] = (await client.get(f"/api/messages?kind={kind}")).json()[kind]
        return found


async def _mail_to(platform: Platform, address: str, count: int = 1) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        return [m for m in await _messages(platform, "email") if address in m["rcpt_tos"]]

    return await eventually(probe, lambda found: len(found) >= count, timeout_s=60)


async def _first_streamed(
    client: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> dict[str, Any]:
    """The first item of a server-sent event stream, read through the gateway."""
    async with client.stream("GET", path, headers=headers, timeout=30) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                found: dict[str, Any] = json.loads(line.removeprefix("data: "))
                return found
    raise AssertionError("the stream ended without an event")


@pytest.fixture(scope="module")
def key(infra: Infrastructure, platform: Platform) -> str:
    return _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]


async def test_a_reporter_hears_from_the_platform_and_follows_it_in_the_feed(
    platform: Platform, key: str
) -> None:
    email = f"warga.{_digits()}@contoh.id"
    report = {
        "type": "pengaduan",
        "title": "Lampu jalan padam di Jalan Raya Soreang",
        "body": "Sudah dua minggu lampu penerangan jalan di depan pasar Soreang padam.",
        "region_code": "32.04.05",
        "reporter": {"name": "Ani", "email": email},
        "language": "id",
    }
    admin = {"Authorization": f"Bearer {issue_token(key, 'administrator', 'admin', '', 1)}"}
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = (await client.post("/api/v1/reports", json=report)).json()
        tracking_id, secret = created["tracking_id"], created["access_secret"]
        receipt = (await _mail_to(platform, email))[0]
        reporter = {"X-Access-Secret": secret}
        feed_path = f"{NOTIFICATIONS}/reports/{tracking_id}/feed"
        feed = (await client.get(feed_path, headers=reporter)).json()
        streamed = await _first_streamed(client, f"{feed_path}/stream", reporter)
        stranger = await client.get(feed_path, headers={"X-Access-Secret": "salah"})
        prefs = await client.put(
            f"{NOTIFICATIONS}/reports/{tracking_id}/preferences",
            json={"channels": ["email"], "essential_only": True, "language": "en"},
            headers=reporter,
        )
        bad_prefs = await client.put(
            f"{NOTIFICATIONS}/reports/{tracking_id}/preferences",
            json={"channels": ["pigeon"]},
            headers=reporter,
        )
        await at_agency(client, tracking_id, admin, AGENCY)
        log = (
            await client.get(f"{NOTIFICATIONS}/reports/{tracking_id}/deliveries", headers=admin)
        ).json()
    assert tracking_id in receipt["subject"]
    assert secret in receipt["text"]
    assert (receipt["tls"], receipt["authenticated_as"]) == (True, "notification")
    assert [item["kind"] for item in feed["items"]][:1] == ["received"]
    assert streamed == feed["items"][0]
    assert secret not in str(feed)
    assert stranger.status_code == 403
    assert prefs.status_code == 200, prefs.text
    assert bad_prefs.status_code == 422
    receipts = [d for d in log["deliveries"] if d["kind"] == "received"]
    assert [(d["channel"], d["status"]) for d in receipts] == [("email", "sent")]


async def test_an_agency_desk_hears_by_email_and_signed_webhook_without_the_reporter(
    platform: Platform, key: str
) -> None:
    admin = {"Authorization": f"Bearer {issue_token(key, 'administrator', 'admin', '', 1)}"}
    desk, hook = f"desk.{_digits()}@bandungkab.go.id", f"desa-{_digits()}"
    phone, email = f"+62813{_digits()}", f"rahasia.{_digits()}@contoh.id"
    report = {
        "type": "pengaduan",
        "title": "Jembatan desa rusak",
        "body": "Jembatan penghubung Desa Cingcin di Soreang rusak, membahayakan anak sekolah.",
        "region_code": "32.04.05",
        "anonymous": True,
        "reporter": {"name": "Rahasia", "phone": phone, "email": email},
    }
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = (await client.post("/api/v1/reports", json=report)).json()
        tracking_id, secret = created["tracking_id"], created["access_secret"]
        agency = (await at_agency(client, tracking_id, admin, AGENCY))["agency"]["code"]
        officer = {"Authorization": f"Bearer {issue_token(key, 'officer', 'budi', agency, 1)}"}
        subscriptions = f"{NOTIFICATIONS}/agencies/{agency}/subscriptions"
        by_mail = await client.post(
            subscriptions, json={"channel": "email", "address": desk}, headers=officer
        )
        by_hook = await client.post(
            subscriptions,
            json={"channel": "webhook", "address": f"{platform.mailbox_url}/hooks/{hook}"},
            headers=officer,
        )
        refused = await client.post(
            f"{NOTIFICATIONS}/agencies/pemkot-3273/subscriptions",
            json={"channel": "email", "address": desk},
            headers=officer,
        )
        replied = await client.post(
            f"/api/v1/reports/{tracking_id}/reply",
            json={"text": "Jembatan makin parah setelah hujan semalam."},
            headers={"X-Access-Secret": secret},
        )
    assert (by_mail.status_code, by_hook.status_code, refused.status_code) == (201, 201, 403)
    assert replied.status_code == 200, replied.text
    mail = (await _mail_to(platform, desk))[0]

    async def hooks() -> list[dict[str, Any]]:
        mine = [h for h in await _messages(platform, "webhook") if h["name"] == hook]
        return [h for h in mine if json.loads(h["body"])["kind"] == "reporter_replied"]

    # The subscription may also predate notification's reading of the routing: then the
    # desk hears of the new report too; the reply is the notice this test asked for.
    [delivered] = await eventually(hooks, lambda found: len(found) >= 1, timeout_s=60)
    headers = delivered["headers"]
    verify(
        by_hook.json()["secret"],
        delivered["body"].encode(),
        delivery_id=headers["X-Lapor-Delivery"],
        signature=headers["X-Lapor-Signature"],
        timestamp=headers["X-Lapor-Timestamp"],
        now=int(time.time()),
    )
    assert tracking_id in mail["text"]
    assert tracking_id in delivered["body"]
    for personal in (phone, phone[1:], email, "Rahasia", "semalam"):
        assert personal not in mail["text"] + delivered["body"]
