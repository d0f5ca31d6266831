"""The log as scenarios look at it: where each partition ends, how large its records are, and
topics of the benchmark's own made like the platform's."""

import uuid
from dataclasses import replace

from aiokafka import AIOKafkaConsumer, TopicPartition

from lapor_common.replay import topic_partitions
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_EVENTS, ensure_topics, platform_topics

Offsets = dict[int, int]


async def end_offsets(servers: str, topic: str = REPORT_EVENTS) -> Offsets:
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(await topic_partitions(servers, topic))
    finally:
        await consumer.stop()
    return {tp.partition: offset for tp, offset in ends.items()}


async def record_sizes(servers: str, topic: str, start: Offsets, end: Offsets) -> list[int]:
    """The value sizes, in bytes, of the records from ``start`` up to ``end``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    sizes: list[int] = []
    try:
        wanted = {TopicPartition(topic, p): o for p, o in end.items() if o > start.get(p, 0)}
        consumer.assign(list(wanted))
        for tp in wanted:
            consumer.seek(tp, start.get(tp.partition, 0))
        while wanted:
            for tp, records in (await consumer.getmany(*wanted, timeout_ms=1000)).items():
                sizes += [len(r.value or b"") for r in records if r.offset < wanted[tp]]
                if await consumer.position(tp) >= wanted[tp]:
                    del wanted[tp]
    finally:
        await consumer.stop()
    return sizes


async def topic_like(servers: str, model: str = REPORT_EVENTS) -> str:
    """A new topic of the benchmark's own, with the partitions and settings of ``model``."""
    settings = PlatformSettings(kafka_bootstrap_servers=servers)
    [spec] = [s for s in platform_topics(settings) if s.name == model]
    name = f"bench.{model}.{uuid.uuid4().hex[:8]}"
    await ensure_topics(servers, [replace(spec, name=name)], settings.topic_replication_factor)
    return name
