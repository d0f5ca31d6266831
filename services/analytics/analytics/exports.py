"""Exports of read-model documents (report snapshots, any collection) into files, batch by
batch: never a whole collection in memory."""

import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import bson
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from analytics.readmodels import FACTS
from analytics.report_rows import REPORT_COLUMNS, report_row
from analytics.tables import ColumnSurvey, table_file
from lapor_common.mongo import Document
from lapor_common.replay import CANONICAL

BATCH = 5000
Progress = Callable[[int], None]
Query = dict[str, Any]


@dataclass(frozen=True)
class ExportResult:
    rows: int
    seconds: float

    def summary(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        return f"{self.rows} rows in {self.seconds:.1f} s ({rate:.0f} rows/s)"


def no_progress(_: int) -> None:
    pass


async def batches(
    collection: AsyncCollection[Document], query: Query, size: int = BATCH
) -> AsyncIterator[list[Document]]:
    """The matching documents in ``_id`` order, ``size`` at a time."""
    batch: list[Document] = []
    async for document in collection.find(query, batch_size=size).sort("_id", 1):
        batch.append(document)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def submitted_between(since: datetime | None, until: datetime | None) -> Query:
    window = {"$gte": since, "$lt": until}
    bounds = {op: at for op, at in window.items() if at is not None}
    return {"submitted_at": bounds} if bounds else {}


async def export_reports(
    database: AsyncDatabase[Document],
    out: Path,
    file_format: str,
    query: Query,
    progress: Progress = no_progress,
) -> ExportResult:
    """The snapshots (``report_facts``) of the reports ``query`` selects, one row each,
    confidential ones included and marked."""
    began, rows = time.monotonic(), 0
    with table_file(out, file_format, REPORT_COLUMNS) as writer:
        async for batch in batches(database[FACTS], query):
            writer.write([report_row(facts) for facts in batch])
            rows += len(batch)
            progress(len(batch))
    return ExportResult(rows, time.monotonic() - began)


async def export_collection(
    database: AsyncDatabase[Document],
    collection: str,
    out: Path,
    file_format: str,
    progress: Progress = no_progress,
) -> ExportResult:
    """Every document of a collection, one row each. The columns are surveyed from the
    documents as they are read into a local spool file, then the spool is written out, so the
    documents of any read model fit and the collection is read once."""
    began, rows, survey = time.monotonic(), 0, ColumnSurvey()
    with tempfile.TemporaryFile() as spool:
        async for batch in batches(database[collection], {}):
            survey.observe(batch)
            spool.writelines(bson.encode(document) for document in batch)
            progress(len(batch))
        spool.seek(0)
        with table_file(out, file_format, survey.columns()) as writer:
            for batch in _spooled(spool):
                writer.write(batch)
                rows += len(batch)
    return ExportResult(rows, time.monotonic() - began)


def _spooled(spool: IO[bytes]) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for document in bson.decode_file_iter(spool, codec_options=CANONICAL):
        batch.append(document)
        if len(batch) == BATCH:
            yield batch
            batch = []
    yield batch
