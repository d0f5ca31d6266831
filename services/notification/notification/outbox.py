"""The delivery log and the outbox, in MongoDB.

- ``deliveries_<YYYYMMDD>_<shard>``: the delivery log, per day of the events and one of
  ``LOG_SHARDS`` shards by report (small collections stay quick on a server where every
  lookup scans its collection, docs/adr/0002). Every (event, recipient, channel) is
  recorded here, as ``pending``, before anything is sent; then ``sent``, ``skipped``,
  ``retrying``, ``held`` (quiet hours, digest), ``dead`` or ``uncertain``.
- ``outbox``: the deliveries not yet final, with what sending needs (no personal data:
  contacts are asked of intake when sending; only a reply to a citizen's SMS carries the
  number it answers, which leaves with the entry once the reply is final). A delivery is
  ``pending`` or, from the moment an attempt starts, ``sending``; it leaves the outbox when
  final.

Recording is idempotent: a delivery id already in the log is never queued again once final,
so an event delivered twice by Kafka (a crash before the offset commit) sends nothing twice.
"""

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from lapor_common.mongo import Document
from notification.domain.notices import Audience
from notification.domain.recipients import Channel, Delivery

_DUPLICATE = 11000
FINAL = ("sent", "skipped", "dead", "uncertain")


LOG_SHARDS = 16


def log_name(day: datetime, report_id: str) -> str:
    """The log collection of a report's deliveries for an event of that day."""
    return f"deliveries_{day:%Y%m%d}_{shard(report_id, LOG_SHARDS):02d}"


def shard(key: str, shards: int) -> int:
    return zlib.crc32(key.encode()) % shards


@dataclass(frozen=True)
class Entry:
    """A delivery waiting in the outbox, with the report facts its message needs."""

    delivery: Delivery
    log: str
    partition: int
    occurred_at: datetime
    due_at: datetime
    attempts: int
    state: str
    report: Document

    @property
    def id(self) -> str:
        return self.delivery.id


def _to_document(e: Entry) -> Document:
    d = e.delivery
    return {
        "_id": d.id,
        "event_id": d.event_id,
        "report_id": d.report_id,
        "kind": d.kind,
        "audience": d.audience.value,
        "recipient": d.recipient,
        "channel": d.channel.value,
        "essential": d.essential,
        "agency_code": d.agency_code,
        "context": dict(d.context),
        "log": e.log,
        "partition": e.partition,
        "occurred_at": e.occurred_at,
        "due_at": e.due_at,
        "attempts": e.attempts,
        "state": e.state,
        "report": e.report,
    }


def _from_document(doc: Document) -> Entry:
    delivery = Delivery(
        id=doc["_id"],
        event_id=doc["event_id"],
        report_id=doc["report_id"],
        kind=doc["kind"],
        audience=Audience(doc["audience"]),
        recipient=doc["recipient"],
        channel=Channel(doc["channel"]),
        essential=doc["essential"],
        agency_code=doc["agency_code"],
        context=doc["context"],
    )
    return Entry(
        delivery,
        doc["log"],
        doc["partition"],
        doc["occurred_at"],
        doc["due_at"],
        doc["attempts"],
        doc["state"],
        doc["report"],
    )


def _log_document(e: Entry, event_type: str) -> Document:
    d = e.delivery
    return {
        "_id": d.id,
        "report_id": d.report_id,
        "event_id": d.event_id,
        "event_type": event_type,
        "kind": d.kind,
        "recipient": d.recipient,
        "channel": d.channel.value,
        "status": "pending",
        "attempts": 0,
        "created_at": e.occurred_at,
        "updated_at": e.occurred_at,
    }


async def _insert_new(collection: AsyncCollection[Document], docs: Sequence[Document]) -> set[int]:
    """Insert what is not there yet; the positions that were already there."""
    if not docs:
        return set()
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(error["code"] != _DUPLICATE for error in errors):
            raise
        return {error["index"] for error in errors}
    return set()


class DeliveryLog:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    def _day(self, name: str) -> AsyncCollection[Document]:
        return self._db[name]

    async def record(self, entries: Sequence[Entry], event_type: str) -> list[Entry]:
        """Log each delivery as pending; those still to be sent (new, or logged earlier and not
        yet final), which the caller puts in the outbox."""
        if not entries:
            return []
        log = self._day(entries[0].log)
        known = await _insert_new(log, [_log_document(e, event_type) for e in entries])
        if not known:
            return list(entries)
        ids = [entries[i].id for i in known]
        final = {d["_id"] async for d in log.find({"_id": {"$in": ids}, "status": {"$in": FINAL}})}
        return [e for e in entries if e.id not in final]

    async def note(self, entry: Entry, status: str, at: datetime, **fields: Any) -> None:
        update = {"status": status, "updated_at": at, "attempts": entry.attempts, **fields}
        await self._day(entry.log).update_one({"_id": entry.id}, {"$set": update})

    async def of(self, entries: Iterable[str]) -> list[Document]:
        """Log documents by their ``<collection>|<delivery id>`` references."""
        by_day: dict[str, list[str]] = {}
        for entry in entries:
            day, _, delivery = entry.partition("|")
            by_day.setdefault(day, []).append(delivery)
        found: list[Document] = []
        for day, ids in sorted(by_day.items()):
            found += [d async for d in self._day(day).find({"_id": {"$in": ids}})]
        return sorted(found, key=lambda d: (d["created_at"], d["_id"]))


class Outbox:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._outbox = collection

    async def add(self, entries: Sequence[Entry]) -> None:
        await _insert_new(self._outbox, [_to_document(e) for e in entries])

    async def due(self, partitions: Sequence[int], now: datetime, limit: int) -> list[Entry]:
        query = {"partition": {"$in": list(partitions)}, "due_at": {"$lte": now}}
        cursor = self._outbox.find(query).sort("due_at", 1).limit(limit)
        return [_from_document(d) async for d in cursor]

    async def claim(self, entries: Sequence[Entry]) -> None:
        """Record that an attempt starts, before it does."""
        update = {"$set": {"state": "sending"}, "$inc": {"attempts": 1}}
        await self._outbox.update_many({"_id": {"$in": [e.id for e in entries]}}, update)

    async def reschedule(self, entry: Entry, due_at: datetime, attempts: int) -> None:
        update = {"state": "pending", "due_at": due_at, "attempts": attempts}
        await self._outbox.update_one({"_id": entry.id}, {"$set": update})

    async def remove(self, entries: Sequence[Entry]) -> None:
        await self._outbox.delete_many({"_id": {"$in": [e.id for e in entries]}})
