"""Routing's interim rule: a report goes to the government of its regency/city, then of its
province; an agency that declined is never chosen again, and after three declines the national
administrators decide. Also: routing and intake together never drop a declined report."""

from pathlib import Path

import pytest

from intake.domain.lifecycle import decide
from intake.domain.model import Principal, Refused, Role, Status
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1.events_pb2 import DECIDED_BY_RULE
from routing.directory import Agency, load_regional_governments
from routing.domain import MAX_DECLINES, RULE_VERSION, Case, candidates, decide_route
from tests.unit.reports import AT, SERVICE, Pure

REGIONS = Path(__file__).resolve().parents[2].parent / "shared/data/regions"
KABUPATEN_BANDUNG = Agency("pemkab-3204", "Pemerintah Kabupaten Bandung")
JAWA_BARAT = Agency("pemprov-32", "Pemerintah Provinsi Jawa Barat")


@pytest.fixture(scope="module")
def governments() -> dict[str, Agency]:
    return load_regional_governments(REGIONS)


def test_the_directory_has_every_province_and_regency_government(
    governments: dict[str, Agency],
) -> None:
    assert len(governments) == 38 + 514 == 552
    assert sum(code.count(".") == 0 for code in governments) == 38
    assert sum(a.code.startswith("pemkot-") for a in governments.values()) == 98
    assert sum(a.code.startswith("pemkab-") for a in governments.values()) == 416
    assert len({a.code for a in governments.values()}) == 552


@pytest.mark.parametrize(
    ("region_code", "expected"),
    [
        ("32.04.05", [KABUPATEN_BANDUNG, JAWA_BARAT]),
        ("32.04", [KABUPATEN_BANDUNG, JAWA_BARAT]),
        ("32.73.01.1001", [Agency("pemkot-3273", "Pemerintah Kota Bandung"), JAWA_BARAT]),
        ("32", [JAWA_BARAT]),
        ("99.01", []),
        ("", []),
    ],
)
def test_the_candidates_are_the_regions_governments_nearest_first(
    governments: dict[str, Agency], region_code: str, expected: list[Agency]
) -> None:
    assert candidates(region_code, governments) == expected


def test_a_report_goes_to_the_government_of_its_regency(governments: dict[str, Agency]) -> None:
    decision = decide_route(Case("R", "32.04.05", "kesehatan"), governments)
    assert decision is not None
    assert (decision.agency_code, decision.agency_name) == (
        KABUPATEN_BANDUNG.code,
        KABUPATEN_BANDUNG.name,
    )
    assert decision.category_code == "kesehatan"
    assert decision.decided_by == DECIDED_BY_RULE
    assert decision.confidence == 1.0
    assert decision.rule_version == RULE_VERSION == "regional-government/2"
    assert decision.model_version == ""
    assert decision.reason == f"region 32.04.05 lies in {KABUPATEN_BANDUNG.name}"


def test_after_the_regency_declines_the_province_is_next(governments: dict[str, Agency]) -> None:
    decision = decide_route(Case("R", "32.04.05", "", (KABUPATEN_BANDUNG.code,)), governments)
    assert decision is not None
    assert decision.agency_code == JAWA_BARAT.code
    assert decision.reason.endswith(f"; declined by {KABUPATEN_BANDUNG.code}")


@pytest.mark.parametrize(
    "declined",
    [
        ("pemkab-3204", "pemprov-32"),  # no candidate left
        ("a", "b", "c"),  # MAX_DECLINES reached, even with candidates left
    ],
)
def test_then_the_national_administrators_decide(
    governments: dict[str, Agency], declined: tuple[str, ...]
) -> None:
    assert MAX_DECLINES == 3
    assert decide_route(Case("R", "32.04.05", "", declined), governments) is None


@pytest.mark.parametrize("region_code", ["99", "99.01", "99.01.02", "", "xx"])
def test_a_region_with_no_known_government_gives_no_decision(
    governments: dict[str, Agency], region_code: str
) -> None:
    assert decide_route(Case("R", region_code, ""), governments) is None


def test_routing_and_intake_move_a_declined_report_on_and_never_drop_it(
    governments: dict[str, Agency],
) -> None:
    """Each agency routing picks declines in turn: intake accepts every routing decision, the
    report is never closed, and it ends awaiting the administrators with every decliner."""
    report = Pure()
    report.submit()
    case = Case("R", "32.04.05", "")
    while (decision := decide_route(case, governments)) is not None:
        report.act(decision, SERVICE)
        assert report.now().status is Status.DITERUSKAN_KE_INSTANSI
        officer = Principal(Role.OFFICER, agency_code=decision.agency_code)
        report.act(c.DeclineReport(reason="bukan wewenang kami"), officer)
        case = Case("R", "32.04.05", "", report.now().declined_by)
    final = report.now()
    assert final.status is Status.MENUNGGU_VERIFIKASI
    assert final.declined_by == (KABUPATEN_BANDUNG.code, JAWA_BARAT.code)
    for agency in final.declined_by:
        back = decide_route(Case("R", "32.04.05", ""), governments)
        assert back is not None
        back.agency_code = agency
        with pytest.raises(Refused):
            decide(final, back, SERVICE, AT)
