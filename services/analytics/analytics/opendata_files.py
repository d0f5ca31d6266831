"""The daily open-data files: ``laporan-publik-<day>.csv`` and ``.parquet`` and
``schema.json`` in one directory, each replaced whole (written under a temporary name, then
renamed), from analytics' ``report_facts``."""

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pymongo.asynchronous.database import AsyncDatabase

from analytics.exports import Progress, batches, no_progress
from analytics.opendata import OPEN_COLUMNS, file_stem, open_rows, schema_document
from analytics.readmodels import FACTS
from analytics.tables import renamed_into, table_file
from lapor_common.mongo import Document


@dataclass(frozen=True)
class OpenDataResult:
    rows: int
    paths: list[Path]
    seconds: float


def _write_text(path: Path, text: str) -> None:
    with renamed_into(path) as partial:
        partial.write_text(text, encoding="utf-8")


async def export_open_data(
    database: AsyncDatabase[Document], directory: Path, day: date, progress: Progress = no_progress
) -> OpenDataResult:
    """Write the open-data files of ``day`` (reports submitted up to its end, WIB) into
    ``directory``; ``database`` is analytics' (its ``report_facts``)."""
    began, rows = time.monotonic(), 0
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    csv_path = directory / f"{file_stem(day)}.csv"
    parquet_path = directory / f"{file_stem(day)}.parquet"
    # The day is compared here: a range filter makes the MongoDB-wire server we run slower.
    query = {"confidential": False}
    with (
        table_file(csv_path, "csv", OPEN_COLUMNS) as csv_rows,
        table_file(parquet_path, "parquet", OPEN_COLUMNS) as parquet_rows,
    ):
        async for batch in batches(database[FACTS], query):
            public = open_rows(batch, day)
            # In a thread: the service's event loop goes on meanwhile.
            await asyncio.to_thread(csv_rows.write, public)
            await asyncio.to_thread(parquet_rows.write, public)
            rows += len(public)
            progress(len(batch))
    schema_path = directory / "schema.json"
    text = json.dumps(schema_document(day, rows), ensure_ascii=False, indent=2) + "\n"
    await asyncio.to_thread(_write_text, schema_path, text)
    return OpenDataResult(rows, [csv_path, parquet_path, schema_path], time.monotonic() - began)
