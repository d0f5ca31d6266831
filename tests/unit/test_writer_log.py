"""ReportWriter reading the log back (the state projection), time travel, one writer per
report under concurrency and failures, the real EventLog over a fake producer, KeyedLocks."""

import asyncio
from datetime import timedelta

import pytest
from google.protobuf.message import Message
from pymongo.errors import ConnectionFailure

from intake.domain.fold import fold
from intake.domain.model import Forbidden, NotFound, Principal, Refused, ReportState, Role, Status
from intake.handlers import EventLog, KeyedLocks, Outcome, Unavailable
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import new_event
from lapor_common.topics import REPORT_EVENTS
from tests.unit.fakes import FakeReportStore
from tests.unit.reports import (
    ADMIN,
    AGENCY,
    AT,
    CITIZEN,
    OFFICER,
    VALID,
    Harness,
    cause_of,
    request_key,
    route_command,
    routed,
    submitted,
)


@pytest.fixture
def fx() -> Harness:
    return Harness()


# apply: the state projection reading the log back


async def test_applying_an_event_already_reflected_changes_nothing(fx: Harness) -> None:
    report = await submitted(fx)
    state = await fx.store.get(report.report_id)
    saves = fx.store.saves
    await fx.writer.apply(fx.log.events[0])
    assert fx.store.saves == saves
    assert await fx.store.get(report.report_id) == state


async def test_applying_the_next_event_folds_it(fx: Harness) -> None:
    report = await submitted(fx)
    event = e.ReportRouted(agency_code=AGENCY, agency_name="Pemerintah Kabupaten Bandung")
    await fx.writer.apply(new_event(report.report_id, 2, event, CITIZEN, AT))
    stored = await fx.store.get(report.report_id)
    assert stored is not None
    assert (stored.sequence, stored.status) == (2, Status.DITERUSKAN_KE_INSTANSI)
    assert len(fx.copy.documents) == 2


async def test_applying_an_event_beyond_the_next_skips_it(fx: Harness) -> None:
    report = await submitted(fx)
    state = await fx.store.get(report.report_id)
    await fx.writer.apply(
        new_event(report.report_id, 3, e.ReportRouted(agency_code="x"), CITIZEN, AT)
    )
    assert await fx.store.get(report.report_id) == state


async def test_replaying_a_log_written_elsewhere_builds_the_same_state(fx: Harness) -> None:
    elsewhere = Harness()
    report = await routed(elsewhere)
    await elsewhere.writer.act(
        report.report_id, VALID[c.AcknowledgeReport], OFFICER, cause_of(OFFICER)
    )
    for event in elsewhere.log.events:
        await fx.writer.apply(event)
    assert await fx.store.get(report.report_id) == await elsewhere.store.get(report.report_id)
    assert fx.copy.documents == elsewhere.copy.documents


async def test_applying_an_erasure_from_the_log_destroys_the_data_key(fx: Harness) -> None:
    report = await submitted(fx)
    state = await fx.store.get(report.report_id)
    assert state is not None
    assert state.reporter is not None
    erased = e.ReporterDataErased(key_id=state.reporter.key_id, reason="permintaan")
    await fx.writer.apply(new_event(report.report_id, 2, erased, cause_of(ADMIN), AT))
    assert await fx.vault.open(state.reporter) is None


# time travel through the reader


async def test_the_reader_shows_the_report_as_it_was(fx: Harness) -> None:
    report = await submitted(fx)
    fx.now = AT + timedelta(hours=1)
    await fx.writer.act(report.report_id, VALID[c.AssignAgency], ADMIN, cause_of(ADMIN))
    then = await fx.reader.view(report.report_id, ADMIN, "", as_of=AT + timedelta(minutes=30))
    now = await fx.reader.view(report.report_id, ADMIN, "")
    assert (then.state.sequence, then.state.status) == (1, Status.MENUNGGU_VERIFIKASI)
    assert [entry.sequence for entry in then.timeline] == [1]
    assert (now.state.sequence, now.state.status) == (2, Status.DITERUSKAN_KE_INSTANSI)
    with pytest.raises(NotFound):
        await fx.reader.view(report.report_id, ADMIN, "", as_of=AT - timedelta(seconds=1))


# one writer per report


async def test_concurrent_commands_on_one_report_keep_the_sequence_gapless(
    fx: Harness,
) -> None:
    report = await routed(fx)
    commands: list[tuple[Message, Principal]] = [
        (VALID[c.AcknowledgeReport], OFFICER),
        (VALID[c.RequestInformation], OFFICER),
        (VALID[c.ReplyToReport], Principal(Role.REPORTER)),
        (VALID[c.DeclineReport], OFFICER),
        (VALID[c.ForwardReport], ADMIN),
    ] * 4
    outcomes = await asyncio.gather(
        *(fx.writer.act(report.report_id, cmd, who, cause_of(who)) for cmd, who in commands),
        return_exceptions=True,
    )
    assert all(isinstance(o, Outcome | Refused | Forbidden) for o in outcomes), outcomes
    n = len(fx.log.of(report.report_id))
    assert fx.log.sequences(report.report_id) == list(range(1, n + 1))
    assert sum(isinstance(o, Outcome) for o in outcomes) == n - 2
    stored = await fx.store.get(report.report_id)
    assert stored == fold([(ev.envelope, ev.payload) for ev in fx.log.of(report.report_id)])


async def test_the_writer_forgets_its_locks_after_use(fx: Harness) -> None:
    outcomes = await asyncio.gather(*(submitted(fx) for _ in range(10)))
    routes = [route_command(o.report_id) for o in outcomes]
    await asyncio.gather(*(fx.writer.take(command) for command in routes * 2))
    with pytest.raises(NotFound):
        await fx.writer.take(route_command("ZZZZ-ZZZZ-ZZZZ"))
    assert fx.writer._locks._locks == {}


class FlakyStore(FakeReportStore):
    """The state store failing its next save, as MongoDB does during a failover."""

    fail_next_save = False

    async def save(self, state: ReportState, previous: int = 0) -> None:
        if self.fail_next_save:
            self.fail_next_save = False
            raise ConnectionFailure("MongoDB is failing over")
        await super().save(state, previous)


async def test_a_command_after_a_failed_state_write_never_reuses_a_sequence() -> None:
    """The log acknowledged sequence 3, then the state write failed. The next command must not
    be decided against the stale state and appended as sequence 3 a second time."""
    store = FlakyStore()
    fx = Harness(store=store)
    report = await routed(fx)
    store.fail_next_save = True
    with pytest.raises(ConnectionFailure):
        await fx.writer.act(
            report.report_id, VALID[c.AcknowledgeReport], OFFICER, cause_of(OFFICER)
        )
    assert fx.log.sequences(report.report_id) == [1, 2, 3]
    with pytest.raises(Unavailable):
        await fx.writer.act(report.report_id, VALID[c.RespondToReport], OFFICER, cause_of(OFFICER))
    sequences = fx.log.sequences(report.report_id)
    assert sequences == list(range(1, len(sequences) + 1))


async def test_a_retried_submission_after_a_failed_state_write_appends_nothing() -> None:
    """Invariant 3: the client's retry (same idempotency key) after its first attempt failed
    past Kafka's acknowledgement must not put a second ReportSubmitted on the log."""
    store = FlakyStore()
    fx = Harness(store=store)
    store.fail_next_save = True
    with pytest.raises(ConnectionFailure):
        await submitted(fx, request_key("k-1"))
    with pytest.raises(Unavailable):
        await submitted(fx, request_key("k-1"))
    [report_id] = {ev.envelope.report_id for ev in fx.log.events}
    assert fx.log.types(report_id) == ["ReportSubmitted"]


# the real EventLog over a fake producer


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.acknowledged = 0

    async def send(self, topic: str, value: bytes, key: bytes) -> "asyncio.Future[None]":
        self.sent.append((topic, value, key))
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(self._ack, future)
        return future

    def _ack(self, future: "asyncio.Future[None]") -> None:
        self.acknowledged += 1
        future.set_result(None)


async def test_the_event_log_sends_each_event_keyed_by_report_and_awaits_every_ack() -> None:
    producer = FakeProducer()
    log = EventLog(producer)
    events = [
        new_event("AAAA-AAAA-AAAA", 1, e.ReportVerified(), CITIZEN, AT),
        new_event("AAAA-AAAA-AAAA", 2, e.ReportArchived(reason="x"), CITIZEN, AT),
    ]
    await log.append(events)
    assert producer.acknowledged == 2
    assert producer.sent == [
        (REPORT_EVENTS, ev.envelope.SerializeToString(), b"AAAA-AAAA-AAAA") for ev in events
    ]


# KeyedLocks


async def test_keyed_locks_exclude_holders_of_one_key_and_forget_it() -> None:
    locks = KeyedLocks()
    inside: list[str] = []
    overlaps: list[set[str]] = []

    async def work(name: str, key: str) -> None:
        async with locks.hold(key):
            inside.append(name)
            overlaps.append({n for n in inside if n.startswith(key)})
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            inside.remove(name)

    await asyncio.gather(*(work(f"a{i}", "a") for i in range(5)), work("b0", "b"))
    assert all(len(names) == 1 for names in overlaps)
    assert locks._locks == {}


async def test_keyed_locks_do_not_serialise_different_keys() -> None:
    locks = KeyedLocks()
    both_held = asyncio.Event()
    async with locks.hold("a"):
        async with locks.hold("b"):
            both_held.set()
        assert set(locks._locks) == {"a"}
    assert both_held.is_set()
    assert locks._locks == {}


async def test_keyed_locks_forget_a_waiter_that_was_cancelled() -> None:
    locks = KeyedLocks()
    entered = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with locks.hold("a"):
            entered.set()
            await release.wait()

    async def waiter() -> None:
        async with locks.hold("a"):
            pytest.fail("the waiter was cancelled before it could hold the lock")

    holding = asyncio.create_task(holder())
    await entered.wait()
    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    release.set()
    await holding
    assert locks._locks == {}
