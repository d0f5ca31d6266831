"""Quiet hours: no message reaches a reporter at night in the reporter's own time.

A message due inside the recipient's quiet hours is held until they end, in the recipient's
zone (WIB, WITA or WIT: ``lapor_common.zones``). The window may wrap midnight (21:00-07:00);
it includes its start and excludes its end, and a start equal to its end means none.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_SPEC = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", re.ASCII)
_EXAMPLE = "HH:MM-HH:MM in local time, such as 21:00-07:00"


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are local times of day, without a time zone")

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def parse_quiet_hours(spec: str) -> QuietHours | None:
    """``"21:00-07:00"`` as QuietHours; ``""`` (quiet hours disabled) as None."""
    if not spec.strip():
        return None
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise ValueError(f"quiet hours {spec!r} are not {_EXAMPLE}")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    return QuietHours(_time_of_day(spec, start_h, start_m), _time_of_day(spec, end_h, end_m))


def _time_of_day(spec: str, hour: int, minute: int) -> time:
    if hour > 23 or minute > 59:
        raise ValueError(f"quiet hours {spec!r}: {hour:02}:{minute:02} is not a time of day")
    return time(hour, minute)


def release_at(moment: datetime, zone: ZoneInfo, quiet: QuietHours | None) -> datetime:
    """When a message due at ``moment`` may go: ``moment`` itself outside the quiet hours in
    ``zone``, else the next local end of the quiet hours (in UTC)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    local = moment.astimezone(zone)
    if quiet is None or not quiet.contains(local.time()):
        return moment
    day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet.end, tzinfo=zone).astimezone(UTC)
