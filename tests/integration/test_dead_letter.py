"""Poison never blocks: undecodable records go to the dead-letter topic and the stream goes on."""

import asyncio
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from lapor.report.v1.events_pb2 import ReportSubmitted
from lapor_common.envelope import Causation, decode_event, new_event, service_actor
from lapor_common.kafka_io import RecordProcessor, SourceRecord, group_consumer
from lapor_common.topics import DEAD_LETTER
from tests.eventually import eventually
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader


async def test_a_poison_record_is_dead_lettered_with_its_reason_and_the_next_is_handled(
    infra: Infrastructure, producer: AIOKafkaProducer
) -> None:
    topic = f"test.poison.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 1, 1)])
    await admin.close()
    handled: list[str] = []

    async def handle(record: SourceRecord) -> None:
        handled.append(decode_event(record.value).envelope.report_id)

    group = f"test-{topic}"
    processor = RecordProcessor(
        group_consumer(infra.kafka_bootstrap_servers, group, [topic]), producer, handle, group
    )
    dead = await TopicReader(infra.kafka_bootstrap_servers, DEAD_LETTER).start()
    cause = Causation(service_actor("tests"), "c")
    good = new_event("GOOD-0000-0001", 1, ReportSubmitted(title="x"), cause, datetime.now(UTC))
    await producer.send_and_wait(topic, b"\xff not an envelope", key=b"POISON")
    await producer.send_and_wait(topic, good.envelope.SerializeToString(), key=b"GOOD")
    await processor.start()
    try:
        runner = asyncio.create_task(processor.run())
        seen = await eventually(lambda: _copy(handled), lambda ids: len(ids) >= 1)
        [parked] = await dead.collect(lambda r: r.key == b"POISON", 1, 15.0)
        runner.cancel()
    finally:
        await processor.stop()
        await dead.stop()
    headers = dict(parked.headers)
    assert seen == ["GOOD-0000-0001"]
    assert parked.value == b"\xff not an envelope"
    assert b"not a valid EventEnvelope" in headers["lapor.dead-letter.reason"]
    assert headers["lapor.dead-letter.source"] == f"{topic}/0/0".encode()
    assert headers["lapor.dead-letter.consumer"] == group.encode()


async def _copy(items: list[str]) -> list[str]:
    return list(items)
