"""Analytics' live report projection on its own: a burst of report events on a topic of its
own, consumed as the service consumes them, into a fresh database. It measures events folded
into the read models per second, batched (as the service runs) or one event at a time.

    deploy/local/platform.sh infra-up
    .venv/bin/python -m bench.analytics_projection --reports 300 [--per-event]

(with PYTHONPATH=.:libs:services/intake:services/routing:services/escalation:services/analytics;
the infrastructure's addresses come from LAPOR_KAFKA_BOOTSTRAP_SERVERS and LAPOR_MONGO_URI).
Each report of the benchmarks' seeded mix (bench/harness/load.py) has four events: submitted,
routed to the agency routing's rules name for it, acknowledged, resolved. `make bench` runs
it as a scenario.
"""

import argparse
import asyncio
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from analytics.projections import BatchedModels, MongoModels
from analytics.readmodels import FACTS, report_handler
from bench.harness.load import TYPES_BY_NAME, Drawn, Mix
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, new_event
from lapor_common.kafka_io import RecordProcessor, durable_producer, group_consumer
from lapor_common.mongo import Document, mongo_client
from lapor_common.settings import PlatformSettings
from lapor_common.topics import TopicSpec, ensure_topics
from tests.eventually import eventually

CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "bench-analytics")
EVENTS_PER_REPORT = 4


def _life(drawn: Drawn) -> list[Message]:
    report, category = drawn.report, drawn.category_code
    return [
        e.ReportSubmitted(
            type=TYPES_BY_NAME[report["type"]],
            region_code=report["region_code"],
            category_code=report["category_code"],
            channel=e.CHANNEL_WEB,
            anonymous=report["anonymous"],
            confidential=report["confidential"],
        ),
        e.ReportRouted(agency_code=drawn.agency_code, category_code=category),
        e.ReportAcknowledged(),
        e.ReportResponded(text="selesai", final=True),
    ]


async def burst(producer: AIOKafkaProducer, topic: str, draws: list[Drawn]) -> None:
    """Every report's four events on the topic, keyed by report id."""
    for number, drawn in enumerate(draws):
        report_id = f"BENCH-{number:06d}"
        for sequence, payload in enumerate(_life(drawn), start=1):
            event = new_event(report_id, sequence, payload, CITIZEN, datetime.now(UTC))
            value = event.envelope.SerializeToString()
            await producer.send(topic, value, key=report_id.encode())
    await producer.flush()


async def fold(
    servers: str,
    producer: AIOKafkaProducer,
    topic: str,
    database: AsyncDatabase[Document],
    *,
    reports: int,
    batched: bool,
) -> float:
    """Seconds the live projection takes to fold the topic's reports into ``database``, from
    when its consumer has joined its group."""
    store = MongoModels(database)
    batch = BatchedModels(store)
    group = f"bench-analytics-{uuid.uuid4().hex[:8]}"
    processor = RecordProcessor(
        group_consumer(servers, group, [topic]),
        producer,
        report_handler(batch if batched else store),
        group,
        after_batch=batch.flush if batched else None,
    )
    await processor.start()
    task = asyncio.create_task(processor.run())
    try:
        await eventually(lambda: _partitions(processor), bool, timeout_s=60)
        began = time.monotonic()
        done = await eventually(
            lambda: database[FACTS].count_documents({"sequence": EVENTS_PER_REPORT}),
            lambda folded: folded == reports,
            timeout_s=600,
        )
        seconds = time.monotonic() - began
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await processor.stop()
    if done != reports:
        raise RuntimeError(f"only {done} of {reports} reports folded in {seconds:.0f} s")
    return seconds


async def _partitions(processor: RecordProcessor) -> list[int]:
    return processor.partitions()


async def new_topic(servers: str) -> str:
    topic = f"bench.analytics.{uuid.uuid4().hex[:8]}"
    await ensure_topics(servers, [TopicSpec(topic, 3, {})], 1)
    return topic


async def measure(draws: list[Drawn], batched: bool) -> float:
    platform = PlatformSettings()
    servers = platform.kafka_bootstrap_servers
    topic = await new_topic(servers)
    producer = durable_producer(servers, "bench-analytics")
    await producer.start()
    client = mongo_client(platform.mongo_uri, "bench-analytics")
    database = client[f"bench_analytics_{uuid.uuid4().hex[:8]}"]
    try:
        await burst(producer, topic, draws)
        reports = len(draws)
        seconds = await fold(servers, producer, topic, database, reports=reports, batched=batched)
        return reports * EVENTS_PER_REPORT / seconds
    finally:
        await client.drop_database(database.name)
        await client.close()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-event", action="store_true", help="Write after every event.")
    args = parser.parse_args()
    regions = Path(os.environ.get("LAPOR_REGIONS_DIR", "../shared/data/regions"))
    draws = Mix.load(regions).draws(args.seed, args.reports)
    rate = asyncio.run(measure(draws, batched=not args.per_event))
    mode = "one event at a time" if args.per_event else "batched, as the service runs"
    print(f"{args.reports * EVENTS_PER_REPORT} events, {mode}: {rate:.0f} events/s")


if __name__ == "__main__":
    main()
