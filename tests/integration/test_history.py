"""The synthetic history (deploy/local/history.py) on the real broker: a small history on a
fresh topic reads back as valid report logs, in time order, that intake's own fold accepts."""

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from aiokafka import ConsumerRecord

from deploy.local.history import Job, RefusedTopic, prepare, write
from intake.domain.fold import fold
from lapor_common.envelope import Event, decode_event
from lapor_common.topics import REPORT_EVENTS
from lapor_common.zones import WIB
from tests.infra import ROOT, Infrastructure
from tests.kafka_reading import all_records

REGIONS = ROOT.parent / "shared/data/regions"
FIRST, DAYS = date(2025, 3, 1), 10


def _millis(event: Event) -> int:
    at = event.envelope.occurred_at
    return at.seconds * 1000 + at.nanos // 1_000_000


def _logs(records: list[ConsumerRecord[bytes, bytes]]) -> dict[bytes, list[tuple[int, Event]]]:
    """Each report's records in log order, with the record's timestamp and partition checked."""
    logs: dict[bytes, list[tuple[int, Event]]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        assert record.key is not None
        logs[record.key].append((record.partition, decode_event(record.value)))
        assert record.timestamp == _millis(logs[record.key][-1][1])
    return logs


def _check_log(key: bytes, log: list[tuple[int, Event]], start: datetime, end: datetime) -> None:
    """One report's log: in one partition, gapless from ReportSubmitted, in time order inside
    the window, and a log intake's own fold accepts to its last event."""
    events = [event for _, event in log]
    assert {partition for partition, _ in log} == {log[0][0]}
    assert [e.envelope.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[0].envelope.event_type == "ReportSubmitted"
    assert all(e.envelope.report_id.encode() == key for e in events)
    moments = [e.envelope.occurred_at.ToDatetime(UTC) for e in events]
    assert moments == sorted(moments)
    assert start <= moments[0]
    assert moments[-1] < end
    state = fold([(e.envelope, e.payload) for e in events])
    assert state is not None
    assert state.sequence == len(events)


async def test_a_small_history_reads_back_as_valid_report_logs(infra: Infrastructure) -> None:
    servers = infra.kafka_bootstrap_servers
    topic = f"lapor.sandbox.test-{uuid.uuid4().hex[:8]}"
    partitions = await prepare(servers, topic, 3)
    job = Job(servers, topic, partitions, 5, FIRST, DAYS, 20, REGIONS, compression=None)
    written = await write(job, lambda events, day: None)
    records = await all_records(servers, [topic])
    logs = _logs(records)

    assert len(records) == written.events > written.reports > 150
    assert len(logs) == written.reports
    start = datetime.combine(FIRST, time(), WIB)
    for key, log in logs.items():
        _check_log(key, log, start, start + timedelta(days=DAYS))
    # Each partition is in time order, so a replay --since finds the right offsets.
    for partition in range(partitions):
        in_partition = sorted((r for r in records if r.partition == partition), key=_offset)
        stamps = [r.timestamp for r in in_partition]
        assert stamps == sorted(stamps)
    types = {event.envelope.event_type for log in logs.values() for _, event in log}
    assert {"ReportRouted", "ReportAcknowledged", "ReportClosed", "ReportRated"} <= types


def _offset(record: ConsumerRecord[bytes, bytes]) -> int:
    return int(record.offset)


async def test_the_platform_topics_and_a_topic_with_records_are_refused(
    infra: Infrastructure,
) -> None:
    servers = infra.kafka_bootstrap_servers
    with pytest.raises(RefusedTopic, match="platform's own"):
        await prepare(servers, REPORT_EVENTS, 3)
    topic = f"lapor.sandbox.test-{uuid.uuid4().hex[:8]}"
    partitions = await prepare(servers, topic, 2)
    job = Job(servers, topic, partitions, 9, FIRST, 2, 5, REGIONS, compression=None)
    await write(job, lambda events, day: None)
    with pytest.raises(RefusedTopic, match="already holds"):
        await prepare(servers, topic, 2)
