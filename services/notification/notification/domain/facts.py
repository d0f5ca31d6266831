"""What notification remembers of a report, folded from its events: enough to address and
word a message, and no personal data (contacts are asked of intake when a message is sent)."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from google.protobuf.message import Message

from lapor.report.v1 import events_pb2 as e


@dataclass(frozen=True)
class Facts:
    report_id: str
    sequence: int = 0
    title: str = ""
    language: str = "id"
    region_code: str = ""
    category_code: str = ""
    came_by_sms: bool = False
    anonymous: bool = False
    confidential: bool = False
    secret_sha256: bytes = b""
    agency_code: str = ""
    agency_name: str = ""
    gave_email: bool = False
    gave_phone: bool = False
    # In the national administrators' verification queue.
    awaiting_verification: bool = False
    erased: bool = False


def _submitted(facts: Facts, p: e.ReportSubmitted) -> Facts:
    return replace(
        facts,
        title=p.title,
        language=p.language or "id",
        region_code=p.region_code,
        category_code=p.category_code,
        came_by_sms=p.channel == e.CHANNEL_SMS,
        anonymous=p.anonymous,
        confidential=p.confidential,
        secret_sha256=p.access_secret_sha256,
        gave_email=p.reporter_gave_email,
        gave_phone=p.reporter_gave_phone,
        awaiting_verification=True,
    )


def _at_agency(facts: Facts, code: str, name: str) -> Facts:
    return replace(facts, agency_code=code, agency_name=name, awaiting_verification=False)


def _forwarded(facts: Facts, p: e.ReportForwarded) -> Facts:
    if p.to_agency_code:
        return _at_agency(facts, p.to_agency_code, p.to_agency_name)
    return replace(facts, agency_code="", agency_name="", awaiting_verification=True)


def _routed(facts: Facts, p: e.ReportRouted) -> Facts:
    routed = _at_agency(facts, p.agency_code, p.agency_name)
    return replace(routed, category_code=p.category_code or facts.category_code)


def _left_queue(facts: Facts, p: Message) -> Facts:
    return replace(facts, awaiting_verification=False)


_CHANGES: dict[type[Message], Callable[[Facts, Any], Facts]] = {
    e.ReportSubmitted: _submitted,
    e.ReportRouted: _routed,
    e.ReportForwarded: _forwarded,
    e.ReportEscalated: lambda f, p: _at_agency(f, p.to_agency_code, p.to_agency_name),
    e.ReportRejected: _left_queue,
    e.ReportArchived: _left_queue,
    e.DuplicateLinked: _left_queue,
    e.ReporterDataErased: lambda f, p: replace(f, erased=True),
}


def evolve(facts: Facts, payload: Message, sequence: int) -> Facts:
    """The facts after one event; events that change nothing here keep them."""
    change = _CHANGES.get(type(payload))
    facts = replace(facts, sequence=sequence)
    return change(facts, payload) if change else facts
