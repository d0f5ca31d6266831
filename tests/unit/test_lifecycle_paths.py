"""The report's life along its documented paths (pure decide and fold): refusals that
depend on its history, the statuses each path runs through, and "not our authority", which
moves a report on and never closes it."""

from datetime import timedelta

import pytest
from google.protobuf.message import Message

from intake.domain.lifecycle import RULES, decide
from intake.domain.model import (
    AT_AGENCY,
    CLOSED,
    PUBLIC,
    Forbidden,
    Invalid,
    Principal,
    Refused,
    ReportState,
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
    OFFICER,
    OTHER_AGENCY,
    REPORTER,
    SERVICE,
    STRANGER,
    THIRD_AGENCY,
    VALID,
    Pure,
    report_at,
    timestamp,
)

S = Status


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
def test_an_administrators_forward_hands_the_report_to_the_new_agency_afresh(
    status: Status,
) -> None:
    """docs/lifecycle.md: the new agency takes the report up afresh (Diteruskan ke Instansi);
    an appeal stays an appeal."""
    report = report_at(status)
    report.act(VALID[c.ForwardReport], ADMIN)
    after = report.now()
    assert (after.agency_code, after.agency_name) == (THIRD_AGENCY, "Pemprov Jawa Barat")
    expected = S.BANDING if status is S.BANDING else S.DITERUSKAN_KE_INSTANSI
    assert after.status is expected


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
    accepted = {command_type for command_type in RULES if _accepts(command_type, selesai)}
    assert accepted == {c.AppealReport, c.EraseReporterData}


def _accepts(command_type: type[Message], state: ReportState) -> bool:
    for who in (ADMIN, OFFICER, REPORTER, SERVICE, PUBLIC):
        try:
            decide(state, VALID[command_type], who, AT)
        except (Forbidden, Refused, Invalid):
            continue
        return True
    return False


def test_a_missed_deadline_escalates_a_report_at_an_agency_in_the_same_step() -> None:
    report = report_at(S.DIPROSES)
    missed = c.RecordDeadlineMissed(
        clock=e.CLOCK_KIND_COMPLETION,
        deadline=timestamp(AT),
        agency_code=AGENCY,
        policy_version="deadlines/1",
        escalate_to_agency_code=THIRD_AGENCY,
        escalate_to_agency_name="Pemprov Jawa Barat",
        tier=1,
        reason="batas waktu penyelesaian terlewati",
    )
    events = report.act(missed, SERVICE)
    assert [type(ev) for ev in events] == [e.DeadlineMissed, e.ReportEscalated]
    assert (report.now().agency_code, report.now().escalation_tier) == (THIRD_AGENCY, 1)
    waiting = report_at(S.MENUNGGU_VERIFIKASI)
    with pytest.raises(Refused):
        waiting.act(missed, SERVICE)
