"""The officers' inbox and escalation's deadlines: each report's nearest running deadline, and
the open reports due within some hours, nearest first. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from intake.domain.model import CLOSED, Invalid, Status

# A clock as escalation reports it: its kind (first_response, ...), deadline, paused or not.
ClockReading = tuple[str, datetime, bool]
# Reports still to be worked on: neither closed nor linked to an earlier report.
OPEN: tuple[Status, ...] = tuple(
    s for s in Status if s not in CLOSED and s is not Status.DIGABUNGKAN
)
MAX_DUE_HOURS = 720
# The open reports at one agency whose deadlines a due_within_hours listing weighs, oldest
# first (the oldest are the likeliest to be due).
MAX_DUE_CANDIDATES = 5000


@dataclass(frozen=True)
class Deadline:
    at: datetime
    clock: str


def nearest_deadline(clocks: list[ClockReading]) -> Deadline | None:
    """The nearest deadline among the clocks that are running (not paused)."""
    running = [Deadline(at, kind) for kind, at, paused in clocks if not paused]
    return min(running, key=lambda deadline: deadline.at, default=None)


def due(deadlines: Mapping[str, Deadline], now: datetime, hours: int) -> list[str]:
    """The reports whose nearest deadline is within ``hours`` of now or has passed, nearest
    first (then by tracking id)."""
    until = now + timedelta(hours=hours)
    found = [(d.at, report_id) for report_id, d in deadlines.items() if d.at <= until]
    return [report_id for _, report_id in sorted(found)]


def open_statuses(wanted: list[Status]) -> list[Status]:
    """The open statuses among those wanted (all open ones when none is named)."""
    found: list[Status] = [s for s in OPEN if not wanted or s in wanted]
    if not found:
        raise Invalid(["due_within_hours lists open reports: name at least one open status"])
    return found
