"""Analytics' live report projection on its own: a burst of report events on a topic of its
own, consumed as the service consumes them, into a fresh database. It measures events folded
into the read models per second, batched (as the service runs) or one event at a time.

    deploy/local/platform.sh infra-up
    .venv/bin/python bench/analytics_projection.py --reports 300 [--per-event]

(with PYTHONPATH=libs:services/analytics:. ; the infrastructure's addresses come from
LAPOR_KAFKA_BOOTSTRAP_SERVERS and LAPOR_MONGO_URI). Each report has four events: submitted,
routed, acknowledged, resolved; they spread over twenty provinces and fifty agencies.
"""

import argparse
import asyncio
import time
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from analytics.projections import BatchedModels, MongoModels
from analytics.readmodels import FACTS, report_handler
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, new_event
from lapor_common.kafka_io import RecordProcessor, durable_producer, group_consumer
from lapor_common.mongo import mongo_client
from lapor_common.settings import PlatformSettings
from lapor_common.topics import TopicSpec, ensure_topics
from tests.eventually import eventually

CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "bench-analytics")
EVENTS_PER_REPORT = 4


async def _burst(producer: AIOKafkaProducer, topic: str, reports: int) -> None:
    for number in range(reports):
        report_id = f"BENCH-{number:06d}"
        life = [
            e.ReportSubmitted(
                type=e.REPORT_TYPE_COMPLAINT,
                region_code=f"{11 + number % 20}.01",
                category_code="sosial.pkh",
                channel=e.CHANNEL_WEB,
            ),
            e.ReportRouted(agency_code=f"agency-{number % 50}", category_code="sosial.pkh"),
            e.ReportAcknowledged(),
            e.ReportResponded(text="selesai", final=True),
        ]
        for sequence, payload in enumerate(life, start=1):
            event = new_event(report_id, sequence, payload, CITIZEN, datetime.now(UTC))
            value = event.envelope.SerializeToString()
            await producer.send(topic, value, key=report_id.encode())
    await producer.flush()


async def measure(reports: int, batched: bool) -> float:
    platform = PlatformSettings()
    servers = platform.kafka_bootstrap_servers
    topic = f"bench.analytics.{uuid.uuid4().hex[:8]}"
    await ensure_topics(servers, [TopicSpec(topic, 3, {})], 1)
    producer = durable_producer(servers, "bench-analytics")
    await producer.start()
    client = mongo_client(platform.mongo_uri, "bench-analytics")
    database = client[f"bench_analytics_{uuid.uuid4().hex[:8]}"]
    try:
        await _burst(producer, topic, reports)
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
        began = time.monotonic()
        task = asyncio.create_task(processor.run())
        done = await eventually(
            lambda: database[FACTS].count_documents({"sequence": EVENTS_PER_REPORT}),
            lambda folded: folded == reports,
            timeout_s=600,
        )
        seconds = time.monotonic() - began
        if done != reports:
            raise SystemExit(f"only {done} of {reports} reports folded in {seconds:.0f} s")
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await processor.stop()
        return reports * EVENTS_PER_REPORT / seconds
    finally:
        await client.drop_database(database.name)
        await client.close()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--per-event", action="store_true", help="Write after every event.")
    args = parser.parse_args()
    rate = asyncio.run(measure(args.reports, batched=not args.per_event))
    mode = "one event at a time" if args.per_event else "batched, as the service runs"
    print(f"{args.reports * EVENTS_PER_REPORT} events, {mode}: {rate:.0f} events/s")


if __name__ == "__main__":
    main()
