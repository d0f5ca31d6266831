"""Notification's own state in MongoDB, besides the delivery log (outbox.py):

- ``facts_<shard>``: per report, what messages need (domain/facts.py), with the sequence it
  reflects, its delivery log entries and its reporter's feed; spread over ``FACTS_SHARDS``
  collections by report, since every lookup scans its collection here (docs/adr/0002);
- ``queue``: per partition of the report events, the reports it holds that wait in the
  verification queue, with the offset that count reflects (so a redelivered event does not
  count twice);
- ``preferences``: reporters' choices, keyed by tracking id;
- ``subscriptions``: agencies' addresses (officers' and supervisors' e-mail and phones,
  their systems' webhooks and signing secrets).
"""

import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from lapor_common.mongo import Document
from notification.domain.facts import Facts
from notification.domain.recipients import Channel, Preferences, Role, Subscription
from notification.outbox import shard

_SUBSCRIPTIONS_KEEP_S = 10.0


@dataclass
class Kept:
    """A report's facts, its delivery log references (``<collection>|<delivery id>``: the
    server stores no nested arrays) and its reporter's in-app feed, newest last."""

    facts: Facts
    log: list[str] = field(default_factory=list)
    feed: list[Document] = field(default_factory=list)


FACTS_SHARDS = 64


class FactsStore:
    def __init__(self, db: AsyncDatabase[Document], feed_keep: int = 200) -> None:
        self._db = db
        self._keep = feed_keep

    def _facts(self, report_id: str) -> AsyncCollection[Document]:
        return self._db[f"facts_{shard(report_id, FACTS_SHARDS):02d}"]

    async def get(self, report_id: str) -> Kept:
        """What is kept of the report (empty facts before its first event)."""
        doc = await self._facts(report_id).find_one({"_id": report_id})
        if doc is None:
            return Kept(Facts(report_id))
        log, feed = doc.pop("log", []), doc.pop("feed", [])
        doc["secret_sha256"] = bytes(doc["secret_sha256"])
        return Kept(Facts(report_id=doc.pop("_id"), **doc), log, feed)

    async def save(self, kept: Kept) -> None:
        doc: dict[str, Any] = asdict(kept.facts)
        doc["_id"] = doc.pop("report_id")
        doc["log"] = kept.log
        doc["feed"] = kept.feed[-self._keep :]
        report_id = kept.facts.report_id
        await self._facts(report_id).replace_one({"_id": report_id}, doc, upsert=True)


class QueueCounts:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._queue = collection

    async def apply(self, partition: int, offset: int, delta: int) -> tuple[int, int] | None:
        """Add ``delta`` to the partition's count unless that offset was counted already; the
        national total before and after, or None when nothing changed. The total is read
        after the write, so partitions counting at the same time each see the others'."""
        key = f"p{partition}"
        stored = await self._queue.find_one({"_id": key})
        if stored is not None and stored["offset"] >= offset:
            return None
        count = (stored["count"] if stored else 0) + delta
        try:
            await self._queue.replace_one(
                {"_id": key}, {"_id": key, "count": count, "offset": offset}, upsert=True
            )
        except DuplicateKeyError:
            return None
        after = await self.total()
        return after - delta, after

    async def total(self) -> int:
        return sum([d["count"] async for d in self._queue.find({})])


class PreferenceStore:
    """Reporters' choices, remembered for a few seconds (the planner and the dispatcher ask
    for them at every message; few reporters ever set any)."""

    def __init__(self, collection: AsyncCollection[Document], keep_s: float = 10.0) -> None:
        self._prefs = collection
        self._keep_s = keep_s
        self._known: dict[str, tuple[float, Preferences]] = {}

    async def get(self, report_id: str) -> Preferences:
        now = time.monotonic()
        known = self._known.get(report_id)
        if known and now - known[0] < self._keep_s:
            return known[1]
        doc = await self._prefs.find_one({"_id": report_id})
        prefs = Preferences()
        if doc is not None:
            channels = doc.get("channels")
            prefs = Preferences(
                channels=None if channels is None else frozenset(Channel(c) for c in channels),
                essential_only=doc["essential_only"],
                language=doc.get("language"),
            )
        self._known = {k: v for k, v in self._known.items() if now - v[0] < self._keep_s}
        self._known[report_id] = (now, prefs)
        return prefs

    async def put(self, report_id: str, prefs: Preferences) -> None:
        channels = None if prefs.channels is None else sorted(c.value for c in prefs.channels)
        doc = {
            "_id": report_id,
            "channels": channels,
            "essential_only": prefs.essential_only,
            "language": prefs.language,
        }
        await self._prefs.replace_one({"_id": report_id}, doc, upsert=True)
        self._known[report_id] = (time.monotonic(), prefs)


def _subscription(doc: Document) -> Subscription:
    return Subscription(
        id=doc["_id"],
        agency_code=doc["agency_code"],
        channel=Channel(doc["channel"]),
        address=doc["address"],
        role=Role(doc["role"]),
        language=doc["language"],
        secret=doc.get("secret", ""),
    )


class Subscriptions:
    """Agencies' addresses, read from the database at most every few seconds per agency."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._subs = collection
        self._known: dict[str, tuple[float, list[Subscription]]] = {}

    async def add(self, subscription: Subscription) -> Subscription:
        stored = replace(subscription, id=uuid.uuid4().hex[:16])
        doc = asdict(stored)
        doc["_id"] = doc.pop("id")
        await self._subs.insert_one(doc)
        self._known.pop(stored.agency_code, None)
        return stored

    async def remove(self, agency_code: str, subscription_id: str) -> bool:
        found = await self._subs.delete_one({"_id": subscription_id, "agency_code": agency_code})
        self._known.pop(agency_code, None)
        return found.deleted_count == 1

    async def get(self, subscription_id: str) -> Subscription | None:
        doc = await self._subs.find_one({"_id": subscription_id})
        return _subscription(doc) if doc else None

    async def of(self, agency_code: str) -> list[Subscription]:
        known = self._known.get(agency_code)
        if known and time.monotonic() - known[0] < _SUBSCRIPTIONS_KEEP_S:
            return known[1]
        found = [_subscription(d) async for d in self._subs.find({"agency_code": agency_code})]
        self._known[agency_code] = (time.monotonic(), found)
        return found
