"""Escalation at scale: N open reports with their clocks and timers in the database, then
(in a fresh process, as after a restart) the time until it can fire, its memory, and how many
due timers per second it fires, commands sent to Kafka included.

Needs the infrastructure only, not the services (their consumers would take the commands):

    deploy/local/platform.sh infra-up
    PYTHONPATH=libs:services/escalation .venv/bin/python bench/escalation_timers.py \
        populate --reports 1000000
    PYTHONPATH=libs:services/escalation .venv/bin/python bench/escalation_timers.py \
        fire --due 20000
    PYTHONPATH=libs:services/escalation .venv/bin/python bench/escalation_timers.py restart
"""

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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


async def populate(count: int, timers_only: bool) -> None:
    client = mongo_client(PlatformSettings().mongo_uri, "bench")
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
        print(f"{first + len(reports)} reports ({time.perf_counter() - started:.0f} s)")
    by_hour: dict[str, list[Document]] = defaultdict(list)
    for (hour, bucket_id), entries in buckets.items():
        by_hour[hour].append({"_id": bucket_id, "timers": entries})
    for hour, documents in by_hour.items():
        await db[hour].insert_many(documents)
    total = sum(len(v) for v in buckets.values())
    print(
        f"{count} open reports, {total} timers in {len(buckets)} buckets over {len(by_hour)} "
        f"hour collections, in {time.perf_counter() - started:.0f} s"
    )
    await client.close()


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


def restart() -> None:
    """Start the escalation service on the populated database; time until /readyz answers
    200, then its resident memory after it has run for a few seconds."""
    clock = Path(tempfile.mkdtemp()) / "clock"
    clock.write_text(NOW.isoformat())
    env = {
        **os.environ,
        "ESCALATION_DATABASE": DATABASE,
        "ESCALATION_CLOCK_FILE": str(clock),
        "ESCALATION_HTTP_PORT": "28003",
        "ESCALATION_GRPC_PORT": "28053",
    }
    started = time.perf_counter()
    service = subprocess.Popen([sys.executable, "-m", "escalation"], env=env)
    try:
        while not _ready("http://127.0.0.1:28003/readyz"):
            time.sleep(0.05)
        print(f"ready {time.perf_counter() - started:.2f} s after the process started")
        time.sleep(5)
        rss = Path(f"/proc/{service.pid}/status").read_text().split("VmRSS:")[1].split()[0]
        print(f"resident memory after 5 s: {int(rss) // 1024} MiB")
    finally:
        service.terminate()
        service.wait()


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    populating = commands.add_parser("populate")
    populating.add_argument("--reports", type=int, default=1_000_000)
    populating.add_argument("--timers-only", action="store_true", help="keep the reports")
    commands.add_parser("fire").add_argument("--due", type=int, default=20_000)
    commands.add_parser("restart")
    args = parser.parse_args()
    if args.command == "populate":
        asyncio.run(populate(args.reports, args.timers_only))
    elif args.command == "fire":
        asyncio.run(fire(args.due))
    else:
        restart()


if __name__ == "__main__":
    main()
