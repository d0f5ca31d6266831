"""What the mailbox received, in memory and appended to messages.jsonl (one JSON per line).

A record is a JSON object with a ``kind`` (email, sms or webhook). A record with an ``id``
can be updated by appending it again: on loading, the last line per id wins, in the place
of its first line.
"""

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Record = dict[str, Any]
KINDS = ("email", "sms", "webhook")


def received_now() -> str:
    """The current time, ISO 8601 in UTC with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _read(path: Path) -> list[Record]:
    by_key: dict[object, Record] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s line %d is not JSON (cut short?); skipped", path, number)
                continue
            by_key[record.get("id", number)] = record
    return list(by_key.values())


class MessageLog:
    """Records by kind, oldest first; every change is appended to the file at once."""

    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._records: list[Record] = _read(path) if path.exists() else []
        log.info("loaded %d records from %s", len(self._records), path)

    def add(self, record: Record) -> None:
        self._records.append(record)
        self._append(record)

    def update(self, record: Record) -> None:
        """Replace the record with the same id (kept in its place) and append the new one."""
        self._records = [record if kept.get("id") == record["id"] else kept for kept in self]
        self._append(record)

    def find(self, kind: str, field: str, value: object) -> Record | None:
        return next((r for r in self if r["kind"] == kind and r.get(field) == value), None)

    def of_kind(self, kind: str) -> list[Record]:
        return [record for record in self if record["kind"] == kind]

    def clear(self) -> None:
        self._records = []
        self._path.write_text("", encoding="utf-8")

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    def _append(self, record: Record) -> None:
        with self._path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
