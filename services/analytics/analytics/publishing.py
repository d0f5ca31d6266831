"""The daily open-data files: written each day at a set time (WIB) for the day before, the
last few kept, and served as downloads."""

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from pymongo.asynchronous.database import AsyncDatabase

from analytics.opendata import NAME, file_stem
from analytics.opendata_files import export_open_data
from lapor_common.mongo import Document
from lapor_common.zones import WIB

log = logging.getLogger(__name__)
FILE_NAME = re.compile(rf"^{NAME}-(\d{{4}}-\d{{2}}-\d{{2}})\.(csv|parquet)$|^schema\.json$")
_RETRY_S = 300.0


@dataclass(frozen=True)
class Snapshot:
    day: str
    files: list[str]


def snapshots(directory: Path) -> list[Snapshot]:
    """The days whose files are there, newest first."""
    days: dict[str, list[str]] = {}
    for path in directory.glob(f"{NAME}-*"):
        match = FILE_NAME.match(path.name)
        if match and match.group(1):
            days.setdefault(match.group(1), []).append(path.name)
    return [Snapshot(day, sorted(days[day])) for day in sorted(days, reverse=True)]


def prune(directory: Path, keep: int) -> list[str]:
    """Delete the files of all but the ``keep`` newest days; return the days deleted."""
    old = snapshots(directory)[keep:]
    for snapshot in old:
        for name in snapshot.files:
            (directory / name).unlink(missing_ok=True)
    return [snapshot.day for snapshot in old]


def next_run(now: datetime, at: time) -> datetime:
    """The next moment the clock in Jakarta shows ``at``."""
    local = now.astimezone(WIB)
    moment = datetime.combine(local.date(), at, tzinfo=WIB)
    return moment if moment > local else moment + timedelta(days=1)


class OpenDataPublisher:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        directory: Path,
        at: time,
        keep: int,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._database = database
        self._directory = directory
        self._at = at
        self._keep = keep
        self._now = now

    async def run(self) -> None:
        """Publish yesterday's files now if they are missing, then every day at ``at``."""
        while True:
            try:
                await self.publish_if_missing()
            except Exception:
                log.exception("open data not published; trying again in %.0f s", _RETRY_S)
                await asyncio.sleep(_RETRY_S)
                continue
            wait = (next_run(self._now(), self._at) - self._now()).total_seconds()
            await asyncio.sleep(max(wait, 1.0))

    async def publish_if_missing(self) -> bool:
        day = self._now().astimezone(WIB).date() - timedelta(days=1)
        if (self._directory / f"{file_stem(day)}.parquet").exists():
            return False
        await self.publish(day)
        return True

    async def publish(self, day: date) -> None:
        result = await export_open_data(self._database, self._directory, day)
        log.info("open data of %s: %d public reports in %.1f s", day, result.rows, result.seconds)
        await asyncio.to_thread(prune, self._directory, self._keep)
