"""The agency directory: every body a LAPOR! report can be routed or escalated to.

Built once from the Kemendagri reference data (every province, regency/city and
district) and the project's data beside this module: the standard departments
of a regional government (``data/departments.toml``) and the national bodies
(``data/national.csv``). Codes derive from Kemendagri codes, so they are stable:
``pemprov-32``, ``pemkab-3204``, ``pemkab-3204.dinkes``, ``pemkab-3204.kec-320401``;
national bodies have their own (``kemenkes``, ``bpjs-kesehatan``).

DKI Jakarta's administrative cities and regency are not autonomous: they have
no departments of their own, and the province holds the regency-level ones.
"""

import csv
import heapq
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

DATA = Path(__file__).with_name("data")
HOME_AFFAIRS = "kemendagri"
NATIONAL_ADMINISTRATOR = "pengelola-nasional"
OMBUDSMAN = "ombudsman"
PAPUA = frozenset({"91", "92", "93", "94", "95", "96"})  # where a kecamatan is a distrik
ADMINISTRATIVE = ("Kota Administrasi ", "Kabupaten Administrasi ")
PROVINCE_LEVEL = "province"
REGENCY_LEVEL = "regency"


class AgencyKind(StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    CITY = "city"
    DEPARTMENT = "department"
    DISTRICT = "district"
    MINISTRY = "ministry"
    AGENCY = "agency"
    SERVICE_PROVIDER = "service_provider"
    PROGRAMME = "programme"
    NATIONAL_ADMINISTRATOR = "national_administrator"
    OMBUDSMAN = "ombudsman"


GOVERNMENTS = frozenset({AgencyKind.PROVINCE, AgencyKind.REGENCY, AgencyKind.CITY})
SEARCH_ORDER = {AgencyKind.DEPARTMENT: 1, AgencyKind.DISTRICT: 2}  # everything else first


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: AgencyKind
    parent_code: str  # the body above it ("" at the top)
    region_code: str  # Kemendagri code of the area served ("" for national bodies)
    ministry_code: str  # the competent ministry for escalation ("" when none)
    department: str = ""  # the departments.toml key, for departments
    source: str = ""  # where a national body's entry comes from
    name_en: str = ""


@dataclass(frozen=True)
class Department:
    """A standard unit of regional governments, from departments.toml."""

    key: str
    name: str
    name_en: str
    ministry: str
    levels: frozenset[str]


Row = Mapping[str, str]


class Directory:
    """Every agency by code, with the look-ups routing, escalation and the admin UI need."""

    def __init__(self, agencies: Iterable[Agency], seats: Mapping[str, str]) -> None:
        """``seats`` maps a non-autonomous government to the one that holds its departments."""
        self._agencies = {agency.code: agency for agency in agencies}
        self._seats = dict(seats)
        self._governments = {
            agency.region_code: agency
            for agency in self._agencies.values()
            if agency.kind in GOVERNMENTS
        }
        self._search_keys = [
            (f"{agency.code} {agency.name} {agency.name_en}".casefold(), agency)
            for agency in self._agencies.values()
        ]
        _check(self._agencies)

    def __len__(self) -> int:
        return len(self._agencies)

    def get(self, code: str) -> Agency | None:
        return self._agencies.get(code)

    def government(self, region_code: str) -> Agency | None:
        """The regency/city government of a code of two levels or more, the province's of PP."""
        return self._governments.get(".".join(region_code.split(".")[:2]))

    def province(self, region_code: str) -> Agency | None:
        return self._governments.get(region_code.partition(".")[0])

    def department(self, government_code: str, key: str) -> Agency | None:
        """The government's department ``key``; the province's for DKI Jakarta's cities."""
        seat = self._seats.get(government_code, government_code)
        found = self._agencies.get(f"{seat}.{key}")
        return found if found is not None and found.kind is AgencyKind.DEPARTMENT else None

    def chain(self, code: str, ministry_code: str = "") -> list[Agency]:
        """The escalation hierarchy from the agency up: its government, province, competent
        ministry (``ministry_code`` or its own), the national administrator, the Ombudsman."""
        agency = self._agencies.get(code)
        if agency is None:
            return []
        ministry = ministry_code or agency.ministry_code
        codes = [*self._lineage(code), *self._lineage(ministry), NATIONAL_ADMINISTRATOR, OMBUDSMAN]
        ordered = list(dict.fromkeys(codes))  # the Ombudsman is the last resort
        ordered = ordered[: ordered.index(OMBUDSMAN) + 1]
        return [self._agencies[c] for c in ordered if c in self._agencies]

    def search(self, query: str, limit: int = 20) -> list[Agency]:
        """Agencies whose code or name holds every word of the query, best matches first."""
        wanted = " ".join(query.casefold().split())
        words = wanted.split()
        if not words or limit <= 0:
            return []
        found = (agency for key, agency in self._search_keys if all(w in key for w in words))
        return heapq.nsmallest(limit, found, key=lambda agency: _rank(agency, wanted))

    def counts(self) -> dict[AgencyKind, int]:
        return dict(Counter(agency.kind for agency in self._agencies.values()))

    def _lineage(self, code: str) -> Iterator[str]:
        seen: set[str] = set()
        while code in self._agencies and code not in seen:
            seen.add(code)
            yield code
            code = self._agencies[code].parent_code


def _rank(agency: Agency, wanted: str) -> tuple[bool, bool, int, bool, int, str]:
    """Exact code first, then names holding the query as typed, bodies before their units,
    names ending with it ("Pemerintah Kota Bandung" for "kota bandung"), short names."""
    name = agency.name.casefold()
    return (
        agency.code != wanted,
        wanted not in name,
        SEARCH_ORDER.get(agency.kind, 0),
        not name.endswith(wanted),
        len(name),
        agency.code,
    )


def _check(agencies: Mapping[str, Agency]) -> None:
    """Every parent and ministry named exists: a typo in the data fails at start, loudly."""
    missing = sorted(
        f"{agency.code} -> {ref}"
        for agency in agencies.values()
        for ref in (agency.parent_code, agency.ministry_code)
        if ref and ref not in agencies
    )
    if missing:
        raise ValueError(f"the directory names unknown agencies: {', '.join(missing)}")


def build_directory(
    provinces: Iterable[Row],
    regencies: Iterable[Row],
    districts: Iterable[Row],
    departments: Iterable[Department],
    national: Iterable[Row],
) -> Directory:
    """The directory from the rows of the reference data and the project data."""
    regencies = list(regencies)
    governments = {row["code"]: _province(row) for row in provinces}
    governments |= {row["code"]: _regency(row) for row in regencies}
    seats = {
        governments[row["code"]].code: governments[row["province_code"]].code
        for row in regencies
        if row["name"].startswith(ADMINISTRATIVE)
    }
    units = list(departments)
    agencies = [
        *governments.values(),
        *(unit for g in governments.values() for unit in _departments(g, units, seats)),
        *(_district(row, governments[row["regency_code"]]) for row in districts),
        *_national(list(national)),
    ]
    return Directory(agencies, seats)


def _province(row: Row) -> Agency:
    code = row["code"]
    name = f"Pemerintah Provinsi {row['name']}"
    return Agency(f"pemprov-{code}", name, AgencyKind.PROVINCE, "", code, HOME_AFFAIRS)


def _regency(row: Row) -> Agency:
    city = row["type"] == "kota"
    code = f"{'pemkot' if city else 'pemkab'}-{_compact(row['code'])}"
    kind = AgencyKind.CITY if city else AgencyKind.REGENCY
    parent = f"pemprov-{row['province_code']}"
    return Agency(code, f"Pemerintah {row['name']}", kind, parent, row["code"], HOME_AFFAIRS)


def _departments(
    government: Agency, departments: list[Department], seats: Mapping[str, str]
) -> Iterator[Agency]:
    levels = _levels(government, seats)
    title = _title(government)
    for unit in departments:
        if unit.levels & levels:
            yield Agency(
                f"{government.code}.{unit.key}",
                f"{unit.name} {title}",
                AgencyKind.DEPARTMENT,
                government.code,
                government.region_code,
                unit.ministry,
                department=unit.key,
                name_en=f"{unit.name_en}, {title}",
            )


def _levels(government: Agency, seats: Mapping[str, str]) -> frozenset[str]:
    """The department levels a government has: none for DKI Jakarta's cities, both for DKI."""
    if government.code in seats:
        return frozenset()
    if government.kind is not AgencyKind.PROVINCE:
        return frozenset({REGENCY_LEVEL})
    if government.code in seats.values():
        return frozenset({PROVINCE_LEVEL, REGENCY_LEVEL})
    return frozenset({PROVINCE_LEVEL})


def _district(row: Row, government: Agency) -> Agency:
    unit = "Distrik" if row["province_code"] in PAPUA else "Kecamatan"
    return Agency(
        f"{government.code}.kec-{_compact(row['code'])}",
        f"{unit} {row['name']}, {_title(government)}",
        AgencyKind.DISTRICT,
        government.code,
        row["code"],
        HOME_AFFAIRS,
    )


def _national(rows: list[Row]) -> Iterator[Agency]:
    by_code = {row["code"]: row for row in rows}
    for row in rows:
        yield Agency(
            row["code"],
            row["name"],
            AgencyKind(row["kind"]),
            row["parent"],
            "",
            _ministry_of(row["code"], by_code),
            source=row["source"],
            name_en=row["name_en"],
        )


def _ministry_of(code: str, rows: Mapping[str, Row]) -> str:
    """The body itself when it is a ministry, else its nearest ministry above, else ""."""
    seen: set[str] = set()
    while code in rows and code not in seen:
        seen.add(code)
        if rows[code]["kind"] == AgencyKind.MINISTRY:
            return code
        code = rows[code]["parent"]
    return ""


def _title(government: Agency) -> str:
    return government.name.removeprefix("Pemerintah ")


def _compact(region_code: str) -> str:
    return region_code.replace(".", "")


def load_directory(regions_dir: Path) -> Directory:
    """The whole directory, from the Kemendagri CSVs in ``regions_dir`` and the project data."""
    return build_directory(
        read_rows(regions_dir / "provinces.csv"),
        read_rows(regions_dir / "regencies.csv"),
        read_rows(regions_dir / "districts.csv"),
        read_departments(DATA / "departments.toml"),
        read_rows(DATA / "national.csv"),
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def read_departments(path: Path) -> list[Department]:
    with path.open("rb") as data:
        entries = tomllib.load(data)["department"]
    return [
        Department(e["key"], e["name"], e["name_en"], e["ministry"], frozenset(e["levels"]))
        for e in entries
    ]
