"""Escalation's handlers: report events fold into each report's clocks and schedule their
timers; due timers fire as commands to intake, the report's single writer.

A timer's command id derives from the timer (report, clock, deadline, action) and carries
the sequence the decision saw, so firing twice (after a crash, before the cursor moved)
makes intake append nothing the second time, and a report that moved on refuses it.
"""

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message

from escalation.chains import ChainLookup
from escalation.clock import Clock
from escalation.domain.clocks import KINDS, Report, Rules, evolve
from escalation.domain.timers import Action, Timer, fire, timers
from escalation.store import Reports, Timetable, Warnings
from lapor.report.v1.events_pb2 import (
    DeadlineMissed,
    ReportArchived,
    ReportClosed,
    ReportRejected,
    ReportSubmitted,
)
from lapor_common.envelope import Causation, decode_event, new_command, service_actor
from lapor_common.kafka_io import SourceRecord
from lapor_common.topics import REPORT_COMMANDS

log = logging.getLogger(__name__)

NAME = "escalation"
LOOK_BACK = timedelta(days=1)
ENDED = (ReportClosed, ReportRejected, ReportArchived)
_TICK = timedelta(milliseconds=1)  # what MongoDB keeps


class Escalation:
    def __init__(
        self,
        *,
        rules: Rules,
        reports: Reports,
        timetable: Timetable,
        warnings: Warnings,
        producer: AIOKafkaProducer,
        chains: ChainLookup,
        clock: Clock,
    ) -> None:
        self._rules = rules
        self._reports = reports
        self._timetable = timetable
        self._warnings = warnings
        self._producer = producer
        self._chains = chains
        self._clock = clock
        # Scheduling and firing of one partition never interleave (the cursor moves between).
        self._lock = asyncio.Lock()
        self.fired = 0

    async def handle(self, record: SourceRecord) -> None:
        """Fold one report event into the report's clocks and schedule their timers."""
        event = decode_event(record.value)
        envelope = event.envelope
        report = await self._reports.get(envelope.report_id)
        if report is not None and report.sequence >= envelope.sequence:
            return
        if report is None and not isinstance(event.payload, ReportSubmitted):
            return  # closed, or filed before escalation kept clocks
        after = evolve(report, envelope, event.payload, self._rules)
        if isinstance(event.payload, DeadlineMissed) and event.payload.agency_code:
            await self._warn(event.payload, after.report_id)
        if isinstance(event.payload, ENDED):
            await self._reports.forget(after.report_id)
        else:
            await self._reports.save(after)
        async with self._lock:
            await self._schedule(record.partition, report, after)

    async def _warn(self, missed: DeadlineMissed, report_id: str) -> None:
        kind = KINDS[missed.clock].value
        deadline = missed.deadline.ToDatetime(UTC)
        await self._warnings.record(missed.agency_code, report_id, kind, deadline)

    async def _schedule(self, partition: int, before: Report | None, after: Report) -> None:
        """Every timer of the report's clocks now, with its clocks; stopped ones forgotten."""
        cursor = await self._timetable.cursor(partition)
        floor = max(cursor + _TICK if cursor else self._clock.now(), self._clock.now())
        now = timers(after, self._rules.calendar)
        keys = {timer.key for timer in now}
        for old in timers(before, self._rules.calendar) if before else []:
            if old.key not in keys and old.due > floor:
                await self._timetable.remove(partition, old)
        for timer in now:
            if timer.due > floor:
                await self._timetable.add(partition, timer, after)
            elif timer.action is Action.MISS or timer.deadline > floor:
                # Read late (a backlog, a replay): fire at the next tick; a reminder of a
                # deadline already past is dropped.
                await self._timetable.add(partition, _at(timer, floor), after)

    async def tick(self, partitions: Iterable[int]) -> None:
        """Fire every timer due by now in the partitions this process owns."""
        now = self._clock.now()
        for partition in partitions:
            async with self._lock:
                await self._fire_due(partition, now)

    async def _fire_due(self, partition: int, now: datetime) -> None:
        """Send the due timers' commands without waiting for each, then wait for Kafka's
        acknowledgement of all before the cursor moves: a crash in between fires them again
        (the same ids), never loses one."""
        cursor = await self._timetable.cursor(partition) or now - LOOK_BACK
        sent: list[asyncio.Future[Any]] = []
        cursor_if_failed = cursor
        try:
            for timer, report in await self._timetable.due(partition, cursor, now):
                cursor_if_failed = timer.due - _TICK
                sent += await self._fire(timer, report)
        except Exception:
            await asyncio.gather(*sent)
            await self._timetable.set_cursor(partition, cursor_if_failed)
            raise
        await asyncio.gather(*sent)
        self.fired += len(sent)
        await self._timetable.set_cursor(partition, now)
        await self._timetable.forget(partition, cursor, now)

    async def _fire(self, timer: Timer, report: Report) -> list[asyncio.Future[Any]]:
        """Decide on the report's clocks as of its latest event; a report that has moved on
        since refuses the command (it carries that event's sequence)."""
        chain = []
        if timer.action is Action.MISS and report.agency_code:
            chain = await self._chains(report.agency_code, report.category)
        command = fire(report, timer, chain)
        return [] if command is None else [await self._send(report, timer, command)]

    async def _send(self, report: Report, timer: Timer, decision: Message) -> asyncio.Future[Any]:
        cause = Causation(service_actor(NAME), timer.command_id, timer.key)
        command = new_command(report.report_id, decision, cause, datetime.now(UTC), report.sequence)
        command.envelope.command_id = timer.command_id
        log.info("firing %s", timer.key, extra={"report_id": report.report_id})
        acknowledged: asyncio.Future[Any] = await self._producer.send(
            REPORT_COMMANDS, command.envelope.SerializeToString(), key=report.report_id.encode()
        )
        return acknowledged


def _at(timer: Timer, due: datetime) -> Timer:
    return Timer(due, timer.report_id, timer.kind, timer.action, timer.deadline)
