"""The report's life as pure data and functions: decide(state, command) -> events, evolve.

No I/O here. Events are the protobuf messages of the contract; state is a frozen
dataclass folded from them.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from google.protobuf.message import Message

from lapor.report.v1.events_pb2 import (
    CHANNEL_UNSPECIFIED,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_UNSPECIFIED,
    Channel,
    GeoPoint,
    ReportRouted,
    ReportSubmitted,
    ReportType,
)
from lapor.routing.v1.commands_pb2 import RouteReport


class Status(StrEnum):
    MENUNGGU_VERIFIKASI = "MENUNGGU_VERIFIKASI"
    DITERUSKAN_KE_INSTANSI = "DITERUSKAN_KE_INSTANSI"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.MENUNGGU_VERIFIKASI: ("Menunggu Verifikasi", "Awaiting verification"),
    Status.DITERUSKAN_KE_INSTANSI: ("Diteruskan ke Instansi", "Forwarded to the agency"),
}


TITLE_LENGTH = (5, 200)
BODY_LENGTH = (20, 10_000)


class Refused(Exception):
    """A command that the report's current state does not allow; nothing is appended."""


class Invalid(Exception):
    """A command whose content is wrong whatever the state; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SubmitReport:
    type: ReportType.ValueType
    requires_examination: bool
    title: str
    body: str
    category_code: str
    region_code: str
    location: tuple[float, float] | None
    channel: Channel.ValueType
    anonymous: bool
    confidential: bool


@dataclass(frozen=True)
class ReportState:
    report_id: str
    sequence: int
    status: Status
    type: ReportType.ValueType
    title: str
    region_code: str
    channel: Channel.ValueType
    anonymous: bool
    confidential: bool
    submitted_at: datetime
    agency_code: str = ""
    agency_name: str = ""


def _length_problem(field: str, text: str, bounds: tuple[int, int]) -> list[str]:
    low, high = bounds
    length = len(text.strip())
    return [] if low <= length <= high else [f"{field} must have {low} to {high} characters"]


def submission_problems(command: SubmitReport, region_exists: Callable[[str], bool]) -> list[str]:
    """Everything wrong with a submission, in words a form can show next to its fields."""
    problems = _length_problem("title", command.title, TITLE_LENGTH)
    problems += _length_problem("body", command.body, BODY_LENGTH)
    if command.type not in ReportType.values() or command.type == REPORT_TYPE_UNSPECIFIED:
        problems.append("type must be pengaduan, aspirasi or permintaan_informasi")
    if command.requires_examination and command.type != REPORT_TYPE_COMPLAINT:
        problems.append("only a complaint (pengaduan) can need examination (berkadar pengawasan)")
    if not region_exists(command.region_code):
        problems.append(f"region_code {command.region_code!r} is not a Kemendagri region code")
    if command.location is not None:
        latitude, longitude = command.location
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            problems.append("location must have latitude -90..90 and longitude -180..180")
    if command.channel == CHANNEL_UNSPECIFIED:
        problems.append("channel is required")
    return problems


def decide_submit(command: SubmitReport, region_exists: Callable[[str], bool]) -> list[Message]:
    problems = submission_problems(command, region_exists)
    if problems:
        raise Invalid(problems)
    submitted = ReportSubmitted(
        type=command.type,
        requires_examination=command.requires_examination,
        title=command.title,
        body=command.body,
        category_code=command.category_code,
        region_code=command.region_code,
        channel=command.channel,
        anonymous=command.anonymous,
        confidential=command.confidential,
    )
    if command.location is not None:
        latitude, longitude = command.location
        submitted.location.CopyFrom(GeoPoint(latitude=latitude, longitude=longitude))
    return [submitted]


def decide_route(state: ReportState | None, command: RouteReport) -> list[Message]:
    if state is None:
        raise Refused("no such report")
    if state.status is Status.DITERUSKAN_KE_INSTANSI and state.agency_code == command.agency_code:
        return []
    if state.status is not Status.MENUNGGU_VERIFIKASI:
        raise Refused(f"a report in status {state.status} cannot be routed")
    return [
        ReportRouted(
            agency_code=command.agency_code,
            agency_name=command.agency_name,
            category_code=command.category_code,
            decided_by=command.decided_by,
            confidence=command.confidence,
            rule_version=command.rule_version,
            model_version=command.model_version,
            reason=command.reason,
        )
    ]


def evolve(
    state: ReportState | None, report_id: str, sequence: int, at: datetime, event: Message
) -> ReportState:
    """The state after one event; the same fold serves live updates and replays."""
    if isinstance(event, ReportSubmitted):
        return ReportState(
            report_id=report_id,
            sequence=sequence,
            status=Status.MENUNGGU_VERIFIKASI,
            type=event.type,
            title=event.title,
            region_code=event.region_code,
            channel=event.channel,
            anonymous=event.anonymous,
            confidential=event.confidential,
            submitted_at=at,
        )
    if state is None:
        raise ValueError(f"{type(event).__name__} before ReportSubmitted for {report_id}")
    if isinstance(event, ReportRouted):
        return replace(
            state,
            sequence=sequence,
            status=Status.DITERUSKAN_KE_INSTANSI,
            agency_code=event.agency_code,
            agency_name=event.agency_name,
        )
    raise ValueError(f"intake cannot fold {type(event).__name__}")
