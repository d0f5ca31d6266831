"""Kafka clients as the platform uses them: durable producers, at-least-once consumers,
dead letters."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from pymongo.errors import ConnectionFailure

from lapor_common.envelope import UndecodableMessage
from lapor_common.topics import DEAD_LETTER

log = logging.getLogger(__name__)

# Failures of the infrastructure, not of the message: retried until it is back.
_OUTAGES = (ConnectionFailure, KafkaConnectionError, KafkaTimeoutError)


class SourceRecord(Protocol):
    """What a handler needs of a record; aiokafka's and faust's records both have it."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...


Handler = Callable[[SourceRecord], Awaitable[None]]


def durable_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """A producer whose acknowledgement means durable: acks=all and idempotent."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=1,
    )


def group_consumer(
    bootstrap_servers: str, group_id: str, topics: Sequence[str]
) -> AIOKafkaConsumer:
    """A consumer in a group that commits only what it has processed (at-least-once)."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )


async def send_to_dead_letter(
    producer: AIOKafkaProducer, record: SourceRecord, reason: str, by: str
) -> None:
    """Park a message that cannot be processed, with where it came from and why."""
    headers = [
        ("lapor.dead-letter.reason", reason.encode()),
        ("lapor.dead-letter.source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ("lapor.dead-letter.consumer", by.encode()),
    ]
    await producer.send_and_wait(DEAD_LETTER, record.value, key=record.key, headers=headers)
    log.warning(
        "dead-lettered a record: %s",
        reason,
        extra={"topic": record.topic, "partition": record.partition, "offset": record.offset},
    )


class RecordProcessor:
    """Runs a handler over every record of a consumer; poison never blocks the stream.

    Each record goes through ``handle_or_dead_letter``. Offsets are committed
    after each batch is handled, so a crash redelivers
    (handlers are idempotent) and never skips. ``after_batch``, if given, runs after
    each batch and before its commit (a handler that buffers its writes flushes there).
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        handler: Handler,
        name: str,
        *,
        attempts: int = 5,
        after_batch: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._consumer = consumer
        self._after_batch = after_batch
        self._producer = producer
        self._handler = handler
        self._name = name
        self._attempts = attempts
        self._end_at_start: dict[TopicPartition, int] | None = None
        self.caught_up = asyncio.Event()

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    def partitions(self) -> list[int]:
        """The partitions this consumer owns now."""
        return sorted(tp.partition for tp in self._consumer.assignment())

    async def run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=500, max_records=500)
            for partition, records in batches.items():
                await self._partition(partition, records)
            if not self.caught_up.is_set() and await self._reached_start_end():
                self.caught_up.set()

    async def _partition(self, partition: TopicPartition, records: Sequence[Any]) -> None:
        for record in records:
            await handle_or_dead_letter(
                record, self._handler, self._producer, self._name, self._attempts
            )
        if self._after_batch is not None:
            await _outlasting(self._after_batch)
        await self._consumer.commit({partition: records[-1].offset + 1})

    async def _reached_start_end(self) -> bool:
        """Whether everything that was in the topics when we joined has been processed."""
        assignment = self._consumer.assignment()
        if not assignment:
            return False
        if self._end_at_start is None:
            self._end_at_start = await self._consumer.end_offsets(list(assignment))
        positions = {tp: await self._consumer.position(tp) for tp in assignment}
        return all(
            positions[tp] >= end for tp, end in self._end_at_start.items() if tp in positions
        )


async def handle_or_dead_letter(
    record: SourceRecord, handler: Handler, producer: AIOKafkaProducer, by: str, attempts: int = 5
) -> None:
    """Handle one record; poison goes to the dead-letter topic, outages are waited out.

    An undecodable record is dead-lettered at once. A handler that keeps failing
    is retried with backoff ``attempts`` times, then dead-lettered. An outage of
    Kafka or the database is retried until it ends, since no message could get
    through it.
    """
    failures = 0
    waits = 0
    while True:
        try:
            await handler(record)
            return
        except UndecodableMessage as exc:
            await send_to_dead_letter(producer, record, str(exc), by)
            return
        except _OUTAGES as exc:
            log.warning("infrastructure unavailable, waiting: %r", exc)
        except Exception as exc:
            failures += 1
            if failures >= attempts:
                await send_to_dead_letter(producer, record, f"failed {failures} times: {exc!r}", by)
                return
            log.warning("handler failed (attempt %d), retrying: %r", failures, exc)
        waits += 1
        await asyncio.sleep(_backoff(waits))


async def _outlasting(step: Callable[[], Awaitable[None]]) -> None:
    """Run ``step``, waiting out outages of Kafka or the database."""
    waits = 0
    while True:
        try:
            await step()
            return
        except _OUTAGES as exc:
            log.warning("infrastructure unavailable, waiting: %r", exc)
        waits += 1
        await asyncio.sleep(_backoff(waits))


def _backoff(wait: int) -> float:
    """Seconds before the next try: doubling from 0.1 s, capped at 5 s."""
    return float(min(0.05 * 2 ** min(wait, 7), 5.0))
