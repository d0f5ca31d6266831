"""Every clock of a report as a pure fold of its events: evolve(report, event) -> report.

Which clocks run (DESIGN.md section 2):
- verify (national administrators, WIB): from submission, and again when an agency
  declines, until the report is routed; a postponement extends it to its date;
- first response and completion (the agency): from routing, forwarding or escalation to
  an agency, restarted for each new agency and on appeal; the first substantive
  response (a response, or a request for information) stops the first; the request
  for information pauses completion until the reporter answers; a final response or
  resolution stops both;
- auto-close: from the final response, restarted by each word from the reporter, stopped by
  an appeal.
A reminder and a miss are marked by their own events, so no timer fires twice.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message

from escalation.domain.calendar import WorkingCalendar, end_of_day, local_day
from escalation.domain.policy import ClockKind, Policies
from lapor.events.v1.envelope_pb2 import EventEnvelope
from lapor.report.v1 import events_pb2 as e
from lapor_common.zones import zone_of_agency

K = ClockKind
AGENCY_CLOCKS = (K.FIRST_RESPONSE, K.COMPLETION)
PROTO_KINDS = {
    K.VERIFY: e.CLOCK_KIND_VERIFY,
    K.FIRST_RESPONSE: e.CLOCK_KIND_FIRST_RESPONSE,
    K.COMPLETION: e.CLOCK_KIND_COMPLETION,
    K.AUTO_CLOSE: e.CLOCK_KIND_AUTO_CLOSE,
}
KINDS = {value: kind for kind, value in PROTO_KINDS.items()}


@dataclass(frozen=True)
class Clock:
    kind: ClockKind
    agency_code: str  # "" for the national administrators
    started_at: datetime
    deadline: datetime  # the end of the last working day in the agency's zone (aware)
    policy_version: str
    paused_at: datetime | None = None
    reminded: bool = False


@dataclass(frozen=True)
class Report:
    report_id: str
    sequence: int
    type: int
    examination: bool
    category: str
    agency_code: str = ""
    tier: int = 0
    clocks: tuple[Clock, ...] = ()

    def clock(self, kind: ClockKind) -> Clock | None:
        return next((c for c in self.clocks if c.kind is kind), None)


@dataclass(frozen=True)
class Rules:
    """What deadlines are computed with: the policy versions and the working calendar."""

    policies: Policies
    calendar: WorkingCalendar

    def start(self, report: Report, kind: ClockKind, agency: str, at: datetime) -> Clock:
        """A clock started at ``at``, under the policy in force then."""
        policy = self.policies.at(at)
        zone = zone_of_agency(agency)
        limit = policy.limit(kind, report.type, report.examination, report.category)  # type: ignore[arg-type]
        last = self.calendar.add_working_days(local_day(at, zone), limit)
        return Clock(kind, agency, at, end_of_day(last, zone).astimezone(UTC), policy.version)

    def extend(self, clock: Clock, since: datetime, until: datetime) -> Clock:
        """The clock after a pause from ``since`` to ``until``: its deadline moves by the working
        days the pause covered."""
        zone = zone_of_agency(clock.agency_code)
        paused = self.calendar.working_days_between(local_day(since, zone), local_day(until, zone))
        last = self.calendar.add_working_days(local_day(clock.deadline, zone), paused)
        return replace(clock, deadline=end_of_day(last, zone).astimezone(UTC), paused_at=None)


def _without(report: Report, *kinds: ClockKind) -> tuple[Clock, ...]:
    return tuple(c for c in report.clocks if c.kind not in kinds)


def _at_agency(report: Report, rules: Rules, agency: str, at: datetime) -> Report:
    started = tuple(rules.start(report, kind, agency, at) for kind in AGENCY_CLOCKS)
    clocks = _without(report, K.VERIFY, K.AUTO_CLOSE, *AGENCY_CLOCKS) + started
    return replace(report, agency_code=agency, clocks=clocks)


def _routed(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    report = replace(report, category=ev.category_code or report.category)
    return _at_agency(report, rules, ev.agency_code, at)


def _forwarded(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    if ev.to_agency_code:
        return _at_agency(report, rules, ev.to_agency_code, at)
    verify = rules.start(report, K.VERIFY, "", at)
    return replace(report, agency_code="", clocks=(*_without(report, *AGENCY_CLOCKS), verify))


def _escalated(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    return replace(_at_agency(report, rules, ev.to_agency_code, at), tier=ev.tier)


def _postponed(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    verify = report.clock(K.VERIFY)
    if verify is None:
        return report
    extended = rules.extend(verify, at, ev.until.ToDatetime(UTC))
    return replace(report, clocks=(*_without(report, K.VERIFY), extended))


def _asked(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    completion = report.clock(K.COMPLETION)
    clocks = _without(report, K.FIRST_RESPONSE, K.COMPLETION)
    if completion is not None:
        clocks += (replace(completion, paused_at=completion.paused_at or at),)
    return replace(report, clocks=clocks)


def _answered(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    completion = report.clock(K.COMPLETION)
    if completion is None or completion.paused_at is None:
        return report
    resumed = rules.extend(completion, completion.paused_at, at)
    return replace(report, clocks=(*_without(report, K.COMPLETION), resumed))


def _responded(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    if isinstance(ev, e.ReportResponded) and not ev.final:
        return replace(report, clocks=_without(report, K.FIRST_RESPONSE))
    auto_close = rules.start(report, K.AUTO_CLOSE, report.agency_code, at)
    return replace(report, clocks=(*_without(report, *AGENCY_CLOCKS, K.AUTO_CLOSE), auto_close))


def _reporter_spoke(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    if report.clock(K.AUTO_CLOSE) is None:
        return report
    return _responded(report, e.ReportResolved(), rules, at)


def _appealed(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    return _at_agency(report, rules, report.agency_code, at)


def _ended(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    return replace(report, clocks=())


def _reminded(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    kind = KINDS.get(ev.clock)
    clocks = tuple(replace(c, reminded=True) if c.kind is kind else c for c in report.clocks)
    return replace(report, clocks=clocks)


def _missed(report: Report, ev: Any, rules: Rules, at: datetime) -> Report:
    kind = KINDS.get(ev.clock)
    return replace(report, clocks=tuple(c for c in report.clocks if c.kind is not kind))


STEPS = {
    e.ReportRouted: _routed,
    e.ReportForwarded: _forwarded,
    e.ReportEscalated: _escalated,
    e.ReportPostponed: _postponed,
    e.InformationRequested: _asked,
    e.InformationProvided: _answered,
    e.ReportResponded: _responded,
    e.ReportResolved: _responded,
    e.ReporterReplied: _reporter_spoke,
    e.ReportRated: _reporter_spoke,
    e.ReportAppealed: _appealed,
    e.ReportClosed: _ended,
    e.ReportRejected: _ended,
    e.ReportArchived: _ended,
    e.DuplicateLinked: _ended,
    e.DeadlineApproaching: _reminded,
    e.DeadlineMissed: _missed,
}


def evolve(report: Report | None, envelope: EventEnvelope, event: Message, rules: Rules) -> Report:
    """The report's clocks after one event; events that touch no clock move the sequence on."""
    at = envelope.occurred_at.ToDatetime(UTC)
    if isinstance(event, e.ReportSubmitted):
        new = Report(
            envelope.report_id,
            envelope.sequence,
            event.type,
            event.requires_examination,
            event.category_code,
        )
        return replace(new, clocks=(rules.start(new, K.VERIFY, "", at),))
    if report is None:
        raise ValueError(f"{type(event).__name__} before ReportSubmitted for {envelope.report_id}")
    step = STEPS.get(type(event))
    after = step(report, event, rules, at) if step else report
    return replace(after, sequence=envelope.sequence)
