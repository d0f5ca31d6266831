"""Reports as JSON for people and programs: labels in Bahasa Indonesia first, English second."""

from typing import Any

from intake.domain.inbox import Deadline
from intake.domain.model import STATUS_LABELS, ReportState, Role, Status
from intake.domain.search import excerpt
from intake.views import View
from lapor.report.v1 import events_pb2
from lapor_common.mongo import Document

_TYPE_NAMES = {
    events_pb2.REPORT_TYPE_COMPLAINT: "pengaduan",
    events_pb2.REPORT_TYPE_ASPIRATION: "aspirasi",
    events_pb2.REPORT_TYPE_INFORMATION_REQUEST: "permintaan_informasi",
}


def _channel(value: int) -> str:
    return events_pb2.Channel.Name(value).removeprefix("CHANNEL_").lower()  # type: ignore[arg-type]


def status_json(status: Status) -> dict[str, str]:
    label_id, label_en = STATUS_LABELS[status]
    return {"code": status.value, "id": label_id, "en": label_en}


def _agency(state: ReportState) -> dict[str, str] | None:
    return {"code": state.agency_code, "name": state.agency_name} if state.agency_code else None


def present(view: View) -> dict[str, Any]:
    state = view.state
    report: dict[str, Any] = {
        "tracking_id": state.report_id,
        "audience": view.audience.value,
        "type": _TYPE_NAMES.get(state.type, "unknown"),
        "requires_examination": state.requires_examination,
        "title": state.title,
        "body": state.body,
        "category_code": state.category_code,
        "region_code": state.region_code,
        "channel": _channel(state.channel),
        "anonymous": state.anonymous,
        "confidential": state.confidential,
        "status": status_json(state.status),
        "agency": _agency(state),
        "sequence": state.sequence,
        "submitted_at": state.submitted_at.isoformat(),
        "timeline": [
            {
                "sequence": e.sequence,
                "event_type": e.event_type,
                "occurred_at": e.occurred_at.isoformat(),
                "actor": e.actor,
                "text": {"id": e.text_id, "en": e.text_en},
            }
            for e in view.timeline
        ],
    }
    if view.audience is not Role.PUBLIC:
        report["rating"] = state.rating or None
        report["escalation_tier"] = state.escalation_tier
        report["declined_by"] = list(state.declined_by)
        report["reporter_erased"] = state.reporter_erased
    if state.duplicate_of:
        report["duplicate_of"] = _following(view)
    if view.suggested is not None:
        report["routing_suggestions"] = _suggestions(view.suggested)
    if view.identity is not None:
        identity = view.identity
        report["reporter"] = {
            "name": identity.name,
            "phone": identity.phone,
            "email": identity.email,
            "id_number": identity.id_number,
        }
    return report


def _following(view: View) -> dict[str, Any]:
    original = view.original
    status = status_json(original.status) if original is not None else None
    return {"tracking_id": view.state.duplicate_of, "status": status}


def _suggestions(suggested: events_pb2.RoutingSuggested) -> dict[str, Any]:
    return {
        "reason": suggested.reason,
        "rule_version": suggested.rule_version,
        "model_version": suggested.model_version,
        "agencies": [
            {
                "agency_code": s.agency_code,
                "agency_name": s.agency_name,
                "category_code": s.category_code,
                "confidence": s.confidence,
                "reason": s.reason,
            }
            for s in suggested.suggestions
        ],
        "hints": [
            {
                "reason": events_pb2.RejectionReason.Name(h.reason)
                .removeprefix("REJECTION_REASON_")
                .lower(),
                "explanation": h.explanation,
            }
            for h in suggested.hints
        ],
    }


def inbox_item(document: Document, deadline: Deadline | None) -> dict[str, Any]:
    """A report as the inbox lists it, with its nearest running deadline if one is known."""
    postponed = document.get("postponed_until")
    return {
        "tracking_id": document["_id"],
        "title": document["title"],
        "type": _TYPE_NAMES.get(document["type"], "unknown"),
        "status": status_json(Status(document["status"])),
        "region_code": document["region_code"],
        "category_code": document["category_code"],
        "confidential": document["confidential"],
        "anonymous": document["anonymous"],
        "submitted_at": document["submitted_at"].isoformat(),
        "escalation_tier": document["escalation_tier"],
        "postponed_until": postponed.isoformat() if postponed else None,
        "sequence": document["sequence"],
        "deadline": deadline.at.isoformat() if deadline else None,
        "deadline_clock": deadline.clock if deadline else None,
    }


def search_item(state: ReportState) -> dict[str, Any]:
    """A public report as a search lists it: never its reporter, its text cut short."""
    return {
        "tracking_id": state.report_id,
        "title": state.title,
        "excerpt": excerpt(state.body),
        "type": _TYPE_NAMES.get(state.type, "unknown"),
        "status": status_json(state.status),
        "category_code": state.category_code,
        "region_code": state.region_code,
        "agency": _agency(state),
        "submitted_at": state.submitted_at.isoformat(),
        "updated_at": (state.updated_at or state.submitted_at).isoformat(),
    }
