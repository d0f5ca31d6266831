"""Routing's own state in MongoDB (never another service's database):

- ``cases``: what routing remembers of each report, with the sequence it reflects
  and the report as agencies may read it (for their topics);
- ``open_reports``: open reports by regency and category, for duplicate detection;
- ``lessons``: administrators' corrections and accepted re-routings the model learns from;
- ``models``: every model version routing has decided with.

Every query filters on ``_id`` alone (see docs/adr/0002).
"""

from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lapor_common.mongo import Document, save_if_newer
from routing.classifier import Example
from routing.domain import Case
from routing.duplicates import OpenReport


@dataclass(frozen=True)
class Stored:
    case: Case
    sequence: int
    shareable: bytes  # the ReportSubmitted envelope with the reporter's data removed


def _location(value: list[float] | None) -> tuple[float, float] | None:
    return (value[0], value[1]) if value else None


class Cases:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._cases = collection

    async def get(self, report_id: str) -> Stored | None:
        d = await self._cases.find_one({"_id": report_id})
        if d is None:
            return None
        case = Case(
            report_id=report_id,
            title=d["title"],
            body=d["body"],
            region_code=d["region_code"],
            category_code=d["category_code"],
            submitted_at=d["submitted_at"],
            location=_location(d["location"]),
            declined=tuple(d["declined"]),
            agency_code=d["agency_code"],
            routed_category=d["routed_category"],
            learned=d["learned"],
        )
        return Stored(case, d["sequence"], bytes(d["shareable"]))

    async def save(self, stored: Stored) -> None:
        """Remember the case as of the report's event ``sequence`` (redelivery is a no-op)."""
        case = stored.case
        await save_if_newer(
            self._cases,
            {
                "_id": case.report_id,
                "sequence": stored.sequence,
                "title": case.title,
                "body": case.body,
                "region_code": case.region_code,
                "category_code": case.category_code,
                "submitted_at": case.submitted_at,
                "location": list(case.location) if case.location else None,
                "declined": list(case.declined),
                "agency_code": case.agency_code,
                "routed_category": case.routed_category,
                "learned": case.learned,
                "shareable": stored.shareable,
            },
        )


class OpenReports:
    """Open reports for duplicate detection, all kept in memory and mirrored to MongoDB."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection
        self._by_area: dict[tuple[str, str], dict[str, OpenReport]] = {}

    async def load(self) -> None:
        async for d in self._collection.find({}):
            self._remember(
                OpenReport(
                    d["_id"],
                    d["area"],
                    d["category_code"],
                    frozenset(d["words"]),
                    d["submitted_at"],
                    _location(d["location"]),
                )
            )

    def _remember(self, report: OpenReport) -> None:
        self._by_area.setdefault((report.area, report.category_code), {})[report.report_id] = report

    def near(self, area: str, category_code: str) -> list[OpenReport]:
        return list(self._by_area.get((area, category_code), {}).values())

    async def add(self, report: OpenReport) -> None:
        self._remember(report)
        await self._collection.replace_one(
            {"_id": report.report_id},
            {
                "area": report.area,
                "category_code": report.category_code,
                "words": sorted(report.words),
                "submitted_at": report.submitted_at,
                "location": list(report.location) if report.location else None,
            },
            upsert=True,
        )

    async def remove(self, report_id: str) -> None:
        for reports in self._by_area.values():
            reports.pop(report_id, None)
        await self._collection.delete_one({"_id": report_id})


class Lessons:
    """What the model learns from, kept once per event that taught it."""

    def __init__(self, lessons: AsyncCollection[Document], models: AsyncCollection[Document]):
        self._lessons = lessons
        self._models = models

    async def add(self, event_id: str, example: Example, source: str, at: datetime) -> bool:
        """Keep a lesson; False when this event already taught it (redelivery)."""
        try:
            await self._lessons.insert_one(
                {
                    "_id": event_id,
                    "category_code": example.category_code,
                    "title": example.title,
                    "body": example.body,
                    "source": source,
                    "learned_at": at,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def all(self) -> list[Example]:
        found = [d async for d in self._lessons.find({})]
        found.sort(key=lambda d: (d["learned_at"], d["_id"]))
        return [Example(d["category_code"], d["title"], d["body"]) for d in found]

    async def record_model(self, version: str, lessons: int, at: datetime) -> None:
        await self._models.update_one(
            {"_id": version},
            {"$setOnInsert": {"lessons": lessons, "created_at": at}},
            upsert=True,
        )
