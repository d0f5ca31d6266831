"""Intake's handlers: the single writer that decides commands and appends their events.

Commands for one report are serialised by a per-report lock, checked against the
stored state, appended to the log (awaiting Kafka's acknowledgement), then
folded into the state store. The registry at the bottom lists every command
that arrives over the report-commands topic.
"""

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message

from intake.domain import ReportState, SubmitReport, decide_route, decide_submit, evolve
from intake.store import ReportStore
from intake.tracking import tracking_id_from
from lapor.routing.v1.commands_pb2 import RouteReport
from lapor_common.envelope import Causation, Command, Event, new_event
from lapor_common.topics import REPORT_EVENTS

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, to the millisecond: the precision the read models store."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class EventLog:
    """Appends a report's events to the report-events topic, keyed by report id."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def append(self, events: list[Event]) -> None:
        sent = [
            await self._producer.send(
                REPORT_EVENTS,
                event.envelope.SerializeToString(),
                key=event.envelope.report_id.encode(),
            )
            for event in events
        ]
        await asyncio.gather(*sent)


class KeyedLocks:
    """One asyncio lock per key, forgotten again when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class ReportWriter:
    def __init__(
        self,
        store: ReportStore,
        events: EventLog,
        region_exists: Callable[[str], bool],
        clock: Clock = utc_now,
        new_tracking_id: Callable[[], str] = lambda: tracking_id_from(os.urandom(8)),
    ) -> None:
        self._store = store
        self._events = events
        self._region_exists = region_exists
        self._clock = clock
        self._new_tracking_id = new_tracking_id
        self._locks = KeyedLocks()

    async def submit(self, command: SubmitReport, cause: Causation) -> ReportState:
        report_id = self._new_tracking_id()
        async with self._locks.hold(report_id):
            state = await self._append(
                None, report_id, decide_submit(command, self._region_exists), cause
            )
        if state is None:
            raise RuntimeError("a submission appended no event")
        return state

    async def route(self, command: Command) -> None:
        if not isinstance(command.payload, RouteReport):
            raise TypeError(f"route got {type(command.payload).__name__}")
        report_id = command.envelope.report_id
        cause = Causation(
            command.envelope.actor, command.envelope.correlation_id, command.envelope.command_id
        )
        async with self._locks.hold(report_id):
            state = await self._store.get(report_id)
            await self._append(state, report_id, decide_route(state, command.payload), cause)

    async def apply(self, event: Event) -> None:
        """Fold an event read back from the log; events already reflected are skipped."""
        envelope = event.envelope
        async with self._locks.hold(envelope.report_id):
            state = await self._store.get(envelope.report_id)
            if (state.sequence if state else 0) + 1 != envelope.sequence:
                return
            at = envelope.occurred_at.ToDatetime(UTC)
            await self._store.save(
                evolve(state, envelope.report_id, envelope.sequence, at, event.payload)
            )

    async def _append(
        self, state: ReportState | None, report_id: str, payloads: list[Message], cause: Causation
    ) -> ReportState | None:
        at = self._clock()
        sequence = state.sequence if state else 0
        events = [
            new_event(report_id, sequence + i, payload, cause, at)
            for i, payload in enumerate(payloads, start=1)
        ]
        await self._events.append(events)
        for event in events:
            state = evolve(state, report_id, event.envelope.sequence, at, event.payload)
        if events and state is not None:
            await self._store.save(state)
        return state


CommandHandler = Callable[[Command], Awaitable[None]]


def command_handlers(writer: ReportWriter) -> dict[str, CommandHandler]:
    """Every command intake accepts from the report-commands topic."""
    return {"RouteReport": writer.route}
