"""Quiet hours in the recipient's own zone: a message due at night waits for the morning."""

from datetime import UTC, datetime, time

import pytest

from lapor_common.zones import WIB, WIT, WITA
from notification.domain.quiet import QuietHours, parse_quiet_hours, release_at

NIGHT = QuietHours(time(21), time(7))


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def test_late_evening_in_makassar_waits_for_seven_the_next_morning() -> None:
    due = utc(10, 14, 30)  # 22:30 WITA
    assert release_at(due, WITA, NIGHT) == utc(10, 23)  # 07:00 WITA on the 11th


def test_the_same_moment_is_quiet_or_not_depending_on_the_zone() -> None:
    due = utc(10, 13, 30)  # 20:30 WIB, 21:30 WITA, 22:30 WIT
    assert release_at(due, WIB, NIGHT) == due
    assert release_at(due, WITA, NIGHT) == utc(10, 23)
    assert release_at(due, WIT, NIGHT) == utc(10, 22)  # 07:00 WIT on the 11th


def test_after_midnight_waits_for_the_same_mornings_end() -> None:
    due = utc(10, 20)  # 03:00 WIB on the 11th
    assert release_at(due, WIB, NIGHT) == utc(11, 0)  # 07:00 WIB on the 11th


def test_the_start_is_quiet_and_the_end_is_not() -> None:
    assert release_at(utc(10, 14), WIB, NIGHT) == utc(11, 0)  # exactly 21:00 WIB
    assert release_at(utc(10, 0), WIB, NIGHT) == utc(10, 0)  # exactly 07:00 WIB
    assert release_at(utc(9, 23, 59, 59), WIB, NIGHT) == utc(10, 0)  # 06:59:59 WIB


def test_daytime_is_sent_at_once() -> None:
    due = utc(10, 5)  # 12:00 WIB
    assert release_at(due, WIB, NIGHT) is due


def test_a_window_that_does_not_wrap_midnight() -> None:
    siesta = QuietHours(time(12), time(13, 30))
    assert release_at(utc(10, 4, 59), WIB, siesta) == utc(10, 4, 59)  # 11:59 WIB
    assert release_at(utc(10, 5, 15), WIB, siesta) == utc(10, 6, 30)  # 12:15 -> 13:30 WIB
    assert release_at(utc(10, 6, 30), WIB, siesta) == utc(10, 6, 30)  # 13:30 WIB
    assert release_at(utc(10, 14), WIB, siesta) == utc(10, 14)  # 21:00 WIB


def test_no_quiet_hours() -> None:
    due = utc(10, 15)  # 22:00 WIB
    assert release_at(due, WIB, None) is due
    assert release_at(due, WIB, QuietHours(time(7), time(7))) is due


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        release_at(datetime(2026, 3, 10, 22), WIB, NIGHT)


def test_quiet_hours_are_naive_times_of_day() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        QuietHours(time(21, tzinfo=UTC), time(7))


@pytest.mark.parametrize(
    ("spec", "quiet"),
    [
        ("21:00-07:00", NIGHT),
        (" 21:00 - 7:00 ", NIGHT),
        ("12:00-13:30", QuietHours(time(12), time(13, 30))),
        ("00:00-00:00", QuietHours(time(0), time(0))),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_quiet_hours(spec: str, quiet: QuietHours | None) -> None:
    assert parse_quiet_hours(spec) == quiet


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("21-07", "are not HH:MM-HH:MM"),
        ("21:00", "are not HH:MM-HH:MM"),
        ("21.00-07.00", "are not HH:MM-HH:MM"),
        ("malam", "are not HH:MM-HH:MM"),
        ("24:00-07:00", "24:00 is not a time of day"),
        ("21:00-07:60", "07:60 is not a time of day"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_quiet_hours(spec)
