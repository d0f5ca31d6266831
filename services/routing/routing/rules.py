"""The responsibility rules (data/rules.toml): which agency acts on a category in a region.

Pure: ``load_rules`` reads the versioned data once; ``targets`` orders a
rule's targets for a report's text; ``resolve`` names the agency of a target
in a region through the directory.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.directory import Agency, Directory

REGENCY = "regency"
PROVINCE = "province"


@dataclass(frozen=True)
class Target:
    """A regional department at a level of the report's region, or a national body."""

    why: str
    department: str = ""
    level: str = REGENCY
    national: str = ""


@dataclass(frozen=True)
class Rule:
    category: str
    default: Target
    exceptions: tuple[tuple[re.Pattern[str], Target], ...]
    ministry: str
    programme: str = ""


@dataclass(frozen=True)
class Rules:
    version: str
    by_category: dict[str, Rule]


@dataclass(frozen=True)
class Responsible:
    """The agency a target names in a region; ``exact`` is False when the region was too vague
    for the target's level (a province where a regency's department was wanted)."""

    agency: Agency
    why: str
    exact: bool


def _target(entry: dict[str, Any]) -> Target:
    level = entry.get("level", REGENCY)
    if level not in (REGENCY, PROVINCE):
        raise ValueError(f"level must be {REGENCY!r} or {PROVINCE!r}, not {level!r}")
    if bool(entry.get("department")) == bool(entry.get("national")):
        raise ValueError(f"a target names a department or a national body: {entry}")
    return Target(
        why=entry["why"],
        department=entry.get("department", ""),
        level=level,
        national=entry.get("national", ""),
    )


def _rule(entry: dict[str, Any]) -> Rule:
    exceptions = tuple(
        (re.compile(when["pattern"]), _target(when)) for when in entry.get("when", [])
    )
    return Rule(
        category=entry["category"],
        default=_target(entry),
        exceptions=exceptions,
        ministry=entry["ministry"],
        programme=entry.get("programme", ""),
    )


def load_rules(path: Path) -> Rules:
    with path.open("rb") as data:
        document = tomllib.load(data)
    rules = [_rule(entry) for entry in document["rule"]]
    by_category = {rule.category: rule for rule in rules}
    if len(by_category) != len(rules):
        raise ValueError("a category has more than one rule")
    return Rules(version=document["version"], by_category=by_category)


def targets(rule: Rule, text: str) -> list[Target]:
    """The rule's targets for this text, best first: the first exception the text matches (or
    the default), then the others, which are the next best when an agency declines."""
    matched = next((target for pattern, target in rule.exceptions if pattern.search(text)), None)
    ordered = [matched] if matched is not None else []
    ordered += [rule.default, *(target for _, target in rule.exceptions)]
    return list(dict.fromkeys(ordered))


def resolve(target: Target, region_code: str, directory: Directory) -> Responsible | None:
    """The agency the target names for a report in the region; None when the region is needed
    but unknown, or the directory has no such agency."""
    if target.national:
        agency = directory.get(target.national)
        return Responsible(agency, target.why, exact=True) if agency else None
    if not region_code:
        return None
    province_only = "." not in region_code
    if target.level == PROVINCE or province_only:
        government = directory.province(region_code)
    else:
        government = directory.government(region_code)
    if government is None:
        return None
    agency = directory.department(government.code, target.department) or government
    exact = not (province_only and target.level == REGENCY)
    return Responsible(agency, target.why, exact)
