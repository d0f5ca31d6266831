"""Daily cells: what a report contributes, and that a day's document takes each report's
latest contribution exactly once."""

import random

from analytics.domain.cells import (
    BUCKET_HOURS,
    applies,
    bucket,
    cell_dimensions,
    cell_key,
    contributions,
    empty_day,
    take_in,
)
from analytics.domain.facts import Facts, Occurrence, project
from lapor.report.v1 import events_pb2 as e
from tests.unit.analytics.lives import AGENCY, ROUTED, SUBMITTED_AT, life, resolved_life, submitted


def test_cell_keys_survive_codes_with_dots_dollars_and_separators() -> None:
    key = cell_key("a.b", "32.73", "x$|%.y", "web", "complaint")
    assert "." not in key
    assert "$" not in key
    assert cell_dimensions(key) == {
        "category": "a.b",
        "regency": "32.73",
        "agency": "x$|%.y",
        "channel": "web",
        "report_type": "complaint",
    }


def test_buckets_cover_every_duration() -> None:
    assert bucket(0) == 0
    assert bucket(1) == 0
    assert bucket(1.01) == 1
    assert bucket(BUCKET_HOURS[-1]) == len(BUCKET_HOURS) - 1
    assert bucket(10_000) == len(BUCKET_HOURS)


def test_a_resolved_report_contributes_counts_ratings_and_durations() -> None:
    cells = contributions(life(resolved_life(rating=4)))
    by_agency = {cell_dimensions(k)["agency"]: v for k, v in cells.items()}
    assert by_agency[""] == {"deadlines_met": 1}  # verification: the administrators' deadline
    counters = by_agency[AGENCY]
    assert counters["reports"] == counters["resolved"] == counters["closed"] == 1
    assert (counters["rated"], counters["rating_sum"], counters["rating_4"]) == (1, 4, 1)
    assert counters["deadlines_met"] == 2
    assert counters["h_verification_01"] == 1  # 2 hours
    assert counters["h_first_response_06"] == 1  # 28 hours after routing
    assert counters["h_resolution_08"] == 1  # 100 hours
    assert "warnings" not in counters


def test_missed_deadlines_count_against_the_agency_that_missed_them() -> None:
    missed = e.DeadlineMissed(clock=e.CLOCK_KIND_FIRST_RESPONSE, agency_code=AGENCY)
    escalated = e.ReportEscalated(from_agency_code=AGENCY, to_agency_code="pemkot-3273", tier=1)
    cells = contributions(life([(0, submitted()), (2, ROUTED), (200, missed), (200, escalated)]))
    by_agency = {cell_dimensions(k)["agency"]: v for k, v in cells.items()}
    assert by_agency[AGENCY] == {"deadlines_missed": 1, "warnings": 1}
    assert by_agency["pemkot-3273"]["reports"] == 1
    assert by_agency["pemkot-3273"]["escalations"] == 1


def _steps(lives: int, seed: int) -> list[tuple[Facts | None, Facts]]:
    """(old, new) facts of several reports' events, interleaved."""
    rng = random.Random(seed)
    pending = {f"R-{n}": list(enumerate(resolved_life(rating=1 + n % 5), 1)) for n in range(lives)}
    facts: dict[str, Facts] = {}
    steps = []
    while pending:
        report = rng.choice(sorted(pending))
        sequence, (_hours, event) = pending[report].pop(0)
        if not pending[report]:
            del pending[report]
        at = SUBMITTED_AT.replace(minute=sequence)
        new = project(facts.get(report), Occurrence(report, sequence, at, 0), event)
        steps.append((facts.get(report), new))
        facts[report] = new
    return steps


def test_a_day_holds_the_sum_of_its_reports_latest_contributions_whatever_the_order() -> None:
    steps = _steps(lives=6, seed=3)
    day = empty_day("2026-03-02", 0)
    for old, new in steps:
        day = take_in(day, old, new)
    latest = {new["_id"]: new for _, new in steps}
    expected = empty_day("2026-03-02", 0)
    for facts in latest.values():
        expected = take_in(expected, None, facts)
    assert day == expected
    assert sum(c.get("reports", 0) for c in day["cells"].values()) == 6
    assert day["reports"] == dict.fromkeys(sorted(latest), 6)


def test_a_redelivered_report_event_does_not_apply_twice() -> None:
    old, new = _steps(lives=1, seed=1)[1]
    assert old is not None
    day = take_in(empty_day("2026-03-02", 0), None, old)
    once = take_in(day, old, new)
    assert not applies(once, new)
    assert applies(day, new)


def test_cells_emptied_by_a_move_disappear() -> None:
    first = life([(0, submitted())])
    routed = life([(0, submitted()), (2, ROUTED)])
    day = take_in(take_in(empty_day("2026-03-02", 0), None, first), first, routed)
    assert list(day["cells"]) == list(contributions(routed))
