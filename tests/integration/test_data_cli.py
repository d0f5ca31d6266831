"""lapor-data on the real broker and database: a replay through an analyst's fold file and
through analytics' read models, exports of events and report snapshots, open data, and
consuming from an offset and from a time. The command runs as a process, as people run it."""

import asyncio
import csv
import json
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from analytics.log_reading import EVENT_COLUMNS
from analytics.settings import AnalyticsSettings
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, new_event, service_actor
from lapor_common.mongo import Document
from lapor_common.topics import TopicSpec, ensure_topics
from lapor_common.zones import WIB
from tests.infra import ROOT, Infrastructure

pytestmark = pytest.mark.integration

CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN, id="citizen-budi"), "corr-data-cli")
ROUTING = Causation(service_actor("routing"), "corr-data-cli")
EXAMPLE = ROOT / "docs/examples/reports_per_village.py"
PRIVATE = ("Budi", "0812", "Melati", "sealed", "key-budi", "citizen-budi", "idem-")
ROUTED = e.ReportRouted(agency_code="pemkot-3273.dpu", agency_name="DPU Kota Bandung")


def _submitted(region: str, confidential: bool = False) -> e.ReportSubmitted:
    return e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT,
        title="Jalan rusak depan rumah Budi",
        body="Telepon saya 0812-1111-2222, Jl. Melati 5",
        category_code="infrastruktur.jalan",
        region_code=region,
        channel=e.CHANNEL_WEB,
        confidential=confidential,
        reporter=e.EncryptedIdentity(key_id="key-budi", nonce=b"n" * 12, ciphertext=b"sealed"),
        access_secret_sha256=b"\x03" * 32,
        reporter_gave_phone=True,
    )


EARLY: list[list[Message]] = [
    [
        _submitted("32.73.01.1001"),
        ROUTED,
        e.ReportResolved(summary="Sudah ditambal, Pak Budi"),
        e.ReportRated(score=4, comment="Terima kasih, Budi"),
        e.ReportClosed(reason=e.CLOSURE_REASON_ACCEPTED),
    ],
    [_submitted("32.04.05.2001", confidential=True), ROUTED],
]
LATE: list[list[Message]] = [
    [_submitted("11.01"), e.ReportRejected(reason=e.REJECTION_REASON_TOO_GENERAL, note="Budi")]
]


@dataclass(frozen=True)
class Written:
    """What a test wrote to its topic: per event (report id, sequence, partition, offset)."""

    topic: str
    events: list[tuple[str, int, int, int]]
    moment: datetime
    ids: list[str]


async def _append(
    producer: AIOKafkaProducer, topic: str, lives: list[list[Message]]
) -> list[tuple[str, int, int, int]]:
    written = []
    for life in lives:
        report_id = f"DAT-{uuid.uuid4().hex[:10].upper()}"
        for sequence, payload in enumerate(life, start=1):
            cause = CITIZEN if sequence == 1 else ROUTING
            event = new_event(report_id, sequence, payload, cause, datetime.now(UTC))
            event.envelope.idempotency_key = f"idem-{report_id}-{sequence}"
            value = event.envelope.SerializeToString()
            sent = await producer.send_and_wait(topic, value, key=report_id.encode())
            written.append((report_id, sequence, sent.partition, sent.offset))
    return written


@pytest.fixture(scope="module")
async def log(infra: Infrastructure, producer: AIOKafkaProducer) -> Written:
    """Two reports (one confidential), a moment, a third report and a poison record."""
    topic = f"test.data-cli.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap_servers, [TopicSpec(topic, 2, {})], 1)
    early = await _append(producer, topic, EARLY)
    await asyncio.sleep(0.1)
    moment = datetime.now(UTC)
    await asyncio.sleep(0.1)
    late = await _append(producer, topic, LATE)
    await producer.send_and_wait(topic, b"\xff not an envelope", key=b"POISON")
    events = early + late
    return Written(topic, events, moment, list(dict.fromkeys(r for r, *_ in events)))


async def _cli(infra: Infrastructure, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "analytics.cli",
        *args,
        env={**infra.environment(), "PYTHONPATH": f"{ROOT / 'libs'}:{ROOT / 'services/analytics'}"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    out, err = await process.communicate()
    return await process.wait(), out.decode(), err.decode()


async def test_an_analysts_fold_file_replays_into_a_database_of_its_own_and_exports(
    infra: Infrastructure, log: Written, database: AsyncDatabase[Document], tmp_path: Path
) -> None:
    args = ["replay", "--topic", log.topic, "--model", str(EXAMPLE), "--database", database.name]
    code, out, err = await _cli(infra, *args)
    assert code == 0, err
    # The poison record is read too, and counted undecodable.
    assert "10 records (1 undecodable, 0 failed)" in out
    assert "events/s" in out
    documents = await database["reports_per_village"].find({}).sort("_id", 1).to_list()
    today = datetime.now(WIB).date().isoformat()
    assert documents == [
        {
            "_id": village,
            "count": 1,
            "first_day": today,
            "last_day": today,
            "categories": {"infrastruktur": 1},
        }
        for village in ("32.04.05.2001", "32.73.01.1001")
    ]
    villages = tmp_path / "villages.csv"
    export = ["export", "collection", "--database", database.name, "--out", str(villages)]
    code, _, err = await _cli(infra, *export, "--collection", "reports_per_village")
    assert code == 0, err
    with villages.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["_id"], row["count"]) for row in rows] == [
        ("32.04.05.2001", "1"),
        ("32.73.01.1001", "1"),
    ]
    assert json.loads(rows[0]["categories"]) == {"infrastruktur": 1}
    again, _, err = await _cli(infra, *args)
    assert again != 0
    assert "--fresh" in err
    assert (await _cli(infra, *args, "--fresh"))[0] == 0
    live_database = AnalyticsSettings().database
    live = await _cli(infra, "replay", "--topic", log.topic, "--database", live_database)
    assert live[0] != 0
    assert "live database" in live[2]


async def test_events_export_to_parquet_and_csv_without_personal_data(
    infra: Infrastructure, log: Written, tmp_path: Path
) -> None:
    parquet, table = tmp_path / "events.parquet", tmp_path / "events.csv"
    for out, file_format in ((parquet, "parquet"), (table, "csv")):
        code, out_text, err = await _cli(
            infra,
            "export",
            "events",
            "--topic",
            log.topic,
            "--format",
            file_format,
            "--out",
            str(out),
        )
        assert code == 0, err
        assert "9 rows" in out_text
        assert "rows/s" in out_text
    rows = pq.read_table(parquet).to_pylist()
    with table.open(newline="") as file:
        # Partitions are read side by side: the same rows, in an order each partition keeps.
        assert sorted(row["event_id"] for row in csv.DictReader(file)) == sorted(
            r["event_id"] for r in rows
        )
    assert sorted((r["report_id"], r["sequence"]) for r in rows) == sorted(
        (report_id, sequence) for report_id, sequence, *_ in log.events
    )
    assert list(rows[0]) == [column.name for column in EVENT_COLUMNS]
    everything = parquet.read_bytes() + table.read_bytes()
    for private in PRIVATE:
        assert private.encode() not in everything, private
    submitted = next(r for r in rows if r["event_type"] == "ReportSubmitted")
    assert json.loads(submitted["payload"])["region_code"]


async def test_events_export_of_a_window(
    infra: Infrastructure, log: Written, tmp_path: Path
) -> None:
    out = tmp_path / "late.jsonl"
    since = log.moment.isoformat()
    args = ["export", "events", "--topic", log.topic, "--since", since, "--format", "jsonl"]
    code, _, err = await _cli(infra, *args, "--out", str(out))
    assert code == 0, err
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(line["report_id"], line["sequence"]) for line in lines] == [
        (log.ids[-1], 1),
        (log.ids[-1], 2),
    ]
    assert lines[1]["payload"] == {"reason": "REJECTION_REASON_TOO_GENERAL"}


async def test_report_snapshots_and_open_data_after_a_builtin_replay(
    infra: Infrastructure, log: Written, database: AsyncDatabase[Document], tmp_path: Path
) -> None:
    name = database.name
    code, _, err = await _cli(infra, "replay", "--topic", log.topic, "--database", name)
    assert code == 0, err
    reports = tmp_path / "reports.csv"
    code, out, err = await _cli(
        infra, "export", "reports", "--database", name, "--format", "csv", "--out", str(reports)
    )
    assert code == 0, err
    with reports.open(newline="") as file:
        snapshots = {row["report_id"]: row for row in csv.DictReader(file)}
    assert set(snapshots) == set(log.ids)
    assert [snapshots[i]["confidential"] for i in log.ids] == ["false", "true", "false"]
    assert snapshots[log.ids[0]]["deadlines_met"] == "3"  # verify, first response, completion
    assert (snapshots[log.ids[0]]["rating"], snapshots[log.ids[1]]["rating"]) == ("4", "")

    today = datetime.now(WIB).date().isoformat()
    published = tmp_path / "open"
    args = ["open-data", "--database", name, "--out", str(published), "--date", today]
    code, out, err = await _cli(infra, *args)
    assert code == 0, err
    assert "2 public reports" in out
    stem = f"laporan-publik-{today}"
    assert sorted(p.name for p in published.iterdir()) == [
        f"{stem}.csv",
        f"{stem}.parquet",
        "schema.json",
    ]
    rows = pq.read_table(published / f"{stem}.parquet").to_pylist()
    assert sorted(row["report_id"] for row in rows) == sorted([log.ids[0], log.ids[2]])
    assert json.loads((published / "schema.json").read_text())["rows"] == 2
    with (published / f"{stem}.csv").open(newline="") as file:
        assert len(list(csv.DictReader(file))) == 2


async def test_consume_from_an_offset_and_from_a_time(infra: Infrastructure, log: Written) -> None:
    first_id, _, partition, offset = log.events[1]
    expected = [(p, o) for _, _, p, o in log.events if p == partition and o >= offset]
    args = ["consume", "--topic", log.topic, "--partition", str(partition)]
    code, out, err = await _cli(infra, *args, "--from-offset", str(offset))
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(line["partition"], line["offset"]) for line in lines] == expected
    assert lines[0]["report_id"] == first_id
    assert lines[0]["occurred_at"].endswith("+00:00")

    since = log.moment.isoformat()
    code, out, err = await _cli(infra, "consume", "--topic", log.topic, "--from-time", since)
    assert code == 0, err
    late = [json.loads(line) for line in out.splitlines()]
    assert [(line["report_id"], line["sequence"]) for line in late] == [
        (log.ids[-1], 1),
        (log.ids[-1], 2),
    ]
    limited = await _cli(infra, "consume", "--topic", log.topic, "--limit", "2")
    assert len(limited[1].splitlines()) == 2
