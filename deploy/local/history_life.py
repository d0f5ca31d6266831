"""A report's life as its people would live it, for the history generator: a generator of
timed steps (commands, and who gives them) that the simulation (history_sim.py) decides with
intake's own domain. Escalation's deadlines are not here: the simulation fires them from
escalation's own clocks whenever people are slower than the policy allows.

Pure: the randomness comes from the report's own ``random.Random``.
"""

import random
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from google.protobuf.message import Message

from deploy.local.history_world import Category
from deploy.local.synthetic import Weighted
from escalation.domain.calendar import WorkingCalendar
from intake.domain.model import ReportState
from intake.domain.submission import SubmitReport
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes
from lapor_common.envelope import timestamp
from lapor_common.zones import WIB, zone_of_agency
from routing.directory import Agency

CITIZEN, REPORTER, OFFICER, ADMINISTRATOR, ROUTING = (
    "citizen",
    "reporter",
    "officer",
    "administrator",
    "routing",
)
MODEL_VERSION = "synthetic-history"
AUTO_ROUTED = 0.72  # the rest wait for the administrators with suggestions
NEGLECTED = 0.05  # reports an agency sits on until escalation moves them up a tier or two
FORGOTTEN = 0.01  # of them, reports nobody acts on for weeks: they climb the chain
OFFICE = (8 * 60, 16 * 60)  # minutes of the local day
SCORES = Weighted({1: 6, 2: 8, 3: 15, 4: 31, 5: 40})  # a timely agency
SCORES_SLOW = Weighted({1: 18, 2: 18, 3: 25, 4: 22, 5: 17})  # a slow one: about 3.7 overall
REJECTIONS = (
    e.REJECTION_REASON_INCOMPLETE,
    e.REJECTION_REASON_TOO_GENERAL,
    e.REJECTION_REASON_NOT_PUBLIC_SERVICE,
    e.REJECTION_REASON_ABUSIVE,
)


@dataclass(frozen=True)
class Step:
    at: datetime
    command: Message | SubmitReport
    by: str  # CITIZEN, REPORTER, OFFICER (of the agency the report is at), ADMINISTRATOR, ROUTING


@dataclass(frozen=True)
class Draft:
    """A new report and what routing's rules make of it."""

    report_id: str
    at: datetime
    command: SubmitReport
    category: Category
    agencies: list[Agency]  # responsible, best first
    rule_version: str
    duplicate_of: str = ""


Life = Generator[Step, ReportState, None]


def ms(moment: datetime) -> datetime:
    """In UTC to the millisecond, as intake's clock and Kafka's timestamps keep time."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).astimezone(UTC)


def office(calendar: WorkingCalendar, at: datetime, days: float, zone: ZoneInfo) -> datetime:
    """About ``days`` working days after ``at``, in office hours of the zone."""
    local = at.astimezone(zone)
    whole, part = divmod(max(days, 0.0), 1.0)
    day = calendar.add_working_days(local.date(), int(whole))
    minute: float = max(local.hour * 60 + local.minute, OFFICE[0]) if whole == 0 else OFFICE[0]
    minute += part * (OFFICE[1] - OFFICE[0])
    if minute >= OFFICE[1] or not calendar.is_working_day(day):
        day = calendar.add_working_days(day, 1)
        minute = OFFICE[0] + minute % (OFFICE[1] - OFFICE[0])
    whole_minute = int(minute)
    moment = datetime.combine(day, time(whole_minute // 60, whole_minute % 60), zone)
    moment += timedelta(seconds=(minute - whole_minute) * 60)
    return ms(max(moment, at + timedelta(minutes=1)))


def citizen(at: datetime, hours: float, rng: random.Random) -> datetime:
    """When a citizen gets round to it: ``hours`` on average, but not in the dead of night."""
    moment = at + timedelta(hours=rng.expovariate(1 / hours) + 0.05)
    local = moment.astimezone(WIB)
    if local.hour < 6:
        moment += timedelta(hours=6 - local.hour, minutes=rng.randrange(60))
    return ms(moment)


def _route(draft: Draft, agency: Agency, rng: random.Random, after: str = "") -> RouteReport:
    confidence = round(rng.uniform(0.6, 0.99), 4)
    return RouteReport(
        agency_code=agency.code,
        agency_name=agency.name,
        category_code=draft.category.code,
        decided_by=e.DECIDED_BY_MODEL,
        confidence=confidence,
        rule_version=draft.rule_version,
        model_version=MODEL_VERSION,
        reason=f"kategori {draft.category.code} ({confidence:.2f}); "
        f"{draft.category.rule.default.why}{after}",
    )


def _suggest(draft: Draft, rng: random.Random) -> SuggestRoutes:
    confidence = round(rng.uniform(0.2, 0.59), 4)
    suggestion = e.RouteSuggestion(
        agency_code=draft.agencies[0].code,
        agency_name=draft.agencies[0].name,
        category_code=draft.category.code,
        confidence=confidence,
        reason=f"kategori {draft.category.code} ({confidence:.2f})",
    )
    return SuggestRoutes(
        suggestions=[suggestion],
        rule_version=draft.rule_version,
        model_version=MODEL_VERSION,
        reason=f"keyakinan {confidence:.2f} di bawah 0.60",
    )


def life(draft: Draft, calendar: WorkingCalendar, rng: random.Random) -> Life:
    """Filed, routed (or left to the administrators), worked at the agency, judged."""
    yield Step(draft.at, draft.command, CITIZEN)
    t = ms(draft.at + timedelta(seconds=rng.uniform(1, 40)))
    if draft.duplicate_of:
        similarity = round(rng.uniform(0.5, 0.97), 3)
        reason = (
            f"kemiripan {similarity:.2f} dengan laporan terbuka, kategori {draft.category.code}"
        )
        link = LinkDuplicate(
            original_report_id=draft.duplicate_of, similarity=similarity, reason=reason
        )
        yield Step(t, link, ROUTING)
        if rng.random() < 0.3:
            t = office(calendar, t, rng.uniform(0.2, 2), WIB)
            rejected = c.RejectReport(
                reason=e.REJECTION_REASON_DUPLICATE, note="Sama dengan laporan lain"
            )
            yield Step(t, rejected, ADMINISTRATOR)
        return
    if rng.random() < AUTO_ROUTED:
        yield Step(t, _route(draft, draft.agencies[0], rng), ROUTING)
    else:
        yield Step(t, _suggest(draft, rng), ROUTING)
        assigned = yield from verification(draft, t, calendar, rng)
        if assigned is None:
            return
        t = assigned
    yield from at_agency(draft, t, calendar, rng)


def verification(
    draft: Draft, t: datetime, calendar: WorkingCalendar, rng: random.Random
) -> Generator[Step, ReportState, datetime | None]:
    """The national administrators decide a report routing left to them: reject, archive,
    postpone, or verify and assign. Returns when it was assigned (None if it was not)."""
    t = office(calendar, t, rng.lognormvariate(-0.3, 0.9), WIB)
    roll = rng.random()
    if roll < 0.10:
        reason = rng.choice(REJECTIONS)
        yield Step(t, c.RejectReport(reason=reason, note="Tidak memenuhi syarat"), ADMINISTRATOR)
        return None
    if roll < 0.13:
        yield Step(t, c.ArchiveReport(reason="Hanya berisi ucapan terima kasih"), ADMINISTRATOR)
        return None
    if roll < 0.18:
        until = t + timedelta(days=rng.randint(3, 10))
        postpone = c.PostponeReport(reason="Menunggu kelengkapan data", until=timestamp(until))
        yield Step(t, postpone, ADMINISTRATOR)
        t = office(calendar, until, rng.uniform(0, 1), WIB)
    if rng.random() < 0.6:
        yield Step(t, c.VerifyReport(note="Lengkap"), ADMINISTRATOR)
        t = ms(t + timedelta(minutes=rng.uniform(1, 20)))
    agency = draft.agencies[0]
    assign = c.AssignAgency(
        agency_code=agency.code,
        agency_name=agency.name,
        category_code=draft.category.code,
        reason="Sesuai kewenangan menurut wilayah dan kategori",
    )
    yield Step(t, assign, ADMINISTRATOR)
    return t


def at_agency(draft: Draft, t: datetime, calendar: WorkingCalendar, rng: random.Random) -> Life:
    """The agency acknowledges, answers in substance (a question or an interim response),
    then finishes. An agency that sits on a report misses its first deadline: escalation
    moves the report up the chain, and whoever holds it then acts."""
    pace = rng.lognormvariate(0, 0.5) * (3 if draft.command.requires_examination else 1)
    zone = zone_of_agency(draft.agencies[0].code)
    if len(draft.agencies) > 1 and rng.random() < 0.04:
        t = office(calendar, t, pace, zone)
        yield Step(t, c.DeclineReport(reason="Bukan kewenangan kami"), OFFICER)
        t = ms(t + timedelta(seconds=rng.uniform(1, 40)))
        after = f"; bukan wewenang menurut {draft.agencies[0].code}"
        yield Step(t, _route(draft, draft.agencies[1], rng, after), ROUTING)
    neglected = rng.random()
    if neglected < FORGOTTEN:
        wait = rng.uniform(15, 30)
    else:
        wait = rng.uniform(5.5, 9) if neglected < NEGLECTED else 0.5 * pace
    t = office(calendar, t, wait, zone)  # a neglected one: by whoever holds it by then
    yield Step(t, c.AcknowledgeReport(note="Diterima, sedang ditelaah"), OFFICER)
    if rng.random() < 0.04:
        t = citizen(t, 20, rng)
        yield Step(t, c.ReplyToReport(text="Mohon kabar perkembangannya"), REPORTER)
    complaint = draft.command.type == e.REPORT_TYPE_COMPLAINT
    if complaint and rng.random() < 0.18:
        t = office(calendar, t, 0.8 * pace, zone)
        yield Step(t, c.RequestInformation(question="Mohon lampirkan lokasi persisnya"), OFFICER)
        if rng.random() < 0.25:
            return  # the reporter never answers: it waits for them
        t = citizen(t, 30, rng)
        yield Step(t, c.ProvideInformation(answer="Lokasinya dekat balai desa"), REPORTER)
    elif complaint or rng.random() < 0.3:
        t = office(calendar, t, 1.2 * pace, zone)
        interim = c.RespondToReport(text="Sudah dijadwalkan peninjauan", final=False)
        yield Step(t, interim, OFFICER)
    t = office(calendar, t, (3.5 if complaint else 1.0) * pace, zone)
    if rng.random() < 0.6:
        yield Step(t, c.ResolveReport(summary="Sudah ditindaklanjuti di lapangan"), OFFICER)
    else:
        yield Step(t, c.RespondToReport(text="Berikut penjelasan kami", final=True), OFFICER)
    yield from verdict(t, pace, zone, calendar, rng)


def verdict(
    t: datetime, pace: float, zone: ZoneInfo, calendar: WorkingCalendar, rng: random.Random
) -> Life:
    """The reporter rates (less kindly when the agency was slow), appeals a poor outcome,
    accepts, or says nothing and escalation closes the report after 10 working days."""
    if rng.random() < 0.68:
        t = citizen(t, 20, rng)
        score = (SCORES_SLOW if pace > 1.6 else SCORES).pick(rng)
        yield Step(t, c.RateReport(score=score, comment=""), REPORTER)
        if score <= 2 and rng.random() < 0.45:
            t = citizen(t, 24, rng)
            yield Step(t, c.AppealReport(reason="Masalahnya belum selesai"), REPORTER)
            t = office(calendar, t, 0.8 * pace, zone)
            yield Step(t, c.AcknowledgeReport(note="Banding diterima"), OFFICER)
            t = office(calendar, t, 2.0 * pace, zone)
            yield Step(t, c.ResolveReport(summary="Sudah ditinjau ulang dan diperbaiki"), OFFICER)
    if rng.random() < 0.45:
        t = citizen(t, 30, rng)
        yield Step(t, c.AcceptOutcome(), REPORTER)
