"""ReportWriter, the single writer of every report's log, over fakes of every port."""

import asyncio
import hashlib
import re
from dataclasses import replace
from datetime import UTC, timedelta

import pytest
from google.protobuf.message import Message
from pymongo.errors import ConnectionFailure

from intake.domain.fold import fold
from intake.domain.model import (
    PUBLIC,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Refused,
    ReportState,
    Role,
    Status,
    secret_digest,
)
from intake.handlers import (
    Conflict,
    EventLog,
    Idempotency,
    KeyedLocks,
    Outcome,
    command_handlers,
)
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, ACTOR_KIND_OFFICER, Actor
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import RouteReport
from lapor_common.envelope import (
    COMMAND_TYPES,
    Causation,
    Command,
    decode_event,
    new_command,
    new_event,
    service_actor,
)
from lapor_common.topics import REPORT_EVENTS
from tests.unit.fakes import FakeReportStore
from tests.unit.reports import (
    ADMIN,
    AGENCY,
    AT,
    CITIZEN,
    IDENTITY,
    OFFICER,
    OTHER_AGENCY,
    STRANGER,
    SUBMISSION,
    VALID,
    Harness,
    cause_of,
)


@pytest.fixture
def fx() -> Harness:
    return Harness()


def _key(name: str, body: bytes = b"{}") -> Idempotency:
    return Idempotency(name, hashlib.sha256(body).digest())


async def _submitted(fx: Harness, key: Idempotency | None = None) -> Outcome:
    return await fx.writer.submit(SUBMISSION, IDENTITY, CITIZEN, key)


async def _routed(fx: Harness) -> Outcome:
    """A report at AGENCY, as the administrators assign it."""
    outcome = await _submitted(fx)
    await fx.writer.act(outcome.report_id, VALID[c.AssignAgency], ADMIN, cause_of(ADMIN))
    return outcome


def _route(report_id: str, agency: str = AGENCY, expected: int = 1) -> Command:
    payload = RouteReport(agency_code=agency, agency_name=f"Pemerintah {agency}")
    cause = Causation(service_actor("routing"), "corr-r", "event-1")
    return new_command(report_id, payload, cause, AT, expected_sequence=expected)


# submit


async def test_submit_appends_one_submitted_event_and_answers_after_it(fx: Harness) -> None:
    outcome = await _submitted(fx)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", outcome.report_id)
    assert (outcome.sequence, outcome.status, outcome.replayed) == (
        1,
        Status.MENUNGGU_VERIFIKASI,
        False,
    )
    [event] = fx.log.events
    envelope = event.envelope
    assert (envelope.event_type, envelope.sequence, envelope.schema_version) == (
        "ReportSubmitted",
        1,
        2,
    )
    assert envelope.report_id == outcome.report_id
    assert (envelope.correlation_id, envelope.causation_id) == ("corr-1", "")
    assert envelope.actor == Actor(kind=ACTOR_KIND_CITIZEN)
    assert envelope.occurred_at.ToDatetime(UTC) == AT
    assert decode_event(envelope.SerializeToString()) == event
    stored = await fx.store.get(outcome.report_id)
    assert stored == fold([(envelope, event.payload)])
    assert [ev.envelope for ev in await fx.copy.of(outcome.report_id)] == [envelope]


async def test_the_access_secret_is_handed_out_once_and_only_its_digest_is_kept(
    fx: Harness,
) -> None:
    outcome = await _submitted(fx)
    assert re.fullmatch(r"[a-z2-7]{26}", outcome.access_secret)
    payload = fx.log.events[0].payload
    assert isinstance(payload, e.ReportSubmitted)
    assert payload.access_secret_sha256 == secret_digest(outcome.access_secret)
    assert outcome.access_secret.encode() not in fx.log.events[0].envelope.SerializeToString()
    other = await _submitted(fx)
    assert other.access_secret != outcome.access_secret
    assert other.report_id != outcome.report_id


async def test_the_identity_is_on_the_log_only_sealed(fx: Harness) -> None:
    outcome = await _submitted(fx)
    raw = fx.log.events[0].envelope.SerializeToString()
    for value in (IDENTITY.name, IDENTITY.phone, IDENTITY.email, IDENTITY.id_number):
        assert value.encode() not in raw
    state = await fx.store.get(outcome.report_id)
    assert state is not None
    assert state.reporter is not None
    assert await fx.vault.open(state.reporter) == IDENTITY


async def test_a_report_without_identity_seals_nothing(fx: Harness) -> None:
    outcome = await fx.writer.submit(SUBMISSION, None, CITIZEN, None)
    state = await fx.store.get(outcome.report_id)
    assert state is not None
    assert state.reporter is None
    assert fx.vault.keys == {}


async def test_an_invalid_submission_appends_and_seals_nothing(fx: Harness) -> None:
    with pytest.raises(Invalid, match="region_code"):
        await fx.writer.submit(replace(SUBMISSION, region_code="99"), IDENTITY, CITIZEN, None)
    assert (fx.log.events, fx.store.states, fx.copy.documents, fx.vault.keys) == ([], {}, {}, {})


async def test_a_retried_submission_gets_its_first_answer_and_creates_nothing(
    fx: Harness,
) -> None:
    first = await _submitted(fx, _key("k-1"))
    again = await _submitted(fx, _key("k-1"))
    assert again == replace(first, replayed=True)
    assert again.access_secret == first.access_secret
    assert len(fx.log.events) == 1
    assert len(fx.vault.keys) == 1


async def test_a_retry_after_the_report_moved_on_still_gets_the_first_answer(
    fx: Harness,
) -> None:
    first = await _submitted(fx, _key("k-1"))
    await fx.writer.act(first.report_id, VALID[c.AssignAgency], ADMIN, cause_of(ADMIN))
    again = await _submitted(fx, _key("k-1"))
    assert (again.report_id, again.sequence, again.status) == (
        first.report_id,
        1,
        Status.MENUNGGU_VERIFIKASI,
    )
    assert fx.log.sequences(first.report_id) == [1, 2]


async def test_a_key_reused_for_another_submission_is_a_conflict(fx: Harness) -> None:
    await _submitted(fx, _key("k-1", b"first"))
    with pytest.raises(Conflict):
        await _submitted(fx, _key("k-1", b"second"))
    assert len(fx.log.events) == 1


async def test_different_keys_file_different_reports(fx: Harness) -> None:
    first = await _submitted(fx, _key("k-1"))
    second = await _submitted(fx, _key("k-2"))
    assert first.report_id != second.report_id
    assert first.access_secret != second.access_secret


async def test_concurrent_retries_of_one_submission_create_one_report(fx: Harness) -> None:
    outcomes = await asyncio.gather(*(_submitted(fx, _key("k-1")) for _ in range(8)))
    assert len({(o.report_id, o.access_secret, o.sequence) for o in outcomes}) == 1
    assert sum(not o.replayed for o in outcomes) == 1
    assert len(fx.log.events) == 1


# act


async def test_a_command_appends_its_events_as_the_next_sequence(fx: Harness) -> None:
    report = await _routed(fx)
    officer = Causation(Actor(kind=ACTOR_KIND_OFFICER, id=AGENCY), "corr-o", "")
    outcome = await fx.writer.act(report.report_id, VALID[c.AcknowledgeReport], OFFICER, officer)
    assert outcome == Outcome(report.report_id, 3, Status.DIPROSES)
    assert fx.log.sequences(report.report_id) == [1, 2, 3]
    envelope = fx.log.events[-1].envelope
    assert envelope.event_type == "ReportAcknowledged"
    assert envelope.actor == Actor(kind=ACTOR_KIND_OFFICER, id=AGENCY)
    assert envelope.correlation_id == "corr-o"
    stored = await fx.store.get(report.report_id)
    assert stored == fold([(ev.envelope, ev.payload) for ev in fx.log.of(report.report_id)])
    assert len(fx.copy.documents) == 3


@pytest.mark.parametrize(
    ("who", "error"),
    [(PUBLIC, Forbidden), (STRANGER, Forbidden), (ADMIN, Forbidden)],
)
async def test_a_refused_command_appends_nothing(
    fx: Harness, who: Principal, error: type[Exception]
) -> None:
    report = await _routed(fx)
    before = await fx.store.get(report.report_id)
    with pytest.raises(error):
        await fx.writer.act(report.report_id, VALID[c.AcknowledgeReport], who, cause_of(who))
    assert fx.log.sequences(report.report_id) == [1, 2]
    assert await fx.store.get(report.report_id) == before


async def test_a_command_in_the_wrong_status_or_with_bad_content_appends_nothing(
    fx: Harness,
) -> None:
    report = await _routed(fx)
    with pytest.raises(Refused):
        await fx.writer.act(report.report_id, VALID[c.VerifyReport], ADMIN, cause_of(ADMIN))
    with pytest.raises(Invalid):
        await fx.writer.act(report.report_id, c.DeclineReport(), OFFICER, cause_of(OFFICER))
    assert fx.log.sequences(report.report_id) == [1, 2]


async def test_a_command_on_an_unknown_report_is_not_found(fx: Harness) -> None:
    with pytest.raises(NotFound):
        await fx.writer.act("ZZZZ-ZZZZ-ZZZZ", VALID[c.VerifyReport], ADMIN, cause_of(ADMIN))
    assert fx.log.events == []


async def test_a_stale_expected_sequence_is_refused(fx: Harness) -> None:
    report = await _routed(fx)
    with pytest.raises(Refused, match="at sequence 2, not 1"):
        await fx.writer.act(
            report.report_id,
            VALID[c.AcknowledgeReport],
            OFFICER,
            cause_of(OFFICER),
            expected_sequence=1,
        )
    outcome = await fx.writer.act(
        report.report_id,
        VALID[c.AcknowledgeReport],
        OFFICER,
        cause_of(OFFICER),
        expected_sequence=2,
    )
    assert outcome.sequence == 3


async def test_the_access_secret_makes_the_caller_the_reporter(fx: Harness) -> None:
    report = await _submitted(fx)
    reply = VALID[c.ReplyToReport]
    with pytest.raises(Forbidden):
        await fx.writer.act(report.report_id, reply, PUBLIC, CITIZEN)
    with pytest.raises(Forbidden, match="access secret"):
        await fx.writer.act(report.report_id, reply, PUBLIC, CITIZEN, secret="tebakan")
    outcome = await fx.writer.act(
        report.report_id, reply, PUBLIC, CITIZEN, secret=report.access_secret
    )
    assert outcome.sequence == 2
    assert fx.log.types(report.report_id) == ["ReportSubmitted", "ReporterReplied"]


async def test_a_retried_command_gets_its_first_answer_and_appends_nothing(
    fx: Harness,
) -> None:
    report = await _routed(fx)
    key = _key("ack-1")
    first = await fx.writer.act(
        report.report_id, VALID[c.AcknowledgeReport], OFFICER, cause_of(OFFICER), idempotency=key
    )
    await fx.writer.act(report.report_id, VALID[c.RespondToReport], OFFICER, cause_of(OFFICER))
    again = await fx.writer.act(
        report.report_id,
        VALID[c.AcknowledgeReport],
        OFFICER,
        cause_of(OFFICER),
        idempotency=key,
        expected_sequence=2,  # the retry carries the request's original expectation
    )
    assert again == replace(first, replayed=True)
    assert (again.sequence, again.status) == (3, Status.DIPROSES)
    assert fx.log.sequences(report.report_id) == [1, 2, 3, 4]
    assert fx.log.events[2].envelope.idempotency_key == "ack-1"
    assert fx.log.events[2].envelope.request_digest == key.digest


async def test_a_key_reused_for_another_command_is_a_conflict(fx: Harness) -> None:
    report = await _routed(fx)
    await fx.writer.act(
        report.report_id,
        VALID[c.AcknowledgeReport],
        OFFICER,
        cause_of(OFFICER),
        idempotency=_key("k", b"ack"),
    )
    with pytest.raises(Conflict):
        await fx.writer.act(
            report.report_id,
            VALID[c.RespondToReport],
            OFFICER,
            cause_of(OFFICER),
            idempotency=_key("k", b"respond"),
        )
    assert fx.log.sequences(report.report_id) == [1, 2, 3]


async def test_a_key_of_a_refused_command_can_be_used_again(fx: Harness) -> None:
    report = await _submitted(fx)
    key = _key("k")
    with pytest.raises(Forbidden):
        await fx.writer.act(report.report_id, VALID[c.VerifyReport], PUBLIC, CITIZEN, idempotency=key)
    outcome = await fx.writer.act(
        report.report_id, VALID[c.VerifyReport], ADMIN, cause_of(ADMIN), idempotency=key
    )
    assert (outcome.sequence, outcome.replayed) == (2, False)


async def test_erasing_the_reporter_destroys_the_data_key(fx: Harness) -> None:
    report = await _submitted(fx)
    state = await fx.store.get(report.report_id)
    assert state is not None
    assert state.reporter is not None
    assert await fx.vault.open(state.reporter) == IDENTITY
    await fx.writer.act(report.report_id, VALID[c.EraseReporterData], ADMIN, cause_of(ADMIN))
    assert await fx.vault.open(state.reporter) is None
    erased = await fx.store.get(report.report_id)
    assert erased is not None
    assert erased.reporter_erased
    view = await fx.reader.view(report.report_id, PUBLIC, report.access_secret)
    assert (view.audience, view.identity) == (Role.REPORTER, None)


# commands from other services


async def test_the_registry_takes_every_service_command() -> None:
    assert set(command_handlers(Harness().writer)) == set(COMMAND_TYPES)


async def test_a_route_command_appends_routed_caused_by_the_command(fx: Harness) -> None:
    report = await _submitted(fx)
    command = _route(report.report_id)
    await command_handlers(fx.writer)["RouteReport"](command)
    assert fx.log.sequences(report.report_id) == [1, 2]
    envelope = fx.log.events[1].envelope
    assert envelope.event_type == "ReportRouted"
    assert envelope.causation_id == command.envelope.command_id
    assert envelope.correlation_id == "corr-r"
    assert envelope.actor == service_actor("routing")
    assert envelope.idempotency_key == command.envelope.command_id
    stored = await fx.store.get(report.report_id)
    assert stored is not None
    assert (stored.status, stored.agency_code) == (Status.DITERUSKAN_KE_INSTANSI, AGENCY)


async def test_a_redelivered_command_appends_nothing(fx: Harness) -> None:
    report = await _submitted(fx)
    command = _route(report.report_id)
    await fx.writer.take(command)
    await fx.writer.take(command)
    assert fx.log.sequences(report.report_id) == [1, 2]


async def test_a_route_decided_against_an_old_sequence_is_refused(fx: Harness) -> None:
    report = await _submitted(fx)
    await fx.writer.take(_route(report.report_id))
    with pytest.raises(Refused):
        await fx.writer.take(_route(report.report_id, OTHER_AGENCY))
    assert fx.log.sequences(report.report_id) == [1, 2]


async def test_escalation_and_auto_close_commands_are_taken(fx: Harness) -> None:
    report = await _routed(fx)
    cause = Causation(service_actor("escalation"), "corr-e", "deadline-1")
    escalate = new_command(report.report_id, VALID[c.EscalateReport], cause, AT, 2)
    await fx.writer.take(escalate)
    escalated = await fx.store.get(report.report_id)
    assert escalated is not None
    officer_above = Principal(Role.OFFICER, agency_code=escalated.agency_code)
    with pytest.raises(Forbidden):  # the agency below no longer has it
        await fx.writer.act(report.report_id, VALID[c.ResolveReport], OFFICER, CITIZEN)
    await fx.writer.act(report.report_id, VALID[c.ResolveReport], officer_above, CITIZEN)
    close = new_command(report.report_id, VALID[c.CloseReport], cause, AT, 4)
    await command_handlers(fx.writer)["CloseReport"](close)
    assert fx.log.types(report.report_id)[-3:] == [
        "ReportEscalated",
        "ReportResolved",
        "ReportClosed",
    ]
    closed = await fx.store.get(report.report_id)
    assert closed is not None
    assert closed.status is Status.SELESAI


# apply: the state projection reading the log back


async def test_applying_an_event_already_reflected_changes_nothing(fx: Harness) -> None:
    report = await _submitted(fx)
    state = await fx.store.get(report.report_id)
    saves = fx.store.saves
    await fx.writer.apply(fx.log.events[0])
    assert fx.store.saves == saves
    assert await fx.store.get(report.report_id) == state


async def test_applying_the_next_event_folds_it(fx: Harness) -> None:
    report = await _submitted(fx)
    routed = e.ReportRouted(agency_code=AGENCY, agency_name="Pemerintah Kabupaten Bandung")
    await fx.writer.apply(new_event(report.report_id, 2, routed, CITIZEN, AT))
    stored = await fx.store.get(report.report_id)
    assert stored is not None
    assert (stored.sequence, stored.status) == (2, Status.DITERUSKAN_KE_INSTANSI)
    assert len(fx.copy.documents) == 2


async def test_applying_an_event_beyond_the_next_skips_it(fx: Harness) -> None:
    report = await _submitted(fx)
    state = await fx.store.get(report.report_id)
    await fx.writer.apply(new_event(report.report_id, 3, e.ReportRouted(agency_code="x"), CITIZEN, AT))
    assert await fx.store.get(report.report_id) == state


async def test_replaying_a_log_written_elsewhere_builds_the_same_state(fx: Harness) -> None:
    elsewhere = Harness()
    report = await _routed(elsewhere)
    await elsewhere.writer.act(
        report.report_id, VALID[c.AcknowledgeReport], OFFICER, cause_of(OFFICER)
    )
    for event in elsewhere.log.events:
        await fx.writer.apply(event)
    assert await fx.store.get(report.report_id) == await elsewhere.store.get(report.report_id)
    assert fx.copy.documents == elsewhere.copy.documents


async def test_applying_an_erasure_from_the_log_destroys_the_data_key(fx: Harness) -> None:
    report = await _submitted(fx)
    state = await fx.store.get(report.report_id)
    assert state is not None
    assert state.reporter is not None
    erased = e.ReporterDataErased(key_id=state.reporter.key_id, reason="permintaan")
    await fx.writer.apply(new_event(report.report_id, 2, erased, cause_of(ADMIN), AT))
    assert await fx.vault.open(state.reporter) is None


# time travel through the reader


async def test_the_reader_shows_the_report_as_it_was(fx: Harness) -> None:
    report = await _submitted(fx)
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
    report = await _routed(fx)
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
    outcomes = await asyncio.gather(*(_submitted(fx) for _ in range(10)))
    routes = [_route(o.report_id) for o in outcomes]
    await asyncio.gather(*(fx.writer.take(command) for command in routes * 2))
    with pytest.raises(NotFound):
        await fx.writer.take(_route("ZZZZ-ZZZZ-ZZZZ"))
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
    report = await _routed(fx)
    store.fail_next_save = True
    with pytest.raises(ConnectionFailure):
        await fx.writer.act(report.report_id, VALID[c.AcknowledgeReport], OFFICER, cause_of(OFFICER))
    assert fx.log.sequences(report.report_id) == [1, 2, 3]
    try:
        await fx.writer.act(report.report_id, VALID[c.RespondToReport], OFFICER, cause_of(OFFICER))
    except (Refused, ConnectionFailure):
        pass
    sequences = fx.log.sequences(report.report_id)
    assert sequences == list(range(1, len(sequences) + 1))


async def test_a_retried_submission_after_a_failed_state_write_appends_nothing() -> None:
    """Invariant 3: the client's retry (same idempotency key) after its first attempt failed
    past Kafka's acknowledgement must not put a second ReportSubmitted on the log."""
    store = FlakyStore()
    fx = Harness(store=store)
    store.fail_next_save = True
    with pytest.raises(ConnectionFailure):
        await _submitted(fx, _key("k-1"))
    try:
        await _submitted(fx, _key("k-1"))
    except (Refused, ConnectionFailure):
        pass
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
    log = EventLog(producer)  # type: ignore[arg-type]
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
