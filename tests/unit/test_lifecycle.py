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
from lapor.routing.v1.commands_pb2 import RouteReport
from tests.unit.reports import (
    ADMIN,
    AGENCY,
    AGENCY_NAME,
    AT,
    EVERYONE,
    OFFICER,
    OTHER_AGENCY,
    REPORTER,
    SEALED,
    SERVICE,
    STRANGER,
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
}

# The status each command leaves the report in; None: unchanged.
AFTER: dict[type[Message], Status | None] = {
    c.VerifyReport: None,
    c.RejectReport: S.DITOLAK,
    c.ArchiveReport: S.DIARSIPKAN,
    c.PostponeReport: None,
    c.AssignAgency: S.DITERUSKAN_KE_INSTANSI,
    RouteReport: S.DITERUSKAN_KE_INSTANSI,
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
        c.RejectReport: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI}),
        c.ArchiveReport: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI}),
        c.PostponeReport: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI}),
        c.AssignAgency: (Role.ADMINISTRATOR, {S.MENUNGGU_VERIFIKASI}),
        RouteReport: (Role.SERVICE, {S.MENUNGGU_VERIFIKASI}),
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


# Refusals that depend on the report's history, in a status that allows the command.


def test_a_report_is_verified_once() -> None:
    report = report_at(S.MENUNGGU_VERIFIKASI)
    report.act(VALID[c.VerifyReport], ADMIN)
    assert report.now().verified
    with pytest.raises(Refused, match="already verified"):
        decide(report.now(), VALID[c.VerifyReport], ADMIN, AT)


def test_a_forward_to_the_agency_the_report_is_at_is_refused() -> None:
    state = report_at(S.DIPROSES).now()
    with pytest.raises(Refused, match="already at that agency"):
        decide(state, c.ForwardReport(to_agency_code=AGENCY, reason="x"), ADMIN, AT)


def test_a_report_is_rated_once() -> None:
    report = report_at(S.DITANGGAPI)
    report.act(c.RateReport(score=5), REPORTER)
    with pytest.raises(Refused, match="already rated"):
        decide(report.now(), c.RateReport(score=1), REPORTER, AT)


@pytest.mark.parametrize("score", [0, 3, 4, 5])
def test_an_appeal_needs_a_rating_of_two_or_less(score: int) -> None:
    report = report_at(S.DITANGGAPI)
    if score:
        report.act(c.RateReport(score=score), REPORTER)
    with pytest.raises(Refused, match="rating of 2 or less"):
        decide(report.now(), VALID[c.AppealReport], REPORTER, AT)


@pytest.mark.parametrize("score", [1, 2])
def test_a_rating_of_two_or_less_can_be_appealed(score: int) -> None:
    report = report_at(S.DITANGGAPI)
    report.act(c.RateReport(score=score), REPORTER)
    report.act(VALID[c.AppealReport], REPORTER)
    assert report.now().status is S.BANDING
    assert report.now().appealed


def test_a_report_is_appealed_once() -> None:
    report = report_at(S.BANDING)
    report.act(VALID[c.ResolveReport], OFFICER)
    assert report.now().status is S.DITANGGAPI
    with pytest.raises(Refused, match="already appealed"):
        decide(report.now(), VALID[c.AppealReport], REPORTER, AT)


@pytest.mark.parametrize(
    "command",
    [
        c.EscalateReport(to_agency_code=THIRD_AGENCY, tier=0, reason="x"),
        c.EscalateReport(tier=2, reason="x"),
    ],
)
def test_an_escalation_must_go_up_a_tier_to_an_agency(command: c.EscalateReport) -> None:
    with pytest.raises(Refused, match="above tier 0"):
        decide(report_at(S.DIPROSES).now(), command, SERVICE, AT)


def test_a_second_escalation_must_go_higher_than_the_first() -> None:
    report = report_at(S.DIPROSES)
    report.act(VALID[c.EscalateReport], SERVICE)
    again = c.EscalateReport(to_agency_code="kemen-pu", tier=1, reason="x")
    with pytest.raises(Refused, match="above tier 1"):
        decide(report.now(), again, SERVICE, AT)
    again.tier = 2
    report.act(again, SERVICE)
    assert (report.now().escalation_tier, report.now().agency_code) == (2, "kemen-pu")


def test_reporter_data_is_erased_once_and_only_when_there_is_some() -> None:
    report = report_at(S.DIPROSES)
    report.act(VALID[c.EraseReporterData], ADMIN)
    assert report.now().reporter_erased
    with pytest.raises(Refused, match="no reporter data"):
        decide(report.now(), VALID[c.EraseReporterData], ADMIN, AT)
    anonymous = Pure()
    anonymous.submit(sealed=None)
    with pytest.raises(Refused, match="no reporter data"):
        decide(anonymous.now(), VALID[c.EraseReporterData], ADMIN, AT)


# The fold along the documented paths.


def _statuses(steps: list[tuple[Message, Principal]]) -> list[Status]:
    report = Pure()
    report.submit()
    seen = [report.now().status]
    for command, who in steps:
        report.act(command, who)
        seen.append(report.now().status)
    assert [ev.envelope.sequence for ev in report.events] == list(range(1, len(steps) + 2))
    return seen


def test_the_main_path_runs_from_waiting_to_completed() -> None:
    steps = [
        (VALID[RouteReport], SERVICE),
        (VALID[c.AcknowledgeReport], OFFICER),
        (VALID[c.RequestInformation], OFFICER),
        (VALID[c.ProvideInformation], REPORTER),
        (VALID[c.RespondToReport], OFFICER),
        (VALID[c.AcceptOutcome], REPORTER),
    ]
    assert _statuses(steps) == [
        S.MENUNGGU_VERIFIKASI,
        S.DITERUSKAN_KE_INSTANSI,
        S.DIPROSES,
        S.MENUNGGU_TANGGAPAN_PELAPOR,
        S.DIPROSES,
        S.DITANGGAPI,
        S.SELESAI,
    ]


def test_an_interim_response_puts_the_report_in_progress() -> None:
    interim = c.RespondToReport(text="Akan ditinjau minggu depan", final=False)
    assert _statuses([(VALID[RouteReport], SERVICE), (interim, OFFICER)])[-1] is S.DIPROSES


def test_a_poor_rating_after_completion_opens_an_appeal_that_ends_completed_again() -> None:
    steps = [
        (VALID[RouteReport], SERVICE),
        (VALID[c.ResolveReport], OFFICER),
        (VALID[c.CloseReport], SERVICE),
        (c.RateReport(score=2), REPORTER),
        (VALID[c.AppealReport], REPORTER),
        (VALID[c.AcknowledgeReport], OFFICER),
        (VALID[c.RespondToReport], OFFICER),
        (VALID[c.AcceptOutcome], REPORTER),
    ]
    assert _statuses(steps) == [
        S.MENUNGGU_VERIFIKASI,
        S.DITERUSKAN_KE_INSTANSI,
        S.DITANGGAPI,
        S.SELESAI,
        S.SELESAI,
        S.BANDING,
        S.DIPROSES,
        S.DITANGGAPI,
        S.SELESAI,
    ]


@pytest.mark.parametrize(
    ("command", "status"),
    [(VALID[c.RejectReport], S.DITOLAK), (VALID[c.ArchiveReport], S.DIARSIPKAN)],
)
def test_rejected_and_archived_reports_are_closed(command: Message, status: Status) -> None:
    assert _statuses([(command, ADMIN)]) == [S.MENUNGGU_VERIFIKASI, status]
    assert status in CLOSED
    for command_type, rule in RULES.items():
        if command_type is not c.EraseReporterData:
            assert status not in rule.statuses, command_type.__name__


def test_the_fold_records_each_commands_details() -> None:
    report = report_at(S.MENUNGGU_VERIFIKASI)
    report.act(VALID[c.VerifyReport], ADMIN)
    report.act(VALID[c.PostponeReport], ADMIN)
    assert report.now().verified
    assert report.now().postponed_until == AT + timedelta(days=3)
    report.act(VALID[c.AssignAgency], ADMIN)
    routed = report.now()
    assert (routed.agency_code, routed.agency_name, routed.category_code) == (
        AGENCY,
        AGENCY_NAME,
        "jalan",
    )
    assert routed.postponed_until is None
    report.act(VALID[c.EscalateReport], SERVICE)
    assert (report.now().agency_code, report.now().escalation_tier) == (THIRD_AGENCY, 1)
    assert report.now().status is S.DITERUSKAN_KE_INSTANSI


@pytest.mark.parametrize("status", sorted(AT_AGENCY))
def test_an_administrators_forward_keeps_the_status(status: Status) -> None:
    """docs/lifecycle.md: "ReportForwarded by an administrator and ReportEscalated move a report
    between agencies without changing its status"."""
    report = report_at(status)
    report.act(VALID[c.ForwardReport], ADMIN)
    after = report.now()
    assert (after.agency_code, after.agency_name) == (THIRD_AGENCY, "Pemprov Jawa Barat")
    assert after.status is status


@pytest.mark.parametrize("status", sorted(AT_AGENCY))
def test_an_escalation_keeps_the_status(status: Status) -> None:
    report = report_at(status)
    report.act(VALID[c.EscalateReport], SERVICE)
    assert report.now().status is status


# "Not our authority" never closes a report.


@pytest.mark.parametrize("status", [S.DITERUSKAN_KE_INSTANSI, S.DIPROSES])
def test_a_decline_returns_the_report_to_verification_remembering_the_agency(
    status: Status,
) -> None:
    report = report_at(status)
    report.act(VALID[c.DeclineReport], OFFICER)
    state = report.now()
    assert state.status is S.MENUNGGU_VERIFIKASI
    assert state.status not in CLOSED
    assert (state.agency_code, state.agency_name) == ("", "")
    assert state.declined_by == (AGENCY,)


@pytest.mark.parametrize(
    ("command", "who"),
    [
        (VALID[RouteReport], SERVICE),
        (VALID[c.AssignAgency], ADMIN),
    ],
    ids=["route", "assign"],
)
def test_after_a_decline_routing_back_to_that_agency_is_refused(
    command: Message, who: Principal
) -> None:
    report = report_at(S.DITERUSKAN_KE_INSTANSI)
    report.act(VALID[c.DeclineReport], OFFICER)
    with pytest.raises(Refused, match=f"{AGENCY} already declined"):
        decide(report.now(), command, who, AT)


def test_after_declines_the_report_moves_on_and_each_decliner_is_remembered() -> None:
    report = report_at(S.DITERUSKAN_KE_INSTANSI)
    report.act(VALID[c.DeclineReport], OFFICER)
    report.act(RouteReport(agency_code=OTHER_AGENCY, agency_name="Pemkot Bandung"), SERVICE)
    assert (report.now().status, report.now().agency_code) == (
        S.DITERUSKAN_KE_INSTANSI,
        OTHER_AGENCY,
    )
    with pytest.raises(Forbidden):  # the declining agency no longer acts on it
        decide(report.now(), VALID[c.AcknowledgeReport], OFFICER, AT)
    report.act(VALID[c.DeclineReport], STRANGER)
    assert report.now().declined_by == (AGENCY, OTHER_AGENCY)
    assert report.now().status is S.MENUNGGU_VERIFIKASI
    for agency in (AGENCY, OTHER_AGENCY):
        with pytest.raises(Refused, match="declined"):
            decide(report.now(), RouteReport(agency_code=agency), SERVICE, AT)
    report.act(RouteReport(agency_code=THIRD_AGENCY), SERVICE)
    assert report.now().agency_code == THIRD_AGENCY


def test_a_declined_report_can_still_be_assigned_elsewhere_by_an_administrator() -> None:
    report = report_at(S.DIPROSES)
    report.act(VALID[c.DeclineReport], OFFICER)
    report.act(c.AssignAgency(agency_code=THIRD_AGENCY, agency_name="Pemprov"), ADMIN)
    assert report.now().status is S.DITERUSKAN_KE_INSTANSI
    assert report.now().declined_by == (AGENCY,)


def test_a_closed_report_accepts_only_erasure_and_its_appeal() -> None:
    selesai = report_at(S.SELESAI, poorly_rated=True).now()
    accepted = {
        command_type
        for command_type in RULES
        if _accepts(command_type, selesai)
    }
    assert accepted == {c.AppealReport, c.EraseReporterData}


def _accepts(command_type: type[Message], state: ReportState) -> bool:
    for who in (ADMIN, OFFICER, REPORTER, SERVICE, PUBLIC):
        try:
            decide(state, VALID[command_type], who, AT)
        except (Forbidden, Refused, Invalid):
            continue
        return True
    return False

