"""Escalation's state in MongoDB, all of it derivable from the log:

- ``reports``: each open report's clocks (the fold), with the sequence it reflects;
- ``timers``: a timetable in hour buckets per partition of the report-events topic
  (``_id`` = ``"<partition>:<YYYY-MM-DDTHH>"``), each timer keyed by its command id, so
  adding one twice changes nothing;
- ``cursors``: per partition, the moment up to which every timer has been fired.

Firing reads only the buckets between the cursor and now: the cost follows the timers that
are due, not the number of open reports. Every query filters on ``_id`` (docs/adr/0002).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from escalation.domain.clocks import Clock, Report
from escalation.domain.policy import ClockKind
from escalation.domain.timers import Action, Timer
from lapor_common.mongo import Document


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clock(d: dict[str, Any]) -> Clock:
    paused = d["paused_at"]
    return Clock(
        kind=ClockKind(d["kind"]),
        agency_code=d["agency_code"],
        started_at=_utc(d["started_at"]),
        deadline=_utc(d["deadline"]),
        policy_version=d["policy_version"],
        paused_at=_utc(paused) if paused else None,
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

    async def save(self, report: Report) -> None:
        await self._reports.replace_one({"_id": report.report_id}, to_document(report), upsert=True)

    async def forget(self, report_id: str) -> None:
        """A closed, rejected or archived report runs no clock again."""
        await self._reports.delete_one({"_id": report_id})


def _bucket(partition: int, moment: datetime) -> str:
    return f"{partition}:{moment.astimezone(UTC).strftime('%Y-%m-%dT%H')}"


def _timer(d: dict[str, Any]) -> Timer:
    return Timer(
        due=_utc(d["due"]),
        report_id=d["report_id"],
        kind=ClockKind(d["kind"]),
        action=Action(d["action"]),
        deadline=_utc(d["deadline"]),
    )


class Timetable:
    def __init__(self, timers: AsyncCollection[Document], cursors: AsyncCollection[Document]):
        self._timers = timers
        self._cursors = cursors

    async def cursor(self, partition: int) -> datetime | None:
        """Up to when every timer of the partition has fired; None before the first firing."""
        found = await self._cursors.find_one({"_id": f"cursor:{partition}"})
        return _utc(found["at"]) if found else None

    async def set_cursor(self, partition: int, at: datetime) -> None:
        await self._cursors.replace_one({"_id": f"cursor:{partition}"}, {"at": at}, upsert=True)

    async def add(self, partition: int, timer: Timer) -> None:
        entry = {
            "due": timer.due,
            "report_id": timer.report_id,
            "kind": timer.kind.value,
            "action": timer.action.value,
            "deadline": timer.deadline,
        }
        await self._timers.update_one(
            {"_id": _bucket(partition, timer.due)},
            {"$set": {f"timers.{timer.command_id}": entry}},
            upsert=True,
        )

    async def due(self, partition: int, after: datetime, until: datetime) -> list[Timer]:
        """Timers with after < due <= until, soonest first."""
        found: list[Timer] = []
        hour = after.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour <= until:
            bucket = await self._timers.find_one({"_id": _bucket(partition, hour)})
            if bucket:
                found += [
                    t for t in map(_timer, bucket["timers"].values()) if after < t.due <= until
                ]
            hour += timedelta(hours=1)
        return sorted(found)

    async def forget(self, partition: int, after: datetime, before: datetime) -> None:
        """Drop the buckets of the hours from ``after`` up to the one before ``before``: every
        timer in them has fired."""
        hour = after.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        last = before.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour < last:
            await self._timers.delete_one({"_id": _bucket(partition, hour)})
            hour += timedelta(hours=1)
