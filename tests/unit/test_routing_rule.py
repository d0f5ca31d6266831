"""Routing's interim rule: a report goes to the government of its regency/city or province."""

from pathlib import Path

import pytest

from lapor.report.v1.events_pb2 import DECIDED_BY_RULE, ReportSubmitted
from routing.directory import Agency, load_regional_governments
from routing.domain import RULE_VERSION, route_submission

REGIONS = Path(__file__).resolve().parents[2].parent / "shared/data/regions"


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
    ("region_code", "agency"),
    [
        ("32.04.05", Agency("pemkab-3204", "Pemerintah Kabupaten Bandung")),
        ("32.04", Agency("pemkab-3204", "Pemerintah Kabupaten Bandung")),
        ("32.73", Agency("pemkot-3273", "Pemerintah Kota Bandung")),
        ("32.73.01.1001", Agency("pemkot-3273", "Pemerintah Kota Bandung")),
        ("32", Agency("pemprov-32", "Pemerintah Provinsi Jawa Barat")),
    ],
)
def test_a_report_goes_to_the_government_of_its_region(
    governments: dict[str, Agency], region_code: str, agency: Agency
) -> None:
    event = ReportSubmitted(region_code=region_code, category_code="kesehatan")
    decision = route_submission(event, governments)
    assert decision is not None
    assert (decision.agency_code, decision.agency_name) == (agency.code, agency.name)
    assert decision.category_code == "kesehatan"
    assert decision.decided_by == DECIDED_BY_RULE
    assert decision.confidence == 1.0
    assert decision.rule_version == RULE_VERSION == "regional-government/1"
    assert decision.model_version == ""
    assert region_code in decision.reason
    assert agency.name in decision.reason


@pytest.mark.parametrize("region_code", ["99", "99.01", "99.01.02", "", "xx"])
def test_a_region_with_no_known_government_gives_no_decision(
    governments: dict[str, Agency], region_code: str
) -> None:
    assert route_submission(ReportSubmitted(region_code=region_code), governments) is None
