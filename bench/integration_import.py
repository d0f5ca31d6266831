"""Bulk imports through AgencyIntegrationService/ImportReports: imported reports per second.

Against a running platform: an administrator's token (signed with the platform's development
key from its secrets.env) issues an integration key for the agency, then a few concurrent
clients import N reports in batches over gRPC, each batch waiting for its answer (intake
answers only after Kafka acknowledged every event). Reports are the benchmarks' seeded mix
(bench/harness/load.py), each with a new external id. `make bench` runs it as a scenario.

    deploy/local/platform.sh up      # or with private ports, see services/intake/README.md
    PYTHONPATH=.:libs:services/intake:services/routing:services/escalation \
        .venv/bin/python -m bench.integration_import --reports 5000 --batch 500 --clients 4
"""

import argparse
import asyncio
import json
import math
import os
import statistics
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import grpc

from bench.harness.load import TYPES_BY_NAME, Mix, Report
from lapor.integration.v1 import integration_service_pb2 as pb
from lapor.integration.v1 import integration_service_pb2_grpc as pb_grpc
from lapor.report.v1.events_pb2 import ReporterIdentity
from lapor_common.tokens import issue

ROOT = Path(__file__).resolve().parents[1]


def external(report: Report, external_id: str) -> pb.ExternalReport:
    """A report of the mix as an agency's system sends it."""
    return pb.ExternalReport(
        external_id=external_id,
        type=TYPES_BY_NAME[report["type"]],
        title=report["title"],
        body=report["body"],
        category_code=report["category_code"],
        region_code=report["region_code"],
        anonymous=report["anonymous"],
        confidential=report["confidential"],
        reporter=ReporterIdentity(**report["reporter"]) if "reporter" in report else None,
    )


def batches(reports: list[Report], size: int) -> list[pb.ImportReportsRequest]:
    """The reports in batches, each with an external id no earlier run used."""
    run = uuid.uuid4().hex[:8]
    found = [external(report, f"bench-{run}-{i}") for i, report in enumerate(reports)]
    return [
        pb.ImportReportsRequest(reports=found[i : i + size]) for i in range(0, len(found), size)
    ]


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


async def run(
    target: str, key: str, work: list[pb.ImportReportsRequest], clients: int
) -> dict[str, Any]:
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
    return summary


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
    regions = Path(os.environ.get("LAPOR_REGIONS_DIR", ROOT.parent / "shared/data/regions"))
    work = batches(Mix.load(regions).reports(args.seed, args.reports), args.batch)
    print(json.dumps(asyncio.run(run(args.intake_grpc, key, work, args.clients)), indent=2))


if __name__ == "__main__":
    main()
