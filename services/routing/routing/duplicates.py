"""Duplicate reports: a new report that closely matches an open one in the same regency and
category within a window is linked to it (FixMyStreet's duplicate suggestions, decided).

Pure: the words of each report, their overlap (Jaccard) and, when both reports
carry a map point, their distance.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class OpenReport:
    report_id: str
    area: str  # the regency/city code (PP.RR), or the province's when that is all that is known
    category_code: str
    words: frozenset[str]
    submitted_at: datetime
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Match:
    original: OpenReport
    similarity: float


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two reports' words."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class DuplicatePolicy:
    threshold: float = 0.5
    window: timedelta = timedelta(days=30)
    radius_m: float = 300.0

    def candidate(self, new: OpenReport, old: OpenReport) -> bool:
        if old.report_id == new.report_id or (old.area, old.category_code) != (
            new.area,
            new.category_code,
        ):
            return False
        if not timedelta(0) <= new.submitted_at - old.submitted_at <= self.window:
            return False
        if new.location and old.location:
            return distance_m(new.location, old.location) <= self.radius_m
        return True

    def find(self, new: OpenReport, open_reports: Iterable[OpenReport]) -> Match | None:
        """The open report the new one most closely duplicates, if any is close enough."""
        best: Match | None = None
        for old in open_reports:
            if not self.candidate(new, old):
                continue
            score = similarity(new.words, old.words)
            if score >= self.threshold and (best is None or score > best.similarity):
                best = Match(old, round(score, 3))
        return best
