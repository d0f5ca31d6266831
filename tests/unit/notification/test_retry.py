"""Exponential backoff with full jitter: a ceiling that doubles up to a cap, a wait drawn
below it, and a limit on attempts."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notification.domain.retry import Backoff

BACKOFF = Backoff(base_s=2.0, cap_s=60.0, max_attempts=5)


def test_the_ceiling_doubles_up_to_the_cap() -> None:
    ceilings = [BACKOFF.delay(attempt, 0.5) * 2 for attempt in range(1, 8)]
    assert ceilings == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]


def test_the_draw_scales_the_wait() -> None:
    assert BACKOFF.delay(3, 0.0) == 0.0
    assert BACKOFF.delay(3, 0.25) == 2.0
    assert BACKOFF.delay(3, 0.999) == pytest.approx(7.992)


def test_a_very_late_attempt_waits_at_most_the_cap() -> None:
    assert BACKOFF.delay(10_000, 0.5) == 30.0


@given(
    st.integers(min_value=1, max_value=2_000), st.floats(min_value=0, max_value=1, exclude_max=True)
)
def test_the_wait_is_the_draw_times_the_ceiling(attempt: int, draw: float) -> None:
    exact = min(Fraction(BACKOFF.cap_s), Fraction(BACKOFF.base_s) * 2 ** (attempt - 1))
    delay = BACKOFF.delay(attempt, draw)
    assert delay == draw * float(exact)
    assert 0 <= delay <= BACKOFF.cap_s


def test_attempts_run_out() -> None:
    assert [BACKOFF.exhausted(made) for made in range(7)] == [False] * 5 + [True] * 2
    assert Backoff(1, 1, max_attempts=1).exhausted(1)


@pytest.mark.parametrize(("attempt", "draw"), [(0, 0.5), (1, 1.0), (1, -0.1), (1, float("nan"))])
def test_an_attempt_from_one_and_a_draw_in_the_unit_interval(attempt: int, draw: float) -> None:
    with pytest.raises(ValueError, match=r"attempts are counted from 1|draw must be in"):
        BACKOFF.delay(attempt, draw)


@pytest.mark.parametrize(
    ("base_s", "cap_s", "max_attempts"),
    [(0, 10, 3), (-1, 10, 3), (20, 10, 3), (1, float("inf"), 3), (1, 10, 0)],
)
def test_a_backoff_that_makes_no_sense_is_refused(
    base_s: float, cap_s: float, max_attempts: int
) -> None:
    with pytest.raises(ValueError, match=r"base_s|max_attempts"):
        Backoff(base_s, cap_s, max_attempts)
