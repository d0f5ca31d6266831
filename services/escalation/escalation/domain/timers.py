"""The timers a report's clocks imply, and what firing one decides: pure, so a timer is
derivable from the log and a second firing decides the same command (intake appends it once).

- A reminder is due at the start of the deadline's last working day (one working day before
  the deadline); it becomes DeadlineApproaching.
- A miss is due at the deadline. An agency's missed clock becomes DeadlineMissed (a warning
  against it) and an escalation to the next tier of the directory's chain, up to the
  Ombudsman; a missed verification warns the national administrators; a silent reporter's
  auto-close closes the report.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from google.protobuf.message import Message

from escalation.domain.calendar import WorkingCalendar, end_of_day, local_day
from escalation.domain.clocks import PROTO_KINDS, Clock, Report
from escalation.domain.policy import ClockKind
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1.events_pb2 import CLOSURE_REASON_AUTO_CLOSED
from lapor_common.envelope import timestamp
from lapor_common.zones import zone_of_agency

_IDS = uuid.UUID("6f1c4a0e-5f1e-4d0b-9a41-3b0c2d7e8a55")


class Action(StrEnum):
    REMIND = "remind"
    MISS = "miss"


@dataclass(frozen=True, order=True)
class Timer:
    due: datetime
    report_id: str
    kind: ClockKind
    action: Action
    deadline: datetime

    @property
    def key(self) -> str:
        """Stable identity: the same timer always has the same key (and command id)."""
        return f"{self.report_id}/{self.kind.value}/{self.deadline.isoformat()}/{self.action.value}"

    @property
    def command_id(self) -> str:
        return str(uuid.uuid5(_IDS, self.key))


@dataclass(frozen=True)
class Rung:
    """One tier of an agency's escalation chain."""

    code: str
    name: str


def _reminder_due(clock: Clock, calendar: WorkingCalendar) -> datetime:
    zone = zone_of_agency(clock.agency_code)
    last = local_day(clock.deadline, zone)
    return end_of_day(calendar.previous_working_day(last), zone).astimezone(UTC)


def timers(report: Report, calendar: WorkingCalendar) -> list[Timer]:
    """The timers of the report's running clocks, soonest first."""
    found = []
    for clock in report.clocks:
        if clock.paused_at is not None:
            continue
        if not clock.reminded and clock.kind is not ClockKind.AUTO_CLOSE:
            due = max(_reminder_due(clock, calendar), clock.started_at)
            found.append(Timer(due, report.report_id, clock.kind, Action.REMIND, clock.deadline))
        found.append(
            Timer(clock.deadline, report.report_id, clock.kind, Action.MISS, clock.deadline)
        )
    return sorted(found)


def _next_rung(report: Report, chain: list[Rung]) -> tuple[Rung, int] | None:
    """The tier above the report's agency (``chain`` starts with that agency), and the report's
    escalation tier once there."""
    above = [rung for rung in chain if rung.code != report.agency_code]
    return (above[0], report.tier + 1) if above else None


def fire(report: Report, timer: Timer, chain: list[Rung]) -> Message | None:
    """The command a due timer decides, or None when its clock has stopped or moved since."""
    clock = report.clock(timer.kind)
    if clock is None or clock.deadline != timer.deadline or clock.paused_at is not None:
        return None
    deadline, kind = timestamp(clock.deadline), PROTO_KINDS[clock.kind]
    if timer.action is Action.REMIND:
        if clock.reminded:
            return None
        return c.NoteDeadlineApproaching(
            clock=kind,
            deadline=deadline,
            agency_code=clock.agency_code,
            policy_version=clock.policy_version,
        )
    if clock.kind is ClockKind.AUTO_CLOSE:
        return c.CloseReport(reason=CLOSURE_REASON_AUTO_CLOSED)
    missed = c.RecordDeadlineMissed(
        clock=kind,
        deadline=deadline,
        agency_code=clock.agency_code,
        policy_version=clock.policy_version,
    )
    step = _next_rung(report, chain) if clock.agency_code else None
    if step is not None:
        rung, tier = step
        missed.escalate_to_agency_code = rung.code
        missed.escalate_to_agency_name = rung.name
        missed.tier = tier
        missed.reason = (
            f"batas waktu {clock.kind.value} {clock.deadline.isoformat(timespec='minutes')} "
            f"terlewati oleh {clock.agency_code} (kebijakan {clock.policy_version})"
        )
    return missed
