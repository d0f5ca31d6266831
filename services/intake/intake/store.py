"""Intake's read models in MongoDB, both folded from the log and rebuildable by replay:

- ``reports``: one document per report, the state it reflects and that sequence;
  with indexes by agency and status it is also every agency's inbox;
- ``events``: each report's events as they are on the log, for its timeline
  and for time travel (the report as it was at a moment).
"""

import asyncio
import string
from dataclasses import asdict, fields
from datetime import UTC, datetime

from bson.binary import Binary
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from intake.domain.model import Answered, ReportState, Sealed, Status
from intake.domain.open311_input import RequestQuery
from lapor.events.v1.envelope_pb2 import EventEnvelope
from lapor_common.envelope import Event, decode_event
from lapor_common.mongo import Document, save_if_newer

INBOX_FIELDS = [
    "sequence",
    "status",
    "type",
    "title",
    "region_code",
    "category_code",
    "channel",
    "confidential",
    "anonymous",
    "submitted_at",
    "agency_code",
    "agency_name",
    "escalation_tier",
    "postponed_until",
]


def _to_document(state: ReportState) -> Document:
    document: Document = {"_id": state.report_id}
    for field in fields(state):
        value = getattr(state, field.name)
        if field.name == "report_id":
            continue
        if isinstance(value, Sealed):
            value = asdict(value)
        elif field.name == "answered":
            value = [{**asdict(a), "status": a.status.value} for a in value]
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Status):
            value = value.value
        document[field.name] = value
    return document


def _from_document(document: Document) -> ReportState:
    values = {k: v for k, v in document.items() if k != "_id"}
    sealed = values.get("reporter")
    values["reporter"] = (
        None
        if sealed is None
        else Sealed(sealed["key_id"], bytes(sealed["nonce"]), bytes(sealed["ciphertext"]))
    )
    values["status"] = Status(values["status"])
    values["access_secret_sha256"] = bytes(values["access_secret_sha256"])
    values["declined_by"] = tuple(values["declined_by"])
    if values.get("location") is not None:
        values["location"] = tuple(values["location"])
    values["answered"] = tuple(
        Answered(a["key"], bytes(a["digest"]), a["sequence"], Status(a["status"]))
        for a in values["answered"]
    )
    return ReportState(report_id=document["_id"], **values)


def _at_agency(agency_code: str, escalated: bool) -> Document:
    where: Document = {"agency_code": agency_code}
    if escalated:
        where["escalation_tier"] = {"$gte": 1}
    return where


def literal(text: str) -> str:
    """A pattern matching the text as it is: every ASCII punctuation mark escaped, which both
    MongoDB's PCRE and FerretDB's Go regular expressions read as the mark itself."""
    return "".join(f"\\{c}" if c in string.punctuation else c for c in text)


def public_filter(query: RequestQuery) -> Document:
    """The database filter of a public query: never a confidential report."""
    where: Document = {"confidential": False}
    window = {op: moment for op, moment in (("$gte", query.start), ("$lte", query.end)) if moment}
    if window:
        where["submitted_at"] = window
    if query.service_codes:
        where["category_code"] = {"$in": list(query.service_codes)}
    if query.statuses:
        where["status"] = {"$in": [s.value for s in query.statuses]}
    if query.agency_code:
        where["agency_code"] = query.agency_code
    if query.region_code:
        where["region_code"] = {"$regex": f"^{literal(query.region_code)}(\\.|$)"}
    if query.text:
        found = {"$regex": literal(query.text), "$options": "i"}
        where["$or"] = [{"title": found}, {"body": found}]
    return where


class ReportStore:
    def __init__(self, reports: AsyncCollection[Document]) -> None:
        self._reports = reports

    async def prepare(self) -> None:
        await self._reports.create_index([("agency_code", ASCENDING), ("status", ASCENDING)])
        await self._reports.create_index([("submitted_at", DESCENDING)])
        await self._reports.create_index(
            [("confidential", ASCENDING), ("submitted_at", DESCENDING)]
        )
        await self._reports.create_index([("updated_at", ASCENDING), ("_id", ASCENDING)])

    async def get(self, report_id: str) -> ReportState | None:
        document = await self._reports.find_one({"_id": report_id})
        return None if document is None else _from_document(document)

    async def many(self, report_ids: list[str]) -> dict[str, ReportState]:
        """The stored reports among these, in one query."""
        cursor = self._reports.find({"_id": {"$in": report_ids}})
        return {document["_id"]: _from_document(document) async for document in cursor}

    async def existing(self, report_ids: list[str]) -> set[str]:
        """Which of these reports exist, in one query (a bulk import's retries)."""
        cursor = self._reports.find({"_id": {"$in": report_ids}}, {"_id": 1})
        return {document["_id"] async for document in cursor}

    async def save(self, state: ReportState, previous: int) -> None:
        """Store the state that follows stored sequence ``previous`` (0: a new report).

        Intake is the single writer and holds the report's lock, so it knows what is stored:
        an insert or a replace by ``_id`` (the only filter FerretDB hands to its storage)
        suffices. Anything unexpected falls back to the guarded write, which never replaces
        a newer state.
        """
        document = _to_document(state)
        if previous == 0:
            try:
                await self._reports.insert_one(document)
                return
            except DuplicateKeyError:
                pass
        else:
            await self._reports.replace_one({"_id": state.report_id}, document)
            return
        await save_if_newer(self._reports, document)

    async def inbox(
        self,
        agency_code: str,
        statuses: list[str],
        limit: int,
        *,
        escalated: bool = False,
        oldest_first: bool = False,
    ) -> list[Document]:
        """Reports now at an agency ("" is the national verification queue), newest first (or
        oldest first); ``escalated``: only those escalated to it (tier 1 or higher)."""
        query = _at_agency(agency_code, escalated)
        if statuses:
            query["status"] = {"$in": statuses}
        projection = dict.fromkeys(INBOX_FIELDS, 1)
        order = ASCENDING if oldest_first else DESCENDING
        cursor = self._reports.find(query, projection).sort("submitted_at", order)
        return [document async for document in cursor.limit(limit)]

    async def public(self, query: RequestQuery) -> list[ReportState]:
        """Reports the public may see that match the query, newest first, from its offset, at
        most its limit. Confidential reports are never among them."""
        cursor = self._reports.find(public_filter(query)).sort("submitted_at", DESCENDING)
        cursor = cursor.skip(query.offset).limit(query.limit)
        return [_from_document(document) async for document in cursor]

    async def updates(
        self, agency_code: str, after: tuple[datetime, str], limit: int
    ) -> list[ReportState]:
        """Reports an agency imported or that are now at it, changed after (moment, tracking id),
        oldest change first."""
        moment, report_id = after
        query = {
            "$and": [
                {"$or": [{"agency_code": agency_code}, {"origin_agency_code": agency_code}]},
                {
                    "$or": [
                        {"updated_at": {"$gt": moment}},
                        {"updated_at": moment, "_id": {"$gt": report_id}},
                    ]
                },
            ]
        }
        cursor = self._reports.find(query).sort([("updated_at", ASCENDING), ("_id", ASCENDING)])
        return [_from_document(document) async for document in cursor.limit(limit)]

    async def count_by_status(self, agency_code: str) -> dict[str, int]:
        rows = await self._reports.aggregate(
            [
                {"$match": {"agency_code": agency_code}},
                {"$group": {"_id": "$status", "count": {"$sum": 1}}},
            ]
        )
        return {row["_id"]: row["count"] async for row in rows}

    async def count_escalated(self, agency_code: str) -> int:
        """How many reports now at the agency were escalated to it."""
        return await self._reports.count_documents(_at_agency(agency_code, escalated=True))


class EventCopy:
    """Each report's events, one document per event, written once (replays are no-ops)."""

    def __init__(self, events: AsyncCollection[Document]) -> None:
        self._events = events

    async def prepare(self) -> None:
        await self._events.create_index([("report_id", ASCENDING), ("sequence", ASCENDING)])

    async def add(self, envelope: EventEnvelope) -> None:
        document = {
            "_id": _event_id(envelope.report_id, envelope.sequence),
            "report_id": envelope.report_id,
            "sequence": envelope.sequence,
            "occurred_at": envelope.occurred_at.ToDatetime(UTC),
            "envelope": Binary(envelope.SerializeToString()),
        }
        try:
            await self._events.insert_one(document)
        except DuplicateKeyError:
            return

    async def of_reports(self, report_ids: list[str]) -> dict[str, list[Event]]:
        """Many reports' events, each report's in order, in one query: where the server reads
        the whole collection for it, once for a page of reports beats once per event."""
        found: dict[str, list[Event]] = {report_id: [] for report_id in report_ids}
        async for document in self._events.find({"report_id": {"$in": report_ids}}):
            found[document["report_id"]].append(decode_event(bytes(document["envelope"])))
        for events in found.values():
            events.sort(key=lambda event: event.envelope.sequence)
        return found

    async def of(self, report_id: str, last: int, until: datetime | None = None) -> list[Event]:
        """The report's events 1..``last`` in order (upcast as any reader sees them), those up
        to a moment when one is given. Each is fetched by ``_id``, the one filter FerretDB
        hands to its storage; a filter on ``report_id`` would read the whole collection."""
        found = await asyncio.gather(
            *(self._events.find_one({"_id": _event_id(report_id, n)}) for n in range(1, last + 1))
        )
        events = [decode_event(bytes(d["envelope"])) for d in found if d is not None]
        if until is None:
            return events
        return [e for e in events if e.envelope.occurred_at.ToDatetime(UTC) <= until]


def _event_id(report_id: str, sequence: int) -> str:
    return f"{report_id}/{sequence:010d}"
