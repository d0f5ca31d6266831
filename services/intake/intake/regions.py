"""Kemendagri region codes from the reference data (provinces down to villages)."""

import csv
from pathlib import Path

from lapor_common.regions import region_names

# The levels whose files have a ``type`` column (kabupaten/kota; desa/kelurahan/desa_adat).
TYPED_LEVELS = ("regencies", "villages")


def load_region_codes(directory: Path) -> frozenset[str]:
    """Every official code in the reference data, e.g. ``32``, ``32.04``, ``32.04.05``."""
    return frozenset(region_names(directory))


def region_types(directory: Path) -> dict[str, str]:
    """The type of each regency or city and of each village, by code."""
    types: dict[str, str] = {}
    for level in TYPED_LEVELS:
        with (directory / f"{level}.csv").open(encoding="utf-8", newline="") as rows:
            types.update((row["code"], row["type"]) for row in csv.DictReader(rows))
    return types
