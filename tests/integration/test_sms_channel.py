"""SMS 1708 through intake's app over the real broker and the real MongoDB-wire server: a
signed message lands on the log as an SMS report with the number sealed; the gateway posting
it again changes nothing; a long message's parts are joined; a follow-up from the filing
number is appended, one from another number refused; replies go out on lapor.sms-replies."""

import base64
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from intake.api import build_app
from intake.handlers import EventLog, ReportWriter
from intake.identity import IdentityVault, master_key_from
from intake.sms_api import sms_router
from intake.sms_desk import SmsDesk
from intake.sms_replies import SmsReplies
from intake.sms_signature import sign
from intake.sms_store import SmsAnswers, SmsParts
from intake.store import EventCopy, ReportStore
from intake.views import ReportReader
from lapor.channel.v1 import sms_pb2 as r
from lapor.report.v1.events_pb2 import CHANNEL_SMS, ReportSubmitted
from lapor_common.envelope import Event, decode_event
from lapor_common.mongo import Document
from lapor_common.topics import REPORT_EVENTS, SMS_REPLIES
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader

SECRET = "integration-gateway-secret"
PHONE, OTHER = "0812" + str(uuid.uuid4().int)[:8], "+62857" + str(uuid.uuid4().int)[:8]
E164 = "+62" + PHONE[1:]
TEXT = "Lampu penerangan jalan di depan SD Negeri 3 Soreang padam sejak dua minggu"


@dataclass
class Channel:
    client: httpx.AsyncClient
    database: AsyncDatabase[Document]
    vault: IdentityVault
    events: TopicReader
    replies: TopicReader

    async def send(
        self, text: str, sender: str = PHONE, message_id: str = "", **concat: object
    ) -> dict[str, Any]:
        fields = {
            "from": sender,
            "text": text,
            "received_at": datetime.now(UTC).isoformat(),
            "message_id": message_id or uuid.uuid4().hex,
            **concat,
        }
        body = json.dumps(fields).encode()
        headers = {
            "content-type": "application/json",
            "X-Lapor-Signature": sign(SECRET, int(time.time()), body),
        }
        response = await self.client.post("/api/v1/sms/inbound", content=body, headers=headers)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def events_of(self, report_id: str, count: int, timeout_s: float = 15) -> list[Event]:
        found = await self.events.collect(lambda x: x.key == report_id.encode(), count, timeout_s)
        return [decode_event(record.value) for record in found]

    async def replies_to(self, numbers: set[str], count: int) -> list[r.SmsReplyRequested]:
        """The next ``count`` replies to these numbers (the reader skips others for good)."""
        found = await self.replies.collect(
            lambda x: r.SmsReplyRequested.FromString(x.value).to in numbers, count
        )
        return [r.SmsReplyRequested.FromString(record.value) for record in found]


@pytest.fixture
async def channel(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> AsyncIterator[Channel]:
    master = master_key_from(base64.b64encode(os.urandom(32)).decode())
    vault = IdentityVault(database["reporter_keys"], master)
    store, copy = ReportStore(database["reports"]), EventCopy(database["events"])
    writer = ReportWriter(
        store=store, copy=copy, events=EventLog(producer), vault=vault, region_exists=bool
    )
    parts = SmsParts(database["sms_parts"], vault.derive("sms-parts", "key"))
    await parts.prepare()
    desk = SmsDesk(
        writer=writer,
        store=store,
        vault=vault,
        answers=SmsAnswers(database["sms_messages"]),
        parts=parts,
        replies=SmsReplies(producer),
        clock=lambda: datetime.now(UTC),
    )
    reader = ReportReader(store, copy, vault)
    app = build_app(writer, reader, store, None, 65536, channels=[sms_router(desk, SECRET)])
    servers = infra.kafka_bootstrap_servers
    events = await TopicReader(servers, REPORT_EVENTS).start()
    replies = await TopicReader(servers, SMS_REPLIES).start()
    transport = httpx.ASGITransport(app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield Channel(client, database, vault, events, replies)
    finally:
        await events.stop()
        await replies.stop()


async def test_a_signed_sms_is_on_the_log_with_the_number_sealed_and_once_only(
    channel: Channel,
) -> None:
    message_id = uuid.uuid4().hex
    first = await channel.send(f"LAPOR RAHASIA {TEXT}", PHONE, message_id)
    again = await channel.send(f"LAPOR RAHASIA {TEXT}", PHONE, message_id)
    report_id = first["tracking_id"]
    follow_up = await channel.send(f"BALAS {report_id} sudah tiga malam gelap", E164)
    events = await channel.events_of(report_id, 3, timeout_s=10)
    assert again == first
    assert follow_up == {"outcome": "added", "tracking_id": report_id}
    assert [e.envelope.event_type for e in events] == ["ReportSubmitted", "ReporterReplied"]
    submitted = events[0].payload
    assert isinstance(submitted, ReportSubmitted)
    assert (submitted.channel, submitted.region_code, submitted.confidential) == (
        CHANNEL_SMS,
        "",
        True,
    )
    assert E164[3:].encode() not in events[0].envelope.SerializeToString()
    sealed = await ReportStore(channel.database["reports"]).get(report_id)
    assert sealed is not None
    assert sealed.reporter is not None
    identity = await channel.vault.open(sealed.reporter)
    assert identity is not None
    assert identity.phone == E164
    [added] = await channel.replies_to({E164}, 1)
    assert (added.kind, added.tracking_id) == (r.SMS_REPLY_KIND_ADDED, report_id)


async def test_another_number_is_refused_and_learns_nothing(channel: Channel) -> None:
    report_id = (await channel.send(TEXT))["tracking_id"]
    refused = await channel.send(f"{report_id} saya tetangganya, benar padam", OTHER)
    status = await channel.send(f"CEK {report_id}", OTHER)
    own = await channel.send(f"cek {report_id.replace('-', '')}")
    events = await channel.events_of(report_id, 2, timeout_s=5)
    assert refused["outcome"] == status["outcome"] == "refused"
    assert own == {"outcome": "status", "tracking_id": report_id}
    assert [e.envelope.event_type for e in events] == ["ReportSubmitted"]
    replies = await channel.replies_to({OTHER, E164}, 3)
    denied = [x for x in replies if x.to == OTHER]
    assert [(x.kind, x.tracking_id) for x in denied] == [(r.SMS_REPLY_KIND_NOT_FOUND, "")] * 2
    [answered] = [x for x in replies if x.to == E164]
    assert (answered.kind, answered.status) == (r.SMS_REPLY_KIND_STATUS, "MENUNGGU_VERIFIKASI")


async def test_a_long_message_is_joined_from_its_parts_and_the_parts_forgotten(
    channel: Channel,
) -> None:
    ref = uuid.uuid4().hex[:6]
    halves = ("LAPOR Lampu penerangan jalan di depan SD Ne", "geri 3 Soreang padam sejak lama")
    ids = [uuid.uuid4().hex, uuid.uuid4().hex]
    concat: dict[str, object] = {"concat_ref": ref, "concat_total": 2}
    second = await channel.send(halves[1], PHONE, ids[1], concat_part=2, **concat)
    again = await channel.send(halves[1], PHONE, ids[1], concat_part=2, **concat)
    first = await channel.send(halves[0], PHONE, ids[0], concat_part=1, **concat)
    [event] = await channel.events_of(first["tracking_id"], 1)
    assert second == {"outcome": "part_stored", "received": 1, "total": 2}
    assert again == {"outcome": "duplicate"}
    assert first["outcome"] == "created"
    assert isinstance(event.payload, ReportSubmitted)
    assert (
        event.payload.body == "Lampu penerangan jalan di depan SD Negeri 3 Soreang padam sejak lama"
    )
    stored = [d async for d in channel.database["sms_parts"].find({"_id": {"$in": ids}})]
    assert len(stored) == 2
    assert all("text" not in d and "sender" not in d and d["answer_key"] for d in stored)
    redelivered = await channel.send(halves[0], PHONE, ids[0], concat_part=1, **concat)
    assert redelivered == first
