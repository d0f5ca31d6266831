"""Who must hear about an event, and what: the pure policy ``notices(facts, event)``.

A notice names a message kind (a template), its audience (the reporter, or an agency's
officers, with its supervisors too when a unit is escalated or warned), whether it is
essential (reporters who opted out of the rest still get it), and the template's own
context. Contexts hold codes and ISO dates, never personal data; wording and dates in the
recipient's language are the renderer's business.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from google.protobuf.message import Message

from lapor.report.v1 import events_pb2 as e
from notification.domain.facts import Facts

Value = str | int | bool | float
NATIONAL_ADMINISTRATOR = "pengelola-nasional"
POOR_RATING = 2
CLOCKS = {
    e.CLOCK_KIND_VERIFY: "verify",
    e.CLOCK_KIND_FIRST_RESPONSE: "first_response",
    e.CLOCK_KIND_COMPLETION: "completion",
    e.CLOCK_KIND_AUTO_CLOSE: "auto_close",
}


class Audience(StrEnum):
    REPORTER = "reporter"
    AGENCY = "agency"


@dataclass(frozen=True)
class Notice:
    kind: str
    audience: Audience
    essential: bool = True
    agency_code: str = ""
    supervisors: bool = False
    context: Mapping[str, Value] = field(default_factory=dict)


def to_reporter(kind: str, essential: bool = True, **context: Value) -> Notice:
    return Notice(kind, Audience.REPORTER, essential, context=context)


def to_agency(kind: str, agency: str, supervisors: bool = False, **context: Value) -> Notice:
    return Notice(kind, Audience.AGENCY, True, agency, supervisors, context)


def _iso(stamp: Any) -> str:
    return str(stamp.ToJsonString()) if stamp.seconds else ""


def _routed(f: Facts, p: e.ReportRouted) -> list[Notice]:
    return [
        to_reporter("routed", False, agency_name=p.agency_name),
        to_agency("new_report", p.agency_code, via="routed", from_agency_name=""),
    ]


def _forwarded(f: Facts, p: e.ReportForwarded) -> list[Notice]:
    if not p.to_agency_code:  # back to the administrators, who choose the next agency
        return []
    return [
        to_reporter("forwarded", False, agency_name=p.to_agency_name, reason=p.reason),
        to_agency("new_report", p.to_agency_code, via="forwarded", from_agency_name=f.agency_name),
    ]


def _escalated(f: Facts, p: e.ReportEscalated) -> list[Notice]:
    return [
        to_reporter("escalated", False, agency_name=p.to_agency_name),
        to_agency(
            "escalated_in", p.to_agency_code, True, from_agency_name=f.agency_name, tier=p.tier
        ),
    ]


def _responsible(agency_code: str) -> str:
    """Who holds a clock: an agency, or ("", the verification clock) the national
    administrators."""
    return agency_code or NATIONAL_ADMINISTRATOR


def _approaching(f: Facts, p: e.DeadlineApproaching) -> list[Notice]:
    clock, deadline = CLOCKS.get(p.clock, "completion"), _iso(p.deadline)
    holder = _responsible(p.agency_code)
    return [to_agency("deadline_approaching", holder, clock=clock, deadline=deadline)]


def _missed(f: Facts, p: e.DeadlineMissed) -> list[Notice]:
    """The warning goes to the unit that missed the deadline and to its supervisors."""
    clock, deadline = CLOCKS.get(p.clock, "completion"), _iso(p.deadline)
    holder = _responsible(p.agency_code)
    missed_by = f.agency_name if p.agency_code and p.agency_code == f.agency_code else holder
    context: dict[str, Value] = {"clock": clock, "deadline": deadline, "missed_by": missed_by}
    return [to_agency("warning", holder, True, **context)]


def _responded(f: Facts, p: e.ReportResponded) -> list[Notice]:
    return [to_reporter("responded", agency_name=f.agency_name, text=p.text, final=p.final)]


def _rated(f: Facts, p: e.ReportRated) -> list[Notice]:
    return [to_reporter("rated_poorly", score=p.score)] if p.score <= POOR_RATING else []


def _to_agency_if_any(kind: str) -> Callable[[Facts, Any], list[Notice]]:
    def notices(f: Facts, p: Any) -> list[Notice]:
        return [to_agency(kind, f.agency_code)] if f.agency_code else []

    return notices


def _reporter(kind: str, essential: bool, **fields: str) -> Callable[[Facts, Any], list[Notice]]:
    """A reporter notice whose context copies payload fields (``fields``: context name ->
    payload field) and the agency's name."""

    def notices(f: Facts, p: Any) -> list[Notice]:
        context: dict[str, Value] = {name: getattr(p, source) for name, source in fields.items()}
        return [to_reporter(kind, essential, agency_name=f.agency_name, **context)]

    return notices


POLICY: dict[type[Message], Callable[[Facts, Any], list[Notice]]] = {
    e.ReportSubmitted: lambda f, p: [
        to_reporter("received", anonymous=p.anonymous, confidential=p.confidential)
    ],
    e.ReportVerified: _reporter("verified", False, note="note"),
    e.ReportRejected: _reporter("rejected", True, reason_code="reason", note="note"),
    e.ReportArchived: _reporter("archived", True, reason="reason"),
    e.ReportPostponed: lambda f, p: [
        to_reporter("postponed", False, until=_iso(p.until), reason=p.reason)
    ],
    e.ReportRouted: _routed,
    e.ReportForwarded: _forwarded,
    e.ReportEscalated: _escalated,
    e.ReportAcknowledged: _reporter("acknowledged", False, note="note"),
    e.InformationRequested: _reporter("information_requested", True, question="question"),
    e.InformationProvided: _to_agency_if_any("reporter_replied"),
    e.ReporterReplied: _to_agency_if_any("reporter_replied"),
    e.ReportResponded: _responded,
    e.ReportResolved: _reporter("resolved", True, summary="summary"),
    e.ReportClosed: lambda f, p: [
        to_reporter("closed", auto_closed=p.reason == e.CLOSURE_REASON_AUTO_CLOSED)
    ],
    e.ReportRated: _rated,
    e.ReportAppealed: lambda f, p: (
        [to_agency("appealed", f.agency_code, True)] if f.agency_code else []
    ),
    e.DuplicateLinked: _reporter("duplicate", False, original_id="original_report_id"),
    e.DeadlineApproaching: _approaching,
    e.DeadlineMissed: _missed,
}


def notices(before: Facts, payload: Message) -> list[Notice]:
    """What this event must make known, given the report's facts before it. An erased
    reporter hears nothing more; agencies still do."""
    policy = POLICY.get(type(payload))
    found = policy(before, payload) if policy else []
    if before.erased or isinstance(payload, e.ReporterDataErased):
        found = [n for n in found if n.audience is not Audience.REPORTER]
    return found


def queue_alert(count: int, threshold: int) -> Notice:
    """The national administrators' alert that the verification queue has grown."""
    return to_agency("queue_growing", NATIONAL_ADMINISTRATOR, count=count, threshold=threshold)


def crossing(before: int, after: int, threshold: int) -> int | None:
    """The lowest level the queue grew across: the threshold or one of its doublings (100,
    200, 400, …), so administrators hear again as it keeps growing, and not at every report;
    None when it crossed none."""
    if threshold <= 0 or after <= before:
        return None
    level = threshold
    while level <= after:
        if before < level:
            return level
        level *= 2
    return None
