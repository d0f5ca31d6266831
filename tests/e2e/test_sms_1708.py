"""SMS 1708 through the running platform: a signed SMS to the gateway's webhook files a report
without a region, routing locates it or leaves it to the administrators, the receipt SMS with
the tracking id reaches the sender's number, ``CEK <id>`` answers with the status by SMS to
that number only, and a poison reply request is dead-lettered by notification."""

import json
import random
import time
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from intake.auth import issue_token
from intake.sms_signature import sign
from lapor_common.topics import DEAD_LETTER, SMS_REPLIES
from tests.e2e.conftest import Platform
from tests.e2e.settling import _settled, _view
from tests.e2e.test_lifecycle import _secrets
from tests.eventually import eventually
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader

TEXT = "LAPOR Jalan berlubang besar di depan Pasar Soreang Kabupaten Bandung, motor sering jatuh"


def _number() -> str:
    return "0812" + "".join(random.choices("0123456789", k=8))


@pytest.fixture(scope="module")
def secrets(infra: Infrastructure, platform: Platform) -> dict[str, str]:
    return _secrets(infra.run_dir)


async def _sms(client: httpx.AsyncClient, secret: str, sender: str, text: str) -> dict[str, Any]:
    fields = {
        "from": sender,
        "text": text,
        "received_at": "2026-11-23T09:15:00+07:00",
        "message_id": uuid.uuid4().hex,
    }
    body = json.dumps(fields).encode()
    signature = sign(secret, int(time.time()), body)
    headers = {"content-type": "application/json", "X-Lapor-Signature": signature}
    response = await client.post("/api/v1/sms/inbound", content=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _received(platform: Platform, to: str, containing: str) -> dict[str, Any]:
    """The first SMS to ``to`` whose text contains ``containing``, once it came."""

    async def probe() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=platform.mailbox_url) as client:
            found = (await client.get("/api/messages?kind=sms")).json()["sms"]
        return [m for m in found if m["to"] == to and containing in m["text"]]

    found = await eventually(probe, bool, timeout_s=60)
    assert found, f"no SMS to {to} with {containing!r}"
    return found[0]


async def test_an_sms_report_is_received_routed_or_queued_and_its_status_answered(
    platform: Platform, secrets: dict[str, str]
) -> None:
    secret, number, stranger = secrets["INTAKE_SMS_WEBHOOK_SECRET"], _number(), _number()
    admin_token = issue_token(secrets["LAPOR_JWT_SIGNING_KEY"], "administrator", "admin", "", 1)
    admin = {"Authorization": f"Bearer {admin_token}"}
    e164, other = "+62" + number[1:], "+62" + stranger[1:]
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = await _sms(client, secret, number, TEXT)
        tracking_id = created["tracking_id"]
        receipt = await _received(platform, e164, "Kode akses")
        path = f"/api/v1/reports/{tracking_id}"
        view = await eventually(lambda: _view(client, path, admin), _settled, timeout_s=60)
        status = await _sms(client, secret, number, f"cek {tracking_id.lower()}")
        refused = await _sms(client, secret, stranger, f"CEK {tracking_id}")
        answered = await _received(platform, e164, "Status laporan:")
        not_found = await _received(platform, other, "LAPOR!")
        unsigned = await client.post("/api/v1/sms/inbound", json={"from": number})
    assert created["outcome"] == "created"
    assert "access_secret" not in created
    assert receipt["text"].startswith(f"LAPOR! {tracking_id}")
    assert view["channel"] == "sms"
    assert _settled(view), view
    assert status == {"outcome": "status", "tracking_id": tracking_id}
    assert answered["text"].startswith(f"LAPOR! {tracking_id}: Status laporan:")
    assert refused["outcome"] == "refused"
    assert tracking_id not in not_found["text"]
    assert unsigned.status_code == 401


async def test_notification_dead_letters_a_poison_reply_request(
    platform: Platform, infra: Infrastructure, producer: AIOKafkaProducer
) -> None:
    poison = b"\xff\xfe" + uuid.uuid4().bytes
    reader = await TopicReader(infra.kafka_bootstrap_servers, DEAD_LETTER).start()
    try:
        await producer.send_and_wait(SMS_REPLIES, poison, key=b"poison")
        [parked] = await reader.collect(lambda record: record.value == poison, 1, 60)
    finally:
        await reader.stop()
    headers = dict(parked.headers)
    assert headers["lapor.dead-letter.consumer"] == b"notification-sms-replies"
    assert headers["lapor.dead-letter.source"].startswith(SMS_REPLIES.encode())
