"""The report's state machine: every command in RULES, for whom, from which status, with what
content, and the events and statuses it leads to (pure decide and fold, no I/O)."""

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from intake.domain.lifecycle import MAX_TEXT, RULES, decide
from intake.domain.model import (
    AT_AGENCY,
    CLOSED,
    PUBLIC,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Refused,
    ReportState,
    Role,
    Status,
)
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes
from tests.unit.reports import (
    ADMIN,
    AGENCY,
    AGENCY_NAME,
    AT,
    EVERYONE,
    HINT,
    OFFICER,
    ORIGINAL,
    REPORTER,
    SEALED,
    STRANGER,
    SUGGESTION,
    THIRD_AGENCY,
    VALID,
    Pure,
    report_at,
    timestamp,
)

S = Status
Expected = Callable[[ReportState], list[Message]]


def _name(value: object) -> str:
    return value.__name__ if isinstance(value, type) else str(value)


def _ready(command_type: type[Message], status: Status) -> Pure:
    """A report in the status that meets the command's other preconditions."""
    return report_at(status, poorly_rated=command_type is c.AppealReport)


def _issuer(command_type: type[Message], state: ReportState) -> Principal:
    """The rightful issuer; an officer of whatever agency the report is at, so that only the
    status can stand in the way."""
    [role] = RULES[command_type].roles
    if role is Role.OFFICER:
        return Principal(Role.OFFICER, agency_code=state.agency_code, subject="budi")
    return EVERYONE[role]


EXPECTED: dict[type[Message], Expected] = {
    c.VerifyReport: lambda s: [e.ReportVerified(note="lengkap")],
    c.RejectReport: lambda s: [
        e.ReportRejected(reason=e.REJECTION_REASON_DUPLICATE, note="sama dengan yang lain")
    ],
    c.ArchiveReport: lambda s: [e.ReportArchived(reason="sudah ditangani di luar LAPOR")],
    c.PostponeReport: lambda s: [
        e.ReportPostponed(reason="menunggu data", until=timestamp(AT + timedelta(days=3)))
    ],
    c.AssignAgency: lambda s: [
        e.ReportRouted(
            agency_code=AGENCY,
            agency_name=AGENCY_NAME,
            category_code="jalan",
            decided_by=e.DECIDED_BY_ADMINISTRATOR,
            confidence=1.0,
            reason="wilayah",
        )
    ],
    RouteReport: lambda s: [
        e.ReportRouted(
            agency_code=AGENCY,
            agency_name=AGENCY_NAME,
            category_code="jalan",
            decided_by=e.DECIDED_BY_RULE,
            confidence=1.0,
            rule_version="regional-government/1",
            reason="region 32.04.05 lies in Pemerintah Kabupaten Bandung",
        )
    ],
    SuggestRoutes: lambda s: [
        e.RoutingSuggested(
            suggestions=[SUGGESTION],
            hints=[HINT],
            rule_version="rules/1",
            model_version="nb-1",
            reason="low confidence",
        )
    ],
    LinkDuplicate: lambda s: [
        e.DuplicateLinked(
            original_report_id=ORIGINAL, similarity=0.8, reason="same road, same week"
        )
    ],
    c.ForwardReport: lambda s: [
        e.ReportForwarded(
            from_agency_code=s.agency_code,
            to_agency_code=THIRD_AGENCY,
            to_agency_name="Pemprov Jawa Barat",
            reason="jalan provinsi",
            kind=e.FORWARD_KIND_ADMINISTRATOR,
        )
    ],
    c.DeclineReport: lambda s: [
        e.ReportForwarded(
            from_agency_code=s.agency_code,
            reason="jalan nasional, bukan wewenang kami",
            kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY,
        )
    ],
    c.AcknowledgeReport: lambda s: [e.ReportAcknowledged(note="diterima")],
    c.RequestInformation: lambda s: [e.InformationRequested(question="Di km berapa?")],
    c.ProvideInformation: lambda s: [e.InformationProvided(answer="Km 12")],
    c.RespondToReport: lambda s: [e.ReportResponded(text="Sudah ditambal.", final=True)],
    c.ResolveReport: lambda s: [e.ReportResolved(summary="Jalan sudah diperbaiki")],
    c.ReplyToReport: lambda s: [e.ReporterReplied(text="Terima kasih")],
    c.RateReport: lambda s: [e.ReportRated(score=4, comment="cepat")],
    c.AppealReport: lambda s: [e.ReportAppealed(reason="Lubang muncul lagi")],
    c.AcceptOutcome: lambda s: [e.ReportClosed(reason=e.CLOSURE_REASON_ACCEPTED)],
    c.CloseReport: lambda s: [e.ReportClosed(reason=e.CLOSURE_REASON_AUTO_CLOSED)],
    c.EscalateReport: lambda s: [
        e.ReportEscalated(
            from_agency_code=s.agency_code,
            to_agency_code=THIRD_AGENCY,
            to_agency_name="Pemprov Jawa Barat",
            tier=1,
            reason="lewat",
        )
    ],
    c.EraseReporterData: lambda s: [
        e.ReporterDataErased(key_id=SEALED.key_id, reason="atas permintaan pelapor")
    ],
    c.NoteDeadlineApproaching: lambda s: [
        e.DeadlineApproaching(
            clock=e.CLOCK_KIND_FIRST_RESPONSE,
            deadline=timestamp(AT + timedelta(days=7)),
            agency_code=AGENCY,
            policy_version="deadlines/1",
        )
    ],
    c.RecordDeadlineMissed: lambda s: [
        e.DeadlineMissed(
            clock=e.CLOCK_KIND_FIRST_RESPONSE,
            deadline=timestamp(AT + timedelta(days=7)),
            agency_code=AGENCY,
            policy_version="deadlines/1",
        )
    ],
}

# The status each command leaves the report in; None: unchanged.
AFTER: dict[type[Message], Status | None] = {
    c.VerifyReport: None,
    c.RejectReport: S.DITOLAK,
    c.ArchiveReport: S.DIARSIPKAN,
    c.PostponeReport: None,
    c.AssignAgency: S.DITERUSKAN_KE_INSTANSI,
    RouteReport: S.DITERUSKAN_KE_INSTANSI,
    SuggestRoutes: None,
    LinkDuplicate: S.DIGABUNGKAN,
    c.ForwardReport: None,
    c.DeclineReport: S.MENUNGGU_VERIFIKASI,
    c.AcknowledgeReport: S.DIPROSES,
    c.RequestInformation: S.MENUNGGU_TANGGAPAN_PELAPOR,
    c.ProvideInformation: S.DIPROSES,
    c.RespondToReport: S.DITANGGAPI,
    c.ResolveReport: S.DITANGGAPI,
    c.ReplyToReport: None,
    c.RateReport: None,
    c.AppealReport: S.BANDING,
    c.AcceptOutcome: S.SELESAI,
    c.CloseReport: S.SELESAI,
    c.EscalateReport: None,
    c.EraseReporterData: None,
    c.NoteDeadlineApproaching: None,
    c.RecordDeadlineMissed: None,
}

ALLOWED = [(t, s) for t, rule in RULES.items() for s in sorted(rule.statuses)]
DISALLOWED = [(t, s) for t, rule in RULES.items() for s in sorted(set(Status) - rule.statuses)]
WRONG_ROLES = [(t, r) for t, rule in RULES.items() for r in sorted(set(Role) - rule.roles)]
FOR_OFFICERS = [(t, s) for t, s in ALLOWED if Role.OFFICER in RULES[t].roles]


def test_the_tables_cover_every_command_in_rules() -> None:
    assert set(VALID) == set(EXPECTED) == set(AFTER) == set(RULES)
    assert all(len(rule.roles) == 1 for rule in RULES.values())


def test_the_rules_match_the_documented_table() -> None:
    """docs/lifecycle.md, "Who may do what"."""
    documented = {
        c.VerifyReport: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI}),
        c.RejectReport: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI, S.DIGABUNGKAN}),
        c.ArchiveReport: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI, S.DIGABUNGKAN}),
        c.PostponeReport: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI}),
        c.AssignAgency: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI, S.DIGABUNGKAN}),
        RouteReport: (Role.SERVICE, {S.MENUNGGU_VERIFIKASI}),
        SuggestRoutes: (Role.SERVICE, {S.MENUNGGU_VERIFIKASI}),
        LinkDuplicate: (Role.SERVICE, {S.MENUNGGU_VERIFIKASI}),
        c.ForwardReport: (Role.ADMINISTRATOR, set(AT_AGENCY)),
        c.DeclineReport: (Role.OFFICER, {S.DITERUSKAN_KE_INSTANSI, S.DIPROSES}),
        c.AcknowledgeReport: (Role.OFFICER, {S.DITERUSKAN_KE_INSTANSI, S.BANDING}),
        c.RequestInformation: (Role.OFFICER, {S.DITERUSKAN_KE_INSTANSI, S.DIPROSES, S.BANDING}),
        c.ProvideInformation: (Role.REPORTER, {S.MENUNGGU_TANGGAPAN_PELAPOR}),
        c.RespondToReport: (Role.OFFICER, {S.DITERUSKAN_KE_INSTANSI, S.DIPROSES, S.BANDING}),
        c.ResolveReport: (Role.OFFICER, {S.DITERUSKAN_KE_INSTANSI, S.DIPROSES, S.BANDING}),
        c.ReplyToReport: (Role.REPORTER, set(Status) - CLOSED),
        c.RateReport: (Role.REPORTER, {S.DITANGGAPI, S.SELESAI}),
        c.AppealReport: (Role.REPORTER, {S.DITANGGAPI, S.SELESAI}),
        c.AcceptOutcome: (Role.REPORTER, {S.DITANGGAPI}),
        c.CloseReport: (Role.SERVICE, {S.DITANGGAPI}),
        c.EscalateReport: (Role.SERVICE, set(AT_AGENCY)),
        c.EraseReporterData: (Role.ADMINISTRATOR, set(Status)),
        c.NoteDeadlineApproaching: (Role.SERVICE, set(Status) - CLOSED - {S.DIGABUNGKAN}),
        c.RecordDeadlineMissed: (Role.SERVICE, set(Status) - CLOSED - {S.DIGABUNGKAN}),
    }
    actual = {t: (next(iter(rule.roles)), set(rule.statuses)) for t, rule in RULES.items()}
    assert actual == documented


@pytest.mark.parametrize(("command_type", "status"), ALLOWED, ids=_name)
def test_the_rightful_issuer_gets_the_commands_events(
    command_type: type[Message], status: Status
) -> None:
    report = _ready(command_type, status)
    before = report.now()
    events = decide(before, VALID[command_type], _issuer(command_type, before), AT)
    assert events == EXPECTED[command_type](before)


@pytest.mark.parametrize(("command_type", "status"), ALLOWED, ids=_name)
def test_the_fold_moves_the_report_to_the_commands_status(
    command_type: type[Message], status: Status
) -> None:
    report = _ready(command_type, status)
    before = report.now()
    report.act(VALID[command_type], _issuer(command_type, before))
    after = report.now()
    assert after.sequence == before.sequence + 1
    if command_type is not c.ForwardReport:  # see test_an_administrators_forward_keeps_...
        assert after.status is (AFTER[command_type] or before.status)
    assert (after.report_id, after.submitted_at, after.title) == (
        before.report_id,
        before.submitted_at,
        before.title,
    )


@pytest.mark.parametrize(("command_type", "role"), WRONG_ROLES, ids=_name)
def test_every_other_role_is_forbidden(command_type: type[Message], role: Role) -> None:
    status = min(RULES[command_type].statuses)
    state = _ready(command_type, status).now()
    who = EVERYONE[role]
    if role is Role.OFFICER:
        who = replace(who, agency_code=state.agency_code)
    with pytest.raises(Forbidden):
        decide(state, VALID[command_type], who, AT)


@pytest.mark.parametrize(("command_type", "status"), FOR_OFFICERS, ids=_name)
def test_an_officer_of_another_agency_is_forbidden(
    command_type: type[Message], status: Status
) -> None:
    state = _ready(command_type, status).now()
    assert state.agency_code == AGENCY
    with pytest.raises(Forbidden, match="not at your agency"):
        decide(state, VALID[command_type], STRANGER, AT)


@pytest.mark.parametrize(("command_type", "status"), DISALLOWED, ids=_name)
def test_every_other_status_is_refused(command_type: type[Message], status: Status) -> None:
    state = report_at(status).now()
    with pytest.raises(Refused) as caught:
        decide(state, VALID[command_type], _issuer(command_type, state), AT)
    assert type(caught.value) is Refused
    assert status.value in str(caught.value)


def test_the_role_is_checked_before_the_agency_and_the_status() -> None:
    closed = report_at(S.DITOLAK).now()
    with pytest.raises(Forbidden):
        decide(closed, VALID[c.AcknowledgeReport], PUBLIC, AT)
    with pytest.raises(Forbidden, match="not at your agency"):
        decide(report_at(S.SELESAI).now(), VALID[c.AcknowledgeReport], STRANGER, AT)


def test_an_unknown_report_is_not_found() -> None:
    with pytest.raises(NotFound):
        decide(None, VALID[c.VerifyReport], ADMIN, AT)


def test_what_is_not_a_command_is_invalid() -> None:
    with pytest.raises(Invalid, match="ReportSubmitted is not a command"):
        decide(report_at(S.MENUNGGU_VERIFIKASI).now(), e.ReportSubmitted(), ADMIN, AT)


# Content that is wrong whatever the state: Invalid, checked once role and status allow it.
LONG = "x" * (MAX_TEXT + 1)
INVALID: list[tuple[str, Message]] = [
    ("reject-no-reason", c.RejectReport(note="x")),
    ("reject-unknown-reason", c.RejectReport(reason=99)),  # type: ignore[arg-type]
    ("archive-blank", c.ArchiveReport(reason=" \n ")),
    ("archive-too-long", c.ArchiveReport(reason=LONG)),
    ("postpone-no-until", c.PostponeReport(reason="x")),
    ("postpone-until-now", c.PostponeReport(reason="x", until=timestamp(AT))),
    ("postpone-until-past", c.PostponeReport(reason="x", until=timestamp(AT - timedelta(1)))),
    ("postpone-no-reason", c.PostponeReport(until=timestamp(AT + timedelta(days=1)))),
    ("assign-no-agency", c.AssignAgency(agency_name="x", reason="x")),
    ("route-no-agency", RouteReport(agency_name="x")),
    ("forward-no-agency", c.ForwardReport(reason="x")),
    ("forward-no-reason", c.ForwardReport(to_agency_code=THIRD_AGENCY)),
    ("decline-no-reason", c.DeclineReport()),
    ("ask-blank", c.RequestInformation(question="\t")),
    ("ask-too-long", c.RequestInformation(question=LONG)),
    ("answer-blank", c.ProvideInformation()),
    ("respond-blank", c.RespondToReport(final=True)),
    ("resolve-blank", c.ResolveReport(summary=" ")),
    ("reply-blank", c.ReplyToReport()),
    ("reply-too-long", c.ReplyToReport(text=LONG)),
    ("rate-zero", c.RateReport(score=0)),
    ("rate-six", c.RateReport(score=6)),
    ("appeal-no-reason", c.AppealReport()),
    ("close-no-reason", c.CloseReport()),
    ("close-unknown-reason", c.CloseReport(reason=9)),  # type: ignore[arg-type]
    ("escalate-no-reason", c.EscalateReport(to_agency_code=THIRD_AGENCY, tier=1)),
    ("erase-no-reason", c.EraseReporterData()),
]


@pytest.mark.parametrize(("name", "command"), INVALID, ids=[name for name, _ in INVALID])
def test_invalid_content_is_refused_with_its_problem(name: str, command: Message) -> None:
    command_type = type(command)
    state = _ready(command_type, min(RULES[command_type].statuses)).now()
    with pytest.raises(Invalid) as caught:
        decide(state, command, _issuer(command_type, state), AT)
    assert caught.value.problems


def test_a_postponement_beyond_the_calendar_is_invalid_content() -> None:
    """A Timestamp past 9999-12-31 (possible over gRPC) is content the domain must refuse as
    Invalid; today ToDatetime raises ValueError, which the adapters do not map."""
    state = report_at(S.MENUNGGU_VERIFIKASI).now()
    beyond = c.PostponeReport(reason="x", until=Timestamp(seconds=10**15))
    with pytest.raises(Invalid):
        decide(state, beyond, ADMIN, AT)


def test_content_is_checked_only_after_the_status() -> None:
    with pytest.raises(Refused):
        decide(report_at(S.DIPROSES).now(), c.RateReport(score=0), REPORTER, AT)


def test_text_at_the_limit_is_accepted_and_stripped() -> None:
    state = report_at(S.DIPROSES).now()
    text = "  " + "x" * MAX_TEXT + "  "
    [event] = decide(state, c.RespondToReport(text=text), OFFICER, AT)
    assert event == e.ReportResponded(text="x" * MAX_TEXT)
