"""Projection writes: analytics' live report projection (bench/analytics_projection.py, batched
as the service runs) folding a burst of the mix's reports, four events each, from a topic of its
own into an empty database. Ceiling: the driver's own unordered bulk upsert (``bulk_write`` of
``ReplaceOne(upsert=True)``, ``ordered=False``) of the same documents into another empty
database. The ratio is the ceiling's time over the projection's."""

import time
import uuid

from pymongo import ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from bench.analytics_projection import EVENTS_PER_REPORT, burst, fold, new_topic
from bench.harness.results import Ceiling, Goal, Outcome, ratio
from bench.harness.scenario import Bench, Scenario
from lapor_common.kafka_io import durable_producer
from lapor_common.mongo import Document, mongo_client

Documents = dict[str, list[Document]]


async def _documents(database: AsyncDatabase[Document]) -> Documents:
    return {
        name: [document async for document in database[name].find({})]
        for name in await database.list_collection_names()
    }


async def _bulk_upsert(database: AsyncDatabase[Document], documents: Documents) -> float:
    """Seconds to upsert every document, one unordered bulk write per collection."""
    began = time.perf_counter()
    for name, batch in documents.items():
        upserts = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in batch]
        await database[name].bulk_write(upserts, ordered=False)
    return time.perf_counter() - began


async def measure(bench: Bench) -> Outcome:
    stack, reports = bench.stack, bench.sizes.projection_reports
    producer = durable_producer(stack.kafka, "bench-projection")
    client = mongo_client(stack.mongo_uri, "bench-projection")
    tag = uuid.uuid4().hex[:8]
    live, bulk = client[f"bench_projection_{tag}"], client[f"bench_bulk_{tag}"]
    await producer.start()
    try:
        topic = await new_topic(stack.kafka)
        await burst(producer, topic, bench.mix.draws(f"{bench.seed}:projection", reports))
        seconds = await fold(stack.kafka, producer, topic, live, reports=reports, batched=True)
        documents = await _documents(live)
        bulk_seconds = await _bulk_upsert(bulk, documents)
    finally:
        for database in (live, bulk):
            await client.drop_database(database.name)
        await client.close()
        await producer.stop()
    events = reports * EVENTS_PER_REPORT
    count = sum(len(batch) for batch in documents.values())
    measured = {
        "events_per_s": events / seconds,
        "ceiling_events_per_s": events / bulk_seconds,
        "ratio": ratio(bulk_seconds, seconds),
        "events": events,
        "documents": count,
        "projection_s": seconds,
        "bulk_upsert_s": bulk_seconds,
    }
    return Outcome(
        summary=f"{events / seconds:,.0f} events/s ({count:,} documents in {seconds:.1f} s)",
        measured=measured,
        ceiling=Ceiling("unordered bulk upsert, same documents", events / bulk_seconds, "events/s"),
    )


SCENARIO = Scenario(
    name="projection",
    title="Projection writes (analytics)",
    needs="infrastructure",
    goals=(Goal(">= 0.60 x ceiling", "ratio", 0.60),),
    measure=measure,
)
