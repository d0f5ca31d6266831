"""Escalation over the real broker and database, with a test clock advanced instead of
sleeping: a reminder a working day before the deadline, the miss and its escalation, timers
that survive a restart, and a second firing that sends the same command (intake appends it
once), and the HTTP API reading the stored clocks."""

import contextlib
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from escalation.api import deadlines_api
from escalation.domain.calendar import indonesian_calendar
from escalation.domain.clocks import Rules
from escalation.domain.policy import load_policies
from escalation.domain.timers import Rung
from escalation.handlers import Escalation
from escalation.store import Reports, Timetable, Warnings
from lapor.events.v1.envelope_pb2 import Actor
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, Command, decode_command, new_event
from lapor_common.mongo import Document
from lapor_common.topics import REPORT_COMMANDS
from lapor_common.zones import WITA
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader

POLICIES = Path(__file__).resolve().parents[2] / "services/escalation/escalation/data/policies.toml"
RULES = Rules(load_policies(POLICIES), indonesian_calendar(2025, 2028))
DINKES = "pemkot-7371.dinkes"
CHAIN = [Rung(DINKES, "Dinas Kesehatan Kota Makassar"), Rung("pemkot-7371", "Pemkot Makassar")]


class Crash(Exception):
    """The process dies here."""


class DiesBeforeSavingTheCursor(Timetable):
    async def set_cursor(self, partition: int, at: datetime) -> None:
        raise Crash


class FakeClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class Record:
    def __init__(self, value: bytes, key: bytes) -> None:
        self.value, self.key = value, key
        self.topic, self.partition, self.offset = "lapor.report-events", 0, 0


async def _chain(agency_code: str, category_code: str) -> list[Rung]:
    return CHAIN if agency_code == DINKES else []


def _escalation(
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    clock: FakeClock,
    timetable: type[Timetable] = Timetable,
) -> Escalation:
    return Escalation(
        rules=RULES,
        reports=Reports(database["reports"]),
        timetable=timetable(database),
        warnings=Warnings(database["warnings"]),
        producer=producer,
        chains=_chain,
        clock=clock,
    )


def _record(report_id: str, sequence: int, payload: Message, at: datetime) -> Record:
    event = new_event(report_id, sequence, payload, Causation(Actor(), "c"), at)
    return Record(event.envelope.SerializeToString(), report_id.encode())


def _for(report_id: str) -> Callable[[ConsumerRecord[bytes, bytes]], bool]:
    return lambda record: record.key == report_id.encode()


@pytest.fixture
def report_id() -> str:
    return f"ESC-{uuid.uuid4().hex[:10].upper()}"


async def _commands(
    infra: Infrastructure, report_id: str, count: int, act: Coroutine[Any, Any, None]
) -> list[Command]:
    """What ``act`` sends for the report (a crash in ``act`` is the process dying)."""
    reader = await TopicReader(infra.kafka_bootstrap_servers, REPORT_COMMANDS).start()
    try:
        with contextlib.suppress(Crash):
            await act
        found = await reader.collect(_for(report_id), count, timeout_s=10)
    finally:
        await reader.stop()
    return [decode_command(r.value) for r in found]


async def test_a_reminder_then_the_miss_escalate_once_across_a_restart(
    infra: Infrastructure,
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    report_id: str,
) -> None:
    filed = datetime(2026, 3, 20, 10, tzinfo=WITA)  # the Friday before Lebaran, Makassar
    routed = datetime(2026, 3, 25, 9, tzinfo=WITA)
    clock = FakeClock(routed)
    first = _escalation(database, producer, clock, DiesBeforeSavingTheCursor)
    submitted = e.ReportSubmitted(type=e.REPORT_TYPE_COMPLAINT, region_code="73.71")
    await first.handle(_record(report_id, 1, submitted, filed))
    await first.handle(_record(report_id, 2, e.ReportRouted(agency_code=DINKES), routed))
    with contextlib.suppress(Crash):
        await first.tick([0])
    assert first.fired == 0  # nothing is due yet

    clock.at = datetime(2026, 4, 1, 0, 0, 1, tzinfo=WITA)  # the last working day has begun
    [reminder] = await _commands(infra, report_id, 1, first.tick([0]))
    assert isinstance(reminder.payload, c.NoteDeadlineApproaching)
    assert reminder.payload.clock == e.CLOCK_KIND_FIRST_RESPONSE
    assert reminder.payload.deadline.ToDatetime(UTC) == datetime(
        2026, 4, 1, 15, 59, 59, 999000, tzinfo=UTC
    )
    assert reminder.envelope.expected_sequence == 2

    # The first process died before it saved its cursor: a new one fires the same timer again,
    # with the same command id, so intake appends nothing the second time.
    restarted = _escalation(database, producer, clock)
    [again] = await _commands(infra, report_id, 1, restarted.tick([0]))
    assert again.envelope.command_id == reminder.envelope.command_id

    # Intake appended the reminder; then the deadline passes with no response.
    approaching = e.DeadlineApproaching(
        clock=reminder.payload.clock, deadline=reminder.payload.deadline
    )
    await restarted.handle(_record(report_id, 3, approaching, clock.at))
    clock.at = datetime(2026, 4, 2, 0, 0, 1, tzinfo=WITA)
    [missed] = await _commands(infra, report_id, 1, restarted.tick([0]))
    assert isinstance(missed.payload, c.RecordDeadlineMissed)
    assert (missed.payload.agency_code, missed.payload.escalate_to_agency_code) == (
        DINKES,
        "pemkot-7371",
    )
    assert missed.payload.tier == 1
    assert missed.payload.policy_version == "deadlines/2026.11-1"
    assert missed.envelope.expected_sequence == 3

    await restarted.tick([0])  # the same moment again fires nothing more
    assert restarted.fired == 2


async def test_a_timer_scheduled_after_its_moment_fires_at_the_next_tick(
    infra: Infrastructure,
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    report_id: str,
) -> None:
    """Events read late (a backlog, a replay) never lose their timers to a cursor gone past."""
    filed = datetime(2026, 9, 7, 9, tzinfo=WITA)
    clock = FakeClock(filed + timedelta(days=30))
    escalation = _escalation(database, producer, clock)
    await escalation.tick([0])  # the cursor is now 30 days past the filing
    submitted = e.ReportSubmitted(type=e.REPORT_TYPE_COMPLAINT, region_code="73.71")
    await escalation.handle(_record(report_id, 1, submitted, filed))
    clock.at += timedelta(seconds=1)
    sent = await _commands(infra, report_id, 1, escalation.tick([0]))
    # The verification deadline passed long ago: no reminder, the miss at once.
    assert [type(s.payload) for s in sent] == [c.RecordDeadlineMissed]
    assert escalation.fired == 1


async def test_a_closed_reports_timers_are_forgotten(
    infra: Infrastructure,
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    report_id: str,
) -> None:
    filed = datetime(2026, 9, 7, 9, tzinfo=WITA)
    clock = FakeClock(filed)
    escalation = _escalation(database, producer, clock)
    submitted = e.ReportSubmitted(type=e.REPORT_TYPE_COMPLAINT, region_code="73.71")
    await escalation.handle(_record(report_id, 1, submitted, filed))
    rejected = e.ReportRejected(reason=e.REJECTION_REASON_TOO_GENERAL)
    await escalation.handle(_record(report_id, 2, rejected, filed + timedelta(hours=1)))
    clock.at = filed + timedelta(days=30)
    await escalation.tick([0])
    assert escalation.fired == 0
    assert await Reports(database["reports"]).get(report_id) is None


async def test_the_api_reads_where_each_stored_clock_stands(
    database: AsyncDatabase[Document], producer: AIOKafkaProducer, report_id: str
) -> None:
    """The clocks folded into the real database, read back through the HTTP API at the
    service's own moment: working days left in Makassar's zone, the first one overdue."""
    routed = datetime(2026, 3, 25, 9, tzinfo=WITA)
    clock = FakeClock(datetime(2026, 4, 2, 0, 0, 1, tzinfo=WITA))  # first response: 1 April
    escalation = _escalation(database, producer, clock)
    submitted = e.ReportSubmitted(type=e.REPORT_TYPE_COMPLAINT, region_code="73.71")
    await escalation.handle(_record(report_id, 1, submitted, routed - timedelta(days=5)))
    await escalation.handle(_record(report_id, 2, e.ReportRouted(agency_code=DINKES), routed))
    api = deadlines_api(Reports(database["reports"]), Warnings(database["warnings"]), RULES, clock)
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://escalation") as http:
        answer = (await http.get(f"/api/v1/deadlines/{report_id.lower()}")).json()
    clocks = {c["clock"]: c for c in answer["clocks"]}
    assert (answer["tracking_id"], answer["agency_code"]) == (report_id, DINKES)
    first, completion = clocks["first_response"], clocks["completion"]
    assert (first["working_days_left"], first["overdue"]) == (-1, True)
    # 6-10 and 13-15 April: Good Friday, the day after today, is off.
    assert (completion["working_days_left"], completion["overdue"]) == (8, False)
    assert completion["deadline_local"] == "2026-04-15T23:59:59.999000+08:00"
    assert completion["kind_label"] == {"id": "Penyelesaian", "en": "Completion"}
