"""Kemendagri region codes from the reference data (provinces down to villages)."""

import csv
from pathlib import Path

_FILES = ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv")


def load_region_codes(directory: Path) -> frozenset[str]:
    """Every official code in the reference data, e.g. ``32``, ``32.04``, ``32.04.05``."""
    codes: set[str] = set()
    for name in _FILES:
        with (directory / name).open(encoding="utf-8", newline="") as rows:
            codes.update(row["code"] for row in csv.DictReader(rows))
    return frozenset(codes)
