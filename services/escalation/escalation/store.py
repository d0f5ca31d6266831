"""Escalation's state in MongoDB, all of it derivable from the log:

- ``reports``: each open report's clocks (the fold), with the sequence it reflects;
- ``timers_<YYYYMMDDHH>``: a timetable, one collection per hour, holding a bucket per
  partition of the report-events topic spread over a few shards (``_id`` =
  ``"<partition>:<shard>"``; deadlines bunch at the end of a day). An hour's collection
  stays small, so reading its buckets is quick even where ``_id`` lookups scan. Each timer
  is keyed by its command id, so adding one twice changes nothing, and carries its clock
  and the report's sequence, agency and tier as of the report's latest event, so firing
  reads nothing else;
- ``cursors``: per partition, the moment up to which every timer has been fired.

Firing reads only the buckets between the cursor and now: the cost follows the timers that
are due, not the number of open reports. Every query filters on ``_id`` (docs/adr/0002).
"""

import asyncio
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from escalation.domain.clocks import Clock, Report
from escalation.domain.policy import ClockKind
from escalation.domain.timers import Action, Timer
from lapor_common.mongo import Document


def _clock(d: dict[str, Any]) -> Clock:
    return Clock(
        kind=ClockKind(d["kind"]),
        agency_code=d["agency_code"],
        started_at=d["started_at"],
        deadline=d["deadline"],
        policy_version=d["policy_version"],
        paused_at=d["paused_at"],
        reminded=d["reminded"],
    )


def to_document(report: Report) -> Document:
    return {
        "_id": report.report_id,
        "sequence": report.sequence,
        "type": report.type,
        "examination": report.examination,
        "category": report.category,
        "agency_code": report.agency_code,
        "tier": report.tier,
        "clocks": [{**c.__dict__, "kind": c.kind.value} for c in report.clocks],
    }


def from_document(d: Document) -> Report:
    return Report(
        report_id=d["_id"],
        sequence=d["sequence"],
        type=d["type"],
        examination=d["examination"],
        category=d["category"],
        agency_code=d["agency_code"],
        tier=d["tier"],
        clocks=tuple(_clock(c) for c in d["clocks"]),
    )


class Reports:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._reports = collection

    async def get(self, report_id: str) -> Report | None:
        found = await self._reports.find_one({"_id": report_id})
        return from_document(found) if found else None

    async def many(self, report_ids: list[str]) -> list[Report]:
        """The reports among these ids that have clocks, each read by ``_id``."""
        found = await asyncio.gather(*map(self.get, report_ids))
        return [report for report in found if report is not None]

    async def save(self, report: Report) -> None:
        await self._reports.replace_one({"_id": report.report_id}, to_document(report), upsert=True)

    async def forget(self, report_id: str) -> None:
        """A closed, rejected or archived report runs no clock again."""
        await self._reports.delete_one({"_id": report_id})


SHARDS = 8


def _shard(report_id: str) -> int:
    return zlib.crc32(report_id.encode()) % SHARDS


def hour_collection(moment: datetime) -> str:
    """The timetable collection of the hour a moment falls in."""
    return f"timers_{moment.astimezone(UTC).strftime('%Y%m%d%H')}"


def bucket(partition: int, shard: int) -> str:
    return f"{partition}:{shard}"


def place(partition: int, timer: Timer) -> tuple[str, str]:
    """Where a timer is kept: its hour's collection and the bucket in it."""
    return hour_collection(timer.due), bucket(partition, _shard(timer.report_id))


def timer_entry(timer: Timer, report: Report) -> Document:
    """A timer as kept: what firing needs, i.e. the report's sequence, agency, tier and this
    timer's clock."""
    own = tuple(c for c in report.clocks if c.kind is timer.kind)
    return {
        "due": timer.due,
        "kind": timer.kind.value,
        "action": timer.action.value,
        "deadline": timer.deadline,
        "report": to_document(replace(report, clocks=own)),
    }


def _hours(after: datetime, until: datetime) -> list[datetime]:
    hour = after.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    found = []
    while hour <= until:
        found.append(hour)
        hour += timedelta(hours=1)
    return found


def _due(d: dict[str, Any]) -> tuple[Timer, Report]:
    timer = Timer(
        due=d["due"],
        report_id=d["report"]["_id"],
        kind=ClockKind(d["kind"]),
        action=Action(d["action"]),
        deadline=d["deadline"],
    )
    return timer, from_document(d["report"])


class Timetable:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._db = database
        self._cursors = database["cursors"]

    def _hour(self, moment: datetime) -> AsyncCollection[Document]:
        return self._db[hour_collection(moment)]

    async def cursor(self, partition: int) -> datetime | None:
        """Up to when every timer of the partition has fired; None before the first firing."""
        found = await self._cursors.find_one({"_id": f"cursor:{partition}"})
        return found["at"] if found else None

    async def set_cursor(self, partition: int, at: datetime) -> None:
        await self._cursors.replace_one({"_id": f"cursor:{partition}"}, {"at": at}, upsert=True)

    async def add(self, partition: int, timer: Timer, report: Report) -> None:
        hour, bucket_id = place(partition, timer)
        await self._db[hour].update_one(
            {"_id": bucket_id},
            {"$set": {f"timers.{timer.command_id}": timer_entry(timer, report)}},
            upsert=True,
        )

    async def remove(self, partition: int, timer: Timer) -> None:
        """Forget a timer whose clock stopped or moved."""
        hour, bucket_id = place(partition, timer)
        await self._db[hour].update_one(
            {"_id": bucket_id},
            {"$unset": {f"timers.{timer.command_id}": ""}},
        )

    async def due(
        self, partition: int, after: datetime, until: datetime
    ) -> list[tuple[Timer, Report]]:
        """Timers with after < due <= until, soonest first, each with its report's clocks."""
        found: list[tuple[Timer, Report]] = []
        shards = [bucket(partition, shard) for shard in range(SHARDS)]
        for hour in _hours(after, until):
            async for found_bucket in self._hour(hour).find({"_id": {"$in": shards}}):
                entries = [_due(d) for d in found_bucket["timers"].values()]
                found += [(t, r) for t, r in entries if after < t.due <= until]
        return sorted(found, key=lambda pair: pair[0])

    async def forget(self, partition: int, after: datetime, before: datetime) -> None:
        """Drop the buckets of the hours from ``after`` up to the one before ``before``: every
        timer in them has fired."""
        last = before.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        for hour in _hours(after, last - timedelta(hours=1)):
            for shard in range(SHARDS):
                await self._hour(hour).delete_one({"_id": bucket(partition, shard)})


class Warnings:
    """Missed deadlines per agency: one document per agency, each warning keyed by the
    report, clock and deadline, so recording it again changes nothing."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._warnings = collection

    async def record(self, agency_code: str, report_id: str, kind: str, deadline: datetime) -> None:
        key = f"{report_id}:{kind}:{int(deadline.timestamp())}"
        warning = {"report_id": report_id, "clock": kind, "deadline": deadline}
        await self._warnings.update_one(
            {"_id": agency_code}, {"$set": {f"warnings.{key}": warning}}, upsert=True
        )

    async def of(self, agency_code: str) -> list[dict[str, Any]]:
        found = await self._warnings.find_one({"_id": agency_code})
        warnings = list(found["warnings"].values()) if found else []
        warnings.sort(key=lambda w: w["deadline"], reverse=True)
        return [{**w, "deadline": w["deadline"].isoformat()} for w in warnings]
