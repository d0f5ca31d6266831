"""Time, injected: the system clock in production; in tests a clock they advance instead of
sleeping (in-process), or the contents of a file (a running service, ESCALATION_CLOCK_FILE)."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FileClock:
    """The moment written in a file (ISO 8601), for end-to-end tests of a running service;
    tests replace the file whole (write a draft, rename it)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self._path.read_text().strip()).astimezone(UTC)
