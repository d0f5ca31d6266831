"""Intake's handlers: the single writer that decides commands and appends their events.

Commands for one report are serialised by a per-report lock, checked against
the stored state, appended to the log (awaiting Kafka's acknowledgement), then
folded into the read models. A retried command (same idempotency key) gets its
first answer; the key reused for another request is refused.
"""

import asyncio
import base64
import hashlib
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message

from intake.domain.fold import evolve
from intake.domain.lifecycle import authorize, decide
from intake.domain.model import (
    Principal,
    Refused,
    ReportState,
    Role,
    Status,
    acting_as,
    secret_digest,
)
from intake.domain.submission import SubmitReport, decide_submit
from intake.identity import IdentityVault
from intake.projection import effects, project
from intake.store import EventCopy, ReportStore
from lapor.report.v1.events_pb2 import ReporterIdentity
from lapor_common.envelope import Causation, Command, Event, new_event
from lapor_common.topics import REPORT_EVENTS
from lapor_common.tracking import tracking_id_from

Clock = Callable[[], datetime]
SubmitDecision = Callable[[SubmitReport, Callable[[str], bool]], list[Message]]
# How many reports' latest writes this process remembers.
RECENT_MEMORY = 100_000


def utc_now() -> datetime:
    """Now, to the millisecond: the precision the read models store."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Conflict(Refused):
    """The idempotency key was used before for a different request (409)."""


class Unavailable(Exception):
    """Intake cannot decide safely right now; the client should retry (503)."""


@dataclass(frozen=True)
class Idempotency:
    """A client's idempotency key, kept only as a hash (the log is read by many), and the
    digest of the request it came with."""

    key: str
    digest: bytes

    @classmethod
    def of(
        cls, key: str, scope: str, request: bytes, namespace: bytes = b"idempotency-key"
    ) -> "Idempotency":
        hashed = hashlib.sha256(namespace + b"\x00" + key.encode()).hexdigest()
        return cls(hashed, hashlib.sha256(scope.encode() + b"\x00" + request).digest())


@dataclass(frozen=True)
class Outcome:
    """What a command answers: the report's sequence and status after it."""

    report_id: str
    sequence: int
    status: Status
    access_secret: str = ""
    replayed: bool = False


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


class Recent:
    """The latest sequence per report for the most recently written reports (bounded)."""

    def __init__(self) -> None:
        self._sequences: OrderedDict[str, int] = OrderedDict()

    def get(self, report_id: str) -> int:
        return self._sequences.get(report_id, 0)

    def note(self, report_id: str, sequence: int) -> None:
        self._sequences[report_id] = sequence
        self._sequences.move_to_end(report_id)
        if len(self._sequences) > RECENT_MEMORY:
            self._sequences.popitem(last=False)


def _secret_text(raw: bytes) -> str:
    """An access secret as people copy it: 26 base-32 characters (128 bits)."""
    return base64.b32encode(raw[:16]).decode().rstrip("=").lower()


class ReportWriter:
    def __init__(
        self,
        *,
        store: ReportStore,
        copy: EventCopy,
        events: EventLog,
        vault: IdentityVault,
        region_exists: Callable[[str], bool],
        clock: Clock = utc_now,
        caught_up: bool = True,
    ) -> None:
        self._store = store
        self._copy = copy
        self._events = events
        self._vault = vault
        self._region_exists = region_exists
        self._clock = clock
        self._locks = KeyedLocks()
        # The latest sequence this process appended, and saved, per recent report.
        self._appended = Recent()
        self._saved = Recent()
        # The composition root starts it closed and opens it once the read models reflect
        # the whole log.
        self.caught_up = caught_up

    async def submit(
        self,
        command: SubmitReport,
        identity: ReporterIdentity | None,
        cause: Causation,
        idempotency: Idempotency | None,
        *,
        decision: SubmitDecision = decide_submit,
        absent: bool = False,
    ) -> Outcome:
        """File a report (``decision`` turns the submission into its events). With an idempotency
        key, its tracking id and secret derive from the key, so a retry, even after a crash,
        finds the report it created. ``absent``: the caller just found no report under the key
        (one lookup for a whole batch), trusted unless this process has written to it since."""
        if idempotency is None:
            report_id, secret = tracking_id_from(os.urandom(8)), _secret_text(os.urandom(16))
        else:
            report_id = self.report_id_for(idempotency)
            secret = _secret_text(self._vault.derive("access-secret", idempotency.key))
        async with self._locks.hold(report_id):
            # A random id is new; one derived from an idempotency key may be a retry.
            looked_up = absent and not self._appended.get(report_id)
            state = await self._store.get(report_id) if idempotency and not looked_up else None
            self._check_current(report_id, state)
            if state is not None:
                return replace(self._replayed(state, idempotency), access_secret=secret)
            decision(command, self._region_exists)  # refuse bad input before sealing
            sealed = await self._vault.seal(identity, secret) if identity is not None else None
            submission = replace(
                command,
                reporter=sealed,
                access_secret_sha256=secret_digest(secret),
                gave_email=bool(identity and identity.email),
                gave_phone=bool(identity and identity.phone),
            )
            payloads = decision(submission, self._region_exists)
            state, _ = await self._append(None, report_id, payloads, cause, idempotency)
        return Outcome(report_id, state.sequence, state.status, access_secret=secret)

    def report_id_for(self, idempotency: Idempotency) -> str:
        """The tracking id a submission under this idempotency key has (or will have)."""
        return tracking_id_from(self._vault.derive("tracking-id", idempotency.key))

    async def act(
        self,
        report_id: str,
        command: Message,
        who: Principal,
        cause: Causation,
        *,
        expected_sequence: int = 0,
        idempotency: Idempotency | None = None,
        secret: str = "",
    ) -> Outcome:
        """Decide a command on an existing report; ``secret`` makes the caller its reporter."""
        async with self._locks.hold(report_id):
            state = await self._store.get(report_id)
            self._check_current(report_id, state)
            if state is not None:
                who = acting_as(state, who, secret)
            if state and idempotency and state.answer_for(idempotency.key):
                authorize(state, command, who)
                return self._replayed(state, idempotency)
            if state is not None and expected_sequence and expected_sequence != state.sequence:
                raise Refused(
                    f"the report is at sequence {state.sequence}, not {expected_sequence}: "
                    "reload it and try again"
                )
            payloads = decide(state, command, who, self._clock())
            assert state is not None
            state, appended = await self._append(state, report_id, payloads, cause, idempotency)
        for event in appended:
            await effects(self._vault, event)
        return Outcome(report_id, state.sequence, state.status)

    async def take(self, command: Command) -> None:
        """A command another service sent over the report-commands topic."""
        envelope = command.envelope
        cause = Causation(envelope.actor, envelope.correlation_id, envelope.command_id)
        service = Principal(Role.SERVICE, subject=envelope.actor.id)
        await self.act(
            envelope.report_id,
            command.payload,
            service,
            cause,
            expected_sequence=envelope.expected_sequence,
            idempotency=Idempotency.of(
                envelope.command_id, envelope.command_type, envelope.payload
            ),
        )

    async def apply(self, event: Event) -> None:
        """Fold an event read back from the log (events already reflected change nothing) and
        carry out its effects, which are idempotent. Events this process wrote itself are
        already in the read models and skipped without asking the database."""
        envelope = event.envelope
        if self._saved.get(envelope.report_id) < envelope.sequence:
            async with self._locks.hold(envelope.report_id):
                await project(self._store, self._copy, event)
        await effects(self._vault, event)

    def _check_current(self, report_id: str, state: ReportState | None) -> None:
        """Refuse to decide against state older than what this process appended (a state write
        failed after Kafka's acknowledgement) or before the state reflects the whole log."""
        if not self.caught_up:
            raise Unavailable("intake is catching up with the log; try again shortly")
        if self._appended.get(report_id) > (state.sequence if state else 0):
            raise Unavailable("the report's state is being rebuilt from the log; try again")

    def _replayed(self, state: ReportState, idempotency: Idempotency | None) -> Outcome:
        answer = state.answer_for(idempotency.key) if idempotency else None
        if answer is None or idempotency is None or answer.digest != idempotency.digest:
            raise Conflict("this idempotency key was already used for a different request")
        return Outcome(state.report_id, answer.sequence, answer.status, replayed=True)

    async def _append(
        self,
        state: ReportState | None,
        report_id: str,
        payloads: list[Message],
        cause: Causation,
        idempotency: Idempotency | None,
    ) -> tuple[ReportState, list[Event]]:
        at = self._clock()
        previous = state.sequence if state else 0
        events = [
            new_event(report_id, previous + i, payload, cause, at)
            for i, payload in enumerate(payloads, start=1)
        ]
        if idempotency is not None:
            # A new report's answer is kept for good on its first event; a command's on its last.
            answered = events[0 if state is None else -1].envelope
            answered.idempotency_key = idempotency.key
            answered.request_digest = idempotency.digest
        await self._events.append(events)
        self._appended.note(report_id, events[-1].envelope.sequence)
        for event in events:
            state = evolve(state, event.envelope, event.payload)
            await self._copy.add(event.envelope)
        assert state is not None
        await self._store.save(state, previous)
        self._saved.note(report_id, state.sequence)
        return state, events


CommandHandler = Callable[[Command], Awaitable[None]]


def command_handlers(writer: ReportWriter) -> dict[str, CommandHandler]:
    """Every command intake accepts from the report-commands topic."""
    return dict.fromkeys(
        (
            "RouteReport",
            "SuggestRoutes",
            "LinkDuplicate",
            "EscalateReport",
            "CloseReport",
            "NoteDeadlineApproaching",
            "RecordDeadlineMissed",
        ),
        writer.take,
    )
