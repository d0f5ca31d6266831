"""Reading what the platform wrote to a topic, from a point in time on, with a bounded wait."""

import asyncio
import contextlib
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from lapor_common.replay import topic_partitions


class TopicReader:
    """Reads a topic from the end offsets it had when ``start`` was awaited."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, enable_auto_commit=False
        )
        self._topic = topic
        self._bootstrap_servers = bootstrap_servers

    async def start(self) -> "TopicReader":
        assignment = await topic_partitions(self._bootstrap_servers, self._topic)
        await self._consumer.start()
        self._consumer.assign(assignment)
        for partition, offset in (await self._consumer.end_offsets(assignment)).items():
            self._consumer.seek(partition, offset)
        return self

    async def stop(self) -> None:
        await self._consumer.stop()

    async def collect(
        self,
        wanted: Callable[[ConsumerRecord[bytes, bytes]], bool],
        count: int,
        timeout_s: float = 30.0,
    ) -> list[ConsumerRecord[bytes, bytes]]:
        """The first ``count`` records that match, or fewer if the wait runs out."""
        found: list[ConsumerRecord[bytes, bytes]] = []

        async def read() -> None:
            while len(found) < count:
                batches = await self._consumer.getmany(timeout_ms=200)
                found.extend(r for records in batches.values() for r in records if wanted(r))

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(read(), timeout_s)
        return found[:count]


async def all_records(servers: str, topics: list[str]) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record the topics hold now, from their first offsets to their current ends."""
    partitions = [tp for topic in topics for tp in await topic_partitions(servers, topic)]
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while await _behind(consumer, ends):
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False
