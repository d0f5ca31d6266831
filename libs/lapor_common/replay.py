"""Replays of the log: a topic read from offset 0 (or a start time) up to the end offsets it had
when the replay began (or an end time), through the handler the live consumers use.

A plain consumer reads (no group, every partition assigned by hand), so a replay never moves a
live consumer group. Undecodable records, and records the handler fails on, are counted and
skipped: live, both end in the dead-letter topic. Outages end the replay (run it again).
``digest_database`` fingerprints read models to compare them byte for byte.
"""

import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import bson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from bson.codec_options import CodecOptions
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lapor_common.envelope import UndecodableMessage
from lapor_common.kafka_io import Handler, SourceRecord
from lapor_common.mongo import Document, mongo_client
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_EVENTS

log = logging.getLogger(__name__)

# Live these are waited out; a batch job stops instead.
_OUTAGES = (ConnectionFailure, KafkaConnectionError, KafkaTimeoutError)
# How documents are read and encoded for digests, whatever the client's own options.
CANONICAL = CodecOptions(document_class=dict, tz_aware=True, tzinfo=UTC)


@dataclass
class ReplayResult:
    """What a replay read: every record, of which some undecodable or failing, in how long."""

    records: int = 0
    undecodable: int = 0
    failed: int = 0
    seconds: float = 0.0
    # Partition -> the offset the replay stopped at (exclusive).
    end_offsets: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"{self.records} records in {self.seconds:.1f} s ({self.per_second:.0f} records/s); "
            f"{self.undecodable} undecodable, {self.failed} failed"
        )

    def save_end_offsets(self, path: Path) -> None:
        """Where the replay stopped, as JSON {partition: offset}, for a later comparison."""
        path.write_text(json.dumps({str(p): o for p, o in sorted(self.end_offsets.items())}))


def moment(text: str) -> datetime:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def replay(
    bootstrap_servers: str,
    handler: Handler,
    *,
    topic: str = REPORT_EVENTS,
    since: datetime | None = None,
    until: datetime | None = None,
    show_progress: bool = True,
) -> ReplayResult:
    """Call ``handler`` on every record of ``topic`` in the window, in order per partition."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="lapor-replay",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    partitions = await topic_partitions(bootstrap_servers, topic)
    await consumer.start()
    try:
        consumer.assign(partitions)
        start, end = await _window(consumer, partitions, since, until)
        for partition in partitions:
            consumer.seek(partition, start[partition])
        began = time.monotonic()
        result = ReplayResult(end_offsets={tp.partition: end[tp] for tp in partitions})
        total = sum(max(end[tp] - start[tp], 0) for tp in partitions)
        with _progress(show_progress) as progress:
            task = progress.add_task(f"replaying {topic}", total=total)
            await _read(consumer, handler, end, result, lambda n: progress.advance(task, n))
        result.seconds = time.monotonic() - began
        return result
    finally:
        await consumer.stop()


async def replay_into(
    platform: PlatformSettings,
    database: str,
    build: Callable[[AsyncDatabase[Document]], Awaitable[Handler]],
    *,
    fresh: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
) -> ReplayResult:
    """What a replay command does: replay the report events through the handler ``build``
    makes for ``database`` (dropped first if ``fresh``), showing progress."""
    client = mongo_client(platform.mongo_uri, "lapor-replay")
    try:
        if fresh:
            await client.drop_database(database)
        handler = await build(client[database])
        servers = platform.kafka_bootstrap_servers
        return await replay(servers, handler, since=since, until=until)
    finally:
        await client.close()


async def topic_partitions(bootstrap_servers: str, topic: str) -> list[TopicPartition]:
    """Every partition of the topic, in order (LookupError if it does not exist)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described["error_code"] or not described["partitions"]:
        raise LookupError(f"topic {topic} does not exist or has no partitions")
    return [
        TopicPartition(topic, n) for n in sorted(p["partition"] for p in described["partitions"])
    ]


def _millis(at: datetime) -> int:
    if at.tzinfo is None:
        raise ValueError("replay window times must carry a time zone")
    return int(at.timestamp() * 1000)


async def _window(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    since: datetime | None,
    until: datetime | None,
) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
    """Per partition, the first offset to read and the offset to stop at."""
    end: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
    start: dict[TopicPartition, int] = await consumer.beginning_offsets(partitions)
    if since is not None:
        found = await consumer.offsets_for_times(dict.fromkeys(partitions, _millis(since)))
        start = {tp: end[tp] if found[tp] is None else found[tp].offset for tp in partitions}
    if until is not None:
        found = await consumer.offsets_for_times(dict.fromkeys(partitions, _millis(until)))
        end = {tp: end[tp] if found[tp] is None else min(end[tp], found[tp].offset) for tp in end}
    return start, end


async def _read(
    consumer: AIOKafkaConsumer,
    handler: Handler,
    end: dict[TopicPartition, int],
    result: ReplayResult,
    advance: Callable[[int], None],
) -> None:
    pending = {tp for tp in end if await consumer.position(tp) < end[tp]}
    consumer.pause(*(set(end) - pending))
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=500, max_records=1000)
        for tp, records in batches.items():
            wanted = [record for record in records if record.offset < end[tp]]
            for record in wanted:
                await _handle(record, handler, result)
            advance(len(wanted))
        for tp in list(pending):
            if await consumer.position(tp) >= end[tp]:
                pending.discard(tp)
                consumer.pause(tp)


async def _handle(record: SourceRecord, handler: Handler, result: ReplayResult) -> None:
    result.records += 1
    where = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
    try:
        await handler(record)
    except UndecodableMessage as exc:
        result.undecodable += 1
        log.warning("skipped an undecodable record: %s", exc, extra=where)
    except _OUTAGES:
        raise
    except Exception as exc:
        result.failed += 1
        log.warning("the handler failed on a record, skipped: %r", exc, extra=where)


def _progress(show: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show,
    )


async def digest_database(
    db: AsyncDatabase[Document], collections: Sequence[str]
) -> dict[str, tuple[int, str]]:
    """Per collection, its document count and the SHA-256 (hex) of its documents in ``_id``
    order, each BSON-encoded as stored (field order counts)."""
    digests = {}
    for name in collections:
        digest, count = hashlib.sha256(), 0
        cursor = db.get_collection(name, codec_options=CANONICAL).find({}).sort("_id", ASCENDING)
        async for document in cursor:
            digest.update(bson.encode(document, codec_options=CANONICAL))
            count += 1
        digests[name] = (count, digest.hexdigest())
    return digests
