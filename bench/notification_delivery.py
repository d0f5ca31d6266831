"""Notification against the running platform (`make up`): notifications handed to their
channel per second, and the time from a report's event to the hand-off (the SMTP server's or
the SMS gateway's acceptance, or the feed write), read from notification's delivery log.

    make up
    PYTHONPATH=libs .venv/bin/python bench/notification_delivery.py burst --reports 600
    PYTHONPATH=libs .venv/bin/python bench/notification_delivery.py paced --rate 20 --seconds 30

Half the reporters give an e-mail address, half only a phone number (so they hear by SMS).
``burst`` submits as fast as intake takes them and reports the delivery rate; ``paced``
submits open-loop at a fixed rate (each send at its scheduled time, whatever the previous
one did) and reports the latencies.
"""

import argparse
import asyncio
import os
import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from lapor_common.tokens import issue

ROOT = Path(__file__).resolve().parents[1]
FINAL = {"sent", "skipped", "dead", "uncertain"}


def _report(n: int, tag: str) -> dict[str, Any]:
    contact = {"email": f"bench.{tag}.{n}@contoh.id"} if n % 2 else {"phone": f"+62858{n:08d}"}
    return {
        "type": "aspirasi",
        "title": f"Usulan perbaikan layanan nomor {n}",
        "body": "Mohon jam pelayanan kantor kelurahan diperpanjang sampai sore hari kerja.",
        "region_code": random.choice(["32.04.05", "73.71", "35.78", "91.71", "11.71"]),
        "reporter": {"name": "Warga", **contact},
    }


def _admin() -> dict[str, str]:
    run_dir = Path(os.environ.get("LAPOR_RUN_DIR", ROOT / ".run"))
    lines = (run_dir / "secrets.env").read_text().splitlines()
    key = dict(line.split("=", 1) for line in lines if "=" in line)["LAPOR_JWT_SIGNING_KEY"]
    token = issue(key, "administrator", "bench", "", timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


async def _submit(client: httpx.AsyncClient, n: int, tag: str) -> str:
    answer = await client.post("/api/v1/reports", json=_report(n, tag))
    answer.raise_for_status()
    return str(answer.json()["tracking_id"])


async def _burst(client: httpx.AsyncClient, count: int, tag: str) -> list[str]:
    limit = asyncio.Semaphore(32)

    async def one(n: int) -> str:
        async with limit:
            return await _submit(client, n, tag)

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def _paced(client: httpx.AsyncClient, rate: float, seconds: float, tag: str) -> list[str]:
    start, tasks = time.monotonic(), []
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        tasks.append(asyncio.create_task(_submit(client, n, tag)))
    return list(await asyncio.gather(*tasks))


async def _logs(client: httpx.AsyncClient, ids: list[str], admin: dict[str, str]) -> list[Any]:
    found: list[Any] = []
    for tracking_id in ids:
        path = f"/api/v1/notifications/reports/{tracking_id}/deliveries"
        found += (await client.get(path, headers=admin)).json().get("deliveries", [])
    return found


async def _settled(client: httpx.AsyncClient, ids: list[str], admin: dict[str, str]) -> list[Any]:
    deadline = time.monotonic() + 600
    while True:
        logs = await _logs(client, ids, admin)
        receipts = [d for d in logs if d["kind"] == "received"]
        done = len(receipts) == len(ids) and all(d["status"] in FINAL for d in receipts)
        if done or time.monotonic() > deadline:
            return receipts
        await asyncio.sleep(2)


def _report_on(receipts: list[Any]) -> None:
    sent = [d for d in receipts if d["status"] == "sent"]
    at = [
        (datetime.fromisoformat(d["created_at"]), datetime.fromisoformat(d["sent_at"]))
        for d in sent
    ]
    span = (max(s for _, s in at) - min(c for c, _ in at)).total_seconds()
    print(
        f"deliveries handed off: {len(sent)} of {len(receipts)} in {span:.1f} s "
        f"= {len(sent) / span:.1f} notifications/s"
    )
    for channel in ("email", "sms"):
        waits = sorted(
            (
                datetime.fromisoformat(d["sent_at"]) - datetime.fromisoformat(d["created_at"])
            ).total_seconds()
            for d in sent
            if d["channel"] == channel
        )
        if waits:
            p99 = waits[min(len(waits) - 1, int(0.99 * len(waits)))]
            print(
                f"  {channel:5} n={len(waits):4}  p50 {statistics.median(waits) * 1000:7.0f} ms"
                f"  p99 {p99 * 1000:7.0f} ms  max {waits[-1] * 1000:7.0f} ms"
            )


async def run(args: argparse.Namespace) -> None:
    tag = "".join(random.choices("0123456789", k=6))
    admin = _admin()
    async with httpx.AsyncClient(base_url=args.url, timeout=60) as client:
        if args.mode == "burst":
            ids = await _burst(client, args.reports, tag)
        else:
            ids = await _paced(client, args.rate, args.seconds, tag)
        _report_on(await _settled(client, ids, admin))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["burst", "paced"])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
