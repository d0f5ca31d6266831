"""Figures from daily documents: filters, groups, rates, percentiles, the league table."""

from collections import Counter

import pytest

from analytics.domain.cells import DayDocument, cell_key, empty_day, histogram_metric
from analytics.domain.figures import (
    Filter,
    gather,
    league_table,
    outcomes,
    percentile,
    service_index,
)

PROGRAMMES = {"sosial.pkh": "pkh"}


def _day(day: str, cells: dict[str, dict[str, int]]) -> DayDocument:
    return {**empty_day(day, 0), "cells": cells}


def _key(category: str = "sosial.pkh", regency: str = "32.73", agency: str = "a") -> str:
    return cell_key(category, regency, agency, "web", "complaint")


DAYS = [
    _day("2026-01-05", {_key(): {"reports": 2, "resolved": 1}}),
    _day("2026-02-10", {_key(regency="73.71", agency="b"): {"reports": 3, "resolved": 3}}),
    _day("2026-02-11", {_key(category="infrastruktur.jalan"): {"reports": 1}}),
    _day("2025-12-31", {_key(): {"reports": 7}}),
]


def test_the_period_and_filters_choose_the_cells() -> None:
    year = Filter("2026-01-01", "2026-12-31")
    assert gather(DAYS, year, PROGRAMMES)[("", "")]["reports"] == 6
    west_java = Filter("2026-01-01", "2026-12-31", province_code="32")
    assert gather(DAYS, west_java, PROGRAMMES)[("", "")]["reports"] == 3
    pkh = Filter("2026-01-01", "2026-12-31", programme="pkh")
    assert gather(DAYS, pkh, PROGRAMMES)[("", "")]["reports"] == 5
    assert gather(DAYS, Filter("2026-03-01", "2026-03-31"), PROGRAMMES) == {}


def test_groups_by_dimension_and_period() -> None:
    year = Filter("2026-01-01", "2026-12-31")
    by_month = gather(DAYS, year, PROGRAMMES, by="province", granularity="month")
    assert {k: v["reports"] for k, v in by_month.items()} == {
        ("2026-01", "32"): 2,
        ("2026-02", "73"): 3,
        ("2026-02", "32"): 1,
    }
    by_programme = gather(DAYS, year, PROGRAMMES, by="programme")
    assert {k: v["reports"] for k, v in by_programme.items()} == {("", "pkh"): 5, ("", ""): 1}


def test_a_filter_with_its_days_reversed_is_refused() -> None:
    with pytest.raises(ValueError, match="after"):
        Filter("2026-02-01", "2026-01-01")


def test_rates_are_shares_and_zero_when_nothing_counts() -> None:
    totals = Counter(
        {
            "reports": 4,
            "resolved": 3,
            "rated": 2,
            "rating_sum": 9,
            "rating_4": 1,
            "rating_5": 1,
            "deadlines_met": 3,
            "deadlines_missed": 1,
        }
    )
    result = outcomes(totals)
    assert result["resolution_rate"] == 0.75
    assert result["deadlines_met_share"] == 0.75
    assert result["satisfaction_average"] == 4.5
    assert result["satisfied_share"] == 1.0
    assert result["ratings"] == [0, 0, 0, 1, 1]
    assert outcomes(Counter())["resolution_rate"] == 0.0


def test_percentiles_interpolate_inside_their_bucket() -> None:
    counts = [0] * 18
    counts[5] = 10  # 12..24 hours
    assert percentile(counts, 0.5) == 18.0
    assert percentile(counts, 0.9) == pytest.approx(22.8)
    counts[17] = 90  # the open bucket above 2160 hours
    assert percentile(counts, 0.9) == 2160.0
    assert percentile([0] * 18, 0.5) == 0.0


def test_the_league_table_ranks_by_the_index_and_lists_small_agencies_last() -> None:
    good = Counter(
        {
            "reports": 10,
            "resolved": 10,
            "deadlines_met": 10,
            "rated": 10,
            "rating_sum": 50,
            histogram_metric("first_response", 6): 10,
        }
    )
    poor = Counter(
        {
            "reports": 10,
            "resolved": 2,
            "deadlines_met": 2,
            "deadlines_missed": 8,
            "warnings": 8,
            "rated": 5,
            "rating_sum": 6,
        }
    )
    small = Counter({"reports": 1, "resolved": 1, "deadlines_met": 1})
    rows = league_table(
        {"poor": poor, "good": good, "small": small, "": good}, str.upper, min_reports=5, limit=10
    )
    assert [(r["rank"], r["agency_code"], r["ranked"]) for r in rows] == [
        (1, "good", True),
        (2, "poor", True),
        (0, "small", False),
    ]
    assert rows[0]["index"] == 100.0
    assert rows[0]["agency_name"] == "GOOD"
    assert rows[0]["response_median_hours"] == 36.0
    assert 0 < service_index(poor) < 50
