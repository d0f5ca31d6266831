"""ReportWriter, the single writer of every report's log, over fakes of every port."""

import asyncio
import re
from dataclasses import replace
from datetime import UTC

import pytest

from intake.domain.fold import fold
from intake.domain.model import (
    PUBLIC,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Refused,
    Role,
    Status,
    secret_digest,
)
from intake.handlers import Conflict, Idempotency, Outcome, command_handlers
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, ACTOR_KIND_OFFICER, Actor
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import COMMAND_TYPES, Causation, decode_event, new_command, service_actor
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
    request_key,
    route_command,
    routed,
    submitted,
)


@pytest.fixture
def fx() -> Harness:
    return Harness()


# submit


async def test_submit_appends_one_submitted_event_and_answers_after_it(fx: Harness) -> None:
    outcome = await submitted(fx)
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
    assert [ev.envelope for ev in await fx.copy.of(outcome.report_id, 1)] == [envelope]


async def test_the_access_secret_is_handed_out_once_and_only_its_digest_is_kept(
    fx: Harness,
) -> None:
    outcome = await submitted(fx)
    assert re.fullmatch(r"[a-z2-7]{26}", outcome.access_secret)
    payload = fx.log.events[0].payload
    assert isinstance(payload, e.ReportSubmitted)
    assert payload.access_secret_sha256 == secret_digest(outcome.access_secret)
    assert outcome.access_secret.encode() not in fx.log.events[0].envelope.SerializeToString()
    other = await submitted(fx)
    assert other.access_secret != outcome.access_secret
    assert other.report_id != outcome.report_id


async def test_the_identity_is_on_the_log_only_sealed(fx: Harness) -> None:
    outcome = await submitted(fx)
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
    first = await submitted(fx, request_key("k-1"))
    again = await submitted(fx, request_key("k-1"))
    assert again == replace(first, replayed=True)
    assert again.access_secret == first.access_secret
    assert len(fx.log.events) == 1
    assert len(fx.vault.keys) == 1


async def test_a_retry_after_the_report_moved_on_still_gets_the_first_answer(
    fx: Harness,
) -> None:
    first = await submitted(fx, request_key("k-1"))
    await fx.writer.act(first.report_id, VALID[c.AssignAgency], ADMIN, cause_of(ADMIN))
    again = await submitted(fx, request_key("k-1"))
    assert (again.report_id, again.sequence, again.status) == (
        first.report_id,
        1,
        Status.MENUNGGU_VERIFIKASI,
    )
    assert fx.log.sequences(first.report_id) == [1, 2]


async def test_a_key_reused_for_another_submission_is_a_conflict(fx: Harness) -> None:
    await submitted(fx, request_key("k-1", b"first"))
    with pytest.raises(Conflict):
        await submitted(fx, request_key("k-1", b"second"))
    assert len(fx.log.events) == 1


async def test_different_keys_file_different_reports(fx: Harness) -> None:
    first = await submitted(fx, request_key("k-1"))
    second = await submitted(fx, request_key("k-2"))
    assert first.report_id != second.report_id
    assert first.access_secret != second.access_secret


async def test_concurrent_retries_of_one_submission_create_one_report(fx: Harness) -> None:
    outcomes = await asyncio.gather(*(submitted(fx, request_key("k-1")) for _ in range(8)))
    assert len({(o.report_id, o.access_secret, o.sequence) for o in outcomes}) == 1
    assert sum(not o.replayed for o in outcomes) == 1
    assert len(fx.log.events) == 1


# act


async def test_a_command_appends_its_events_as_the_next_sequence(fx: Harness) -> None:
    report = await routed(fx)
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
    report = await routed(fx)
    before = await fx.store.get(report.report_id)
    with pytest.raises(error):
        await fx.writer.act(report.report_id, VALID[c.AcknowledgeReport], who, cause_of(who))
    assert fx.log.sequences(report.report_id) == [1, 2]
    assert await fx.store.get(report.report_id) == before


async def test_a_command_in_the_wrong_status_or_with_bad_content_appends_nothing(
    fx: Harness,
) -> None:
    report = await routed(fx)
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
    report = await routed(fx)
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
    report = await submitted(fx)
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
    report = await routed(fx)
    key = request_key("ack-1")
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
    report = await routed(fx)
    await fx.writer.act(
        report.report_id,
        VALID[c.AcknowledgeReport],
        OFFICER,
        cause_of(OFFICER),
        idempotency=request_key("k", b"ack"),
    )
    with pytest.raises(Conflict):
        await fx.writer.act(
            report.report_id,
            VALID[c.RespondToReport],
            OFFICER,
            cause_of(OFFICER),
            idempotency=request_key("k", b"respond"),
        )
    assert fx.log.sequences(report.report_id) == [1, 2, 3]


async def test_a_replay_is_answered_only_to_whoever_may_issue_the_command(fx: Harness) -> None:
    """The key is looked up before the caller's role and agency are checked, so anyone who
    learns an officer's key (every key is on the log) and sends the same body gets 200 with the
    report's sequence and status, even for a confidential report, instead of 403."""
    outcome = await fx.writer.submit(
        replace(SUBMISSION, confidential=True), IDENTITY, CITIZEN, None
    )
    await fx.writer.act(outcome.report_id, VALID[c.AssignAgency], ADMIN, cause_of(ADMIN))
    key = request_key("ack-1")
    acknowledge = VALID[c.AcknowledgeReport]
    await fx.writer.act(outcome.report_id, acknowledge, OFFICER, cause_of(OFFICER), idempotency=key)
    for who in (PUBLIC, STRANGER):
        with pytest.raises(Forbidden):
            await fx.writer.act(outcome.report_id, acknowledge, who, CITIZEN, idempotency=key)


async def test_a_key_of_a_refused_command_can_be_used_again(fx: Harness) -> None:
    report = await submitted(fx)
    key = request_key("k")
    with pytest.raises(Forbidden):
        await fx.writer.act(
            report.report_id, VALID[c.VerifyReport], PUBLIC, CITIZEN, idempotency=key
        )
    outcome = await fx.writer.act(
        report.report_id, VALID[c.VerifyReport], ADMIN, cause_of(ADMIN), idempotency=key
    )
    assert (outcome.sequence, outcome.replayed) == (2, False)


async def test_erasing_the_reporter_destroys_the_data_key(fx: Harness) -> None:
    report = await submitted(fx)
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
    report = await submitted(fx)
    command = route_command(report.report_id)
    await command_handlers(fx.writer)["RouteReport"](command)
    assert fx.log.sequences(report.report_id) == [1, 2]
    envelope = fx.log.events[1].envelope
    assert envelope.event_type == "ReportRouted"
    assert envelope.causation_id == command.envelope.command_id
    assert envelope.correlation_id == "corr-r"
    assert envelope.actor == service_actor("routing")
    hashed = Idempotency.of(
        command.envelope.command_id, "RouteReport", command.envelope.payload
    ).key
    assert envelope.idempotency_key == hashed
    stored = await fx.store.get(report.report_id)
    assert stored is not None
    assert (stored.status, stored.agency_code) == (Status.DITERUSKAN_KE_INSTANSI, AGENCY)


async def test_a_redelivered_command_appends_nothing(fx: Harness) -> None:
    report = await submitted(fx)
    command = route_command(report.report_id)
    await fx.writer.take(command)
    await fx.writer.take(command)
    assert fx.log.sequences(report.report_id) == [1, 2]


async def test_a_route_decided_against_an_old_sequence_is_refused(fx: Harness) -> None:
    report = await submitted(fx)
    await fx.writer.take(route_command(report.report_id))
    with pytest.raises(Refused):
        await fx.writer.take(route_command(report.report_id, OTHER_AGENCY))
    assert fx.log.sequences(report.report_id) == [1, 2]


async def test_escalation_and_auto_close_commands_are_taken(fx: Harness) -> None:
    report = await routed(fx)
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
