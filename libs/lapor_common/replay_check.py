"""Compares read models rebuilt by a replay with the live ones (``make replay-check``).

    python -m lapor_common.replay_check --check GROUP:END_OFFSETS_JSON:LIVE_DB:REPLAY_DB:C1,C2 ...

(``*`` for the collections compares every collection either database has.)

For each check it first waits (bounded) until the live consumer group has committed at least
the end offsets the replay stopped at, so both sides reflect the same events, then compares
the digests of each collection and prints a table. Exit status: 0 all identical, 1 some
differ, 2 a live group did not catch up in time, 3 some differ but the log grew meanwhile
(the live side may reflect newer events: run the check again).
"""

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from lapor_common.mongo import mongo_client
from lapor_common.replay import digest_database, topic_partitions
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_EVENTS

SAME, DIFFERENT, LAGGING, LOG_GREW = 0, 1, 2, 3
# As the collection list: every collection either database has.
EVERY_COLLECTION = "*"
app = typer.Typer(add_completion=False)


@dataclass(frozen=True)
class Check:
    group: str
    end_offsets: dict[int, int]
    live: str
    replay: str
    collections: list[str]

    @classmethod
    def parse(cls, spec: str) -> "Check":
        group, offsets, live, replay, collections = spec.split(":")
        ends = {int(p): o for p, o in json.loads(Path(offsets).read_text()).items()}
        return cls(group, ends, live, replay, collections.split(","))


async def _lag(admin: AIOKafkaAdminClient, check: Check, topic: str) -> int:
    """How many records of the replay's window the group has not committed yet."""
    committed = await admin.list_consumer_group_offsets(check.group)
    done = {tp.partition: meta.offset for tp, meta in committed.items() if tp.topic == topic}
    return sum(max(end - max(done.get(p, 0), 0), 0) for p, end in check.end_offsets.items())


async def wait_for_groups(
    bootstrap_servers: str, checks: list[Check], topic: str, timeout_s: float
) -> dict[str, int]:
    """Wait until every group has caught up; return what each still lacks (all 0 on success)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while True:
            lags = {check.group: await _lag(admin, check, topic) for check in checks}
            if not any(lags.values()) or loop.time() > deadline:
                return lags
            await asyncio.sleep(0.5)
    finally:
        await admin.close()


async def end_offsets_now(bootstrap_servers: str, topic: str) -> dict[int, int]:
    partitions = await topic_partitions(bootstrap_servers, topic)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, isolation_level="read_committed"
    )
    await consumer.start()
    try:
        return {tp.partition: o for tp, o in (await consumer.end_offsets(partitions)).items()}
    finally:
        await consumer.stop()


async def compare(mongo_uri: str, checks: list[Check]) -> list[tuple[str, int, int, str, str]]:
    """Rows of (collection, live count, replay count, live digest, replay digest)."""
    client = mongo_client(mongo_uri, "lapor-replay-check")
    rows = []
    try:
        for check in checks:
            names = check.collections
            if names == [EVERY_COLLECTION]:
                found = await client[check.live].list_collection_names()
                found += await client[check.replay].list_collection_names()
                names = sorted(set(found))
            live = await digest_database(client[check.live], names)
            replayed = await digest_database(client[check.replay], names)
            for name in names:
                (live_n, live_d), (replay_n, replay_d) = live[name], replayed[name]
                rows.append((f"{check.live}.{name}", live_n, replay_n, live_d, replay_d))
    finally:
        await client.close()
    return rows


def table(rows: list[tuple[str, int, int, str, str]]) -> str:
    header = ("collection", "live", "replay", "live sha256", "replay sha256", "same?")
    lines = [header] + [
        (name, str(ln), str(rn), ld, rd, "yes" if (ln, ld) == (rn, rd) else "NO")
        for name, ln, rn, ld, rd in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    cells = ("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines)
    return "\n".join(line.rstrip() for line in cells)


async def run(platform: PlatformSettings, checks: list[Check], topic: str, timeout_s: float) -> int:
    servers = platform.kafka_bootstrap_servers
    lags = await wait_for_groups(servers, checks, topic, timeout_s)
    if any(lags.values()):
        behind = ", ".join(f"{group} lacks {n} records" for group, n in lags.items() if n)
        typer.echo(f"live consumers did not catch up in {timeout_s:.0f} s: {behind}", err=True)
        return LAGGING
    rows = await compare(platform.mongo_uri, checks)
    typer.echo(table(rows))
    if all((ln, ld) == (rn, rd) for _, ln, rn, ld, rd in rows):
        return SAME
    now = await end_offsets_now(servers, topic)
    if any(now.get(p, 0) > end for check in checks for p, end in check.end_offsets.items()):
        typer.echo("the log grew during the check; the live side may be ahead", err=True)
        return LOG_GREW
    return DIFFERENT


@app.command()
def main(
    check: Annotated[
        list[str],
        typer.Option(help="GROUP:END_OFFSETS_JSON:LIVE_DB:REPLAY_DB:COLL1,COLL2 (or * for all)"),
    ],
    topic: Annotated[str, typer.Option(help="The topic replayed.")] = REPORT_EVENTS,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for live groups.")] = 120.0,
) -> None:
    """Wait for the live consumer groups, then compare live and replayed read models."""
    checks = [Check.parse(spec) for spec in check]
    raise typer.Exit(asyncio.run(run(PlatformSettings(), checks, topic, timeout)))


if __name__ == "__main__":
    app()
