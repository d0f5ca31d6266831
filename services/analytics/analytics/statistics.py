"""The statistics the HTTP API and the gRPC service both serve: requests checked, figures
computed by ``analytics.domain.figures`` from the daily documents, codes labelled."""

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from analytics.domain import figures
from analytics.domain.cells import DayDocument
from analytics.domain.figures import Filter
from lapor_common.mongo import Document

REPORT_TYPES = ("complaint", "aspiration", "information_request")
CHANNELS = ("web", "mobile", "sms", "social_media", "open311", "agency_system")
MAX_DAYS = 3660
MAX_DAY_ROWS = 400


class BadRequest(ValueError):
    """A request the statistics cannot answer, and why (HTTP 422, gRPC INVALID_ARGUMENT)."""


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, not {text!r}") from None


def _check_codes(where: Filter) -> None:
    if where.report_type and where.report_type not in REPORT_TYPES:
        raise BadRequest(f"report_type must be one of {', '.join(REPORT_TYPES)}")
    if where.channel and where.channel not in CHANNELS:
        raise BadRequest(f"channel must be one of {', '.join(CHANNELS)}")
    if where.province_code and not (
        len(where.province_code) == 2 and where.province_code.isdigit()
    ):
        raise BadRequest("province_code is two digits, e.g. 32")
    if where.regency_code and not (len(where.regency_code) == 5 and where.regency_code[2] == "."):
        raise BadRequest("regency_code is a Kemendagri regency code, e.g. 32.73")


class Store(Protocol):
    """The read models the statistics read (``analytics.store.StatisticsStore``)."""

    async def days(self, from_day: str, to_day: str) -> list[DayDocument]: ...

    async def agencies_connected(self) -> int: ...

    async def spikes(self, from_day: str, to_day: str) -> list[Document]: ...


class Labels(Protocol):
    """Names and programmes for codes (``analytics.reference.Reference``)."""

    async def programme_of(self) -> dict[str, str]: ...

    async def category_name(self, code: str) -> str: ...

    def region_name(self, code: str) -> str: ...

    async def agency_names(self, codes: list[str]) -> dict[str, str]: ...


class Statistics:
    def __init__(self, store: Store, reference: Labels, today: Callable[[], date]) -> None:
        self._store = store
        self._reference = reference
        self._today = today

    def window(self, **given: str) -> Filter:
        """The filter of a request; without dates, the current year (WIB) to date."""
        today = self._today()
        first = _day(given.pop("from_day", "") or f"{today.year}-01-01", "from_day")
        last = _day(given.pop("to_day", "") or today.isoformat(), "to_day")
        if first > last:
            raise BadRequest("from_day is after to_day")
        if (last - first).days > MAX_DAYS:
            raise BadRequest(f"a period covers at most {MAX_DAYS} days")
        where = Filter(first.isoformat(), last.isoformat(), **given)
        _check_codes(where)
        return where

    async def _gather(
        self, where: Filter, by: str = "", granularity: str = ""
    ) -> dict[tuple[str, str], Counter[str]]:
        days = await self._store.days(where.from_day, where.to_day)
        programmes = (
            await self._reference.programme_of() if (by == "programme" or where.programme) else {}
        )
        return figures.gather(days, where, programmes, by, granularity)

    async def summary(self, where: Filter) -> dict[str, Any]:
        per_agency = await self._gather(where, "agency")
        totals: Counter[str] = sum(per_agency.values(), Counter())
        reached = sum(1 for (_, code), counts in per_agency.items() if code and counts["reports"])
        until = min(date.fromisoformat(where.to_day), self._today())
        days = max((until - date.fromisoformat(where.from_day)).days + 1, 1)
        resolution = figures.distribution(totals, "resolution")
        return {
            "from_day": where.from_day,
            "to_day": where.to_day,
            "outcomes": figures.outcomes(totals),
            "daily_average": round(totals["reports"] / days, 2),
            "agencies_connected": await self._store.agencies_connected(),
            "resolution_median_hours": resolution["median_hours"],
            "agencies_reached": reached,
        }

    async def breakdown(self, where: Filter, by: str, granularity: str) -> dict[str, Any]:
        if by not in figures.BY:
            raise BadRequest(f"by must be one of {', '.join(b for b in figures.BY if b)}")
        if granularity not in figures.GRANULARITIES:
            raise BadRequest("granularity must be day, month or year")
        span = (date.fromisoformat(where.to_day) - date.fromisoformat(where.from_day)).days
        if granularity == "day" and span >= MAX_DAY_ROWS:
            raise BadRequest(f"by day, a period covers at most {MAX_DAY_ROWS} days")
        groups = await self._gather(where, by, granularity)
        labels = await self._labels(by, sorted({key for _, key in groups}))
        rows = [
            {
                "period": period,
                "key": key,
                "label": labels.get(key, key),
                "outcomes": figures.outcomes(totals),
            }
            for (period, key), totals in sorted(groups.items())
        ]
        return {"from_day": where.from_day, "to_day": where.to_day, "rows": rows}

    async def _labels(self, by: str, keys: list[str]) -> dict[str, str]:
        if by == "agency":
            return await self._reference.agency_names([k for k in keys if k])
        if by == "category":
            return {k: await self._reference.category_name(k) for k in keys}
        if by in ("province", "regency"):
            return {k: self._reference.region_name(k) for k in keys}
        return {}

    async def durations(self, where: Filter) -> dict[str, Any]:
        totals = (await self._gather(where)).get(("", ""), Counter())
        return {
            "from_day": where.from_day,
            "to_day": where.to_day,
            "distributions": figures.distributions(totals),
        }

    async def league(self, where: Filter, limit: int, min_reports: int) -> dict[str, Any]:
        if not 1 <= limit <= 1000:
            raise BadRequest("limit is between 1 and 1000")
        groups = await self._gather(where, "agency")
        per_agency = {key: totals for (_, key), totals in groups.items() if key}
        names = await self._reference.agency_names(sorted(per_agency))
        rows = figures.league_table(
            per_agency, lambda code: names.get(code, code), min_reports=min_reports, limit=limit
        )
        return {"from_day": where.from_day, "to_day": where.to_day, "rows": rows}

    async def spikes(self, where: Filter) -> dict[str, Any]:
        found = await self._store.spikes(where.from_day, where.to_day)
        spikes = [
            {
                "event_id": s["_id"],
                **{k: v for k, v in s.items() if k not in ("_id", "detected_at")},
            }
            for s in found
            if (not where.category_code or s["category_code"] == where.category_code)
            and (not where.regency_code or s["region_code"] == where.regency_code)
            and (not where.province_code or s["region_code"][:2] == where.province_code)
        ]
        return {"spikes": spikes}
