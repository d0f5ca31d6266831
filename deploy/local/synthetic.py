"""Made-up reporters in real places, for the demo loader (demo.py) and the history generator
(history.py).

Places are real Kemendagri villages (LAPOR_REGIONS_DIR), drawn in proportion to where
Indonesians live: a province by its population, then a village in it, a kelurahan (urban)
weighing more than a desa. Reporters are invented: common Indonesian given names, phone
numbers in a block the local mailbox treats as ordinary, e-mail addresses under a reserved
domain (RFC 2606), and never a NIK.
"""

import bisect
import csv
import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

# Residents by province in millions, Sensus Penduduk 2020 (BPS), the 2022 Papua provinces
# split from theirs; only the proportions matter.
PROVINCE_MILLIONS = {
    "11": 5.3, "12": 14.8, "13": 5.5, "14": 6.4, "15": 3.5, "16": 8.5, "17": 2.0, "18": 9.0,
    "19": 1.5, "21": 2.1, "31": 10.6, "32": 48.3, "33": 36.5, "34": 3.7, "35": 41.0, "36": 11.9,
    "51": 4.3, "52": 5.3, "53": 5.3, "61": 5.4, "62": 2.7, "63": 4.1, "64": 3.8, "65": 0.7,
    "71": 2.6, "72": 3.0, "73": 9.1, "74": 2.6, "75": 1.2, "76": 1.4, "81": 1.8, "82": 1.3,
    "91": 1.0, "92": 0.6, "93": 0.5, "94": 1.3, "95": 1.4, "96": 0.6,
}  # fmt: skip
URBAN_WEIGHT = 4.0


def _names(words: str) -> tuple[str, ...]:
    return tuple(words.split())


GIVEN = _names(
    "Siti Ahmad Dewi Budi Agus Sri Nur Rina Eko Wahyu Yuli Dian Rudi Ani Joko Ratna Hendra "
    "Indah Bambang Fitri Andi Wulan Teguh Lestari Arif Maya Dedi Ayu Slamet Putri Irfan Nining "
    "Made Ketut Yohanes Maria Fransiskus Ridwan Asep Ujang Cut Teuku Daeng Ikhsan Rizky Nabila"
)
FAMILY = _names(
    "Santoso Wijaya Hidayat Saputra Lestari Kusuma Nugroho Rahmawati Siregar Nasution Harahap "
    "Simanjuntak Pratama Setiawan Wibowo Hasibuan Lubis Purba Sitompul Manurung Sembiring "
    "Ginting Tambunan Mahendra Permana Suryadi Rahman Syahputra Gunawan Halim Marpaung"
)
MAIL_DOMAIN = "warga.example"  # reserved: no message can reach anyone
PHONE_BLOCK = "+6281100"  # the local mailbox fails +6281100000001 and ...002 on purpose


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class Village:
    code: str  # PP.RR.DD.VVVV
    name: str
    urban: bool  # a kelurahan, not a desa
    district_name: str
    regency_name: str  # "Kabupaten Bandung", "Kota Bandung"

    @property
    def district_code(self) -> str:
        return self.code.rsplit(".", 1)[0]

    @property
    def regency_code(self) -> str:
        return self.code[:5]

    @property
    def label(self) -> str:
        return f"{'Kelurahan' if self.urban else 'Desa'} {self.name}"


def person(rng: random.Random) -> Person:
    """A reporter who does not exist."""
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    number = rng.randrange(100_000, 1_000_000)
    return Person(
        name=f"{given} {family}",
        phone=f"{PHONE_BLOCK}{number}",
        email=f"{given.lower()}.{family.lower()}{number % 1000}@{MAIL_DOMAIN}",
    )


class Places:
    """Every village, drawn by where people live."""

    def __init__(self, villages: list[Village], province_weights: dict[str, float]) -> None:
        by_province: dict[str, list[Village]] = {}
        for village in villages:
            by_province.setdefault(village.code[:2], []).append(village)
        self._provinces = sorted(p for p in by_province if province_weights.get(p, 0) > 0)
        if not self._provinces:
            raise ValueError("no villages in any province with a weight")
        self._province_cumulative = list(
            itertools.accumulate(province_weights[p] for p in self._provinces)
        )
        self._villages = [by_province[p] for p in self._provinces]
        self._village_cumulative = [
            list(itertools.accumulate(URBAN_WEIGHT if v.urban else 1.0 for v in vs))
            for vs in self._villages
        ]
        self.by_regency: dict[str, list[Village]] = {}
        for village in villages:
            self.by_regency.setdefault(village.regency_code, []).append(village)

    def village(self, rng: random.Random) -> Village:
        province = _draw(self._province_cumulative, rng)
        return self._villages[province][_draw(self._village_cumulative[province], rng)]

    def village_in(self, regency_code: str, rng: random.Random) -> Village:
        return rng.choice(self.by_regency[regency_code])


def _draw(cumulative: list[float], rng: random.Random) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


class Weighted(Generic[T]):
    """Draws one of the keys in proportion to its weight (random.choices, prepared once)."""

    def __init__(self, weights: Mapping[T, float]) -> None:
        self._items = list(weights)
        self._cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random) -> T:
        return self._items[_draw(self._cumulative, rng)]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def load_places(regions_dir: Path) -> Places:
    """The villages of the Kemendagri reference data in ``regions_dir``."""
    districts = {row["code"]: row["name"] for row in _rows(regions_dir / "districts.csv")}
    regencies = {row["code"]: row["name"] for row in _rows(regions_dir / "regencies.csv")}
    villages = [
        Village(
            code=row["code"],
            name=row["name"],
            urban=row["type"] == "kelurahan",
            district_name=districts[row["district_code"]],
            regency_name=regencies[row["regency_code"]],
        )
        for row in _rows(regions_dir / "villages.csv")
    ]
    return Places(villages, PROVINCE_MILLIONS)
