"""What the demo loader (demo.py) will do, decided up front from a seed: each report's text,
place, type and channel, and what its officers and reporter will do with it. Pure, and the
words people write along the way."""

import csv
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.local.synthetic import Places, Village, person

TYPES = {"pengaduan": 80, "aspirasi": 12, "permintaan_informasi": 8}
CHANNELS = {"web": 50, "mobile": 35, "social_media": 15}
SCORES = {1: 8, 2: 10, 3: 17, 4: 30, 5: 35}  # mean 3.74
LASTED = ("dua minggu", "sebulan", "tiga bulan", "hampir setengah tahun", "lebih dari setahun")
VAGUE, DUPLICATES = 0.05, 0.04

NOTE = "Laporan diterima dan diteruskan ke bidang terkait."
REJECTED = "Laporan belum memuat masalah, tempat dan waktu kejadian."
ASSIGNED = "Ditetapkan administrator berdasarkan saran sistem dan wilayah laporan."
QUESTION = {"question": "Mohon sebutkan alamat lengkap atau patokan lokasi dan sejak kapan."}
ANSWER = {"answer": "Lokasinya di RT 02 RW 05 dekat masjid, sejak awal bulan lalu."}
INTERIM = {"text": "Petugas kami sudah meninjau lokasi; tindak lanjut dijadwalkan.", "final": False}
APPEAL = {"reason": "Tindak lanjut tidak menyelesaikan masalah; kondisi di lapangan sama saja."}
SUMMARIES = (
    "Sudah ditindaklanjuti oleh petugas lapangan dan dipastikan selesai.",
    "Permasalahan telah diperbaiki; pelapor dapat menghubungi kami bila terulang.",
    "Data pelapor telah diperbarui dan hak pelapor dipulihkan.",
    "Informasi yang diminta sudah kami jawab dan kirimkan.",
)
COMMENTS = {
    1: "Tidak ada perubahan sama sekali.",
    2: "Lambat dan belum tuntas.",
    3: "Cukup, tapi lama.",
    4: "Terima kasih, sudah ditangani.",
    5: "Cepat dan tuntas, terima kasih banyak!",
}


@dataclass(frozen=True)
class Text:
    type: str  # a report type, or "vague" for a text with nothing to act on
    title: str
    body: str


@dataclass(frozen=True)
class Plan:
    index: int
    report: dict[str, Any]  # the body of POST /api/v1/reports
    fallback_agency: tuple[str, str]  # the regency's government: code, name
    vague: bool = False
    duplicate_of: int | None = None  # files the same report again once that one is settled
    acknowledge: bool = False
    ask: bool = False
    answer: bool = False
    interim: bool = False
    resolve: bool = False
    score: int = 0  # 0: no rating
    appeal: bool = False
    accept: bool = False


def load_texts(path: Path) -> list[Text]:
    with path.open(encoding="utf-8", newline="") as rows:
        return [Text(row["type"], row["title"], row["body"]) for row in csv.DictReader(rows)]


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


def government(village: Village) -> tuple[str, str]:
    """The code and name of the village's regency or city government in routing's directory."""
    city = village.regency_name.startswith("Kota")
    code = f"{'pemkot' if city else 'pemkab'}-{village.regency_code.replace('.', '')}"
    return code, f"Pemerintah {village.regency_name}"


def _report(rng: random.Random, text: Text, village: Village) -> dict[str, Any]:
    place = {
        "desa": village.label,
        "kecamatan": village.district_name,
        "kota": village.regency_name,
        "lama": rng.choice(LASTED),
    }
    region = rng.choices([village.code, village.district_code, village.regency_code], [5, 3, 2])[0]
    kind = text.type if text.type in TYPES else "pengaduan"
    report: dict[str, Any] = {
        "type": kind,
        "title": text.title.format(**place),
        "body": text.body.format(**place),
        "region_code": region,
        "channel": _pick(rng, CHANNELS),
        "anonymous": rng.random() < 0.25,
        "confidential": rng.random() < 0.08,
        "requires_examination": kind == "pengaduan" and rng.random() < 0.03,
    }
    if rng.random() < 0.65:
        someone = person(rng)
        report["reporter"] = {"name": someone.name, "email": someone.email}
        if rng.random() < 0.6:
            report["reporter"]["phone"] = someone.phone
    return report


def _fate(rng: random.Random) -> dict[str, Any]:
    """What the officers and the reporter will do."""
    ask = rng.random() < 0.2
    answer = ask and rng.random() < 0.75
    score = _pick(rng, SCORES) if rng.random() < 0.85 else 0
    return {
        "acknowledge": rng.random() < 0.9,
        "ask": ask,
        "answer": answer,
        "interim": rng.random() < 0.25,
        "resolve": (answer or not ask) and rng.random() < 0.85,
        "score": score,
        "appeal": 0 < score <= 2 and rng.random() < 0.6,
        "accept": score != 0 and score >= 3 and rng.random() < 0.5,
    }


def plans(seed: int, count: int, places: Places, texts: list[Text]) -> list[Plan]:
    """The whole load, the same for the same seed and data."""
    rng = random.Random(seed)
    vague = [t for t in texts if t.type not in TYPES]
    by_type = {kind: [t for t in texts if t.type == kind] for kind in TYPES}
    made: list[Plan] = []
    for index in range(count):
        originals = [p for p in made if not p.vague and p.duplicate_of is None]
        if originals and rng.random() < DUPLICATES:
            original = rng.choice(originals)
            made.append(
                Plan(index, original.report, original.fallback_agency, duplicate_of=original.index)
            )
            continue
        is_vague = bool(vague) and rng.random() < VAGUE
        text = rng.choice(vague if is_vague else by_type[_pick(rng, TYPES)])
        village = places.village(rng)
        report = _report(rng, text, village)
        made.append(Plan(index, report, government(village), vague=is_vague, **_fate(rng)))
    return made


def summary(plan: Plan) -> dict[str, str]:
    return {"summary": SUMMARIES[plan.index % len(SUMMARIES)]}


def rating(score: int) -> dict[str, Any]:
    return {"score": score, "comment": COMMENTS[score]}
