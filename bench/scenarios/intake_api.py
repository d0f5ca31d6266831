"""Intake's POST /api/v1/reports (201 only once Kafka acknowledged the event, acks=all and
idempotent), on intake's own port with the whole platform running: reports per second from
concurrent clients (closed loop), and latency at 100 reports/s (open loop). Ceiling: a minimal
asyncio HTTP server (bench/harness/http_ceiling.py) that parses each request and its JSON body
and answers a fixed 201, loaded by the same client the same way."""

import json
import sys

import aiohttp

from bench.harness.load import Latencies, Send, Throughput, closed_loop, open_loop
from bench.harness.processes import port_open, running, wait_until
from bench.harness.results import Ceiling, Goal, Outcome, ratio
from bench.harness.scenario import Bench, Scenario
from bench.harness.stack import ROOT, SPARE_PORTS

RATE = 100.0
CEILING_PORT = SPARE_PORTS[0]


def _poster(session: aiohttp.ClientSession, url: str, bodies: list[bytes]) -> Send:
    headers = {"content-type": "application/json"}

    async def post(i: int) -> bool:
        async with session.post(url, data=bodies[i % len(bodies)], headers=headers) as answer:
            await answer.read()
            return answer.status == 201

    return post


async def _throughput(
    url: str, bodies: list[bytes], concurrency: int, seconds: float
) -> Throughput:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        return await closed_loop(_poster(session, url, bodies), concurrency, seconds)


async def _latency(url: str, bodies: list[bytes], count: int) -> Latencies:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        return await open_loop(_poster(session, url, bodies), RATE, count)


async def _both(url: str, bodies: list[bytes], bench: Bench) -> tuple[Throughput, Latencies]:
    sizes = bench.sizes
    busy = await _throughput(url, bodies, sizes.intake_concurrency, sizes.intake_seconds)
    return busy, await _latency(url, bodies, sizes.latency_reports)


async def measure(bench: Bench) -> Outcome:
    reports = bench.mix.reports(f"{bench.seed}:intake", 5000)
    bodies = [json.dumps(report).encode() for report in reports]
    command = [sys.executable, "-m", "bench.harness.http_ceiling", "--port", str(CEILING_PORT)]
    log = bench.stack.run_dir / "logs/http-ceiling.log"
    with running(command, {**bench.stack.env, "PYTHONPATH": str(ROOT)}, log) as server:
        wait_until(lambda: port_open(CEILING_PORT), server, 30)
        ceiling, ceiling_latency = await _both(f"http://127.0.0.1:{CEILING_PORT}/", bodies, bench)
    url = bench.stack.http_url("intake") + "/api/v1/reports"
    intake, latency = await _both(url, bodies, bench)
    measured = {
        "reports_per_s": intake.per_second,
        "ceiling_reports_per_s": ceiling.per_second,
        "ratio": ratio(intake.per_second, ceiling.per_second),
        "failed_under_load": intake.failed,
        "p50_ms_at_100": latency.percentile_ms(0.5),
        "p99_ms_at_100": latency.percentile_ms(0.99),
        "max_ms_at_100": latency.percentile_ms(1.0),
        "failed_at_100": latency.failed,
        "ceiling_p99_ms_at_100": ceiling_latency.percentile_ms(0.99),
        "concurrency": bench.sizes.intake_concurrency,
    }
    return Outcome(
        summary=(
            f"{intake.per_second:,.0f} reports/s; p99 {measured['p99_ms_at_100']:.1f} ms "
            f"at {RATE:.0f}/s"
        ),
        measured=measured,
        ceiling=Ceiling("minimal asyncio HTTP server", ceiling.per_second, "reports/s"),
        notes=(f"ceiling's p99 at {RATE:.0f}/s: {measured['ceiling_p99_ms_at_100']:.1f} ms",),
    )


SCENARIO = Scenario(
    name="intake",
    title="Intake: POST /api/v1/reports",
    needs="platform",
    goals=(
        Goal(">= 3,000 reports/s", "reports_per_s", 3000),
        Goal(">= 0.15 x ceiling", "ratio", 0.15),
        Goal("p99 <= 20 ms at 100 reports/s", "p99_ms_at_100", 20, at_least=False),
    ),
    measure=measure,
)
