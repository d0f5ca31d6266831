"""Freshness at 100 reports/s, open loop, whole platform running: from the moment a report's
POST was due until intake's read model shows its agency (GET /api/v1/reports/{id} with the
report's access secret). A consumer tails lapor.report-events; once the report's ReportRouted
is seen, the GET is asked until it shows the agency (seldom more than once), so the polling
adds little load. Reports routing leaves to the administrators, or does not decide on within
two minutes, are counted, not timed.
Ceiling: a raw produce -> consume round trip (aiokafka, acks=all, idempotent) at the same pace
and record size, on a topic made like lapor.report-events on the same broker."""

import asyncio
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiokafka import AIOKafkaConsumer

from bench.harness.load import Latencies, open_loop
from bench.harness.results import Ceiling, Goal, Outcome, ratio
from bench.harness.scenario import Bench, Scenario
from bench.harness.topics import topic_like
from lapor_common.envelope import decode_event
from lapor_common.kafka_io import durable_producer
from lapor_common.replay import topic_partitions
from lapor_common.topics import REPORT_EVENTS

RATE = 100.0
WAIT_S = 120.0
DECISIONS = {"ReportRouted": True, "RoutingSuggested": False, "DuplicateLinked": False}
POLL_S = 0.002


async def _tail(servers: str, topic: str) -> AIOKafkaConsumer:
    """A consumer of every partition of the topic, from its end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    consumer.assign(await topic_partitions(servers, topic))
    await consumer.seek_to_end()
    return consumer


async def _watch(consumer: AIOKafkaConsumer, seen: Callable[[bytes], None]) -> None:
    while True:
        for records in (await consumer.getmany(timeout_ms=100)).values():
            for record in records:
                seen(record.value or b"")


class Routed:
    """What routing decided for each report, as the tail sees it: routed to an agency, or
    left to the administrators (routes suggested) or linked to a report filed before."""

    def __init__(self) -> None:
        self._decided: defaultdict[str, asyncio.Future[bool]] = defaultdict(
            asyncio.get_running_loop().create_future
        )
        self.undecided = 0

    def seen(self, value: bytes) -> None:
        envelope = decode_event(value).envelope
        decided = self._decided[envelope.report_id]
        if envelope.event_type in DECISIONS and not decided.done():
            decided.set_result(DECISIONS[envelope.event_type])

    async def wait(self, report_id: str) -> bool:
        """Whether routing routed the report (False after a while without a decision)."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._decided[report_id]), WAIT_S)
        except TimeoutError:
            self.undecided += 1
            return False


async def _visible(session: aiohttp.ClientSession, url: str, secret: str) -> None:
    """Until the report's view shows its agency."""
    while True:
        async with session.get(url, headers={"X-Access-Secret": secret}) as answer:
            if (await answer.json()).get("agency"):
                return
        await asyncio.sleep(POLL_S)


def _filer(
    session: aiohttp.ClientSession, base: str, bodies: list[bytes], routed: Routed
) -> Callable[[int], Awaitable[bool]]:
    """Files report i; True once its agency is visible, False if routing did not route it."""
    headers = {"content-type": "application/json"}

    async def file(i: int) -> bool:
        async with session.post(f"{base}/api/v1/reports", data=bodies[i], headers=headers) as a:
            filed: dict[str, Any] = await a.json()
        if not await routed.wait(filed["tracking_id"]):
            return False
        url = f"{base}/api/v1/reports/{filed['tracking_id']}"
        await _visible(session, url, filed["access_secret"])
        return True

    return file


async def _freshness(bench: Bench, bodies: list[bytes], routed: Routed) -> Latencies:
    consumer = await _tail(bench.stack.kafka, REPORT_EVENTS)
    watcher = asyncio.create_task(_watch(consumer, routed.seen))
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            filer = _filer(session, bench.stack.http_url("intake"), bodies, routed)
            return await open_loop(filer, RATE, len(bodies))
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        await consumer.stop()


async def _round_trip(servers: str, bodies: list[bytes]) -> Latencies:
    """Each body (the reports' own JSON, so records of their size) produced at the pace, timed
    from when it was due until consumed."""
    topic = await topic_like(servers)
    producer = durable_producer(servers, "bench-round-trip")
    await producer.start()
    consumer = await _tail(servers, topic)
    arrived: defaultdict[bytes, asyncio.Event] = defaultdict(asyncio.Event)
    watcher = asyncio.create_task(_watch(consumer, lambda value: arrived[value[:8]].set()))

    async def produce(i: int) -> bool:
        key = f"{i:08d}".encode()
        await producer.send_and_wait(topic, key + bodies[i], key=key)
        await arrived[key].wait()
        return True

    try:
        return await open_loop(produce, RATE, len(bodies))
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        await consumer.stop()
        await producer.stop()


async def measure(bench: Bench) -> Outcome:
    reports = bench.mix.reports(f"{bench.seed}:freshness", bench.sizes.freshness_reports)
    bodies = [json.dumps(report).encode() for report in reports]
    routed = Routed()
    fresh = await _freshness(bench, bodies, routed)
    visible = fresh.succeeded()
    ceiling = await _round_trip(bench.stack.kafka, bodies)
    p99, ceiling_p99 = visible.percentile_ms(0.99), ceiling.percentile_ms(0.99)
    measured = {
        "p50_ms": visible.percentile_ms(0.5),
        "p99_ms": p99,
        "max_ms": visible.percentile_ms(1.0),
        "routed": len(visible.seconds),
        "left_to_administrators": fresh.failed - routed.undecided,
        "undecided_after_120_s": routed.undecided,
        "ceiling_p50_ms": ceiling.percentile_ms(0.5),
        "ceiling_p99_ms": ceiling_p99,
        "ratio": ratio(p99, ceiling_p99),
    }
    return Outcome(
        summary=f"p99 {p99:,.0f} ms (p50 {measured['p50_ms']:,.0f} ms) at {RATE:.0f}/s",
        measured=measured,
        ceiling=Ceiling("produce -> consume round trip p99", ceiling_p99, "ms"),
        notes=(
            f"{fresh.failed} of {len(fresh.seconds)} reports not routed automatically, "
            f"{routed.undecided} of them not decided on within {WAIT_S:.0f} s",
        ),
    )


SCENARIO = Scenario(
    name="freshness",
    title="Freshness: submit -> routed -> visible, 100 reports/s",
    needs="platform",
    goals=(
        Goal("p99 <= 60 ms", "p99_ms", 60, at_least=False),
        Goal("<= 10 x ceiling's p99", "ratio", 10, at_least=False),
    ),
    measure=measure,
)
