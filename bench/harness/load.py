"""The load: seeded, reproducible reports as citizens file them, and the two ways of sending them.

Reports come from the synthetic history's world (deploy/local/history_world.py): texts composed
from the taxonomy's own phrases about real villages (history_text.compose), the villages drawn
by population, categories skewed as LAPOR!'s are (history_world.GROUP_WEIGHTS, November's
season), the report types in LAPOR!'s proportions (history_text.TYPES: 80/12/8), a quarter of
the reporters anonymous, 6% of the reports confidential, 60% with a contact. The same seed
gives the same reports.

Throughput is measured closed-loop (a fixed number of senders, each sending again as soon as
it is answered); latency open-loop: send i is due at start + i / rate, fixed before the first
is sent, and its latency counts from when it was due, so a slow answer delays no later
measurement (no coordinated omission).
"""

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from deploy.local.history_text import LEVELS, TYPES, compose, months_of_weights
from deploy.local.history_world import World, load_world
from deploy.local.synthetic import Village, Weighted, person
from lapor.report.v1 import events_pb2 as e

TYPE_NAMES = {
    e.REPORT_TYPE_COMPLAINT: "pengaduan",
    e.REPORT_TYPE_ASPIRATION: "aspirasi",
    e.REPORT_TYPE_INFORMATION_REQUEST: "permintaan_informasi",
}
TYPES_BY_NAME = {name: number for number, name in TYPE_NAMES.items()}
CHANNELS = Weighted({"web": 50, "mobile": 35, "social_media": 15})
MONTH = 11
ANONYMOUS, CONFIDENTIAL, WITH_CONTACT, WITH_CATEGORY = 0.25, 0.06, 0.6, 0.35

Report = dict[str, Any]  # the JSON body of POST /api/v1/reports


@dataclass(frozen=True)
class Drawn:
    report: Report
    category_code: str  # what it is about, whether or not the reporter chose a category
    agency_code: str  # the agency routing's rules name for it there ("" if none)


class Mix:
    """Reports drawn from the world; the same seed draws the same reports."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._categories = months_of_weights(world)[MONTH]

    @classmethod
    def load(cls, regions_dir: Path) -> "Mix":
        return cls(load_world(regions_dir, date(2026, 1, 1), date(2026, 12, 31)))

    def reports(self, seed: int | str, count: int) -> list[Report]:
        return [drawn.report for drawn in self.draws(seed, count)]

    def draws(self, seed: int | str, count: int) -> list[Drawn]:
        rng = random.Random(seed)
        return [self._draw(rng) for _ in range(count)]

    def _draw(self, rng: random.Random) -> Drawn:
        category = self._categories.pick(rng)
        village = self._world.places.village(rng)
        phrase = rng.choice(category.phrases)
        agencies = self._world.responsible(category, phrase, village)
        report = self._report(rng, category.code, phrase, village)
        return Drawn(report, category.code, agencies[0].code if agencies else "")

    def _report(self, rng: random.Random, category: str, phrase: str, village: Village) -> Report:
        kind = TYPES.pick(rng)
        title, body = compose(rng, kind, phrase, village)
        level = LEVELS.pick(rng)
        region = village.code if level == "village" else getattr(village, f"{level}_code")
        report: Report = {
            "type": TYPE_NAMES[kind],
            "title": title,
            "body": body,
            "region_code": region,
            "category_code": category if rng.random() < WITH_CATEGORY else "",
            "channel": CHANNELS.pick(rng),
            "anonymous": rng.random() < ANONYMOUS,
            "confidential": rng.random() < CONFIDENTIAL,
        }
        if rng.random() < WITH_CONTACT:
            someone = person(rng)
            report["reporter"] = {"name": someone.name, "email": someone.email}
        return report


def shape(reports: Sequence[Report]) -> dict[str, Any]:
    """What a load is made of, for the results: types, shares, the most frequent groups."""
    groups = Counter(r["category_code"].split(".")[0] for r in reports if r["category_code"])
    n = len(reports)
    return {
        "reports": n,
        "types": {k: round(v / n, 3) for k, v in Counter(r["type"] for r in reports).items()},
        "anonymous": round(sum(r["anonymous"] for r in reports) / n, 3),
        "confidential": round(sum(r["confidential"] for r in reports) / n, 3),
        "top_groups_of_chosen_categories": dict(groups.most_common(5)),
    }


Send = Callable[[int], Awaitable[bool]]


@dataclass(frozen=True)
class Latencies:
    """Seconds from each send's due moment to its answer, and whether each succeeded."""

    seconds: list[float]
    ok: list[bool]

    @property
    def failed(self) -> int:
        return self.ok.count(False)

    def succeeded(self) -> "Latencies":
        kept = [s for s, ok in zip(self.seconds, self.ok, strict=True) if ok]
        return Latencies(kept, [True] * len(kept))

    def percentile_ms(self, share: float) -> float:
        if not self.seconds:
            return math.nan
        ordered = sorted(self.seconds)
        return 1000 * ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def open_loop(send: Send, rate: float, count: int) -> Latencies:
    """``count`` sends at ``rate`` per second, each timed from the moment it was due."""
    start = time.perf_counter() + 0.2

    async def one(i: int) -> tuple[float, bool]:
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        ok = await send(i)
        return time.perf_counter() - due, ok

    timed = await asyncio.gather(*(one(i) for i in range(count)))
    return Latencies([seconds for seconds, _ in timed], [ok for _, ok in timed])


@dataclass(frozen=True)
class Throughput:
    done: int
    failed: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.done / self.seconds


async def closed_loop(send: Send, concurrency: int, seconds: float) -> Throughput:
    """``concurrency`` senders, each sending again when answered, for ``seconds``."""
    counts = Counter[bool]()
    deadline = time.perf_counter() + seconds

    async def sender(first: int) -> None:
        i = first
        while time.perf_counter() < deadline:
            counts[await send(i)] += 1
            i += concurrency

    began = time.perf_counter()
    await asyncio.gather(*(sender(n) for n in range(concurrency)))
    return Throughput(counts[True], counts[False], time.perf_counter() - began)
