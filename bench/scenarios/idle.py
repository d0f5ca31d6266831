"""The whole platform idle: the broker, the database server and the five services, each with
every process it started, resident in memory a few seconds after they all started and before
any load (the runner takes this scenario first; the gateway and the local mailbox, stand-ins of
development, are not counted). No ceiling."""

import asyncio

from bench.harness.memory import MIB, tree_rss
from bench.harness.results import Goal, Outcome
from bench.harness.scenario import Bench, Scenario


async def measure(bench: Bench) -> Outcome:
    await asyncio.sleep(bench.sizes.settle_seconds)
    resident = {name: tree_rss(pid) / MIB for name, pid in bench.stack.pids().items()}
    total = sum(resident.values())
    parts = ", ".join(f"{name} {mib:,.0f}" for name, mib in resident.items())
    return Outcome(
        summary=f"{total:,.0f} MiB resident",
        measured={"rss_mib": total, **{f"{name}_mib": mib for name, mib in resident.items()}},
        notes=(f"MiB by process: {parts}",),
    )


SCENARIO = Scenario(
    name="idle",
    title="Whole platform idle (RSS)",
    needs="platform",
    goals=(Goal("RSS <= 2.5 GB", "rss_mib", 2560, at_least=False),),
    measure=measure,
)
