"""What one report adds to the daily statistics, and how a day's document takes it in.

A day's statistics are *cells*: one per combination of category, regency, agency, channel and
report type, each a map of counters (``reports``, ``resolved``, ``rating_4``, ``h_resolution_07``
...). A report contributes to the cells of the day it was submitted (WIB), so a period's figures
are those of the reports submitted in it, whatever happened to them later. Durations go into
fixed histogram buckets, because percentiles cannot be summed but histograms can.

A day's statistics are split into documents by Kafka partition, so each has one writer, and
by province, so each stays small; a document remembers the sequence of each report it
reflects: applying a report's new facts replaces its old contribution (old out, new in)
exactly once. Events that change no contribution (an acknowledgement, a question) leave the
document alone.
"""

from collections import Counter
from datetime import datetime
from typing import Any

from analytics.domain.facts import COMPLETION, FIRST_RESPONSE, VERIFY, Facts

Cells = dict[str, dict[str, int]]
DayDocument = dict[str, Any]

DIMENSIONS = ("category", "regency", "agency", "channel", "report_type")
# Upper bounds (hours) of the duration histograms' buckets; the last bucket is open.
BUCKET_HOURS = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 240, 336, 504, 720, 1080, 1440, 2160)
MEASURES = ("verification", "first_response", "resolution")
_SEPARATOR = "|"


def _escape(value: str) -> str:
    """Field names may hold neither "." nor "$" nor start with "$"; codes may hold dots."""
    return value.replace("%", "%25").replace(".", "%2E").replace("$", "%24").replace("|", "%7C")


def _unescape(value: str) -> str:
    return value.replace("%7C", "|").replace("%24", "$").replace("%2E", ".").replace("%25", "%")


def cell_key(category: str, regency: str, agency: str, channel: str, report_type: str) -> str:
    return _SEPARATOR.join(
        _escape(part) for part in (category, regency, agency, channel, report_type)
    )


def cell_dimensions(key: str) -> dict[str, str]:
    return dict(zip(DIMENSIONS, (_unescape(part) for part in key.split(_SEPARATOR)), strict=True))


def bucket(hours: float) -> int:
    """The index of the histogram bucket ``hours`` falls in."""
    for index, upper in enumerate(BUCKET_HOURS):
        if hours <= upper:
            return index
    return len(BUCKET_HOURS)


def histogram_metric(measure: str, index: int) -> str:
    return f"h_{measure}_{index:02d}"


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds() / 3600, 0.0)


def _durations(facts: Facts) -> dict[str, float | None]:
    return {
        "verification": _hours(facts["submitted_at"], facts["verified_at"]),
        "first_response": _hours(facts["routed_at"], facts["first_response_at"]),
        "resolution": _hours(facts["submitted_at"], facts["resolved_at"]),
    }


def _counters(facts: Facts) -> Counter[str]:
    status = facts["status"]
    counters = Counter(
        {
            "reports": 1,
            "confidential": int(facts["confidential"]),
            "verified": int(facts["verified_at"] is not None and facts["rejection"] == ""),
            "routed": int(facts["routed_at"] is not None),
            "rejected": int(status == "rejected"),
            "archived": int(status == "archived"),
            "duplicates": int(facts["duplicate_of"] != ""),
            "responded": int(facts["first_response_at"] is not None),
            "resolved": int(facts["resolved_at"] is not None),
            "closed": int(facts["closed_at"] is not None),
            "escalations": facts["escalations"],
            "appeals": facts["appeals"],
        }
    )
    if facts["rating"]:
        counters.update({"rated": 1, "rating_sum": facts["rating"], f"rating_{facts['rating']}": 1})
    for measure, hours in _durations(facts).items():
        if hours is not None:
            counters[histogram_metric(measure, bucket(hours))] += 1
    return counters


def contributions(facts: Facts) -> Cells:
    """The counters the report adds to its day's cells. Missed deadlines count against the
    agency that missed them, met ones for the agency that met them."""

    def key(agency: str) -> str:
        return cell_key(
            facts["category_code"],
            facts["regency_code"],
            agency,
            facts["channel"],
            facts["type"],
        )

    cells: dict[str, Counter[str]] = {key(facts["agency_code"]): _counters(facts)}
    for met in facts["met"]:
        cells.setdefault(key(met["agency"]), Counter())["deadlines_met"] += 1
    for missed_deadline in facts["missed"]:
        if missed_deadline["clock"] in (VERIFY, FIRST_RESPONSE, COMPLETION):
            missed = cells.setdefault(key(missed_deadline["agency"]), Counter())
            missed.update({"deadlines_missed": 1, "warnings": 1})
    return {k: {m: n for m, n in sorted(c.items()) if n} for k, c in sorted(cells.items())}


def day_document_id(day: str, partition: int, province: str) -> str:
    return f"{day}|{partition:03d}|{province or '--'}"


def empty_day(day: str, partition: int, province: str = "") -> DayDocument:
    return {
        "_id": day_document_id(day, partition, province),
        "day": day,
        "partition": partition,
        "province": province,
        "reports": {},
        "cells": {},
    }


def home_of(facts: Facts) -> tuple[str, int, str]:
    """The day document a report's contributions live in: its day, partition and province."""
    return facts["day"], facts["partition"], facts["province_code"]


def applies(document: DayDocument, facts: Facts) -> bool:
    """Whether ``facts`` are newer than what the document reflects for that report."""
    return bool(document["reports"].get(facts["_id"], 0) < facts["sequence"])


def take_in(document: DayDocument, old: Facts | None, new: Facts) -> DayDocument:
    """The day's document with the report's old contribution replaced by its new one."""
    before = contributions(old) if old is not None else {}
    return replace_contribution(document, new, before, contributions(new))


def replace_contribution(
    document: DayDocument, new: Facts, before: Cells, after: Cells
) -> DayDocument:
    """``take_in`` for a caller that already has both contributions."""
    cells = dict(document["cells"])
    for key in before.keys() | after.keys():
        counters = Counter(cells.get(key, {}))
        counters.subtract(before.get(key, {}))
        counters.update(after.get(key, {}))
        kept = {metric: n for metric, n in sorted(counters.items()) if n}
        if kept:
            cells[key] = kept
        else:
            cells.pop(key, None)
    return {
        **document,
        "reports": dict(sorted({**document["reports"], new["_id"]: new["sequence"]}.items())),
        "cells": dict(sorted(cells.items())),
    }
