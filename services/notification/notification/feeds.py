"""Agencies' in-app feeds: the latest notifications of an agency. (A reporter's feed is
kept with the report's facts, store.py.)

One document per agency and partition of the report events (``agency:<code>:<partition>``),
so each has a single writer: the planner that owns the partition; and, for analytics'
alerts, one per agency and partition of the analytics events
(``agency:<code>:alerts:<partition>``), written by the consumer that owns that one. Each
keeps its newest ``keep`` items.
"""

from collections.abc import Sequence

from pymongo.asynchronous.collection import AsyncCollection

from lapor_common.mongo import Document
from notification.domain.notices import NATIONAL_ADMINISTRATOR


def agency_feed(agency_code: str, partition: int) -> str:
    return f"agency:{agency_code}:{partition}"


def alerts_feed(agency_code: str, partition: int) -> str:
    return f"agency:{agency_code}:alerts:{partition}"


def agency_feeds(agency_code: str, partitions: int, alert_partitions: int) -> list[str]:
    """Every document of an agency's feed; alerts only for the national administrators, the
    only ones analytics' alerts go to (domain/alerts.py)."""
    alerted = agency_code == NATIONAL_ADMINISTRATOR
    return [agency_feed(agency_code, p) for p in range(partitions)] + [
        alerts_feed(agency_code, p) for p in range(alert_partitions if alerted else 0)
    ]


class Feeds:
    def __init__(self, collection: AsyncCollection[Document], keep: int = 200) -> None:
        self._feeds = collection
        self._keep = keep

    async def append(self, feed: str, item: Document) -> None:
        """Add an item once: a retried delivery finds its item already there."""
        doc = await self._feeds.find_one({"_id": feed})
        items: list[Document] = doc["items"] if doc else []
        if any(existing["id"] == item["id"] for existing in items):
            return
        items = [*items, item][-self._keep :]
        await self._feeds.replace_one({"_id": feed}, {"_id": feed, "items": items}, upsert=True)

    async def read(self, feeds: Sequence[str], after: str = "") -> list[Document]:
        """Items of these feeds, oldest first, after the cursor ``after``."""
        found: list[Document] = []
        for feed in feeds:
            doc = await self._feeds.find_one({"_id": feed})
            found += doc["items"] if doc else []
        return since(found, after)


def since(items: Sequence[Document], after: str) -> list[Document]:
    """Items after a cursor (an item's ``cursor``: its time and id), oldest first."""
    return sorted((i for i in items if i["cursor"] > after), key=lambda item: item["cursor"])
