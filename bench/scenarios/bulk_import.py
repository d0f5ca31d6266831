"""Bulk import over gRPC (AgencyIntegrationService/ImportReports, bench/integration_import.py)
with the whole platform running: a key issued as administrators do, then batches from a few
concurrent clients. Ceiling: Kafka's own ProducerPerformance writing records of the import's
mean record size, acks=all and idempotent, to a topic made like lapor.report-events on the same
broker. The ratio compares events written per second (an imported report is one event)."""

import asyncio
import statistics

from bench.harness.kafka_tools import producer_performance
from bench.harness.results import Ceiling, Goal, Outcome, ratio
from bench.harness.scenario import Bench, Scenario
from bench.harness.topics import end_offsets, record_sizes, topic_like
from bench.integration_import import batches, integration_key, run
from lapor_common.topics import REPORT_EVENTS

AGENCY = "pemkab-3204"
CLIENTS = 4


async def measure(bench: Bench) -> Outcome:
    stack, sizes = bench.stack, bench.sizes
    key = integration_key(stack.gateway_url, stack.run_dir / "secrets.env", AGENCY)
    work = batches(
        bench.mix.reports(f"{bench.seed}:import", sizes.import_reports), sizes.import_batch
    )
    before = await end_offsets(stack.kafka)
    summary = await run(stack.grpc_target("intake"), key, work, CLIENTS)
    written = await record_sizes(stack.kafka, REPORT_EVENTS, before, await end_offsets(stack.kafka))
    size = round(statistics.mean(written))
    topic = await topic_like(stack.kafka)
    records = sizes.tool_records
    ceiling = await asyncio.to_thread(producer_performance, stack.kafka, topic, records, size)
    imported = float(summary["imported_per_s"])
    events_per_s = len(written) / summary["seconds"]
    measured = {
        "reports_per_s": imported,
        "events_per_s": events_per_s,
        "events_per_report": len(written) / max(1, summary["reports"]),
        "ceiling_records_per_s": ceiling,
        "ratio": ratio(events_per_s, ceiling),
        "record_bytes": size,
        "batch_median_s": summary["batch_s"]["median"],
        "batch_p90_s": summary["batch_s"]["p90"],
        "reports": summary["reports"],
        "created": summary["outcomes"].get("IMPORT_OUTCOME_CREATED", 0),
    }
    return Outcome(
        summary=f"{imported:,.1f} reports/s ({size} B records)",
        measured=measured,
        ceiling=Ceiling("ProducerPerformance, same record size", ceiling, "records/s"),
        notes=(
            f"{summary['reports']} reports in batches of {sizes.import_batch}, {CLIENTS} clients",
        ),
    )


SCENARIO = Scenario(
    name="import",
    title="Bulk import over gRPC",
    needs="platform",
    goals=(
        Goal(">= 20,000 reports/s", "reports_per_s", 20_000),
        Goal(">= 0.30 x ceiling", "ratio", 0.30),
    ),
    measure=measure,
)
