"""Bulk imports through AgencyIntegrationService/ImportReports: imported reports per second.

Against a running platform: an administrator's token (signed with the platform's development
key from its secrets.env) issues an integration key for the agency, then a few concurrent
clients import N reports in batches over gRPC, each batch waiting for its answer (intake
answers only after Kafka acknowledged every event). Reports are a seeded mix of Indonesian
complaint texts in real regencies, each with a new external id.

    deploy/local/platform.sh up      # or with private ports, see services/intake/README.md
    .venv/bin/python bench/integration_import.py --reports 5000 --batch 500 --clients 4
"""

import argparse
import asyncio
import csv
import json
import math
import random
import statistics
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import grpc

from lapor.integration.v1 import integration_service_pb2 as pb
from lapor.integration.v1 import integration_service_pb2_grpc as pb_grpc
from lapor.report.v1.events_pb2 import REPORT_TYPE_ASPIRATION, REPORT_TYPE_COMPLAINT
from lapor_common.tokens import issue

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ROOT.parent / "shared/data/regions/regencies.csv"
TEXTS = [
    ("Jalan berlubang", "Jln utama depan pasar berlubang besar, sudah ada pengendara motor jatuh."),
    ("Bansos belum cair", "Bantuan PKH ibu saya belum cair tiga bulan padahal terdaftar di DTKS."),
    ("KTP-el belum jadi", "Enam bulan sejak rekam data KTP-el di Disdukcapil, kartu belum jadi."),
    ("Antrean BPJS", "Antrean peserta BPJS di puskesmas sampai lima jam, mohon ditambah loket."),
    ("Sampah menumpuk", "Sampah di TPS belum diangkut seminggu, bau dan mengundang lalat."),
]


def batches(count: int, size: int, seed: int) -> list[pb.ImportReportsRequest]:
    chance = random.Random(seed)
    with REGIONS.open(encoding="utf-8") as rows:
        regions = [row["code"] for row in csv.DictReader(rows)]
    run = uuid.uuid4().hex[:8]
    reports = []
    for i in range(count):
        title, body = chance.choice(TEXTS)
        reports.append(
            pb.ExternalReport(
                external_id=f"bench-{run}-{i}",
                type=chance.choice([REPORT_TYPE_COMPLAINT] * 4 + [REPORT_TYPE_ASPIRATION]),
                title=title,
                body=body,
                region_code=chance.choice(regions),
                anonymous=chance.random() < 0.3,
            )
        )
    return [pb.ImportReportsRequest(reports=reports[i : i + size]) for i in range(0, count, size)]


def integration_key(gateway: str, secrets: Path, agency: str) -> str:
    """A new integration key for the agency, issued as the administrators do."""
    values = dict(line.split("=", 1) for line in secrets.read_text().splitlines() if "=" in line)
    token = issue(values["LAPOR_JWT_SIGNING_KEY"], "administrator", "bench", "", timedelta(hours=1))
    request = urllib.request.Request(
        f"{gateway}/api/v1/integration/credentials",
        data=json.dumps({"agency_code": agency, "label": "bench"}).encode(),
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        api_key: str = json.load(answer)["api_key"]
    return api_key


async def run(target: str, key: str, work: list[pb.ImportReportsRequest], clients: int) -> None:
    queue: asyncio.Queue[pb.ImportReportsRequest] = asyncio.Queue()
    for batch in work:
        queue.put_nowait(batch)
    took: list[float] = []
    outcomes: dict[str, int] = {}

    async def client() -> None:
        async with grpc.aio.insecure_channel(target) as channel:
            stub = pb_grpc.AgencyIntegrationServiceStub(channel)
            while not queue.empty():
                batch = queue.get_nowait()
                began = time.perf_counter()
                answer = await stub.ImportReports(batch, metadata=[("x-api-key", key)])
                took.append(time.perf_counter() - began)
                for result in answer.results:
                    name = pb.ImportOutcome.Name(result.outcome)
                    outcomes[name] = outcomes.get(name, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    created = outcomes.get("IMPORT_OUTCOME_CREATED", 0)
    took.sort()
    summary = {
        "reports": sum(len(b.reports) for b in work),
        "outcomes": outcomes,
        "clients": clients,
        "batch": len(work[0].reports),
        "seconds": round(elapsed, 2),
        "imported_per_s": round(created / elapsed, 1),
        "batch_s": {
            "median": round(statistics.median(took), 3),
            "p90": round(took[math.ceil(0.9 * len(took)) - 1], 3),
            "max": round(took[-1], 3),
        },
    }
    print(json.dumps(summary, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:8080")
    parser.add_argument("--intake-grpc", default="127.0.0.1:50051")
    parser.add_argument("--secrets", type=Path, default=ROOT / ".run/secrets.env")
    parser.add_argument("--agency", default="pemkab-3204")
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--api-key", default="", help="an agency's key (default: issue one)")
    args = parser.parse_args()
    key = args.api_key or integration_key(args.gateway, args.secrets, args.agency)
    work = batches(args.reports, args.batch, args.seed)
    asyncio.run(run(args.intake_grpc, key, work, args.clients))


if __name__ == "__main__":
    main()
