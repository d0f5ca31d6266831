"""What the history generator (history.py) knows of the world, loaded once: real villages,
routing's taxonomy, rules and agency directory (so every agency code is one routing would
choose), escalation's deadline policies and working calendar, and the words reports are
written in. Pure after loading."""

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from deploy.local.synthetic import Places, Village, load_places
from escalation.domain.calendar import WorkingCalendar, indonesian_calendar
from escalation.domain.clocks import Rules as ClockRules
from escalation.domain.policy import Policies, Policy, load_policies
from escalation.domain.timers import Rung
from intake.regions import load_region_codes
from routing.directory import Agency, Directory, load_directory
from routing.rules import Rule, Rules, Target, load_rules, resolve, targets
from routing.text import words

ROOT = Path(__file__).resolve().parents[2]
ROUTING_DATA = ROOT / "services/routing/routing/data"
POLICIES = ROOT / "services/escalation/escalation/data/policies.toml"
# How often each group is reported, in parts; categories share their group's equally.
GROUP_WEIGHTS = {
    "infrastruktur": 16, "sosial": 14, "kependudukan": 11, "pendidikan": 11, "kesehatan": 10,
    "aparatur": 7, "energi": 5, "ekonomi": 4, "ketenagakerjaan": 4, "ketertiban": 3,
    "perhubungan": 3, "lingkungan": 3, "air-sanitasi": 3, "pertanahan": 3, "digital": 2,
    "kepolisian": 1.5, "program-nasional": 1.5, "perpajakan": 1.5, "bencana": 1.5,
    "perizinan": 1, "keagamaan": 1,
}  # fmt: skip
# Months in which a category or group is reported more often (by this factor).
SEASONS = {
    "pendidikan.penerimaan-murid": ({6, 7}, 5.0),
    "pendidikan.bantuan-pendidikan": ({8, 9, 10}, 1.8),
    "infrastruktur.drainase-banjir": ({11, 12, 1, 2, 3}, 2.2),
    "bencana": ({11, 12, 1, 2, 3}, 2.0),
    "kependudukan": ({6, 7}, 1.4),
    "perpajakan": ({3, 4}, 2.0),
}


@dataclass(frozen=True)
class QuickCalendar(WorkingCalendar):
    """Escalation's working calendar with its answers remembered: the generator asks the same
    few thousand questions millions of times."""

    _added: dict[tuple[date, int], date] = field(default_factory=dict, compare=False, repr=False)
    _before: dict[date, date] = field(default_factory=dict, compare=False, repr=False)

    def add_working_days(self, day: date, count: int) -> date:
        found = self._added.get((day, count))
        if found is None:
            found = self._added[(day, count)] = super().add_working_days(day, count)
        return found

    def previous_working_day(self, day: date) -> date:
        found = self._before.get(day)
        if found is None:
            found = self._before[day] = super().previous_working_day(day)
        return found


@dataclass(frozen=True)
class QuickPolicies(Policies):
    """Escalation's policy versions, the one in force found from the newest down."""

    def at(self, moment: datetime) -> Policy:
        for policy in reversed(self.versions):
            if policy.effective_from <= moment:
                return policy
        return super().at(moment)  # none in force: its error


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    phrases: tuple[str, ...]  # what reports of it are about, from the taxonomy
    weight: float
    rule: Rule


@dataclass
class World:
    places: Places
    directory: Directory
    rules: Rules
    categories: list[Category]
    clock_rules: ClockRules
    region_codes: frozenset[str]
    _targets: dict[tuple[str, str], list[Target]] = field(default_factory=dict)
    _agencies: dict[tuple[Target, str], Agency | None] = field(default_factory=dict)
    _chains: dict[tuple[str, str], list[Rung]] = field(default_factory=dict)

    @property
    def calendar(self) -> WorkingCalendar:
        return self.clock_rules.calendar

    def region_exists(self, code: str) -> bool:
        return code in self.region_codes

    def season(self, category: Category, month: int) -> float:
        for key in (category.code, category.code.split(".")[0]):
            if key in SEASONS and month in SEASONS[key][0]:
                return SEASONS[key][1]
        return 1.0

    def responsible(self, category: Category, phrase: str, village: Village) -> list[Agency]:
        """The agencies routing's rules name for the category, the text and the village, best
        first (the others are where a report goes when one declines)."""
        key = (category.code, phrase)
        if key not in self._targets:
            self._targets[key] = targets(category.rule, " ".join(words(phrase)))
        found = [self._agency(target, village.regency_code) for target in self._targets[key]]
        return list({a.code: a for a in found if a is not None}.values())

    def _agency(self, target: Target, regency_code: str) -> Agency | None:
        key = (target, regency_code)
        if key not in self._agencies:
            responsible = resolve(target, regency_code, self.directory)
            self._agencies[key] = responsible.agency if responsible else None
        return self._agencies[key]

    def chain(self, agency_code: str, category_code: str) -> list[Rung]:
        """The escalation chain from the agency up, as routing answers escalation."""
        key = (agency_code, category_code)
        if key not in self._chains:
            rule = self.rules.by_category.get(category_code)
            chain = self.directory.chain(agency_code, rule.ministry if rule else "")
            self._chains[key] = [Rung(agency.code, agency.name) for agency in chain]
        return self._chains[key]


def _categories(rules: Rules) -> list[Category]:
    with (ROUTING_DATA / "taxonomy.toml").open("rb") as data:
        groups = tomllib.load(data)["group"]
    found = []
    for group in groups:
        weight = GROUP_WEIGHTS.get(group["code"], 1.0) / len(group["categories"])
        for entry in group["categories"]:
            code = f"{group['code']}.{entry['code']}"
            phrases = tuple(p.strip() for p in entry["about"].split(",") if p.strip())
            if code in rules.by_category and phrases:
                found.append(
                    Category(code, entry["name"], phrases, weight, rules.by_category[code])
                )
    return found


def load_world(regions_dir: Path, first: date, last: date) -> World:
    rules = load_rules(ROUTING_DATA / "rules.toml")
    official = indonesian_calendar(first.year, last.year + 1)
    calendar = QuickCalendar(official.days_off, official.first, official.last)
    return World(
        places=load_places(regions_dir),
        directory=load_directory(regions_dir),
        rules=rules,
        categories=_categories(rules),
        clock_rules=ClockRules(QuickPolicies(load_policies(POLICIES).versions), calendar),
        region_codes=load_region_codes(regions_dir),
    )
