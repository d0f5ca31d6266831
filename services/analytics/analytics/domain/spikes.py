"""Spike alerts: a category in a regency rising far above its recent baseline.

The rule (``RULE_VERSION``): for each category and regency, the reports submitted today (WIB)
are compared with the mean per day over the ``BASELINE_DAYS`` days before. Treating the day's
count as Poisson with that mean (floored at ``MEAN_FLOOR``, so a category never seen in a
regency still needs a real wave), the day is a spike when its count is at least the smallest
count whose upper-tail probability is below ``P_VALUE``, and at least ``MIN_COUNT``. One alert
per category, regency and day.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from analytics.domain.cells import DayDocument, cell_dimensions

BASELINE_DAYS = 28
MEAN_FLOOR = 0.25
P_VALUE = 0.001
MIN_COUNT = 5
RULE_VERSION = f"poisson-{BASELINE_DAYS}d-p{P_VALUE}-min{MIN_COUNT}"


@dataclass(frozen=True)
class Spike:
    day: str
    category_code: str
    region_code: str
    count: int
    baseline_mean: float
    threshold: int


def baseline_window(day: str) -> tuple[str, str]:
    """The first and last day of the baseline before ``day``."""
    today = date.fromisoformat(day)
    return (
        (today - timedelta(days=BASELINE_DAYS)).isoformat(),
        (today - timedelta(days=1)).isoformat(),
    )


def threshold(mean: float) -> int:
    """The smallest count k with P(X >= k) < P_VALUE for X ~ Poisson(max(mean, MEAN_FLOOR))."""
    rate = max(mean, MEAN_FLOOR)
    k, below = 0, 0.0
    term = math.exp(-rate)
    while 1.0 - below >= P_VALUE:
        below += term
        k += 1
        term *= rate / k
    return max(k, MIN_COUNT)


def counts_by_day(documents: Iterable[DayDocument]) -> dict[str, Counter[tuple[str, str]]]:
    """Per day, reports per (category, regency); reports without either are left out."""
    days: dict[str, Counter[tuple[str, str]]] = {}
    for document in documents:
        counts = days.setdefault(document["day"], Counter())
        for key, counters in document["cells"].items():
            dims = cell_dimensions(key)
            if dims["category"] and dims["regency"] and counters.get("reports"):
                counts[(dims["category"], dims["regency"])] += counters["reports"]
    return days


def detect(day: str, documents: Iterable[DayDocument]) -> list[Spike]:
    """The spikes of ``day``, given the daily documents of the day and its baseline window."""
    by_day = counts_by_day(documents)
    first, last = baseline_window(day)
    baseline: Counter[tuple[str, str]] = Counter()
    for other, counts in by_day.items():
        if first <= other <= last:
            baseline.update(counts)
    spikes = []
    for (category, regency), count in sorted(by_day.get(day, Counter()).items()):
        mean = baseline[(category, regency)] / BASELINE_DAYS
        needed = threshold(mean)
        if count >= needed:
            spikes.append(Spike(day, category, regency, count, round(mean, 3), needed))
    return spikes
