"""Stream processing: routing's handler over the first events of lapor.report-events (as the
run's other scenarios left it), with the services stopped, under faust-streaming exactly as
the routing service runs it (routing.agents: stream_app and attach_router, its own group, so
the stopped service's group is deleted first), against the same handler on a plain aiokafka
consumer (lapor_common.kafka_io.RecordProcessor). Each run has an empty database of its own
and its own producer for the commands; the rate counts from the first event handled."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness.kafka_tools import forget_group
from bench.harness.results import Ceiling, Goal, Outcome, ratio
from bench.harness.scenario import Bench, Scenario
from bench.harness.topics import end_offsets
from bench.routing_decisions import load_router
from lapor_common.kafka_io import (
    Handler,
    RecordProcessor,
    SourceRecord,
    durable_producer,
    group_consumer,
)
from lapor_common.mongo import Document, mongo_client
from lapor_common.topics import REPORT_EVENTS
from routing.agents import attach_router, stream_app
from routing.cases import Cases, Lessons, OpenReports
from routing.domain import Router
from routing.duplicates import DuplicatePolicy
from routing.handlers import NAME, Knowledge, RoutingHandler, Tuning
from routing.settings import RoutingSettings

FAUST_GROUP = f"lapor-{NAME}"  # stream_app's id, which faust uses as its group


class Counted:
    """The handler, timed from the first record it handled to the ``goal``-th."""

    def __init__(self, handler: Handler, goal: int) -> None:
        self._handler, self._goal = handler, goal
        self._times: list[float] = []
        self.done = asyncio.Event()

    async def __call__(self, record: SourceRecord) -> None:
        await self._handler(record)
        self._times.append(time.perf_counter())
        if len(self._times) == self._goal:
            self.done.set()

    def per_second(self) -> float:
        return (self._goal - 1) / (self._times[self._goal - 1] - self._times[0])


def _tuning() -> Tuning:
    """The service's tuning, from its settings' defaults."""
    s = RoutingSettings()
    window = timedelta(days=s.duplicate_window_days)
    duplicates = DuplicatePolicy(s.duplicate_similarity, window, s.duplicate_radius_m)
    return Tuning(s.auto_route_confidence, s.retrain_every, duplicates)


async def _handler(
    knowledge: Knowledge, db: AsyncDatabase[Document], producer: AIOKafkaProducer
) -> RoutingHandler:
    open_reports = OpenReports(db["open_reports"])
    await open_reports.load()
    return RoutingHandler(
        knowledge=knowledge,
        cases=Cases(db["cases"]),
        open_reports=open_reports,
        lessons=Lessons(db["lessons"], db["models"]),
        producer=producer,
        tuning=_tuning(),
    )


async def _under_faust(
    servers: str, handler: Counted, producer: AIOKafkaProducer, state: Path
) -> None:
    await asyncio.to_thread(forget_group, servers, FAUST_GROUP)
    app = stream_app(servers, state)
    attach_router(app, producer, handler)
    await app.start()
    try:
        await asyncio.wait_for(handler.done.wait(), 600)
    finally:
        await app.stop()


async def _on_plain_consumer(servers: str, handler: Counted, producer: AIOKafkaProducer) -> None:
    group = f"bench-routing-plain-{uuid.uuid4().hex[:8]}"
    processor = RecordProcessor(
        group_consumer(servers, group, [REPORT_EVENTS]), producer, handler, group
    )
    await processor.start()
    task = asyncio.create_task(processor.run())
    try:
        await asyncio.wait_for(handler.done.wait(), 600)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await processor.stop()


Runner = Callable[[Counted, AIOKafkaProducer], Awaitable[None]]


async def _rate(bench: Bench, router: Router, goal: int, runner: Runner) -> float:
    """Events per second the runner's handler routes, with routing's memory empty at first."""
    stack = bench.stack
    client = mongo_client(stack.mongo_uri, "bench-streams")
    db = client[f"bench_routing_{uuid.uuid4().hex[:8]}"]
    producer = durable_producer(stack.kafka, "bench-streams")
    await producer.start()
    try:
        handler = await _handler(Knowledge(router, router.classifier), db, producer)
        counted = Counted(handler, goal)
        await runner(counted, producer)
        return counted.per_second()
    finally:
        await client.drop_database(db.name)
        await client.close()
        await producer.stop()


async def measure(bench: Bench) -> Outcome:
    servers, state = bench.stack.kafka, bench.stack.run_dir / "faust"
    goal = min(bench.sizes.stream_events, sum((await end_offsets(servers)).values()))
    if goal < 2:
        raise RuntimeError("lapor.report-events is empty: run the platform's scenarios first")
    router = load_router(Path(bench.stack.env["LAPOR_REGIONS_DIR"]))
    plain = await _rate(bench, router, goal, lambda h, p: _on_plain_consumer(servers, h, p))
    faust = await _rate(bench, router, goal, lambda h, p: _under_faust(servers, h, p, state))
    return Outcome(
        summary=f"{faust:,.0f} events/s under faust ({goal:,} events)",
        measured={
            "events_per_s": faust,
            "ceiling_events_per_s": plain,
            "ratio": ratio(faust, plain),
        },
        ceiling=Ceiling("same handler, plain aiokafka consumer", plain, "events/s"),
    )


SCENARIO = Scenario(
    name="streams",
    title="Stream processing: routing under faust-streaming",
    needs="infrastructure",
    goals=(Goal(">= 0.5 x ceiling", "ratio", 0.5),),
    measure=measure,
)
