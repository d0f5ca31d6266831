"""Escalation at scale: N open reports with their clocks and timers in the database, then
(in a fresh process, as after a restart) the time until it can fire, its memory, and how many
due timers per second it fires, commands sent to Kafka included.

Needs the infrastructure only, not the services (their consumers would take the commands):

    deploy/local/platform.sh infra-up
    export PYTHONPATH=.:libs:services/escalation
    .venv/bin/python -m bench.escalation_timers populate --reports 1000000
    .venv/bin/python -m bench.escalation_timers fire --due 20000
    .venv/bin/python -m bench.escalation_timers restart

`make bench` runs populate and restart as a scenario.
"""

import argparse
import asyncio
import logging
import os
import random
import resource
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness.memory import MIB, peak_rss, tree_rss
from bench.harness.processes import answers, running, wait_until
from escalation.domain.calendar import indonesian_calendar
from escalation.domain.clocks import AGENCY_CLOCKS, Report, Rules
from escalation.domain.policy import load_policies
from escalation.domain.timers import Rung, timers
from escalation.handlers import Escalation
from escalation.store import Reports, Timetable, Warnings, place, timer_entry, to_document
from lapor.report.v1 import events_pb2 as e
from lapor_common.kafka_io import durable_producer
from lapor_common.mongo import Document, mongo_client
from lapor_common.settings import PlatformSettings

log = logging.getLogger(__name__)
READY_TIMEOUT_S = 600
POLICIES = Path(__file__).resolve().parents[1] / "services/escalation/escalation/data/policies.toml"
DATABASE = "bench_escalation"
PARTITIONS = 12
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
RULES = Rules(load_policies(POLICIES), indonesian_calendar(2025, 2028))
AGENCIES = [f"pemkab-{p}{r:02d}.dinkes" for p in (11, 32, 35, 73, 91) for r in range(1, 20)]


class Frozen:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def _report(number: int, rng: random.Random) -> Report:
    """A complaint routed to a health office some time in the last 20 days: its two agency
    clocks, as the fold would have started them (events are not built: too slow for 10^6)."""
    routed = NOW - timedelta(days=rng.uniform(0, 20))
    agency = rng.choice(AGENCIES)
    report = Report(f"BENCH-{number:08d}", 2, e.REPORT_TYPE_COMPLAINT, False, "", agency)
    clocks = tuple(RULES.start(report, kind, agency, routed) for kind in AGENCY_CLOCKS)
    return Report(**{**report.__dict__, "clocks": clocks})


Buckets = dict[tuple[str, str], dict[str, Any]]


def _buckets(reports: list[Report]) -> Buckets:
    """The timetable documents for these reports, by (hour collection, bucket id): what
    Timetable.add writes, gathered in memory to be written in bulk."""
    found: Buckets = defaultdict(dict)
    for report in reports:
        partition = zlib.crc32(report.report_id.encode()) % PARTITIONS
        for timer in timers(report, RULES.calendar):
            found[place(partition, timer)][timer.command_id] = timer_entry(timer, report)
    return found


async def populate(mongo_uri: str, count: int, timers_only: bool) -> str:
    """N open reports and their timers in the database; what was written, in a line."""
    client = mongo_client(mongo_uri, "bench")
    db = client[DATABASE]
    if not timers_only:
        await client.drop_database(DATABASE)
    for name in await db.list_collection_names():
        if name.startswith("timers_"):
            await db.drop_collection(name)
    rng = random.Random(2026)
    started = time.perf_counter()
    batch = 20_000
    buckets: Buckets = defaultdict(dict)
    for first in range(0, count, batch):
        reports = [_report(n, rng) for n in range(first, min(first + batch, count))]
        if not timers_only:
            await db["reports"].insert_many([to_document(r) for r in reports])
        for where, found in _buckets(reports).items():
            buckets[where].update(found)
        log.info("%d reports (%.0f s)", first + len(reports), time.perf_counter() - started)
    by_hour: dict[str, list[Document]] = defaultdict(list)
    for (hour, bucket_id), entries in buckets.items():
        by_hour[hour].append({"_id": bucket_id, "timers": entries})
    for hour, documents in by_hour.items():
        await db[hour].insert_many(documents)
    total = sum(len(v) for v in buckets.values())
    await client.close()
    return (
        f"{count} open reports, {total} timers in {len(buckets)} buckets over {len(by_hour)} "
        f"hour collections, in {time.perf_counter() - started:.0f} s"
    )


async def _chain(agency: str, category: str) -> list[Rung]:
    return [Rung(agency, agency), Rung(agency.split(".", maxsplit=1)[0], "Pemerintah")]


async def fire(due: int) -> None:
    begun = time.perf_counter()
    settings = PlatformSettings()
    client = mongo_client(settings.mongo_uri, "bench")
    producer = durable_producer(settings.kafka_bootstrap_servers, "bench")
    await producer.start()
    db = client[DATABASE]
    clock = Frozen(NOW)
    escalation = Escalation(
        rules=RULES,
        reports=Reports(db["reports"]),
        timetable=Timetable(db),
        warnings=Warnings(db["warnings"]),
        producer=producer,
        chains=_chain,
        clock=clock,
    )
    await db["cursors"].delete_many({})
    for partition in range(PARTITIONS):
        await escalation._timetable.set_cursor(partition, NOW)
    ready = time.perf_counter() - begun
    print(f"ready to fire {ready:.2f} s after start (connections; nothing is loaded)")
    step = timedelta(hours=1)
    started = time.perf_counter()
    while escalation.fired < due:
        clock.at += step
        await escalation.tick(range(PARTITIONS))
    elapsed = time.perf_counter() - started
    print(
        f"fired {escalation.fired} due timers up to {clock.at.isoformat()} in {elapsed:.1f} s: "
        f"{escalation.fired / elapsed:.0f} timers/s (each a command sent with acks=all)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory of this process: {peak} MiB")
    await producer.stop()
    await client.close()


@dataclass(frozen=True)
class Restarted:
    ready_s: float  # from the process's start until /readyz answered 200
    rss_bytes: int  # resident after it ran for a few seconds more
    peak_bytes: int  # the most it was resident (VmHWM)


def restart(
    env: Mapping[str, str], ports: tuple[int, int], log_file: Path, settle_s: float
) -> Restarted:
    """Start the escalation service (HTTP and gRPC on ``ports``) on the populated database,
    its time frozen at NOW; how long until ready, and its memory ``settle_s`` later."""
    clock = log_file.with_suffix(".clock")
    clock.write_text(NOW.isoformat())
    http, grpc = ports
    env = {
        **env,
        "ESCALATION_DATABASE": DATABASE,
        "ESCALATION_CLOCK_FILE": str(clock),
        "ESCALATION_HTTP_PORT": str(http),
        "ESCALATION_GRPC_PORT": str(grpc),
    }
    with running([sys.executable, "-m", "escalation"], env, log_file) as service:
        url = f"http://127.0.0.1:{http}/readyz"
        ready = wait_until(lambda: answers(url), service, READY_TIMEOUT_S)
        time.sleep(settle_s)
        return Restarted(ready, tree_rss(service.pid), peak_rss(service.pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    populating = commands.add_parser("populate")
    populating.add_argument("--reports", type=int, default=1_000_000)
    populating.add_argument("--timers-only", action="store_true", help="keep the reports")
    commands.add_parser("fire").add_argument("--due", type=int, default=20_000)
    commands.add_parser("restart")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "populate":
        print(asyncio.run(populate(PlatformSettings().mongo_uri, args.reports, args.timers_only)))
    elif args.command == "fire":
        asyncio.run(fire(args.due))
    else:
        log_file = Path(tempfile.mkdtemp()) / "escalation.log"
        found = restart(os.environ, (28003, 28053), log_file, settle_s=5)
        print(f"ready {found.ready_s:.2f} s after the process started (its log: {log_file})")
        resident, peak = found.rss_bytes // MIB, found.peak_bytes // MIB
        print(f"resident memory after 5 s: {resident} MiB, at most {peak} MiB")


if __name__ == "__main__":
    main()
