"""The in-app feed: the latest notifications of a reporter (by tracking id) or an agency.

One document per reporter (``report:<id>``) and per agency and partition of the report
events (``agency:<code>:<partition>``), so each has a single writer: the process that owns
the partition. Each keeps its newest ``keep`` items; older ones remain in the delivery log.
"""

from collections.abc import Sequence

from pymongo.asynchronous.collection import AsyncCollection

from lapor_common.mongo import Document


def reporter_feed(report_id: str) -> str:
    return f"report:{report_id}"


def agency_feed(agency_code: str, partition: int) -> str:
    return f"agency:{agency_code}:{partition}"


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
        """Items of these feeds, oldest first, those after the cursor ``after`` (an item's
        ``cursor``: its time and id) only."""
        found: list[Document] = []
        for feed in feeds:
            doc = await self._feeds.find_one({"_id": feed})
            found += doc["items"] if doc else []
        found.sort(key=lambda item: item["cursor"])
        return [item for item in found if item["cursor"] > after]
