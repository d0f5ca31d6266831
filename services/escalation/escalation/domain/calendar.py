"""Working days (hari kerja).

A working day is a weekday that is neither a national holiday nor cuti
bersama. A deadline of N working days ends at the end (23:59:59.999) of the
Nth working day after the day the clock started, in the responsible agency's
zone: WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9), from its province
(``lapor_common.zones``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

_END_OF_DAY = time(23, 59, 59, 999000)  # milliseconds: what MongoDB and Kafka keep


@dataclass(frozen=True)
class WorkingCalendar:
    """The days off (weekends aside) between ``first`` and ``last``; outside them only
    weekends are days off, so keep the range years ahead."""

    days_off: frozenset[date]
    first: date
    last: date

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days_off

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``th working day after ``day`` (``day`` itself when count is 0)."""
        while count > 0:
            day += timedelta(days=1)
            count -= self.is_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def working_days_left(self, today: date, last: date) -> int:
        """Working days from ``today`` to a deadline's ``last`` day: those after today up to
        it; 0 on the day itself; once it has passed, minus those after it up to today, and
        at least 1 (the weekend after a Friday deadline is already a day late)."""
        if today <= last:
            return self.working_days_between(today, last)
        return -max(1, self.working_days_between(last, today))

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, _END_OF_DAY, tzinfo=zone)


def indonesian_calendar(first_year: int, last_year: int) -> WorkingCalendar:
    """National holidays and cuti bersama from the ``holidays`` package (ID, public and
    government categories)."""
    days = holidays.country_holidays(
        "ID", years=range(first_year, last_year + 1), categories=("public", "government")
    )
    return WorkingCalendar(frozenset(days), date(first_year, 1, 1), date(last_year, 12, 31))
