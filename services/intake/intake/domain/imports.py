"""Reports imported from an agency's own complaint system, and what such a system may read.

The agency's own desk received the report, so an import is filed and routed to that agency in
one decision: ``ReportSubmitted`` (channel AGENCY_SYSTEM, with the agency and its external id)
then ``ReportRouted`` (decided by the origin agency). If it is not the agency's authority, its
officer declines it ("bukan wewenang") and the normal lifecycle moves it on.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from google.protobuf.message import Message

from intake.domain.model import Invalid, ReportState
from intake.domain.submission import SubmitReport, decide_submit, submission_problems
from lapor.report.v1.events_pb2 import (
    CHANNEL_AGENCY_SYSTEM,
    DECIDED_BY_ORIGIN_AGENCY,
    ReportRouted,
)

MAX_BATCH = 500
EXTERNAL_ID_LENGTH = 128
# How far ahead of intake's clock an agency system's clock may be.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Importer:
    """The agency an integration key speaks for."""

    agency_code: str
    agency_name: str
    key_id: str = ""


def idempotency_text(agency_code: str, external_id: str) -> str:
    """The idempotency key of an import: a report's tracking id derives from it."""
    return f"agency:{agency_code}:{external_id}"


def import_problems(command: SubmitReport, now: datetime) -> list[str]:
    """What is wrong with an import beyond what any submission must satisfy."""
    problems = []
    external_id = command.external_id
    if not external_id.strip() or len(external_id) > EXTERNAL_ID_LENGTH:
        problems.append(f"external_id is required, at most {EXTERNAL_ID_LENGTH} characters")
    if command.received_at is not None and command.received_at > now + CLOCK_SKEW:
        problems.append("received_at must not be in the future")
    return problems


def as_import(command: SubmitReport, importer: Importer) -> SubmitReport:
    """A submission as the importing agency's system files it."""
    return replace(command, channel=CHANNEL_AGENCY_SYSTEM, origin_agency_code=importer.agency_code)


def decide_import(
    command: SubmitReport, importer: Importer, now: datetime, region_exists: Callable[[str], bool]
) -> list[Message]:
    """The events an import becomes: filed, and at the importing agency from the start."""
    command = as_import(command, importer)
    problems = import_problems(command, now) + submission_problems(command, region_exists)
    if problems:
        raise Invalid(problems)
    [submitted] = decide_submit(command, region_exists)
    routed = ReportRouted(
        agency_code=importer.agency_code,
        agency_name=importer.agency_name,
        category_code=command.category_code,
        decided_by=DECIDED_BY_ORIGIN_AGENCY,
        confidence=1.0,
        reason="Diterima langsung oleh instansi / Received at the agency's own desk",
    )
    return [submitted, routed]


def in_scope(state: ReportState, agency_code: str) -> bool:
    """An agency's system reads the reports it imported and those now at the agency."""
    return bool(agency_code) and agency_code in (state.agency_code, state.origin_agency_code)
