"""The agency directory: every regional government with its departments and districts, the
national bodies, DKI Jakarta's non-autonomous cities, escalation chains and the admin search."""

import time
from pathlib import Path

import pytest

from routing.directory import (
    DATA,
    Agency,
    AgencyKind,
    Directory,
    build_directory,
    load_directory,
    read_departments,
    read_rows,
)

REGIONS = Path(__file__).resolve().parents[2].parent / "shared/data/regions"
PROVINCE_UNITS = 22  # departments.toml: units of a province government
REGENCY_UNITS = 24  # units of a regency/city government (+ disdukcapil and pdam)
JAKARTA_CITIES = 6  # 5 Kota Administrasi + Kabupaten Administrasi Kepulauan Seribu
BANDUNG = ["pemkab-3204", "pemprov-32"]
TOP = ["pengelola-nasional", "ombudsman"]


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(REGIONS)


def codes(agencies: list[Agency]) -> list[str]:
    return [agency.code for agency in agencies]


def test_it_loads_well_under_two_seconds() -> None:
    started = time.perf_counter()
    load_directory(REGIONS)
    assert time.perf_counter() - started < 2.0


def test_every_government_district_and_department_is_there(directory: Directory) -> None:
    counts = directory.counts()
    assert counts[AgencyKind.PROVINCE] == 38
    assert counts[AgencyKind.REGENCY] == 416
    assert counts[AgencyKind.CITY] == 98
    assert counts[AgencyKind.DISTRICT] == 7285
    jakarta_extra = REGENCY_UNITS - PROVINCE_UNITS  # DKI holds the regency-level units
    departments = 38 * PROVINCE_UNITS + jakarta_extra + (514 - JAKARTA_CITIES) * REGENCY_UNITS
    assert counts[AgencyKind.DEPARTMENT] == departments == 13030
    assert len(directory) == sum(counts.values())


def test_the_department_levels_are_those_of_the_project_data() -> None:
    units = read_departments(DATA / "departments.toml")
    assert sum("province" in unit.levels for unit in units) == PROVINCE_UNITS
    assert sum("regency" in unit.levels for unit in units) == REGENCY_UNITS
    regency_only = {unit.key for unit in units if unit.levels == {"regency"}}
    assert regency_only == {"disdukcapil", "pdam"}
    assert len({unit.key for unit in units}) == len(units)


def test_every_national_body_is_there_with_its_source(directory: Directory) -> None:
    rows = read_rows(DATA / "national.csv")
    for row in rows:
        agency = directory.get(row["code"])
        assert agency is not None
        assert (agency.name, agency.kind, agency.parent_code) == (
            row["name"],
            AgencyKind(row["kind"]),
            row["parent"],
        )
        assert agency.source
        assert agency.name_en
        assert agency.region_code == ""
    assert len({row["code"] for row in rows}) == len(rows)


def test_the_cabinet_has_its_49_ministries(directory: Directory) -> None:
    """48 ministries of the Kabinet Merah Putih (Perpres 139/2024), 7 of them coordinating,
    and the Kementerian Haji dan Umrah formed in 2025."""
    ministries = [a for a in directory.search("kementerian", 200) if a.kind is AgencyKind.MINISTRY]
    assert len(ministries) == directory.counts()[AgencyKind.MINISTRY] == 49
    assert sum(a.name.startswith("Kementerian Koordinator") for a in ministries) == 7


@pytest.mark.parametrize(
    ("code", "kind", "parent"),
    [
        ("kemenkes", AgencyKind.MINISTRY, ""),
        ("kemendikdasmen", AgencyKind.MINISTRY, ""),
        ("kemen-haji", AgencyKind.MINISTRY, ""),
        ("bpjs-kesehatan", AgencyKind.SERVICE_PROVIDER, ""),
        ("bpjs-ketenagakerjaan", AgencyKind.SERVICE_PROVIDER, ""),
        ("pln", AgencyKind.SERVICE_PROVIDER, "kemenesdm"),
        ("pertamina", AgencyKind.SERVICE_PROVIDER, "kemenesdm"),
        ("kai", AgencyKind.SERVICE_PROVIDER, "kemenhub"),
        ("polri", AgencyKind.AGENCY, ""),
        ("korlantas", AgencyKind.AGENCY, "polri"),
        ("bpom", AgencyKind.AGENCY, "kemenkes"),
        ("bkn", AgencyKind.AGENCY, "kemenpanrb"),
        ("bgn", AgencyKind.AGENCY, ""),
        ("djp", AgencyKind.AGENCY, "kemenkeu"),
        ("bnpb", AgencyKind.AGENCY, ""),
        ("prakerja", AgencyKind.PROGRAMME, "kemenko-perekonomian"),
        ("pengelola-nasional", AgencyKind.NATIONAL_ADMINISTRATOR, ""),
        ("ombudsman", AgencyKind.OMBUDSMAN, ""),
    ],
)
def test_the_national_bodies_citizens_complain_about(
    directory: Directory, code: str, kind: AgencyKind, parent: str
) -> None:
    agency = directory.get(code)
    assert agency is not None
    assert (agency.kind, agency.parent_code) == (kind, parent)


def test_the_national_administrator_is_kementerian_panrb(directory: Directory) -> None:
    administrator = directory.get("pengelola-nasional")
    assert administrator is not None
    assert administrator.name == "Pengelola Nasional SP4N-LAPOR! (Kementerian PANRB)"
    ombudsman = directory.get("ombudsman")
    assert ombudsman is not None
    assert ombudsman.name == "Ombudsman Republik Indonesia"


@pytest.mark.parametrize(
    ("code", "kind", "region", "name"),
    [
        ("pemprov-32", "province", "32", "Pemerintah Provinsi Jawa Barat"),
        ("pemkab-3204", "regency", "32.04", "Pemerintah Kabupaten Bandung"),
        ("pemkot-3273", "city", "32.73", "Pemerintah Kota Bandung"),
        ("pemkab-3204.dinkes", "department", "32.04", "Dinas Kesehatan Kabupaten Bandung"),
        ("pemkab-3204.kec-320437", "district", "32.04.37", "Kecamatan Soreang, Kabupaten Bandung"),
        ("pemkab-9103.kec-910301", "district", "91.03.01", "Distrik Sentani, Kabupaten Jayapura"),
        ("pemkot-3171", "city", "31.71", "Pemerintah Kota Administrasi Jakarta Pusat"),
        (
            "pemkot-3171.kec-317107",
            "district",
            "31.71.07",
            "Kecamatan Tanah Abang, Kota Administrasi Jakarta Pusat",
        ),
    ],
)
def test_codes_and_names_derive_from_the_kemendagri_codes(
    directory: Directory, code: str, kind: str, region: str, name: str
) -> None:
    agency = directory.get(code)
    assert agency is not None
    assert (agency.kind, agency.region_code, agency.name) == (kind, region, name)


def test_departments_and_districts_hang_under_their_government(directory: Directory) -> None:
    department = directory.get("pemkab-3204.dinkes")
    district = directory.get("pemkab-3204.kec-320437")
    regency = directory.get("pemkab-3204")
    assert department is not None
    assert district is not None
    assert regency is not None
    assert (department.parent_code, department.ministry_code, department.department) == (
        "pemkab-3204",
        "kemenkes",
        "dinkes",
    )
    assert (district.parent_code, district.ministry_code) == ("pemkab-3204", "kemendagri")
    assert (regency.parent_code, regency.ministry_code) == ("pemprov-32", "kemendagri")


@pytest.mark.parametrize(
    ("region_code", "government", "province"),
    [
        ("32.04.37.2001", "pemkab-3204", "pemprov-32"),
        ("32.04.37", "pemkab-3204", "pemprov-32"),
        ("32.73", "pemkot-3273", "pemprov-32"),
        ("32", "pemprov-32", "pemprov-32"),
        ("31.71.07", "pemkot-3171", "pemprov-31"),
        ("99.01", None, None),
        ("32.99", None, "pemprov-32"),
        ("", None, None),
    ],
)
def test_the_governments_of_a_region(
    directory: Directory, region_code: str, government: str | None, province: str | None
) -> None:
    found = directory.government(region_code)
    assert (found.code if found else None) == government
    above = directory.province(region_code)
    assert (above.code if above else None) == province


@pytest.mark.parametrize(
    ("government", "key", "expected"),
    [
        ("pemkab-3204", "dinkes", "pemkab-3204.dinkes"),
        ("pemkab-3204", "disdukcapil", "pemkab-3204.disdukcapil"),
        ("pemkab-3204", "pdam", "pemkab-3204.pdam"),
        ("pemprov-32", "disdik", "pemprov-32.disdik"),
        ("pemprov-32", "disdukcapil", None),  # population registry is a regency affair
        ("pemprov-32", "pdam", None),
        ("pemkab-3204", "kec-320437", None),  # a district is not a department
        ("pemkab-3204", "no-such-unit", None),
        ("pemkab-9999", "dinkes", None),
    ],
)
def test_a_governments_department(
    directory: Directory, government: str, key: str, expected: str | None
) -> None:
    found = directory.department(government, key)
    assert (found.code if found else None) == expected


@pytest.mark.parametrize(
    ("government", "key", "expected"),
    [
        ("pemkot-3171", "disdik", "pemprov-31.disdik"),
        ("pemkot-3174", "dinkes", "pemprov-31.dinkes"),
        ("pemkab-3101", "dishub", "pemprov-31.dishub"),
        ("pemkot-3172", "disdukcapil", "pemprov-31.disdukcapil"),
        ("pemkot-3175", "pdam", "pemprov-31.pdam"),
    ],
)
def test_jakartas_cities_use_the_provinces_departments(
    directory: Directory, government: str, key: str, expected: str
) -> None:
    """DKI Jakarta's administrative cities and regency are not autonomous: no departments of
    their own; the province holds both the province- and the regency-level ones."""
    found = directory.department(government, key)
    assert found is not None
    assert found.code == expected
    assert directory.get(f"{government}.{key}") is None


def test_jakartas_cities_keep_their_governments_and_districts(directory: Directory) -> None:
    cities = [directory.government(f"31.{n}") for n in ("01", "71", "72", "73", "74", "75")]
    assert [city.parent_code if city else None for city in cities] == ["pemprov-31"] * 6
    district = directory.get("pemkot-3174.kec-317406")
    assert district is not None
    assert district.name == "Kecamatan Cilandak, Kota Administrasi Jakarta Selatan"


@pytest.mark.parametrize(
    ("code", "ministry", "expected"),
    [
        ("pemkab-3204.dinkes", "", ["pemkab-3204.dinkes", *BANDUNG, "kemenkes", *TOP]),
        ("pemkab-3204.kec-320437", "", ["pemkab-3204.kec-320437", *BANDUNG, "kemendagri", *TOP]),
        (
            "pemkab-3204.kec-320437",
            "kemenpu",
            ["pemkab-3204.kec-320437", *BANDUNG, "kemenpu", *TOP],
        ),
        ("pemkab-3204.bpbd", "", ["pemkab-3204.bpbd", *BANDUNG, "bnpb", *TOP]),
        ("pemkab-3204", "no-such-ministry", [*BANDUNG, *TOP]),
        ("pemprov-32.disdik", "", ["pemprov-32.disdik", "pemprov-32", "kemendikdasmen", *TOP]),
        ("bpjs-kesehatan", "", ["bpjs-kesehatan", *TOP]),
        ("bpjs-kesehatan", "kemenkes", ["bpjs-kesehatan", "kemenkes", *TOP]),
        ("korlantas", "", ["korlantas", "polri", *TOP]),
        ("djp", "", ["djp", "kemenkeu", *TOP]),
        ("kemenkes", "", ["kemenkes", *TOP]),
        ("pengelola-nasional", "", TOP),
        ("ombudsman", "", ["ombudsman"]),
        ("no-such-agency", "kemenkes", []),
    ],
)
def test_the_escalation_chain(
    directory: Directory, code: str, ministry: str, expected: list[str]
) -> None:
    assert codes(directory.chain(code, ministry)) == expected


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("kemenkes", ["kemenkes"]),
        ("pemkab-3204", ["pemkab-3204"]),
        ("BANDUNG", ["pemkot-3273", "pemkab-3204", "pemkab-3217"]),
        ("kota bandung", ["pemkot-3273"]),
        ("dinkes bandung", ["pemkot-3273.dinkes", "pemkab-3204.dinkes", "pemkab-3217.dinkes"]),
        ("Dinas Kesehatan Kabupaten Bandung", ["pemkab-3204.dinkes"]),
        ("soreang", ["pemkot-7372.kec-737203", "pemkab-3204.kec-320437"]),
        ("bpjs", ["bpjs-kesehatan", "bpjs-ketenagakerjaan"]),
    ],
)
def test_search_finds_the_best_matches_first(
    directory: Directory, query: str, first: list[str]
) -> None:
    assert codes(directory.search(query))[: len(first)] == first


def test_search_is_bounded_and_needs_words(directory: Directory) -> None:
    assert len(directory.search("dinas", limit=5)) == 5
    assert directory.search("") == directory.search("   ") == []
    assert directory.search("no such agency anywhere") == []


def test_a_reference_to_an_unknown_agency_fails_at_load() -> None:
    national = [
        {
            "code": "x",
            "name": "X",
            "name_en": "X",
            "kind": "agency",
            "parent": "typo",
            "source": "s",
        }
    ]
    with pytest.raises(ValueError, match="x -> typo"):
        build_directory([], [], [], [], national)
