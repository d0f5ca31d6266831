"""Notification on its own: its consumer and dispatcher in-process over the real broker (a
topic of its own), a fresh database and the local mailbox (SMTP with STARTTLS and AUTH, the
SMS gateway), with reporters' contacts given in memory instead of asked of intake. What it
measures is notification's own capacity, on a database server nothing else is using.

    deploy/local/platform.sh infra-up
    .venv/bin/python bench/notification_alone.py burst --reports 1000
    .venv/bin/python bench/notification_alone.py paced --rate 20 --seconds 30

(with PYTHONPATH=libs:services/notification:. ; the infrastructure's addresses come from
LAPOR_KAFKA_BOOTSTRAP_SERVERS and LAPOR_MONGO_URI). Every report's receipt goes by e-mail or,
for every other reporter, by SMS. The figures are read from the delivery log: notifications
handed to their channel per second, and the time from the event to the hand-off.
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from lapor.report.v1 import events_pb2 as e
from lapor_common.kafka_io import durable_producer
from lapor_common.mongo import mongo_client
from lapor_common.settings import PlatformSettings
from notification.contacts import Contact
from tests.infra import Infrastructure
from tests.integration.notification_stack import Stack, rules, running_stack
from tests.mailbox import new_box, running

FINAL = {"sent", "skipped", "dead", "uncertain"}


def _id(n: int, tag: str) -> str:
    digits = f"{tag}{n:06d}"[-8:]
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    symbols = "".join(alphabet[int(c) * 3 % 32] for c in digits) + "BNCH"
    return "-".join(symbols[i : i + 4] for i in range(0, 12, 4))


def _submitted(by_email: bool) -> e.ReportSubmitted:
    return e.ReportSubmitted(
        type=e.REPORT_TYPE_ASPIRATION,
        title="Usulan jam layanan kelurahan diperpanjang",
        body="Mohon jam pelayanan kantor kelurahan diperpanjang sampai sore.",
        region_code=random.choice(["32.04.05", "73.71", "35.78", "91.71", "11.71"]),
        channel=e.CHANNEL_WEB,
        access_secret_sha256=b"\x01" * 32,
        language="id",
        reporter_gave_email=by_email,
        reporter_gave_phone=not by_email,
    )


async def _publish(stack: Stack, ids: list[str], rate: float | None) -> None:
    start = time.monotonic()
    for n, report in enumerate(ids):
        by_email = n % 2 == 1
        contact = f"bench.{n}@contoh.id" if by_email else ""
        phone = "" if by_email else f"+62859{n:08d}"
        stack.contacts.known[report] = Contact(contact, phone, "rahasia", False, "id")
        if rate:
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        await stack.publish(report, _submitted(by_email))


async def _settled(stack: Stack, ids: list[str]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if await stack.outbox_size() == 0:  # cheap to ask; the logs are read once, after
            logs = [d for r in ids for d in await stack.deliveries(r)]
            if len(logs) == len(ids) and all(d["status"] in FINAL for d in logs):
                return logs
        await asyncio.sleep(2)
    raise SystemExit("the deliveries did not settle in 15 minutes")


def _report(logs: list[dict[str, Any]]) -> None:
    sent = [d for d in logs if d["status"] == "sent"]
    first = min(d["created_at"] for d in sent)
    span = (max(d["sent_at"] for d in sent) - first).total_seconds()
    print(f"handed off: {len(sent)} of {len(logs)} in {span:.1f} s = {len(sent) / span:.1f}/s")
    for channel in ("email", "sms"):
        waits = sorted(
            (d["sent_at"] - d["created_at"]).total_seconds()
            for d in sent
            if d["channel"] == channel
        )
        p99 = waits[min(len(waits) - 1, int(0.99 * len(waits)))]
        print(
            f"  {channel:5} n={len(waits):5}  p50 {statistics.median(waits) * 1000:7.0f} ms"
            f"  p99 {p99 * 1000:7.0f} ms"
        )


async def run(args: argparse.Namespace) -> None:
    platform = PlatformSettings()
    infra = Infrastructure(platform.kafka_bootstrap_servers, platform.mongo_uri, Path("."))
    client = mongo_client(platform.mongo_uri, "bench")
    producer = durable_producer(platform.kafka_bootstrap_servers, "bench")
    await producer.start()
    tag = str(random.randrange(10**6))
    database = f"bench_notification_{tag}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            box = new_box(Path(folder) / "box", credentials=True)
            with running(box):
                async with running_stack(infra, client[database], producer, box, rules()) as stack:
                    ids = [_id(n, tag) for n in range(args.reports)]
                    if args.mode == "paced":
                        ids = ids[: int(args.rate * args.seconds)]
                    await _publish(stack, ids, args.rate if args.mode == "paced" else None)
                    _report(await _settled(stack, ids))
    finally:
        await client.drop_database(database)
        await client.close()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["burst", "paced"])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
