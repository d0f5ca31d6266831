"""The benchmark harness's pure parts: the seeded load, open-loop timing, goals and the table."""

import asyncio
import math
import os
from collections import Counter
from pathlib import Path

import pytest

from bench.harness.load import Latencies, Mix, open_loop, shape
from bench.harness.results import Ceiling, Goal, Outcome, document, failed, judged, table
from bench.harness.stack import ROOT

REGIONS = Path(os.environ.get("LAPOR_REGIONS_DIR", ROOT.parent / "shared/data/regions"))


@pytest.fixture(scope="module")
def mix() -> Mix:
    return Mix.load(REGIONS)


def test_the_same_seed_draws_the_same_reports_and_another_seed_others(mix: Mix) -> None:
    assert mix.reports(7, 50) == mix.reports(7, 50)
    assert mix.reports(7, 50) != mix.reports(8, 50)


def test_the_mix_has_lapor_s_report_types_and_shares(mix: Mix) -> None:
    found = shape(mix.reports(3, 4000))

    assert found["types"]["pengaduan"] == pytest.approx(0.80, abs=0.03)
    assert found["types"]["aspirasi"] == pytest.approx(0.12, abs=0.02)
    assert found["anonymous"] == pytest.approx(0.25, abs=0.03)
    assert found["confidential"] == pytest.approx(0.06, abs=0.02)


def test_categories_are_skewed_and_agencies_named(mix: Mix) -> None:
    draws = mix.draws(5, 2000)
    counts = sorted(Counter(d.category_code for d in draws).values())

    assert counts[-1] > 5 * counts[len(counts) // 2]
    assert all(d.agency_code for d in draws)


async def test_open_loop_times_each_send_from_when_it_was_due() -> None:
    async def slow_first(i: int) -> bool:
        await asyncio.sleep(0.2 if i == 0 else 0)
        return i != 1

    timed = await open_loop(slow_first, rate=100, count=3)

    assert timed.seconds[0] >= 0.2
    assert timed.ok == [True, False, True]
    assert timed.succeeded().ok == [True, True]


def test_percentiles_take_the_nearest_rank() -> None:
    timed = Latencies([i / 1000 for i in range(1, 101)], [True] * 100)

    assert timed.percentile_ms(0.99) == pytest.approx(99)
    assert timed.percentile_ms(1.0) == pytest.approx(100)
    assert math.isnan(Latencies([], []).percentile_ms(0.5))


def test_goals_hold_either_way_and_never_on_nothing() -> None:
    assert Goal("fast", "rate", 10).met({"rate": 10})
    assert not Goal("quick", "p99", 20, at_least=False).met({"p99": 21})
    assert not Goal("fast", "rate", 10).met({"rate": math.nan})
    assert not Goal("fast", "rate", 10).met({})


def test_the_table_and_document_show_outcomes_and_failures() -> None:
    goals = [Goal(">= 0.5 x ceiling", "ratio", 0.5)]
    outcome = Outcome(
        "12 events/s", {"ratio": 0.6, "gap": math.nan}, Ceiling("raw", 20.0, "events/s")
    )
    results = [judged("a", "A", goals, outcome, 1.0), failed("b", "B", goals, "boom", 0.0)]

    written = document(results, {"mode": "smoke"})

    assert [s["passed"] for s in written["scenarios"]] == [True, False]
    assert written["scenarios"][0]["measured"]["gap"] is None
    assert "| A | 12 events/s | 20.0 events/s (raw) | 0.6 | >= 0.5 x ceiling | yes |" in table(
        results
    )
    assert "failed: boom" in written["table"]
