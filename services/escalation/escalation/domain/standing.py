"""Where a running clock stands at a moment, for people reading it: the working days left to
its deadline's day in the agency's zone, and whether the deadline has passed."""

from dataclasses import dataclass
from datetime import datetime

from escalation.domain.calendar import WorkingCalendar, local_day
from escalation.domain.clocks import Clock
from lapor_common.zones import zone_of_agency


@dataclass(frozen=True)
class Standing:
    working_days_left: int  # 0 on the deadline's day, negative once it has passed
    overdue: bool


def standing(clock: Clock, calendar: WorkingCalendar, now: datetime) -> Standing:
    """The clock at ``now`` (aware). A paused clock does not run: it stands where it was when
    it paused (its deadline moves by the working days the pause covers once it resumes)."""
    at = clock.paused_at or now
    zone = zone_of_agency(clock.agency_code)
    left = calendar.working_days_left(local_day(at, zone), local_day(clock.deadline, zone))
    return Standing(left, at > clock.deadline)
