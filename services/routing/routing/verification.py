"""Help for the administrators who verify reports: suggested rejection reasons, never applied
by themselves. A report with a hint is not routed automatically; it waits for a person."""

import re
from dataclasses import dataclass

from lapor.report.v1.events_pb2 import (
    REJECTION_REASON_ABUSIVE,
    REJECTION_REASON_INCOMPLETE,
    REJECTION_REASON_NOT_PUBLIC_SERVICE,
)
from routing.text import is_content, words

MIN_WORDS = 12
# Insults and profanity, including the usual disguises (digits for letters, starred vowels).
_ABUSIVE = re.compile(
    r"\b(anj[i1]ng|anjg|ajg|bangs[a4]t|b[a4]jingan|k[o0]nt[o0]l|m[e3]m[e3]k|ng[e3]nt[o0]t|"
    r"goblo[kg]|tol[o0]l|b[e3]g[o0]|k[e3]p[a4]rat|t[a4]i|t\*i|b[a4]bi|setan|brengsek|"
    r"asu|jancu[kg]|dancu[kg]|bede?bah)\b"
)
# Matters for the police or the courts between private persons, or for lawmakers.
_NOT_PUBLIC_SERVICE = re.compile(
    r"\b(utang piutang|hutang piutang|pinjam(an)? uang (ke|dari) (teman|tetangga|saudara)|"
    r"warisan|harta gono.?gini|selingkuh|perselingkuhan|revisi undang|ubah undang|"
    r"ganti undang|pilih (pasangan|calon|paslon) nomor|coblos nomor)\b"
)
# A complaint about how officials handled it is about a public service after all.
_ABOUT_SERVICE = re.compile(r"\b(polisi|polsek|polres|laporan|petugas|pengadilan|kantor)\b")


@dataclass(frozen=True)
class Hint:
    reason: int  # a lapor.report.v1.RejectionReason value
    explanation: str  # Bahasa Indonesia first, then English


def hints(title: str, body: str, region_known: bool) -> list[Hint]:
    """What an administrator should check before the report goes to an agency."""
    text = " ".join(words(f"{title} {body}"))
    found = []
    content = [w for w in text.split() if is_content(w)]
    if len(content) < MIN_WORDS:
        found.append(
            Hint(
                REJECTION_REASON_INCOMPLETE,
                f"Laporan terlalu singkat ({len(content)} kata bermakna) / "
                f"The report is too short ({len(content)} meaningful words)",
            )
        )
    if not region_known:
        found.append(
            Hint(
                REJECTION_REASON_INCOMPLETE,
                "Lokasi kejadian tidak diketahui / Where it happened is not known",
            )
        )
    if _ABUSIVE.search(text):
        found.append(
            Hint(REJECTION_REASON_ABUSIVE, "Mengandung kata kasar / Contains abusive language")
        )
    if _NOT_PUBLIC_SERVICE.search(text) and not _ABOUT_SERVICE.search(text):
        found.append(
            Hint(
                REJECTION_REASON_NOT_PUBLIC_SERVICE,
                "Tampaknya bukan tentang pelayanan publik (perkara pribadi atau perundangan) / "
                "Seems not to be about a public service (a private matter or legislation)",
            )
        )
    return found
