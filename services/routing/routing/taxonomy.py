"""The category taxonomy (data/taxonomy.toml): groups and their categories, named in Bahasa
Indonesia and English."""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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

    def as_json(self, rule_version: str) -> dict[str, Any]:
        return {
            "version": self.version,
            "rule_version": rule_version,
            "groups": [
                {
                    "code": code,
                    "name": {"id": names[0], "en": names[1]},
                    "categories": [
                        {"code": c.code, "name": {"id": c.name, "en": c.name_en}}
                        for c in self.categories.values()
                        if c.group == code
                    ],
                }
                for code, names in self.groups.items()
            ],
        }


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
