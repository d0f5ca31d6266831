"""Kemendagri regions from the reference data (``LAPOR_REGIONS_DIR``): provinces down to
villages, by official code (``32``, ``32.04``, ``32.04.05``, ``32.04.05.2001``)."""

import csv
from pathlib import Path

LEVELS = ("provinces", "regencies", "districts", "villages")


def region_names(directory: Path, levels: tuple[str, ...] = LEVELS) -> dict[str, str]:
    """Official name by code, for the given levels."""
    names: dict[str, str] = {}
    for level in levels:
        with (directory / f"{level}.csv").open(encoding="utf-8", newline="") as rows:
            names.update((row["code"], row["name"]) for row in csv.DictReader(rows))
    return names
