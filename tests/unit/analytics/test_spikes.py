"""The spike rule: a day far above its category's baseline in a regency."""

from analytics.domain.cells import DayDocument, cell_key, empty_day
from analytics.domain.spikes import MIN_COUNT, baseline_window, detect, threshold


def _day(
    day: str, reports: int, category: str = "sosial.pkh", regency: str = "32.73"
) -> DayDocument:
    key = cell_key(category, regency, "a", "web", "complaint")
    return {**empty_day(day, 0), "cells": {key: {"reports": reports}}}


def test_the_threshold_grows_with_the_baseline_and_never_falls_below_the_minimum() -> None:
    assert threshold(0) == MIN_COUNT
    assert threshold(1) == 6
    assert threshold(10) == 22
    assert threshold(30) > threshold(10)


def test_a_wave_over_a_quiet_baseline_is_a_spike() -> None:
    quiet = [_day(f"2026-02-{d:02d}", 1) for d in range(1, 29)]
    [spike] = detect("2026-03-01", [*quiet, _day("2026-03-01", 6)])
    assert (spike.category_code, spike.region_code, spike.count) == ("sosial.pkh", "32.73", 6)
    assert spike.baseline_mean == 1.0
    assert spike.threshold == 6


def test_an_ordinary_day_is_not_and_other_regencies_do_not_count() -> None:
    busy = [_day(f"2026-02-{d:02d}", 10) for d in range(1, 29)]
    assert detect("2026-03-01", [*busy, _day("2026-03-01", 14)]) == []
    elsewhere = [_day(f"2026-02-{d:02d}", 10, regency="11.01") for d in range(1, 29)]
    assert len(detect("2026-03-01", [*elsewhere, _day("2026-03-01", 6)])) == 1


def test_days_outside_the_baseline_window_are_ignored() -> None:
    assert baseline_window("2026-03-01") == ("2026-02-01", "2026-02-28")
    old_wave = [_day(f"2026-01-{d:02d}", 50) for d in range(1, 29)]
    assert len(detect("2026-03-01", [*old_wave, _day("2026-03-01", 6)])) == 1
