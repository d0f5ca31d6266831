"""Escalation with N open reports (the goal: 1,000,000; a full run writes 100,000, since
FerretDB takes about 11 minutes to write 10^6 with their 4,000,000 timers, so
--escalation-reports 1000000 measures the goal): their clocks and timers written to a database
as escalation's store keeps them (bench/escalation_timers.py populate), then the escalation
service started on it, its time frozen, as after a restart: seconds until /readyz answers, and
its memory (resident a few seconds later, and the most it had resident). No ceiling."""

import asyncio
import time

from bench.escalation_timers import populate, restart
from bench.harness.memory import MIB
from bench.harness.results import Goal, Outcome
from bench.harness.scenario import Bench, Scenario
from bench.harness.stack import ROOT, SPARE_PORTS


async def measure(bench: Bench) -> Outcome:
    stack, reports = bench.stack, bench.sizes.escalation_reports
    began = time.perf_counter()
    written = await populate(stack.mongo_uri, reports, timers_only=False)
    populated = time.perf_counter() - began
    env = {
        **stack.env,
        "PYTHONPATH": f"{ROOT / 'libs'}:{ROOT / 'services/escalation'}",
        "ESCALATION_ROUTING_TARGET": stack.grpc_target("routing"),
    }
    log_file = stack.run_dir / "logs/escalation-restart.log"
    ports = (SPARE_PORTS[1], SPARE_PORTS[2])
    found = await asyncio.to_thread(restart, env, ports, log_file, bench.sizes.settle_seconds)
    measured = {
        "reports": reports,
        "ready_s": found.ready_s,
        "rss_mib": found.rss_bytes / MIB,
        "peak_mib": found.peak_bytes / MIB,
        "populate_s": populated,
    }
    return Outcome(
        summary=(
            f"ready in {found.ready_s:.1f} s, {found.peak_bytes / MIB:,.0f} MiB at most "
            f"({reports:,} open reports)"
        ),
        measured=measured,
        notes=(written,),
    )


SCENARIO = Scenario(
    name="escalation",
    title="Escalation: restart with open reports",
    needs="infrastructure",
    goals=(
        Goal("with 1,000,000 open reports", "reports", 1_000_000),
        Goal("memory <= 1 GB", "peak_mib", 1024, at_least=False),
        Goal("restart ready <= 60 s", "ready_s", 60, at_least=False),
    ),
    measure=measure,
)
