"""The single writer under random use: hypothesis drives a ReportWriter over the fakes with
random submissions and commands from random callers, with random expected sequences and
idempotency keys (reused ones too), and checks the log's invariants after every step."""

import asyncio
import hashlib
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, TypeVar

from google.protobuf.message import Message
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from intake.domain.fold import fold
from intake.domain.lifecycle import RULES, authorize, decide
from intake.domain.model import (
    IDEMPOTENCY_MEMORY,
    PUBLIC,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Refused,
    ReportState,
    Role,
    holds_secret,
)
from intake.handlers import Conflict, Idempotency, Outcome
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes
from lapor_common.envelope import Event
from tests.unit.reports import (
    ADMIN,
    AT,
    CITIZEN,
    IDENTITY,
    SERVICE,
    SUBMISSION,
    Harness,
    cause_of,
    timestamp,
)

T = TypeVar("T")
AGENCIES = ["pemkab-3204", "pemkot-3273", "pemprov-32"]
KEYS = st.sampled_from([None] * 6 + ["k-1", "k-2", "k-3", "k-4", "k-5", "k-6"])
CALLERS = st.sampled_from(
    ["public", "reporter", "wrong-secret", "officer-here", "officer-elsewhere", "admin", "service"]
)
UNKNOWN = "ZZZZ-ZZZZ-ZZZZ"
REFUSALS = (Refused, Forbidden, Invalid)
SUBMITTED = "Submitted"

# Valid and invalid instances of every command in RULES.
CANDIDATES: list[Message] = [
    c.VerifyReport(note="ok"),
    c.RejectReport(reason=e.REJECTION_REASON_DUPLICATE),
    c.RejectReport(),
    c.ArchiveReport(reason="arsip"),
    c.ArchiveReport(),
    c.PostponeReport(reason="tunggu", until=timestamp(AT + timedelta(days=2))),
    c.PostponeReport(reason="tunggu", until=timestamp(AT - timedelta(days=2))),
    *(c.AssignAgency(agency_code=a, agency_name=a.upper()) for a in AGENCIES),
    c.AssignAgency(),
    *(RouteReport(agency_code=a, agency_name=a.upper()) for a in AGENCIES),
    SuggestRoutes(suggestions=[e.RouteSuggestion(agency_code=AGENCIES[0], confidence=0.4)]),
    SuggestRoutes(suggestions=[e.RouteSuggestion(agency_code=AGENCIES[0], confidence=1.5)]),
    LinkDuplicate(original_report_id=UNKNOWN, similarity=0.9),
    LinkDuplicate(original_report_id=UNKNOWN),
    *(c.ForwardReport(to_agency_code=a, reason="pindah") for a in AGENCIES),
    c.ForwardReport(to_agency_code=AGENCIES[0]),
    c.DeclineReport(reason="bukan wewenang"),
    c.DeclineReport(),
    c.AcknowledgeReport(),
    c.RequestInformation(question="kapan?"),
    c.RequestInformation(),
    c.ProvideInformation(answer="senin"),
    c.ProvideInformation(),
    c.RespondToReport(text="sudah", final=True),
    c.RespondToReport(text="sedang", final=False),
    c.RespondToReport(),
    c.ResolveReport(summary="beres"),
    c.ReplyToReport(text="halo"),
    c.ReplyToReport(),
    *(c.RateReport(score=s) for s in (0, 1, 2, 4)),
    c.AppealReport(reason="belum beres"),
    c.AppealReport(),
    c.AcceptOutcome(),
    c.CloseReport(reason=e.CLOSURE_REASON_AUTO_CLOSED),
    c.CloseReport(),
    c.EscalateReport(to_agency_code=AGENCIES[1], tier=1, reason="lewat"),
    c.EscalateReport(to_agency_code=AGENCIES[2], tier=2, reason="lewat"),
    c.EscalateReport(to_agency_code=AGENCIES[2], tier=3),
    c.EraseReporterData(reason="minta"),
    c.EraseReporterData(),
    c.NoteDeadlineApproaching(
        clock=e.CLOCK_KIND_COMPLETION, deadline=timestamp(AT), policy_version="d/1"
    ),
    c.NoteDeadlineApproaching(clock=e.CLOCK_KIND_COMPLETION),
    *(
        c.RecordDeadlineMissed(
            clock=e.CLOCK_KIND_FIRST_RESPONSE,
            deadline=timestamp(AT),
            agency_code=a,
            policy_version="d/1",
            escalate_to_agency_code=AGENCIES[2],
            tier=3,
            reason="lewat",
        )
        for a in AGENCIES
    ),
]
assert {type(command) for command in CANDIDATES} == set(RULES)
RIGHTFUL = {
    Role.REPORTER: "reporter",
    Role.OFFICER: "officer-here",
    Role.ADMINISTRATOR: "admin",
    Role.SERVICE: "service",
}
RULES_BY_NAME = {command_type.__name__: rule_ for command_type, rule_ in RULES.items()}


@dataclass(frozen=True)
class Request:
    """One call of ReportWriter.act, as a client would retry it byte for byte."""

    report_id: str
    command: Message
    who: Principal
    secret: str
    expected: int
    key: str | None

    @property
    def digest(self) -> bytes:
        body = self.command.SerializeToString(deterministic=True)
        scope = f"{type(self.command).__name__}/{self.expected}".encode()
        return hashlib.sha256(scope + b"\x00" + body).digest()


@dataclass(frozen=True)
class Answer:
    """The first answer to a keyed request, and whose credentials it was given to."""

    key: str
    digest: bytes
    outcome: Outcome
    credentials: tuple[Principal, str]


@dataclass(frozen=True)
class ReplayOrRefusal:
    """The same key and request from other credentials: the first answer, or a refusal."""

    outcome: Outcome


def _replayed(first: Answer, request: Request) -> object:
    """A key used before on the report: the first answer, or a conflict with another request."""
    if first.digest != request.digest:
        return Conflict
    replay = replace(first.outcome, replayed=True)
    if first.credentials != (request.who, request.secret):
        # see test_writer.py::test_a_replay_is_answered_only_to_whoever_may_issue_the_command
        return ReplayOrRefusal(replay)
    return replay


def _replayed_if_authorized(
    first: Answer, request: Request, before: ReportState, who: Principal
) -> object:
    """A reused key is answered only to whoever may issue the command at all."""
    try:
        authorize(before, request.command, who)
    except (*REFUSALS, NotFound) as exc:
        return type(exc)
    return _replayed(first, request)


class WriterMachine(RuleBasedStateMachine):
    reports = Bundle("reports")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.fx = Harness()
        self.secrets: dict[str, str] = {}
        self.submit_keys: dict[str, str] = {}  # idempotency key -> the report it filed
        self.answers: dict[str, list[Answer]] = {}  # first answers to keyed requests, in order
        self.issuers: dict[tuple[str, int], tuple[str, Role]] = {}  # (report, seq) -> who, role
        self.sent: list[Request] = []

    def teardown(self) -> None:
        self.loop.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T | Exception:
        try:
            return self.loop.run_until_complete(coroutine)
        except (*REFUSALS, NotFound) as exc:
            return exc

    def state(self, report_id: str) -> ReportState | None:
        result = self.run(self.fx.store.get(report_id))
        assert not isinstance(result, Exception)
        return result

    def remembered(self, report_id: str, key: str) -> Answer | None:
        recent = self.answers.get(report_id, [])[-IDEMPOTENCY_MEMORY:]
        return next((a for a in recent if a.key == key), None)

    # submissions

    @initialize(target=reports)
    def first_report(self) -> object:
        return self.submit(valid=True, identity=True, title="Jalan berlubang", key=None)

    @precondition(lambda self: len(self.secrets) < 3)
    @rule(
        target=reports,
        valid=st.booleans(),
        identity=st.booleans(),
        title=st.sampled_from(["Jalan berlubang", "Lampu jalan mati"]),
        key=KEYS,
    )
    def submit(self, valid: bool, identity: bool, title: str, key: str | None) -> object:
        command = replace(SUBMISSION, title=title, region_code="32.04" if valid else "99.99")
        given = IDENTITY if identity else None
        digest = hashlib.sha256(repr((title, valid, identity)).encode()).digest()
        idempotency = Idempotency(key, digest) if key else None
        count = len(self.fx.log.events)
        result = self.run(self.fx.writer.submit(command, given, CITIZEN, idempotency))
        filed = self.submit_keys.get(key) if key else None
        if key and filed is not None:
            assert len(self.fx.log.events) == count, "a retried submission appended"
            first = self.remembered(filed, key)
            if first is not None and first.digest == digest:
                assert result == replace(first.outcome, replayed=True)
            else:
                assert isinstance(result, Conflict), result
            return multiple()
        if not valid:
            assert isinstance(result, Invalid), result
            assert len(self.fx.log.events) == count
            return multiple()
        assert isinstance(result, Outcome), result
        assert (result.sequence, result.replayed) == (1, False)
        assert result.report_id not in self.secrets
        assert len(self.fx.log.events) == count + 1
        self.secrets[result.report_id] = result.access_secret
        self.issuers[(result.report_id, 1)] = (SUBMITTED, Role.PUBLIC)
        if key:
            self.submit_keys[key] = result.report_id
            self.answers[result.report_id] = [Answer(key, digest, result, (PUBLIC, ""))]
        return result.report_id

    # commands on reports

    def caller(self, caller: str, state: ReportState | None) -> tuple[Principal, str]:
        here = state.agency_code if state and state.agency_code else AGENCIES[0]
        elsewhere = next(a for a in AGENCIES if a != here)
        return {
            "public": (PUBLIC, ""),
            "reporter": (PUBLIC, self.secrets.get(state.report_id, "") if state else "x"),
            "wrong-secret": (PUBLIC, "not-the-secret"),
            "officer-here": (Principal(Role.OFFICER, agency_code=here), ""),
            "officer-elsewhere": (Principal(Role.OFFICER, agency_code=elsewhere), ""),
            "admin": (ADMIN, ""),
            "service": (SERVICE, ""),
        }[caller]

    def expect(self, request: Request, before: ReportState | None) -> object:
        """What the writer must answer: an exception type, a replayed Outcome, or the events."""
        who, secret = request.who, request.secret
        if before is None:
            return NotFound
        if secret:
            if not holds_secret(before, secret):
                return Forbidden
            who = Principal(Role.REPORTER)
        first = self.remembered(before.report_id, request.key) if request.key else None
        if first is not None:
            return _replayed_if_authorized(first, request, before, who)
        if request.expected and request.expected != before.sequence:
            return Refused
        try:
            return decide(before, request.command, who, AT)
        except (*REFUSALS, NotFound) as exc:
            return type(exc)

    def send(self, request: Request) -> None:
        before = self.state(request.report_id)
        expected = self.expect(request, before)
        who, secret = request.who, request.secret
        count = len(self.fx.log.events)
        idempotency = Idempotency(request.key, request.digest) if request.key else None
        result = self.run(
            self.fx.writer.act(
                request.report_id,
                request.command,
                who,
                cause_of(who),
                expected_sequence=request.expected,
                idempotency=idempotency,
                secret=secret,
            )
        )
        appended = self.fx.log.events[count:]
        if isinstance(expected, type):
            assert type(result) is expected, (result, expected)
            assert appended == [], "a refused command appended events"
            assert self.state(request.report_id) == before
        elif isinstance(expected, Outcome):
            assert result == expected, "a retry did not get its first answer"
            assert appended == [], "a retried command appended events"
        elif isinstance(expected, ReplayOrRefusal):
            assert result == expected.outcome or isinstance(result, REFUSALS), result
            assert appended == [], "a reused key appended events"
        else:
            assert before is not None
            self.accepted(request, before, result, appended, expected)
        self.sent.append(request)

    def accepted(
        self,
        request: Request,
        before: ReportState,
        result: object,
        appended: list[Event],
        expected: object,
    ) -> None:
        assert isinstance(result, Outcome), result
        assert [event.payload for event in appended] == expected
        sequences = [event.envelope.sequence for event in appended]
        assert sequences == list(range(before.sequence + 1, result.sequence + 1))
        after = self.state(request.report_id)
        assert after is not None
        assert result == Outcome(before.report_id, after.sequence, after.status)
        role = Role.REPORTER if request.secret else request.who.role
        rule_ = RULES[type(request.command)]
        assert role in rule_.roles
        assert before.status in rule_.statuses
        for sequence in sequences:
            self.issuers[(before.report_id, sequence)] = (type(request.command).__name__, role)
        if request.key:
            credentials = (request.who, request.secret)
            answer = Answer(request.key, request.digest, result, credentials)
            self.answers.setdefault(before.report_id, []).append(answer)

    @rule(
        report=reports,
        data=st.data(),
        caller=st.sampled_from(["rightful"] * 3 + ["random"]),
        anyone=CALLERS,
        expected=st.sampled_from(["any", "any", "any", "current", "other"]),
        other=st.integers(1, 12),
        key=KEYS,
        unknown=st.sampled_from([False] * 24 + [True]),
        retry=st.sampled_from([False] * 4 + [True]),
        pick=st.integers(0, 10_000),
    )
    def act(
        self,
        *,
        report: str,
        data: st.DataObject,
        caller: str,
        anyone: str,
        expected: str,
        other: int,
        key: str | None,
        unknown: bool,
        retry: bool,
        pick: int,
    ) -> None:
        if retry and self.sent:  # a client resends an earlier request byte for byte
            self.send(self.sent[pick % len(self.sent)])
            return
        state = self.state(report)
        assert state is not None
        fitting = [cmd for cmd in CANDIDATES if state.status in RULES[type(cmd)].statuses]
        fit = data.draw(st.sampled_from([True, True, True, False]), label="fit")
        command = data.draw(st.sampled_from(fitting if fit else CANDIDATES), label="command")
        if caller == "rightful":
            [role] = RULES[type(command)].roles
            caller = RIGHTFUL[role]
        else:
            caller = anyone
        sequence = {"any": 0, "current": state.sequence, "other": other}[expected]
        who, secret = self.caller(caller, state)
        report_id = UNKNOWN if unknown else report
        self.send(Request(report_id, command, who, secret, sequence, key))

    # invariants

    def logged(self) -> dict[str, list[Event]]:
        by_report: dict[str, list[Event]] = {}
        for event in self.fx.log.events:
            by_report.setdefault(event.envelope.report_id, []).append(event)
        return by_report

    @invariant()
    def sequences_are_gapless_and_unique(self) -> None:
        for report_id, events in self.logged().items():
            sequences = [event.envelope.sequence for event in events]
            assert sequences == list(range(1, len(events) + 1)), (report_id, sequences)

    @invariant()
    def stored_state_is_the_fold_of_the_log(self) -> None:
        logged = self.logged()
        assert set(logged) == set(self.fx.store.states) == set(self.secrets)
        for report_id, events in logged.items():
            folded = fold([(event.envelope, event.payload) for event in events])
            assert self.fx.store.states[report_id] == folded
            copies = self.run(self.fx.copy.of(report_id, len(events) + 1))
            assert copies == events

    @invariant()
    def every_event_was_allowed_for_its_issuer_in_the_status_before_it(self) -> None:
        for report_id, events in self.logged().items():
            pairs = [(event.envelope, event.payload) for event in events]
            for i, event in enumerate(events):
                command, role = self.issuers[(report_id, event.envelope.sequence)]
                before = fold(pairs[:i])
                if command == SUBMITTED:
                    assert before is None
                    assert isinstance(event.payload, e.ReportSubmitted)
                    continue
                rule_ = RULES_BY_NAME[command]
                assert before is not None
                assert role in rule_.roles, (command, role)
                assert before.status in rule_.statuses, (command, before.status)

    @invariant()
    def only_erasure_makes_an_identity_unreadable(self) -> None:
        for report_id, events in self.logged().items():
            state = self.fx.store.states[report_id]
            if state.reporter is None:
                continue
            identity = self.run(self.fx.vault.open(state.reporter))
            erased = any(isinstance(event.payload, e.ReporterDataErased) for event in events)
            assert identity == (None if erased else IDENTITY)
            assert state.reporter_erased is erased


WriterMachine.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestWriterMachine = WriterMachine.TestCase
