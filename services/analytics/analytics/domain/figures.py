"""The statistics as pure functions of the daily documents: filters, groups, rates,
percentiles from histograms, and the agencies' league table."""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from analytics.domain.cells import (
    BUCKET_HOURS,
    MEASURES,
    DayDocument,
    cell_dimensions,
    histogram_metric,
)

Totals = Counter[str]
BY = ("", "category", "province", "regency", "agency", "channel", "report_type", "programme")
GRANULARITIES = ("", "day", "month", "year")
COUNTERS = (
    "reports",
    "confidential",
    "verified",
    "routed",
    "rejected",
    "archived",
    "duplicates",
    "responded",
    "resolved",
    "closed",
    "escalations",
    "warnings",
    "appeals",
    "deadlines_met",
    "deadlines_missed",
    "rated",
)
# The LAPOR! service index (0..100): weights of its parts; see the analytics README.
INDEX_WEIGHTS = {"timeliness": 0.4, "resolution": 0.25, "satisfaction": 0.25, "warnings": 0.1}


@dataclass(frozen=True)
class Filter:
    """Which reports a figure covers: submitted from ``from_day`` to ``to_day`` (inclusive,
    WIB), narrowed by any non-empty field."""

    from_day: str
    to_day: str
    province_code: str = ""
    regency_code: str = ""
    agency_code: str = ""
    category_code: str = ""
    programme: str = ""
    report_type: str = ""
    channel: str = ""

    def __post_init__(self) -> None:
        if date.fromisoformat(self.from_day) > date.fromisoformat(self.to_day):
            raise ValueError("from_day is after to_day")

    def admits(self, dims: Mapping[str, str], programme: str) -> bool:
        wanted = {
            "province": self.province_code,
            "regency": self.regency_code,
            "agency": self.agency_code,
            "category": self.category_code,
            "report_type": self.report_type,
            "channel": self.channel,
            "programme": self.programme,
        }
        actual = {**dims, "province": dims["regency"][:2], "programme": programme}
        return all(not want or actual[name] == want for name, want in wanted.items())


def period_of(day: str, granularity: str) -> str:
    return {"": "", "day": day, "month": day[:7], "year": day[:4]}[granularity]


def gather(
    documents: Iterable[DayDocument],
    where: Filter,
    programme_of: Mapping[str, str],
    by: str = "",
    granularity: str = "",
) -> dict[tuple[str, str], Totals]:
    """Counters summed per (period, group) over the cells the filter admits."""
    groups: dict[tuple[str, str], Totals] = {}
    for document in documents:
        day = document["day"]
        if not where.from_day <= day <= where.to_day:
            continue
        period = period_of(day, granularity)
        for key, counters in document["cells"].items():
            dims = cell_dimensions(key)
            programme = programme_of.get(dims["category"], "")
            if not where.admits(dims, programme):
                continue
            group = _group_key(dims, programme, by)
            groups.setdefault((period, group), Counter()).update(counters)
    return groups


def _group_key(dims: Mapping[str, str], programme: str, by: str) -> str:
    if by == "":
        return ""
    if by == "province":
        return dims["regency"][:2]
    if by == "programme":
        return programme
    return dims[by]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def outcomes(totals: Totals) -> dict[str, Any]:
    """The counters, and the rates derived from them."""
    ratings = [totals[f"rating_{score}"] for score in range(1, 6)]
    judged = totals["deadlines_met"] + totals["deadlines_missed"]
    return {
        **{name: totals[name] for name in COUNTERS},
        "ratings": ratings,
        "resolution_rate": _share(totals["resolved"], totals["reports"]),
        "deadlines_met_share": _share(totals["deadlines_met"], judged),
        "satisfaction_average": _share(totals["rating_sum"], totals["rated"]),
        "satisfied_share": _share(ratings[3] + ratings[4], totals["rated"]),
    }


def percentile(counts: list[int], q: float) -> float:
    """The ``q`` quantile (0..1) in hours, interpolated linearly inside its bucket; the open
    last bucket answers with its lower bound. 0 when empty."""
    total = sum(counts)
    if total == 0:
        return 0.0
    rank, seen = q * total, 0
    for index, count in enumerate(counts):
        if count and seen + count >= rank:
            lower = BUCKET_HOURS[index - 1] if index else 0.0
            if index == len(BUCKET_HOURS):
                return float(lower)
            upper = BUCKET_HOURS[index]
            return round(lower + (upper - lower) * (rank - seen) / count, 2)
        seen += count
    return float(BUCKET_HOURS[-1])


def distribution(totals: Totals, measure: str) -> dict[str, Any]:
    counts = [totals[histogram_metric(measure, i)] for i in range(len(BUCKET_HOURS) + 1)]
    return {
        "measure": measure,
        "count": sum(counts),
        "median_hours": percentile(counts, 0.5),
        "p90_hours": percentile(counts, 0.9),
        "bucket_upper_hours": [float(h) for h in BUCKET_HOURS],
        "bucket_counts": counts,
    }


def distributions(totals: Totals) -> list[dict[str, Any]]:
    return [distribution(totals, measure) for measure in MEASURES]


def service_index(totals: Totals) -> float:
    """0..100: deadlines met, resolution, satisfaction and few warnings, weighted."""
    result = outcomes(totals)
    judged = totals["deadlines_met"] + totals["deadlines_missed"]
    parts = {
        "timeliness": result["deadlines_met_share"] if judged else result["resolution_rate"],
        "resolution": result["resolution_rate"],
        "satisfaction": (result["satisfaction_average"] - 1) / 4 if totals["rated"] else 0.5,
        "warnings": 1 - min(_share(totals["warnings"], max(totals["reports"], 1)), 1.0),
    }
    score = sum(INDEX_WEIGHTS[name] * float(value) for name, value in parts.items())
    return round(100 * score, 1)


def league_table(
    per_agency: Mapping[str, Totals],
    name_of: Callable[[str], str],
    *,
    min_reports: int,
    limit: int,
) -> list[dict[str, Any]]:
    """Agencies ranked by the service index; those with fewer than ``min_reports`` reports
    follow, unranked."""
    rows = [
        {
            "agency_code": code,
            "agency_name": name_of(code),
            "index": service_index(totals),
            "outcomes": outcomes(totals),
            "response_median_hours": distribution(totals, "first_response")["median_hours"],
            "ranked": totals["reports"] >= min_reports,
        }
        for code, totals in per_agency.items()
        if code
    ]
    rows.sort(
        key=lambda row: (
            not row["ranked"],
            -row["index"],
            -row["outcomes"]["reports"],
            row["agency_code"],
        )
    )
    ranked = 0
    for row in rows:
        ranked += row["ranked"]
        row["rank"] = ranked if row["ranked"] else 0
    return rows[:limit]
