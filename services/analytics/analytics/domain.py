"""The report-facts read model as a pure fold: project(document, event) -> document.

One document per report with the facts statistics need and never any content
or personal data. It carries the sequence it reflects.
"""

from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from lapor.report.v1.events_pb2 import (
    Channel,
    ReportEscalated,
    ReportForwarded,
    ReportRouted,
    ReportSubmitted,
    ReportType,
)

Facts = dict[str, Any]


def _name(enum_name: str, prefix: str) -> str:
    return enum_name.removeprefix(prefix).lower()


def project(
    facts: Facts | None, report_id: str, sequence: int, at: datetime, event: Message
) -> Facts:
    """The report's facts after one event; other events only move the sequence on."""
    if isinstance(event, ReportSubmitted):
        return {
            "_id": report_id,
            "sequence": sequence,
            "submitted_at": at,
            "type": _name(ReportType.Name(event.type), "REPORT_TYPE_"),
            "channel": _name(Channel.Name(event.channel), "CHANNEL_"),
            "region_code": event.region_code,
            "province_code": event.region_code[:2],
            "category_code": event.category_code,
            "confidential": event.confidential,
            "agency_code": "",
            "routed_at": None,
        }
    if facts is None:
        raise ValueError(f"{type(event).__name__} before ReportSubmitted for {report_id}")
    if isinstance(event, ReportRouted):
        return {
            **facts,
            "sequence": sequence,
            "agency_code": event.agency_code,
            "category_code": event.category_code or facts["category_code"],
            "routed_at": at,
        }
    if isinstance(event, ReportForwarded | ReportEscalated):
        return {**facts, "sequence": sequence, "agency_code": event.to_agency_code}
    return {**facts, "sequence": sequence}
