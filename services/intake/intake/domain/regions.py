"""Kemendagri regions as a tree for the web's region picker: each region's children, sorted by
name, and the path from its province down to it. Built once from the reference data. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass

from intake.domain.codes import REGION_CODE
from intake.domain.model import Invalid, NotFound


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    type: str = ""  # kabupaten or kota; desa, kelurahan or desa_adat; "" for the other levels

    def json(self) -> dict[str, str]:
        shown = {"code": self.code, "name": self.name}
        return {**shown, "type": self.type} if self.type else shown


def parent_code(code: str) -> str:
    """The region that holds this one ("" for a province)."""
    return code.rpartition(".")[0]


def checked_code(code: str) -> str:
    if not REGION_CODE.match(code):
        raise Invalid([f"{code!r} is not a Kemendagri region code, e.g. 32, 32.04 or 32.04.05"])
    return code


class RegionIndex:
    """Every region by code and the children of each, sorted by name (then code)."""

    def __init__(self, names: Mapping[str, str], types: Mapping[str, str]) -> None:
        self._regions = {
            code: Region(code, name, types.get(code, "")) for code, name in names.items()
        }
        children: dict[str, list[Region]] = {}
        for region in self._regions.values():
            children.setdefault(parent_code(region.code), []).append(region)
        self._children = {
            parent: tuple(sorted(regions, key=lambda r: (r.name.casefold(), r.code)))
            for parent, regions in children.items()
        }

    def region(self, code: str) -> Region:
        """The region; Invalid for a malformed code, NotFound for one the data does not have."""
        found = self._regions.get(checked_code(code))
        if found is None:
            raise NotFound(f"no region {code!r} in the Kemendagri reference data")
        return found

    def children(self, parent: str) -> tuple[Region, ...]:
        """The provinces when ``parent`` is "", else the regions directly in ``parent``."""
        if parent:
            self.region(parent)
        return self._children.get(parent, ())

    def path(self, code: str) -> list[Region]:
        """The region and those it lies in, from its province down to it."""
        parts = self.region(code).code.split(".")
        return [self._regions[".".join(parts[:depth])] for depth in range(1, len(parts) + 1)]
