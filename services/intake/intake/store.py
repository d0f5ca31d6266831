"""Intake's report state in MongoDB: one document per report, carrying the sequence it reflects."""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from intake.domain import ReportState, Status
from lapor_common.mongo import save_if_newer


def _to_document(state: ReportState) -> dict[str, Any]:
    return {
        "_id": state.report_id,
        "sequence": state.sequence,
        "status": state.status.value,
        "type": state.type,
        "title": state.title,
        "region_code": state.region_code,
        "channel": state.channel,
        "anonymous": state.anonymous,
        "confidential": state.confidential,
        "submitted_at": state.submitted_at,
        "agency_code": state.agency_code,
        "agency_name": state.agency_name,
    }


def _from_document(document: dict[str, Any]) -> ReportState:
    submitted_at: datetime = document["submitted_at"]
    return ReportState(
        report_id=document["_id"],
        sequence=document["sequence"],
        status=Status(document["status"]),
        type=document["type"],
        title=document["title"],
        region_code=document["region_code"],
        channel=document["channel"],
        anonymous=document["anonymous"],
        confidential=document["confidential"],
        submitted_at=submitted_at,
        agency_code=document["agency_code"],
        agency_name=document["agency_name"],
    )


class ReportStore:
    def __init__(self, reports: AsyncCollection[dict[str, Any]]) -> None:
        self._reports = reports

    async def get(self, report_id: str) -> ReportState | None:
        document = await self._reports.find_one({"_id": report_id})
        return None if document is None else _from_document(document)

    async def save(self, state: ReportState) -> None:
        """Store the state unless the stored one is as new or newer (redelivery is a no-op)."""
        await save_if_newer(self._reports, _to_document(state))
