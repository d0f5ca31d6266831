"""What citizens file in the synthetic history, and its rhythms: reports composed from the
taxonomy's own descriptions and real place names (type, channel, a made-up contact sealed as
intake seals it), categories weighted by month, and the local bursts (a wave of one group's
complaints in one regency over a few days) that spike detection should find. Pure."""

import base64
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from deploy.local.history_world import Category, World
from deploy.local.synthetic import Village, Weighted, person
from intake.domain.model import Sealed, secret_digest
from intake.domain.submission import SubmitReport
from lapor.report.v1 import events_pb2 as e

OPENINGS: dict[int, tuple[str, ...]] = {
    e.REPORT_TYPE_COMPLAINT: (
        "Saya ingin melaporkan",
        "Mohon perhatian, warga mengeluhkan",
        "Yth. Bapak/Ibu, kami melaporkan",
        "Tolong ditindaklanjuti:",
        "Sudah lama terjadi masalah",
    ),
    e.REPORT_TYPE_ASPIRATION: ("Kami mengusulkan perbaikan soal", "Usul warga mengenai"),
    e.REPORT_TYPE_INFORMATION_REQUEST: ("Mohon informasi tentang", "Saya ingin bertanya soal"),
}
DETAILS = (
    "Sudah berlangsung beberapa minggu.",
    "Sudah disampaikan ke kantor desa tetapi belum ada tindak lanjut.",
    "Banyak warga yang dirugikan.",
    "Kejadian ini berulang setiap bulan.",
    "Kami sudah menunggu lebih dari sebulan.",
)
CLOSINGS = ("Terima kasih.", "Mohon segera ditindaklanjuti.", "Atas perhatiannya, terima kasih.")
TYPES = Weighted(
    {
        e.REPORT_TYPE_COMPLAINT: 80,
        e.REPORT_TYPE_ASPIRATION: 12,
        e.REPORT_TYPE_INFORMATION_REQUEST: 8,
    }
)
CHANNELS = Weighted(
    {e.CHANNEL_WEB: 40, e.CHANNEL_MOBILE: 35, e.CHANNEL_SMS: 15, e.CHANNEL_SOCIAL_MEDIA: 10}
)
LEVELS = Weighted({"village": 7, "district": 2, "regency": 1})  # the region code reporters give
BURST_GROUPS = ("sosial", "infrastruktur", "kesehatan", "energi", "pendidikan")
DAYS_PER_BURST = 120


@dataclass(frozen=True)
class Burst:
    first: date
    days: int
    regency_code: str
    regency_name: str
    group: str
    extra: int  # reports a day on top of the usual
    categories: tuple[Category, ...]

    def describe(self) -> str:
        last = self.first + timedelta(days=self.days - 1)
        return (
            f"{self.first}..{last}: {self.group}.* in {self.regency_name} ({self.regency_code}), "
            f"+{self.extra} reports a day"
        )


def compose(rng: random.Random, kind: int, phrase: str, village: Village) -> tuple[str, str]:
    """A title and body about ``phrase`` in the village, as a citizen might write them."""
    title = f"{phrase[:1].upper()}{phrase[1:]} di {village.label}"[:200]
    body = (
        f"{rng.choice(OPENINGS[kind])} {phrase} di {village.label}, Kecamatan "
        f"{village.district_name}, {village.regency_name}. {rng.choice(DETAILS)} "
        f"{rng.choice(CLOSINGS)}"
    )
    return title, body


def months_of_weights(world: World) -> dict[int, Weighted[Category]]:
    """Per month, the categories by how often they are reported then (seasons applied)."""
    return {
        month: Weighted({c: c.weight * world.season(c, month) for c in world.categories})
        for month in range(1, 13)
    }


def bursts(world: World, seed: int, first: date, days: int, per_day: int) -> list[Burst]:
    """About one burst every four months, the first of social assistance, each in a regency
    drawn by population, of 3 to 5 days, adding 8-20% of a usual day's national reports."""
    rng = random.Random(f"{seed}:bursts")
    found = []
    for number in range(max(1, days // DAYS_PER_BURST)):
        group = "sosial" if number == 0 else rng.choice(BURST_GROUPS)
        village = world.places.village(rng)
        categories = tuple(c for c in world.categories if c.code.startswith(group + "."))
        found.append(
            Burst(
                first=first + timedelta(days=rng.randrange(max(1, days - 6))),
                days=rng.randint(3, 5),
                regency_code=village.regency_code,
                regency_name=village.regency_name,
                group=group,
                extra=max(3, round(per_day * rng.uniform(0.08, 0.2))),
                categories=categories,
            )
        )
    return sorted(found, key=lambda burst: burst.first)


def submission(
    rng: random.Random, category: Category, village: Village, phrase: str
) -> SubmitReport:
    """A report as a citizen files it: a type, a text, a region code at some level, a
    channel, perhaps a contact, and the digest of the access secret handed out."""
    kind = TYPES.pick(rng)
    title, body = compose(rng, kind, phrase, village)
    level = LEVELS.pick(rng)
    region = getattr(village, "code" if level == "village" else f"{level}_code")
    secret = base64.b32encode(rng.randbytes(16)).decode().rstrip("=").lower()
    sealed, email, phone = _identity(rng) if rng.random() < 0.6 else (None, False, False)
    return SubmitReport(
        type=kind,
        requires_examination=kind == e.REPORT_TYPE_COMPLAINT and rng.random() < 0.03,
        title=title,
        body=body,
        category_code=category.code if rng.random() < 0.35 else "",
        region_code=region,
        location=None,
        channel=CHANNELS.pick(rng),
        anonymous=rng.random() < 0.25,
        confidential=rng.random() < 0.06,
        language="en" if rng.random() < 0.02 else "id",
        reporter=sealed,
        access_secret_sha256=secret_digest(secret),
        gave_email=email,
        gave_phone=phone,
    )


def _identity(rng: random.Random) -> tuple[Sealed, bool, bool]:
    """A made-up reporter's contact sealed as intake seals it: AES-256-GCM under a data key of
    its own, here thrown away at once, so nobody can ever read it."""
    someone = person(rng)
    email, phone = rng.random() < 0.7, rng.random() < 0.6
    email = email or not phone
    identity = e.ReporterIdentity(
        name=someone.name,
        phone=someone.phone if phone else "",
        email=someone.email if email else "",
    )
    key_id, nonce = uuid.UUID(int=rng.getrandbits(128), version=4).hex, rng.randbytes(12)
    sealed = AESGCM(rng.randbytes(32)).encrypt(nonce, identity.SerializeToString(), key_id.encode())
    return Sealed(key_id=key_id, nonce=nonce, ciphertext=sealed), email, phone
