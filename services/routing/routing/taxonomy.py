"""The category taxonomy (data/taxonomy.toml): groups and their categories, named in Bahasa
Indonesia and English; ``listing`` lists them with the programme each one's rule tags."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from routing.rules import Rules


@dataclass(frozen=True)
class Category:
    code: str  # "<group>.<category>", e.g. "infrastruktur.jalan"
    name: str
    name_en: str
    group: str


@dataclass(frozen=True)
class Taxonomy:
    version: str
    groups: dict[str, tuple[str, str]]  # code -> (name, name_en)
    categories: dict[str, Category]


@dataclass(frozen=True)
class Listed:
    """A category as the query answers it (lapor.routing.v1.Category)."""

    code: str
    name: str
    name_en: str
    group_code: str
    group_name: str
    group_name_en: str
    programme: str  # the national programme its rule tags for statistics, or ""


@dataclass(frozen=True)
class Listing:
    taxonomy_version: str
    rule_version: str
    categories: tuple[Listed, ...]


def listing(taxonomy: Taxonomy, rules: Rules) -> Listing:
    """Every category in taxonomy order, with its group's names and its rule's programme."""

    def programme(code: str) -> str:
        rule = rules.by_category.get(code)
        return rule.programme if rule else ""

    categories = tuple(
        Listed(c.code, c.name, c.name_en, c.group, *taxonomy.groups[c.group], programme(c.code))
        for c in taxonomy.categories.values()
    )
    return Listing(taxonomy.version, rules.version, categories)


def load_taxonomy(path: Path) -> Taxonomy:
    with path.open("rb") as data:
        document = tomllib.load(data)
    groups = {g["code"]: (g["name"], g["name_en"]) for g in document["group"]}
    categories = {
        f"{g['code']}.{c['code']}": Category(
            f"{g['code']}.{c['code']}", c["name"], c["name_en"], g["code"]
        )
        for g in document["group"]
        for c in g["categories"]
    }
    return Taxonomy(document["version"], groups, categories)
