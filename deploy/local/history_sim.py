"""The history generator's simulation: reports arrive day by day (weekdays busier, some
categories seasonal, a few local bursts), each lives its life (history_life.py), escalation's
own clocks fire whatever deadline people miss, and every command is decided by intake's own
domain and its events wrapped as intake's writer wraps them. Events come out in time order,
each with the Kafka partition its report's key goes to.

Pure and deterministic: the same seed and window give the same events, byte for byte.
"""

import heapq
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from aiokafka.partitioner import murmur2
from google.protobuf.message import Message

from deploy.local.history_life import (
    ADMINISTRATOR,
    OFFICER,
    REPORTER,
    ROUTING,
    Draft,
    Life,
    Step,
    life,
    ms,
)
from deploy.local.history_text import Burst, bursts, months_of_weights, submission
from deploy.local.history_world import World
from deploy.local.synthetic import Weighted
from escalation.domain.clocks import STEPS as CLOCK_STEPS
from escalation.domain.clocks import Report
from escalation.domain.clocks import evolve as clocks_evolve
from escalation.domain.timers import Action, Timer, fire, timers
from intake.domain.fold import evolve
from intake.domain.lifecycle import decide
from intake.domain.model import Forbidden, Principal, Refused, ReportState, Role
from intake.domain.submission import SubmitReport, decide_submit
from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_ADMINISTRATOR,
    ACTOR_KIND_CITIZEN,
    ACTOR_KIND_OFFICER,
    Actor,
)
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, Event, new_event, service_actor
from lapor_common.tracking import tracking_id_from
from lapor_common.zones import WIB

Area = tuple[int, str, str]  # partition, regency, category
WEEKDAYS = (1.2, 1.15, 1.1, 1.05, 0.95, 0.65, 0.55)  # Monday first
# January first: school admissions in June and July, the year-end holidays in December.
MONTHS = (1.05, 1.0, 1.05, 0.95, 1.0, 1.1, 1.15, 1.0, 1.0, 1.05, 1.0, 0.8)
HOURS = Weighted(
    dict(enumerate((1, 1, 1, 1, 1, 2, 4, 6, 9, 10, 10, 9, 7, 8, 8, 7, 6, 5, 5, 6, 6, 5, 3, 2)))
)  # WIB
DUPLICATES, BURST_DUPLICATES, DUPLICATE_WINDOW = 0.03, 0.25, timedelta(days=30)
SERVICE = {
    ROUTING: Principal(Role.SERVICE, subject="routing"),
    "escalation": Principal(Role.SERVICE, subject="escalation"),
}
ADMIN = Principal(Role.ADMINISTRATOR, subject="admin-nasional")
CITIZEN_ACTOR = Actor(kind=ACTOR_KIND_CITIZEN)
ADMIN_ACTOR = Actor(kind=ACTOR_KIND_ADMINISTRATOR)
# Version 4, variant RFC 4122: the bits uuid.UUID(int=..., version=4) sets.
_UUID_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_BITS = (0x4000 << 64) | (0x8000 << 48)
# The events escalation's clocks change with; the others leave them as they are.
CLOCK_EVENTS = frozenset({e.ReportSubmitted, *CLOCK_STEPS})


def uuid_from(rng: random.Random) -> str:
    """A version 4 UUID from the report's own randomness (str(uuid.UUID(...)), faster)."""
    hex_ = f"{rng.getrandbits(128) & _UUID_MASK | _UUID_BITS:032x}"
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"


def partition_of(report_id: str, partitions: int) -> int:
    """Kafka's default partition for the key (murmur2, as the Java client and aiokafka)."""
    return int(murmur2(report_id.encode()) & 0x7FFFFFFF) % partitions


class Live:
    """A report still living: its state, its clocks, what its people do next."""

    __slots__ = (
        "clocks", "correlation", "last", "life", "partition", "report_id", "rng", "state",
        "step", "timers",
    )  # fmt: skip

    def __init__(self, draft: Draft, partition: int, life_: Life, rng: random.Random) -> None:
        self.report_id, self.partition, self.life, self.rng = draft.report_id, partition, life_, rng
        self.state: ReportState | None = None
        self.clocks: Report | None = None
        self.timers: list[Timer] = []
        self.step: Step | None = next(life_)
        self.correlation = ""
        self.last = draft.at

    def due(self) -> datetime | None:
        """When something next happens to it: its people's next step or a deadline."""
        step = self.step.at if self.step is not None else None
        deadline = self.timers[0].due if self.timers else None
        if step is None or (deadline is not None and deadline < step):
            return deadline
        return step


@dataclass
class Simulation:
    world: World
    seed: int
    first: date
    days: int
    per_day: int
    partitions: int
    owns: Callable[[int], bool] = lambda partition: True
    filed: int = 0
    today: int = 0  # days simulated so far
    event_types: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.end = ms(datetime.combine(self.first + timedelta(days=self.days), time(), WIB))
        self.bursts = bursts(self.world, self.seed, self.first, self.days, self.per_day)
        self._months = months_of_weights(self.world)
        self._recent: dict[Area, list[tuple[str, datetime]]] = {}
        self.rules = self.world.clock_rules

    def events(self) -> Iterator[tuple[int, Event]]:
        """Every event of the window in time order, with its partition."""
        # Equal moments in report id order: the same order whichever partitions are simulated.
        heap: list[tuple[datetime, str, Live]] = []
        for offset in range(self.days):
            day = self.first + timedelta(days=offset)
            self.today = offset
            for live in self._arrivals(day):
                heapq.heappush(heap, (live.last, live.report_id, live))
            horizon = min(ms(datetime.combine(day + timedelta(days=1), time(), WIB)), self.end)
            while heap and heap[0][0] < horizon:
                live = heapq.heappop(heap)[2]
                for event in self._advance(live):
                    yield live.partition, event
                due = live.due()
                if due is not None and due < self.end:
                    heapq.heappush(heap, (max(due, live.last), live.report_id, live))

    def _arrivals(self, day: date) -> Iterator[Live]:
        rng = random.Random(f"{self.seed}:{day.isoformat()}")
        expected = self.per_day * WEEKDAYS[day.weekday()] / (sum(WEEKDAYS) / 7)
        expected *= MONTHS[day.month - 1] / (sum(MONTHS) / 12)
        plain = round(expected * rng.uniform(0.85, 1.15))
        extra = [(b, b.extra) for b in self.bursts if b.first <= day < b.first + timedelta(b.days)]
        slots: list[Burst | None] = [None] * plain + [b for b, n in extra for _ in range(n)]
        for index, burst in enumerate(slots):
            report = random.Random(f"{self.seed}:{day.isoformat()}:{index}")
            report_id = tracking_id_from(report.randbytes(8))
            partition = partition_of(report_id, self.partitions)
            if not self.owns(partition):
                continue
            draft = self._draft(report_id, partition, day, report, burst)
            self.filed += 1
            yield Live(draft, partition, life(draft, self.world.calendar, report), report)

    def _draft(
        self, report_id: str, partition: int, day: date, rng: random.Random, burst: Burst | None
    ) -> Draft:
        moment = time(HOURS.pick(rng), rng.randrange(60), rng.randrange(60))
        at = ms(datetime.combine(day, moment, WIB) + timedelta(milliseconds=rng.randrange(1000)))
        if burst is None:
            category = self._months[day.month].pick(rng)
            village = self.world.places.village(rng)
        else:
            category = rng.choice(burst.categories)
            village = self.world.places.village_in(burst.regency_code, rng)
        phrase = rng.choice(category.phrases)
        agencies = self.world.responsible(category, phrase, village)
        if not agencies:
            government = self.world.directory.government(village.regency_code)
            agencies = [government] if government else []
        command = submission(rng, category, village, phrase)
        # The original is in the same partition: the same history whichever are simulated.
        key = (partition, village.regency_code, category.code)
        duplicate = self._duplicate(rng, report_id, at, key, burst is not None)
        version = self.world.rules.version
        return Draft(report_id, at, command, category, agencies, version, duplicate)

    def _duplicate(
        self, rng: random.Random, report_id: str, at: datetime, key: Area, burst: bool
    ) -> str:
        """An open report of the same regency and category it repeats, if it is a duplicate."""
        recent = [(r, t) for r, t in self._recent.get(key, []) if at - t <= DUPLICATE_WINDOW]
        if recent and rng.random() < (BURST_DUPLICATES if burst else DUPLICATES):
            return rng.choice(recent)[0]
        self._recent[key] = [*recent[-7:], (report_id, at)]
        return ""

    def _advance(self, live: Live) -> list[Event]:
        step, timer = live.step, live.timers[0] if live.timers else None
        if timer is not None and (step is None or timer.due <= step.at):
            return self._fire(live, live.timers.pop(0))
        assert step is not None
        try:
            events = self._decide(live, step.command, step.by, max(step.at, live.last))
        except (Refused, Forbidden):
            live.life.close()  # it has moved on (escalated, closed): its people stop here
            live.step = None
            return []
        try:
            live.step = live.life.send(live.state)  # type: ignore[arg-type]
        except StopIteration:
            live.step = None
        return events

    def _decide(
        self, live: Live, command: Message | SubmitReport, by: str, at: datetime
    ) -> list[Event]:
        if isinstance(command, SubmitReport):
            live.correlation = uuid_from(live.rng)
            payloads = decide_submit(command, self.world.region_exists)
            return self._append(live, payloads, Causation(CITIZEN_ACTOR, live.correlation), at)
        who, actor = self._who(live, by)
        payloads = decide(live.state, command, who, at)
        if by == ROUTING:
            cause = Causation(actor, live.correlation, uuid_from(live.rng))
        else:
            live.correlation = uuid_from(live.rng)
            cause = Causation(actor, live.correlation)
        return self._append(live, payloads, cause, at)

    def _who(self, live: Live, by: str) -> tuple[Principal, Actor]:
        if by == OFFICER:
            agency = live.state.agency_code if live.state else ""
            officer = Principal(Role.OFFICER, agency_code=agency, subject=f"petugas-{agency}")
            return officer, Actor(kind=ACTOR_KIND_OFFICER, id=agency)
        if by == ADMINISTRATOR:
            return ADMIN, ADMIN_ACTOR
        if by == REPORTER:
            return Principal(Role.REPORTER), CITIZEN_ACTOR
        return SERVICE[by], service_actor(by)

    def _fire(self, live: Live, timer: Timer) -> list[Event]:
        """A deadline falls due: escalation decides, intake appends (or refuses a stale one)."""
        assert live.clocks is not None
        chain = []
        if timer.action is Action.MISS and live.clocks.agency_code:
            chain = self.world.chain(live.clocks.agency_code, live.clocks.category)
        command = fire(live.clocks, timer, chain)
        if command is None:
            return []
        at = max(timer.due, live.last)  # the end of the deadline's day, to the millisecond
        try:
            payloads = decide(live.state, command, SERVICE["escalation"], at)
        except (Refused, Forbidden):
            return []
        cause = Causation(service_actor("escalation"), timer.command_id, timer.command_id)
        return self._append(live, payloads, cause, at)

    def _append(
        self, live: Live, payloads: list[Message], cause: Causation, at: datetime
    ) -> list[Event]:
        made = []
        for payload in payloads:
            sequence = live.state.sequence + 1 if live.state else 1
            event = new_event(live.report_id, sequence, payload, cause, at)
            event.envelope.event_id = uuid_from(live.rng)
            live.state = evolve(live.state, event.envelope, payload)
            if type(payload) in CLOCK_EVENTS:
                clocks = live.clocks.clocks if live.clocks else None
                live.clocks = clocks_evolve(live.clocks, event.envelope, payload, self.rules)
                if live.clocks.clocks is not clocks:
                    live.timers = timers(live.clocks, self.world.calendar)
            self.event_types[event.envelope.event_type] += 1
            made.append(event)
        live.last = at
        return made
