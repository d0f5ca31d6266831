"""Kemendagri region codes from the reference data (provinces down to villages)."""

from pathlib import Path

from lapor_common.regions import region_names


def load_region_codes(directory: Path) -> frozenset[str]:
    """Every official code in the reference data, e.g. ``32``, ``32.04``, ``32.04.05``."""
    return frozenset(region_names(directory))
