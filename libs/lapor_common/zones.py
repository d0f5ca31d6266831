"""Indonesia's three time zones, and which one a province, a region or an agency keeps.

WIB (Waktu Indonesia Barat, UTC+7), WITA (Waktu Indonesia Tengah, UTC+8) and WIT (Waktu
Indonesia Timur, UTC+9); none has daylight saving. A province is named by its two-digit
Kemendagri code, and every region's code begins with its province's: regency ``32.04`` (or
``3204``) and district ``32.04.01`` lie in province ``32``, West Java, on WIB.
"""

from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
# Provinces by Kemendagri code: Bali, Nusa Tenggara, East/South/North Kalimantan and all of
# Sulawesi keep WITA; Maluku and the Papua provinces WIT; the rest WIB.
_WITA = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})
_REGIONAL = ("pemprov-", "pemkab-", "pemkot-")


def zone_of_province(province_code: str) -> ZoneInfo:
    if province_code in _WITA:
        return WITA
    if province_code in _WIT:
        return WIT
    return WIB


def zone_of_region(region_code: str) -> ZoneInfo:
    """The zone of the region's province (``73.71``: Makassar, WITA); WIB when the code is
    empty or names no province."""
    return zone_of_province(region_code[:2])


def zone_of_agency(agency_code: str) -> ZoneInfo:
    """A regional agency keeps its province's time (``pemkot-7371.dinkes``: Makassar, WITA);
    national bodies and the national administrators keep Jakarta's."""
    for prefix in _REGIONAL:
        if agency_code.startswith(prefix):
            return zone_of_province(agency_code[len(prefix) : len(prefix) + 2])
    return WIB
