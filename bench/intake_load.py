"""Load for intake's POST /api/v1/reports: throughput (closed loop) and latency (open loop).

    .venv/bin/python bench/intake_load.py throughput --url http://127.0.0.1:8001 --seconds 20
    .venv/bin/python bench/intake_load.py latency --rate 100 --seconds 30

Latency is measured open-loop: each request is scheduled at a fixed pace and its
latency counts from its scheduled moment, so a slow answer delays no later
measurement (no coordinated omission). Reports are a seeded, realistic mix:
Indonesian complaint texts, real regencies and cities, the three report types.
"""

import argparse
import asyncio
import csv
import json
import random
import time
from pathlib import Path

import aiohttp

REGIONS = Path(__file__).resolve().parents[2] / "shared/data/regions/regencies.csv"
TEXTS = [
    ("Jalan berlubang", "Jln utama depan pasar berlubang besar, sudah ada pengendara motor jatuh."),
    ("Bansos belum cair", "Bantuan PKH ibu saya belum cair tiga bulan padahal terdaftar di DTKS."),
    ("KTP-el belum jadi", "Enam bulan sejak rekam data KTP-el di Disdukcapil, kartu belum jadi."),
    ("Antrean BPJS", "Antrean peserta BPJS di puskesmas sampai lima jam, mohon ditambah loket."),
    ("Lampu jalan mati", "Lampu penerangan jalan di gang kami mati dua minggu, rawan kejahatan."),
    ("Sampah menumpuk", "Sampah di TPS belum diangkut seminggu, bau dan mengundang lalat."),
]
TYPES = ["pengaduan"] * 8 + ["aspirasi"] + ["permintaan_informasi"]


def reports(seed: int) -> list[bytes]:
    chance = random.Random(seed)
    with REGIONS.open(encoding="utf-8") as rows:
        regions = [row["code"] for row in csv.DictReader(rows)]
    made = []
    for _ in range(5000):
        title, body = chance.choice(TEXTS)
        report = {
            "type": chance.choice(TYPES),
            "title": title,
            "body": body,
            "region_code": chance.choice(regions),
            "anonymous": chance.random() < 0.3,
            "confidential": chance.random() < 0.1,
        }
        made.append(json.dumps(report).encode())
    return made


async def _post(session: aiohttp.ClientSession, url: str, body: bytes) -> bool:
    async with session.post(url, data=body, headers={"content-type": "application/json"}) as r:
        await r.read()
        return r.status == 201


async def throughput(url: str, seconds: float, concurrency: int) -> dict[str, float]:
    bodies = reports(7)
    done = failed = 0
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession, offset: int) -> None:
        nonlocal done, failed
        i = offset
        while time.perf_counter() < deadline:
            ok = await _post(session, url, bodies[i % len(bodies)])
            done, failed = done + ok, failed + (not ok)
            i += concurrency

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session, n) for n in range(concurrency)))
        elapsed = time.perf_counter() - start
    return {"reports_per_s": done / elapsed, "accepted": done, "failed": failed}


async def latency(url: str, seconds: float, rate: float) -> dict[str, float]:
    bodies = reports(11)
    count = int(seconds * rate)
    results: list[float] = []
    failed = 0

    async def one(session: aiohttp.ClientSession, i: int, due: float) -> None:
        nonlocal failed
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        ok = await _post(session, url, bodies[i % len(bodies)])
        results.append(time.perf_counter() - due)
        failed += not ok

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        start = time.perf_counter() + 0.5
        await asyncio.gather(*(one(session, i, start + i / rate) for i in range(count)))
    ordered = sorted(results)
    return {
        "rate": rate,
        "sent": count,
        "failed": failed,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[int(len(ordered) * 0.99) - 1],
        "max_ms": 1000 * ordered[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["throughput", "latency"])
    parser.add_argument("--url", default="http://127.0.0.1:8001")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rate", type=float, default=100.0)
    args = parser.parse_args()
    target = args.url.rstrip("/") + "/api/v1/reports"
    if args.mode == "throughput":
        result = asyncio.run(throughput(target, args.seconds, args.concurrency))
    else:
        result = asyncio.run(latency(target, args.seconds, args.rate))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
