"""The data tools that read the log itself, as analysts' events: a replay through an analyst's
fold, an export of events, and a consumer that prints them from an offset or a time on.

Reads use plain consumers (no group), so no live consumer group ever moves. Undecodable
records are counted and skipped.
"""

import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from analytics.analyst_events import AnalystEvent, analyst_event
from analytics.analyst_models import AnalystModel, Folding
from analytics.exports import BATCH, ExportResult
from analytics.tables import Column, table_file
from lapor_common.envelope import UndecodableMessage
from lapor_common.kafka_io import SourceRecord
from lapor_common.replay import ReplayResult, replay, topic_partitions

log = logging.getLogger(__name__)

EVENT_COLUMNS = [
    Column("event_id", "string"),
    Column("event_type", "string"),
    Column("report_id", "string"),
    Column("sequence", "integer"),
    Column("occurred_at", "timestamp"),
    Column("actor_kind", "string"),
    Column("partition", "integer"),
    Column("offset", "integer"),
    Column("schema_version", "integer"),
    Column("payload", "json"),
]


@dataclass(frozen=True)
class Window:
    """Which records of which topic: Kafka record timestamps decide the window."""

    bootstrap_servers: str
    topic: str
    since: datetime | None = None
    until: datetime | None = None
    show_progress: bool = True


async def _through(window: Window, take: Callable[[AnalystEvent], None]) -> ReplayResult:
    async def handle(record: SourceRecord) -> None:
        take(analyst_event(record))

    return await replay(
        window.bootstrap_servers,
        handle,
        topic=window.topic,
        since=window.since,
        until=window.until,
        show_progress=window.show_progress,
    )


async def fold_analyst_model(window: Window, model: AnalystModel) -> tuple[Folding, ReplayResult]:
    """The analyst's read model folded in memory from the window's events."""
    folding = Folding(model)
    return folding, await _through(window, folding.apply)


async def export_events(
    window: Window, out: Path, file_format: str
) -> tuple[ExportResult, ReplayResult]:
    """The window's events as rows of ``EVENT_COLUMNS`` (the payload as JSON text)."""
    began = time.monotonic()
    rows: list[AnalystEvent] = []
    written = 0
    with table_file(out, file_format, EVENT_COLUMNS) as writer:

        def take(event: AnalystEvent) -> None:
            nonlocal written
            rows.append(event)
            if len(rows) == BATCH:
                writer.write(rows)
                written += len(rows)
                rows.clear()

        result = await _through(window, take)
        writer.write(rows)
        written += len(rows)
    return ExportResult(written, time.monotonic() - began), result


@dataclass(frozen=True)
class Start:
    """Where consuming starts: every partition (or one) from its first record, from an offset,
    or from the first record at or after a time."""

    partition: int | None = None
    offset: int | None = None
    at: datetime | None = None


async def _start_offsets(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], start: Start
) -> dict[TopicPartition, int]:
    first = await consumer.beginning_offsets(partitions)
    end = await consumer.end_offsets(partitions)
    if start.at is not None:
        found = await consumer.offsets_for_times(
            dict.fromkeys(partitions, int(start.at.timestamp() * 1000))
        )
        return {tp: end[tp] if found[tp] is None else found[tp].offset for tp in partitions}
    if start.offset is not None:
        return {tp: min(max(start.offset, first[tp]), end[tp]) for tp in partitions}
    return dict(first)


async def consume(
    bootstrap_servers: str, topic: str, start: Start, *, follow: bool = False
) -> AsyncGenerator[AnalystEvent]:
    """The topic's events from ``start`` up to the end it had when reading began, in order per
    partition; with ``follow``, on and on as they come."""
    partitions = [
        tp
        for tp in await topic_partitions(bootstrap_servers, topic)
        if start.partition is None or tp.partition == start.partition
    ]
    if not partitions:
        raise LookupError(f"{topic} has no partition {start.partition}")
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="lapor-data",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        for tp, offset in (await _start_offsets(consumer, partitions, start)).items():
            consumer.seek(tp, offset)
        end = await consumer.end_offsets(partitions)
        async for event in _events(consumer, None if follow else end):
            yield event
    finally:
        await consumer.stop()


async def _events(
    consumer: AIOKafkaConsumer, end: dict[TopicPartition, int] | None
) -> AsyncIterator[AnalystEvent]:
    pending = set(consumer.assignment())
    while True:
        if end is not None:
            pending = {tp for tp in pending if await consumer.position(tp) < end[tp]}
            consumer.pause(*(set(end) - pending))
            if not pending:
                return
        batches = await consumer.getmany(*pending, timeout_ms=500, max_records=BATCH)
        for tp, records in batches.items():
            for record in records:
                if end is not None and record.offset >= end[tp]:
                    break
                try:
                    event = analyst_event(record)
                except UndecodableMessage as exc:
                    log.warning(
                        "skipped an undecodable record at %s/%d: %s", tp, record.offset, exc
                    )
                    continue
                yield event
