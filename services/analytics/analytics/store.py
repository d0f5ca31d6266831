"""Reads of analytics' read models for the statistics (the projections write them)."""

import time
from datetime import date

from pymongo.asynchronous.database import AsyncDatabase

from analytics.domain.cells import DayDocument
from analytics.readmodels import AGENCIES, SPIKES, daily_collection
from lapor_common.mongo import Document
from lapor_common.replay import CANONICAL

_REMEMBERED = 64


class StatisticsStore:
    """The daily documents of a period, remembered for ``keep_s`` seconds, since many
    readers ask for the same period (this year, this month) at once."""

    def __init__(self, database: AsyncDatabase[Document], keep_s: float) -> None:
        self._database = database
        self._keep_s = keep_s
        self._days: dict[tuple[str, str], tuple[float, list[DayDocument]]] = {}

    async def days(self, from_day: str, to_day: str) -> list[DayDocument]:
        known = self._days.get((from_day, to_day))
        if known and time.monotonic() - known[0] < self._keep_s:
            return known[1]
        documents: list[DayDocument] = []
        first, last = date.fromisoformat(from_day).year, date.fromisoformat(to_day).year
        for year in range(first, last + 1):
            collection = self._database.get_collection(
                daily_collection(f"{year}"), codec_options=CANONICAL
            )
            query = {"day": {"$gte": from_day, "$lte": to_day}}
            documents.extend(await collection.find(query, {"reports": 0}).to_list())
        if len(self._days) >= _REMEMBERED:
            self._days.pop(next(iter(self._days)))
        self._days[(from_day, to_day)] = (time.monotonic(), documents)
        return documents

    async def agencies_connected(self) -> int:
        return await self._database[AGENCIES].count_documents({"connected": True})

    async def spikes(self, from_day: str, to_day: str) -> list[Document]:
        query = {"day": {"$gte": from_day, "$lte": to_day}}
        collection = self._database.get_collection(SPIKES, codec_options=CANONICAL)
        return await collection.find(query).sort([("day", -1), ("_id", 1)]).to_list()

    async def known_spikes(self, ids: list[str]) -> set[str]:
        found = self._database[SPIKES].find({"_id": {"$in": ids}}, {"_id": 1})
        return {document["_id"] async for document in found}
