"""The regional governments of the agency directory, from the Kemendagri reference data.

Only what the interim rule needs: every province and regency/city government.
The full directory (departments, districts, national bodies) is its own work item.
"""

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Agency:
    code: str
    name: str


def _government(region_code: str, kind: str, name: str) -> Agency:
    compact = region_code.replace(".", "")
    if kind == "provinsi":
        return Agency(f"pemprov-{compact}", f"Pemerintah Provinsi {name}")
    prefix = "pemkot" if kind == "kota" else "pemkab"
    return Agency(f"{prefix}-{compact}", f"Pemerintah {name}")


def load_regional_governments(directory: Path) -> dict[str, Agency]:
    """Province and regency/city governments by their Kemendagri code (``32``, ``32.04``)."""
    governments: dict[str, Agency] = {}
    with (directory / "provinces.csv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            governments[row["code"]] = _government(row["code"], "provinsi", row["name"])
    with (directory / "regencies.csv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            governments[row["code"]] = _government(row["code"], row["type"], row["name"])
    return governments
