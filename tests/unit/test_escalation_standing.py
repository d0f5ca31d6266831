"""Where a clock stands for people reading it, on the real calendar: working days left to the
deadline's day across weekends, a national holiday and cuti bersama, 0 on the day, negative
once passed, in the agency's zone; a paused clock keeps the days it had left."""

from datetime import UTC, date, datetime

import pytest

from escalation.domain.calendar import end_of_day, indonesian_calendar
from escalation.domain.clocks import Clock
from escalation.domain.policy import ClockKind
from escalation.domain.standing import Standing, standing
from lapor_common.zones import WIB, WITA

CALENDAR = indonesian_calendar(2025, 2028)
DINKES_MAKASSAR = "pemkot-7371.dinkes"


@pytest.mark.parametrize(
    ("today", "last", "left"),
    [
        (date(2026, 4, 1), date(2026, 4, 1), 0),  # the deadline's day itself
        (date(2026, 3, 31), date(2026, 4, 1), 1),
        (date(2026, 9, 4), date(2026, 9, 7), 1),  # Friday to Monday: the weekend is off
        (date(2026, 9, 5), date(2026, 9, 7), 1),  # from the Saturday
        (date(2026, 8, 14), date(2026, 8, 18), 1),  # Monday 17 August, Independence Day
        (date(2026, 4, 2), date(2026, 4, 6), 1),  # Good Friday, 3 April
        # Nyepi and cuti bersama from 18 March, Idul Fitri, cuti bersama to 24 March.
        (date(2026, 3, 17), date(2026, 3, 25), 1),
        (date(2026, 9, 1), date(2026, 9, 8), 5),
    ],
)
def test_working_days_left_to_a_deadline(today: date, last: date, left: int) -> None:
    assert CALENDAR.working_days_left(today, last) == left


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (date(2026, 9, 5), -1),  # the Saturday after a Friday deadline is already late
        (date(2026, 9, 7), -1),
        (date(2026, 9, 8), -2),
    ],
)
def test_working_days_past_a_deadline_are_negative(today: date, left: int) -> None:
    assert CALENDAR.working_days_left(today, date(2026, 9, 4)) == left


def test_days_past_a_deadline_before_cuti_bersama_count_working_days_only() -> None:
    assert CALENDAR.working_days_left(date(2026, 3, 25), date(2026, 3, 17)) == -1


def _clock(last: date, paused_at: datetime | None = None) -> Clock:
    deadline = end_of_day(last, WITA).astimezone(UTC)
    started = datetime(2026, 3, 25, 9, tzinfo=WITA)
    return Clock(ClockKind.COMPLETION, DINKES_MAKASSAR, started, deadline, "v1", paused_at)


def _at(now: datetime, clock: Clock) -> Standing:
    return standing(clock, CALENDAR, now)


def test_a_clock_stands_in_its_agencys_zone() -> None:
    clock = _clock(date(2026, 4, 1))
    assert _at(datetime(2026, 3, 31, 10, tzinfo=WITA), clock) == Standing(1, False)
    assert _at(datetime(2026, 4, 1, 23, 59, tzinfo=WITA), clock) == Standing(0, False)
    # 23:30 in Jakarta is already the next day in Makassar: the deadline has passed.
    assert _at(datetime(2026, 4, 1, 23, 30, tzinfo=WIB), clock) == Standing(-1, True)


def test_a_paused_clock_keeps_the_days_it_had_left() -> None:
    """Paused on Monday 6 April with 7 working days left to 15 April; a week later, and after
    the deadline it had when it paused, it still has 7 and is not overdue."""
    paused = _clock(date(2026, 4, 15), paused_at=datetime(2026, 4, 6, 10, tzinfo=WITA))
    assert _at(datetime(2026, 4, 13, 9, tzinfo=WITA), paused) == Standing(7, False)
    assert _at(datetime(2026, 4, 16, 9, tzinfo=WITA), paused) == Standing(7, False)


def test_a_clock_paused_on_its_last_day_is_not_late_over_the_weekend() -> None:
    paused = _clock(date(2026, 9, 4), paused_at=datetime(2026, 9, 4, 15, tzinfo=WITA))
    assert _at(datetime(2026, 9, 5, 10, tzinfo=WITA), paused) == Standing(0, False)
