"""Escalation's pure domain on the real calendar: working days, time zones, policies, every
clock of a report, its timers and what firing them decides (DESIGN.md section 2)."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from escalation.domain.calendar import indonesian_calendar
from escalation.domain.clocks import Report, Rules, evolve
from escalation.domain.policy import ClockKind, Policies, load_policies
from escalation.domain.timers import Action, Rung, fire, timers
from lapor.events.v1.envelope_pb2 import Actor
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, new_event
from lapor_common.zones import WIB, WITA

POLICIES = Path(__file__).resolve().parents[2] / "services/escalation/escalation/data/policies.toml"
CALENDAR = indonesian_calendar(2025, 2028)
K = ClockKind
DINKES_MAKASSAR = "pemkot-7371.dinkes"
CHAIN = [
    Rung(DINKES_MAKASSAR, "Dinas Kesehatan Kota Makassar"),
    Rung("pemkot-7371", "Pemerintah Kota Makassar"),
    Rung("pemprov-73", "Pemerintah Provinsi Sulawesi Selatan"),
]


def wita(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WITA)


def end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999000, tzinfo=zone).astimezone(UTC)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules(load_policies(POLICIES), CALENDAR)


class Log:
    """One report's events, folded as they are appended."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.report: Report | None = None
        self.sequence = 0

    def add(self, payload: Message, at: datetime) -> Report:
        self.sequence += 1
        event = new_event("ESC-TEST", self.sequence, payload, Causation(Actor(), "c"), at)
        self.report = evolve(self.report, event.envelope, payload, self.rules)
        return self.report


def _deadline(report: Report, kind: ClockKind) -> datetime:
    clock = report.clock(kind)
    assert clock is not None
    return clock.deadline


def _complaint() -> e.ReportSubmitted:
    return e.ReportSubmitted(type=e.REPORT_TYPE_COMPLAINT, region_code="73.71")


def test_a_complaint_filed_on_the_friday_before_lebaran_in_makassar(rules: Rules) -> None:
    """2026-03-20 is cuti bersama, 21-22 Idul Fitri (a weekend), 23-24 cuti bersama: the
    three working days to verify are 25, 26 and 27 March, ending at midnight WITA."""
    log = Log(rules)
    report = log.add(_complaint(), wita(2026, 3, 20, 10, 0))
    assert _deadline(report, K.VERIFY) == end_of(date(2026, 3, 27), WIB)
    routed = log.add(e.ReportRouted(agency_code=DINKES_MAKASSAR), wita(2026, 3, 25, 9, 0))
    assert routed.clock(K.VERIFY) is None
    # 26, 27, 30, 31 March, 1 April; Good Friday 3 April is a holiday.
    assert _deadline(routed, K.FIRST_RESPONSE) == end_of(date(2026, 4, 1), WITA)
    assert _deadline(routed, K.COMPLETION) == end_of(date(2026, 4, 15), WITA)
    assert {c.policy_version for c in routed.clocks} == {"deadlines/2026.11-1"}


@pytest.mark.parametrize(
    ("type_", "examination", "days"),
    [
        (e.REPORT_TYPE_ASPIRATION, False, 5),
        (e.REPORT_TYPE_INFORMATION_REQUEST, False, 5),
        (e.REPORT_TYPE_COMPLAINT, False, 14),
        (e.REPORT_TYPE_COMPLAINT, True, 60),
    ],
)
def test_completion_depends_on_the_report_type(
    rules: Rules, type_: int, examination: bool, days: int
) -> None:
    log = Log(rules)
    monday = datetime(2026, 9, 7, 9, 0, tzinfo=WIB)
    log.add(e.ReportSubmitted(type=type_, requires_examination=examination), monday)  # type: ignore[arg-type]
    report = log.add(e.ReportRouted(agency_code="pemkab-3204.pupr"), monday)
    expected = CALENDAR.add_working_days(date(2026, 9, 7), days)
    assert _deadline(report, K.COMPLETION) == end_of(expected, WIB)


def test_a_request_for_information_pauses_completion_and_the_answer_extends_it(
    rules: Rules,
) -> None:
    log = Log(rules)
    log.add(_complaint(), wita(2026, 9, 7, 9))
    routed = log.add(e.ReportRouted(agency_code=DINKES_MAKASSAR), wita(2026, 9, 7, 10))
    asked = log.add(e.InformationRequested(question="?"), wita(2026, 9, 8, 10))
    assert asked.clock(K.FIRST_RESPONSE) is None
    paused = asked.clock(K.COMPLETION)
    assert paused is not None
    assert paused.paused_at is not None
    assert [t for t in timers(asked, CALENDAR) if t.kind is K.COMPLETION] == []
    answered = log.add(e.InformationProvided(answer="!"), wita(2026, 9, 11, 16))  # Friday
    before = _deadline(routed, K.COMPLETION).astimezone(WITA).date()
    assert _deadline(answered, K.COMPLETION) == end_of(CALENDAR.add_working_days(before, 3), WITA)


def test_forwarding_restarts_the_agency_clocks_in_the_new_agencys_zone(rules: Rules) -> None:
    log = Log(rules)
    log.add(_complaint(), wita(2026, 9, 7, 9))
    log.add(e.ReportRouted(agency_code=DINKES_MAKASSAR), wita(2026, 9, 7, 10))
    moved = log.add(
        e.ReportForwarded(from_agency_code=DINKES_MAKASSAR, to_agency_code="kemenkes"),
        wita(2026, 9, 9, 10),
    )
    assert moved.agency_code == "kemenkes"
    assert _deadline(moved, K.FIRST_RESPONSE) == end_of(date(2026, 9, 16), WIB)
    declined = log.add(
        e.ReportForwarded(from_agency_code="kemenkes", kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY),
        wita(2026, 9, 10, 10),
    )
    assert [c.kind for c in declined.clocks] == [K.VERIFY]


def test_a_postponement_extends_verification_to_its_date(rules: Rules) -> None:
    log = Log(rules)
    submitted = log.add(_complaint(), datetime(2026, 9, 7, 9, tzinfo=WIB))
    until = Timestamp()
    until.FromDatetime(datetime(2026, 9, 14, 0, tzinfo=UTC))
    postponed = log.add(
        e.ReportPostponed(reason="r", until=until), datetime(2026, 9, 8, 9, tzinfo=WIB)
    )
    assert _deadline(submitted, K.VERIFY) == end_of(date(2026, 9, 10), WIB)
    # Paused 8 -> 14 September: 9, 10, 11 and 14 are the working days it covered.
    assert _deadline(postponed, K.VERIFY) == end_of(date(2026, 9, 16), WIB)


def test_the_final_response_starts_auto_close_and_the_reporters_word_restarts_it(
    rules: Rules,
) -> None:
    log = Log(rules)
    log.add(_complaint(), wita(2026, 9, 7, 9))
    log.add(e.ReportRouted(agency_code=DINKES_MAKASSAR), wita(2026, 9, 7, 10))
    final = log.add(e.ReportResponded(text="t", final=True), wita(2026, 9, 8, 10))
    assert [c.kind for c in final.clocks] == [K.AUTO_CLOSE]
    assert _deadline(final, K.AUTO_CLOSE) == end_of(date(2026, 9, 22), WITA)
    replied = log.add(e.ReporterReplied(text="belum"), wita(2026, 9, 10, 10))
    assert _deadline(replied, K.AUTO_CLOSE) == end_of(date(2026, 9, 24), WITA)
    appealed = log.add(e.ReportAppealed(reason="r"), wita(2026, 9, 11, 10))
    assert sorted(c.kind for c in appealed.clocks) == sorted([K.FIRST_RESPONSE, K.COMPLETION])
    closed = log.add(e.ReportClosed(), wita(2026, 9, 12, 10))
    assert closed.clocks == ()


def test_timers_remind_a_working_day_before_and_fire_at_the_deadline(rules: Rules) -> None:
    log = Log(rules)
    log.add(_complaint(), wita(2026, 3, 20, 10))
    report = log.add(e.ReportRouted(agency_code=DINKES_MAKASSAR), wita(2026, 3, 25, 9))
    first = [t for t in timers(report, CALENDAR) if t.kind is K.FIRST_RESPONSE]
    assert [(t.action, t.due) for t in first] == [
        (Action.REMIND, end_of(date(2026, 3, 31), WITA)),
        (Action.MISS, end_of(date(2026, 4, 1), WITA)),
    ]
    remind = fire(report, first[0], CHAIN)
    assert isinstance(remind, c.NoteDeadlineApproaching)
    assert (remind.agency_code, remind.policy_version) == (DINKES_MAKASSAR, "deadlines/2026.11-1")
    reminded = log.add(
        e.DeadlineApproaching(clock=remind.clock, deadline=remind.deadline), wita(2026, 3, 31, 23)
    )
    assert fire(reminded, first[0], CHAIN) is None  # a second firing decides nothing
    assert Action.REMIND not in {
        t.action for t in timers(reminded, CALENDAR) if t.kind is K.FIRST_RESPONSE
    }
    missed = fire(reminded, first[1], CHAIN)
    assert isinstance(missed, c.RecordDeadlineMissed)
    assert (missed.agency_code, missed.escalate_to_agency_code, missed.tier) == (
        DINKES_MAKASSAR,
        "pemkot-7371",
        1,
    )
    recomputed = [t for t in timers(report, CALENDAR) if t.kind is K.FIRST_RESPONSE]
    assert [t.command_id for t in recomputed] == [t.command_id for t in first]
    assert first[0].command_id != first[1].command_id


def test_a_stopped_or_moved_clock_fires_nothing_and_auto_close_closes(rules: Rules) -> None:
    log = Log(rules)
    log.add(_complaint(), wita(2026, 9, 7, 9))
    routed = log.add(e.ReportRouted(agency_code=DINKES_MAKASSAR), wita(2026, 9, 7, 10))
    stale = [t for t in timers(routed, CALENDAR) if t.kind is K.FIRST_RESPONSE][-1]
    responded = log.add(e.ReportResponded(text="t", final=True), wita(2026, 9, 8, 10))
    assert fire(responded, stale, CHAIN) is None
    [auto_close] = timers(responded, CALENDAR)
    assert fire(responded, auto_close, CHAIN) == c.CloseReport(reason=e.CLOSURE_REASON_AUTO_CLOSED)


def test_a_missed_verification_warns_the_administrators_without_escalating(rules: Rules) -> None:
    log = Log(rules)
    report = log.add(_complaint(), wita(2026, 9, 7, 9))
    miss = next(t for t in timers(report, CALENDAR) if t.action is Action.MISS)
    missed = fire(report, miss, CHAIN)
    assert isinstance(missed, c.RecordDeadlineMissed)
    assert (missed.agency_code, missed.escalate_to_agency_code) == ("", "")


def test_at_the_top_of_the_chain_nothing_is_above(rules: Rules) -> None:
    log = Log(rules)
    log.add(_complaint(), wita(2026, 9, 7, 9))
    report = log.add(e.ReportRouted(agency_code="ombudsman"), wita(2026, 9, 7, 10))
    miss = next(t for t in timers(report, CALENDAR) if t.action is Action.MISS)
    missed = fire(report, miss, [Rung("ombudsman", "Ombudsman Republik Indonesia")])
    assert isinstance(missed, c.RecordDeadlineMissed)
    assert missed.escalate_to_agency_code == ""


def test_a_new_policy_applies_to_new_clocks_and_leaves_running_ones(rules: Rules) -> None:
    old = rules.policies.versions[0]
    newer = type(old)(
        **{
            **old.__dict__,
            "version": "deadlines/next",
            "first_response": 2,
            "effective_from": datetime(2026, 9, 8, tzinfo=WIB),
        }
    )
    changed = Rules(Policies((old, newer)), CALENDAR)
    log = Log(changed)
    log.add(_complaint(), wita(2026, 9, 7, 9))
    before = log.add(e.ReportRouted(agency_code=DINKES_MAKASSAR), wita(2026, 9, 7, 10))
    after = log.add(
        e.ReportForwarded(from_agency_code=DINKES_MAKASSAR, to_agency_code="pemkot-7371.dinsos"),
        wita(2026, 9, 9, 10),
    )
    first_before = before.clock(K.FIRST_RESPONSE)
    first_after = after.clock(K.FIRST_RESPONSE)
    assert first_before is not None
    assert first_after is not None
    assert first_before.policy_version == "deadlines/2026.11-1"
    assert first_after.policy_version == "deadlines/next"
    assert first_after.deadline == end_of(date(2026, 9, 11), WITA)
    assert first_before.deadline - first_before.started_at > timedelta(days=5)
