"""Indonesia's time zones (lapor_common.zones): which one a province, region or agency keeps."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from lapor_common.zones import WIB, WIT, WITA, zone_of_agency, zone_of_province, zone_of_region


def test_the_three_zones_are_seven_eight_and_nine_hours_ahead_of_utc() -> None:
    noon = datetime(2026, 8, 17, 12, tzinfo=UTC)
    assert [noon.astimezone(zone).hour for zone in (WIB, WITA, WIT)] == [19, 20, 21]


def test_provinces_keep_their_zone() -> None:
    assert zone_of_province("31") is WIB  # Jakarta
    assert zone_of_province("51") is WITA  # Bali
    assert zone_of_province("62") is WIB  # Central Kalimantan
    assert zone_of_province("64") is WITA  # East Kalimantan
    assert zone_of_province("81") is WIT  # Maluku
    assert zone_of_province("96") is WIT  # Southwest Papua


def test_agencies_keep_their_provinces_time() -> None:
    assert zone_of_agency("pemkot-7371.dinkes") is WITA
    assert zone_of_agency("pemkab-3204") is WIB
    assert zone_of_agency("pemprov-91.disdik") is WIT
    assert zone_of_agency("pemkab-6301") is WITA  # South Kalimantan
    assert zone_of_agency("pemkab-6201") is WIB  # Central Kalimantan
    assert zone_of_agency("kemenkes") is WIB


@pytest.mark.parametrize(
    ("region_code", "zone"),
    [
        ("32.04.01", WIB),  # a district of Bandung regency, West Java
        ("3204", WIB),
        ("73.71", WITA),  # Makassar
        ("7371", WITA),
        ("51", WITA),  # Bali, the province itself
        ("91.71.02.1001", WIT),  # Argapura, a kelurahan of Jayapura city
        ("", WIB),
        ("7", WIB),
        ("99.01", WIB),  # no such province
    ],
)
def test_a_region_keeps_its_provinces_time(region_code: str, zone: ZoneInfo) -> None:
    assert zone_of_region(region_code) is zone
