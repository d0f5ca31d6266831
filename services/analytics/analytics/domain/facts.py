"""The report-facts read model as a pure fold: ``project(facts, event) -> facts``.

One document per report with what statistics and open data need: the report's kind, where
and how it came in, where it is, when each milestone was reached, its deadlines met or missed,
its rating. Never its text, never the reporter. Times are UTC; ``day`` is the submission's date
on the WIB calendar (Asia/Jakarta), the calendar of all national statistics.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from lapor.report.v1 import events_pb2 as e
from lapor_common.zones import WIB

Facts = dict[str, Any]

VERIFY, FIRST_RESPONSE, COMPLETION = "verify", "first_response", "completion"
_CLOCKS = {
    e.CLOCK_KIND_VERIFY: VERIFY,
    e.CLOCK_KIND_FIRST_RESPONSE: FIRST_RESPONSE,
    e.CLOCK_KIND_COMPLETION: COMPLETION,
    e.CLOCK_KIND_AUTO_CLOSE: "auto_close",
}


@dataclass(frozen=True)
class Occurrence:
    """Where and when an event happened: its report, sequence, time and Kafka partition."""

    report_id: str
    sequence: int
    at: datetime
    partition: int


def _name(enum_name: str, prefix: str) -> str:
    return enum_name.removeprefix(prefix).lower()


def wib_day(at: datetime) -> str:
    return at.astimezone(WIB).date().isoformat()


def regency_of(region_code: str) -> str:
    """``32.04.05.2001`` -> ``32.04``; a province code has no regency ("")."""
    return region_code[:5] if len(region_code) >= 5 else ""


def _submitted(where: Occurrence, event: e.ReportSubmitted) -> Facts:
    return {
        "_id": where.report_id,
        "sequence": where.sequence,
        "partition": where.partition,
        "submitted_at": where.at,
        "day": wib_day(where.at),
        "type": _name(e.ReportType.Name(event.type), "REPORT_TYPE_"),
        "channel": _name(e.Channel.Name(event.channel), "CHANNEL_"),
        "region_code": event.region_code,
        "regency_code": regency_of(event.region_code),
        "province_code": event.region_code[:2],
        "category_code": event.category_code,
        "confidential": event.confidential,
        "anonymous": event.anonymous,
        "status": "submitted",
        "agency_code": "",
        "agency_name": "",
        "verified_at": None,
        "routed_at": None,
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "closure": "",
        "rejection": "",
        "duplicate_of": "",
        "forwards": 0,
        "escalations": 0,
        "appeals": 0,
        "rating": 0,
        "met": [],
        "missed": [],
    }


def millis(at: datetime) -> datetime:
    """``at`` to the millisecond, as the database keeps times, so live and replay agree."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _first(facts: Facts, field: str, at: datetime) -> datetime:
    return facts[field] or at


def _met(facts: Facts, clock: str) -> list[dict[str, str]]:
    """The deadlines met so far, plus ``clock`` at the current agency unless it was missed."""
    settled = {deadline["clock"] for deadline in (*facts["met"], *facts["missed"])}
    if clock in settled:
        return list(facts["met"])
    agency = "" if clock == VERIFY else facts["agency_code"]
    return [*facts["met"], {"clock": clock, "agency": agency}]


def _left_verification(facts: Facts, at: datetime, status: str) -> Facts:
    return {
        **facts,
        "status": status,
        "verified_at": _first(facts, "verified_at", at),
        "met": _met(facts, VERIFY) if facts["verified_at"] is None else facts["met"],
    }


def _at_agency(facts: Facts, at: datetime, code: str, name: str) -> Facts:
    return {**facts, "agency_code": code, "agency_name": name or code}


def _routed(facts: Facts, at: datetime, event: Any) -> Facts:
    routed = _left_verification(facts, at, "routed")
    routed = _at_agency(routed, at, event.agency_code, event.agency_name)
    return {
        **routed,
        "category_code": event.category_code or facts["category_code"],
        "routed_at": _first(facts, "routed_at", at),
    }


def _forwarded(facts: Facts, at: datetime, event: Any) -> Facts:
    moved = _at_agency(facts, at, event.to_agency_code, event.to_agency_name)
    status = "forwarded" if event.to_agency_code else "waiting"
    return {**moved, "status": status, "forwards": facts["forwards"] + 1}


def _escalated(facts: Facts, at: datetime, event: Any) -> Facts:
    moved = _at_agency(facts, at, event.to_agency_code, event.to_agency_name)
    return {**moved, "status": "escalated", "escalations": facts["escalations"] + 1}


def _responded(facts: Facts, at: datetime, event: Any) -> Facts:
    responded = {
        **facts,
        "status": "responded",
        "first_response_at": _first(facts, "first_response_at", at),
        "met": _met(facts, FIRST_RESPONSE),
    }
    if isinstance(event, e.ReportResponded) and not event.final:
        return responded
    return {
        **responded,
        "status": "resolved",
        "resolved_at": _first(facts, "resolved_at", at),
        "met": _met(responded, COMPLETION),
    }


def _missed(facts: Facts, at: datetime, event: Any) -> Facts:
    clock = _CLOCKS.get(event.clock, "")
    return {**facts, "missed": [*facts["missed"], {"clock": clock, "agency": event.agency_code}]}


def _closed(facts: Facts, at: datetime, event: Any) -> Facts:
    closure = _name(e.ClosureReason.Name(event.reason), "CLOSURE_REASON_")
    return {
        **facts,
        "status": "closed",
        "closed_at": _first(facts, "closed_at", at),
        "closure": closure,
    }


def _rejected(facts: Facts, at: datetime, event: Any) -> Facts:
    reason = _name(e.RejectionReason.Name(event.reason), "REJECTION_REASON_")
    return {**_left_verification(facts, at, "rejected"), "rejection": reason}


def _linked(facts: Facts, at: datetime, event: Any) -> Facts:
    return {**_left_verification(facts, at, "duplicate"), "duplicate_of": event.original_report_id}


Step = Callable[[Facts, datetime, Any], Facts]


def _status(status: str) -> Step:
    return lambda facts, at, event: {**facts, "status": status}


STEPS: dict[type[Message], Step] = {
    e.ReportRouted: _routed,
    e.ReportForwarded: _forwarded,
    e.ReportEscalated: _escalated,
    e.ReportVerified: lambda facts, at, event: _left_verification(facts, at, "verified"),
    e.ReportRejected: _rejected,
    e.ReportArchived: lambda facts, at, event: _left_verification(facts, at, "archived"),
    e.DuplicateLinked: _linked,
    e.RoutingSuggested: _status("waiting"),
    e.ReportAcknowledged: _status("acknowledged"),
    e.InformationRequested: _status("information_requested"),
    e.InformationProvided: _status("information_provided"),
    e.ReportPostponed: _status("postponed"),
    e.ReportResponded: _responded,
    e.ReportResolved: _responded,
    e.ReportRated: lambda facts, at, event: {**facts, "rating": event.score},
    e.ReportAppealed: lambda facts, at, event: {
        **facts,
        "status": "appealed",
        "appeals": facts["appeals"] + 1,
    },
    e.ReportClosed: _closed,
    e.DeadlineMissed: _missed,
}


def project(facts: Facts | None, where: Occurrence, event: Message) -> Facts:
    """The report's facts after one event; events that change no fact only move the sequence."""
    if isinstance(event, e.ReportSubmitted):
        return _submitted(where, event)
    if facts is None:
        raise ValueError(f"{type(event).__name__} before ReportSubmitted for {where.report_id}")
    step = STEPS.get(type(event))
    changed = facts if step is None else step(facts, where.at, event)
    return {**changed, "sequence": where.sequence}
