"""Replay: every read model that has a replay command (intake's and analytics', see the README's
"Replaying the log") rebuilt from the whole of lapor.report-events, as the run's other
scenarios left it, into empty databases, as their commands do it (intake.replay,
analytics.replay). Ceiling: Kafka's own ConsumerPerformance fetching the same topic."""

import asyncio
import time
import uuid

from analytics.replay import fold_log, write_documents
from bench.harness.kafka_tools import consumer_performance
from bench.harness.results import Ceiling, Goal, Outcome, ratio
from bench.harness.scenario import Bench, Scenario
from bench.harness.topics import end_offsets
from intake.replay import read_models_in
from lapor_common.mongo import mongo_client
from lapor_common.replay import replay
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_EVENTS


async def _intake(platform: PlatformSettings, database: str) -> float:
    """Seconds to rebuild intake's read models."""
    began = time.perf_counter()
    client = mongo_client(platform.mongo_uri, "bench-replay")
    try:
        handler = await read_models_in(client[database])
        await replay(platform.kafka_bootstrap_servers, handler, show_progress=False)
    finally:
        await client.close()
    return time.perf_counter() - began


async def _analytics(platform: PlatformSettings, database: str) -> float:
    """Seconds to rebuild analytics' read models (folded in memory, written at the end)."""
    began = time.perf_counter()
    models, _ = await fold_log(platform.kafka_bootstrap_servers, show_progress=False)
    await write_documents(platform, database, models.documents(), fresh=True)
    return time.perf_counter() - began


async def measure(bench: Bench) -> Outcome:
    stack = bench.stack
    platform = PlatformSettings(kafka_bootstrap_servers=stack.kafka, mongo_uri=stack.mongo_uri)
    events = sum((await end_offsets(stack.kafka)).values())
    name = uuid.uuid4().hex[:8]
    intake_s = await _intake(platform, f"bench_replay_intake_{name}")
    analytics_s = await _analytics(platform, f"bench_replay_analytics_{name}")
    group = f"bench-consumer-performance-{name}"
    ceiling = await asyncio.to_thread(
        consumer_performance, stack.kafka, REPORT_EVENTS, events, group
    )
    per_second = events / (intake_s + analytics_s)
    measured = {
        "events": events,
        "events_per_s": per_second,
        "intake_events_per_s": events / intake_s,
        "analytics_events_per_s": events / analytics_s,
        "ceiling_events_per_s": ceiling,
        "ratio": ratio(per_second, ceiling),
    }
    return Outcome(
        summary=(
            f"{per_second:,.0f} events/s (intake {events / intake_s:,.0f}, "
            f"analytics {events / analytics_s:,.0f}; {events:,} events)"
        ),
        measured=measured,
        ceiling=Ceiling("ConsumerPerformance, same topic", ceiling, "events/s"),
    )


SCENARIO = Scenario(
    name="replay",
    title="Replay: every read model from an empty database",
    needs="infrastructure",
    goals=(
        Goal(">= 50,000 events/s", "events_per_s", 50_000),
        Goal(">= 0.15 x ceiling", "ratio", 0.15),
    ),
    measure=measure,
)
