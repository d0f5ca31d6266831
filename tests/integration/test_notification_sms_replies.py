"""Notification's consumer of intake's SMS replies (lapor.sms-replies) over the real broker,
database and local mailbox: a reply goes at once, even at night, to the number the request
carries, once per reply id; the delivery log names the citizen by pseudonym only; a broken
request is dead-lettered and the stream goes on."""

import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from lapor.channel.v1 import sms_pb2 as r
from lapor_common.mongo import Document
from lapor_common.topics import DEAD_LETTER
from notification.domain.quiet import parse_quiet_hours
from notification.outbox import log_name
from tests.eventually import eventually
from tests.infra import Infrastructure
from tests.integration.notification_stack import Stack, consuming_replies, rules, running_stack
from tests.kafka_reading import TopicReader
from tests.mailbox import Box, new_box, running

pytestmark = pytest.mark.integration
NIGHT = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # 22:30 WIB


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    started = new_box(tmp_path_factory.mktemp("mailbox") / "box", credentials=True)
    with running(started):
        yield started


@pytest.fixture
async def stack(
    infra: Infrastructure, database: AsyncDatabase[Document], producer: AIOKafkaProducer, box: Box
) -> AsyncIterator[Stack]:
    night = rules(quiet=parse_quiet_hours("21:00-07:00"))
    async with running_stack(infra, database, producer, box, night) as running_:
        running_.clock.at = NIGHT
        yield running_


def _reply(to: str, kind: "r.SmsReplyKind.ValueType", **fields: str) -> r.SmsReplyRequested:
    reply = r.SmsReplyRequested(
        reply_id=str(uuid.uuid4()),
        to=to,
        kind=kind,
        language="id",
        sender_ref=uuid.uuid4().hex,
    )
    for name, value in fields.items():
        setattr(reply, name, value)
    reply.requested_at.FromDatetime(NIGHT)
    return reply


async def _sms(box: Box, to: str, count: int) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        return [m for m in box.messages("sms") if m["to"] == to]

    return await eventually(probe, lambda found: len(found) >= count)


async def test_a_reply_goes_at_once_to_the_number_it_answers_and_only_once(
    stack: Stack, box: Box, infra: Infrastructure
) -> None:
    phone = "+62813" + "".join(random.choices("0123456789", k=8))
    status = _reply(
        phone,
        r.SMS_REPLY_KIND_STATUS,
        tracking_id="7K3M-9QXD-2F8A",
        status="DIPROSES",
        status_label_id="Diproses",
        status_label_en="In progress",
        agency_name="Pemerintah Kota Makassar",
    )
    help_ = _reply(phone, r.SMS_REPLY_KIND_HELP)
    help_.sender_ref = status.sender_ref  # the same citizen: one partition, one order
    broken = _reply("081234", r.SMS_REPLY_KIND_HELP)
    reader = await TopicReader(infra.kafka_bootstrap_servers, DEAD_LETTER).start()
    try:
        async with consuming_replies(infra, stack) as requests:
            await requests.publish(status)
            await requests.publish(status)  # delivered again: sent once
            await requests.send(b"\xff\xff", status.sender_ref.encode())
            await requests.send(broken.SerializeToString(), status.sender_ref.encode())
            await requests.publish(help_)
            sent = await _sms(box, phone, 2)
            dead = await reader.collect(
                lambda x: dict(x.headers)["lapor.dead-letter.source"].startswith(
                    requests.topic.encode()
                ),
                2,
            )
            await eventually(stack.outbox_size, lambda size: size == 0)
    finally:
        await reader.stop()
    assert [m["text"] for m in sent] == [m["text"] for m in box.messages("sms") if m["to"] == phone]
    assert sent[0]["text"].startswith("LAPOR! 7K3M-9QXD-2F8A: Status laporan: Diproses.")
    assert "Pemerintah Kota Makassar" in sent[0]["text"]
    assert "CEK" in sent[1]["text"]
    assert sorted(record.value for record in dead) == sorted(
        [b"\xff\xff", broken.SerializeToString()]
    )
    log = stack.db[log_name(NIGHT, "7K3M-9QXD-2F8A")]
    [logged] = [d async for d in log.find({"event_id": status.reply_id})]
    assert (logged["status"], logged["recipient"]) == ("sent", f"citizen:{status.sender_ref}")
    assert phone not in str(logged)
