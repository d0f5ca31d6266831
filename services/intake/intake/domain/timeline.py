"""A report's events in plain words, Bahasa Indonesia first and English second, for one audience.

The public sees what happened; the reporter, officers and administrators also
see what was said. Nothing here ever contains the reporter's identity.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message

from intake.domain.model import Role
from lapor.events.v1.envelope_pb2 import ActorKind, EventEnvelope
from lapor.report.v1 import events_pb2 as e

Words = tuple[str, str]


@dataclass(frozen=True)
class Entry:
    sequence: int
    event_type: str
    occurred_at: datetime
    actor: str
    text_id: str
    text_en: str


_ACTORS: dict[int, Words] = {
    0: ("Sistem", "System"),
    1: ("Pelapor", "Reporter"),
    2: ("Instansi", "Agency"),
    3: ("Administrator", "Administrator"),
    4: ("Sistem", "System"),
}
_REJECTIONS: dict[int, Words] = {
    e.REJECTION_REASON_INCOMPLETE: ("tidak lengkap", "incomplete"),
    e.REJECTION_REASON_TOO_GENERAL: ("terlalu umum", "too general"),
    e.REJECTION_REASON_NOT_PUBLIC_SERVICE: ("bukan pelayanan publik", "not a public service"),
    e.REJECTION_REASON_DUPLICATE: ("duplikat", "duplicate"),
    e.REJECTION_REASON_ABUSIVE: ("mengandung kata kasar", "abusive"),
}


def _said(words: Words, detail: str, full: bool) -> Words:
    """Append what was said, for audiences entitled to read it."""
    if not full or not detail:
        return words
    return f"{words[0]}: {detail}", f"{words[1]}: {detail}"


def _forwarded(ev: e.ReportForwarded, full: bool) -> Words:
    if ev.kind == e.FORWARD_KIND_NOT_OUR_AUTHORITY:
        return _said(
            (
                f"{ev.from_agency_code} menyatakan bukan wewenangnya; instansi baru ditentukan",
                f"{ev.from_agency_code} declared it not its authority; a new agency is chosen",
            ),
            ev.reason,
            full,
        )
    words = (f"Dialihkan ke {ev.to_agency_name}", f"Moved to {ev.to_agency_name}")
    return _said(words, ev.reason, full)


def _closed(ev: e.ReportClosed) -> Words:
    if ev.reason == e.CLOSURE_REASON_AUTO_CLOSED:
        return (
            "Selesai otomatis: 10 hari kerja tanpa tanggapan pelapor",
            "Closed automatically: 10 working days without word from the reporter",
        )
    return ("Selesai: pelapor menerima tindak lanjut", "Completed: the reporter accepted")


def _responded(ev: e.ReportResponded) -> Words:
    if ev.final:
        return (f"Tanggapan akhir instansi: {ev.text}", f"The agency's final response: {ev.text}")
    return (f"Tindak lanjut instansi: {ev.text}", f"The agency's follow-up: {ev.text}")


def _rejected(ev: e.ReportRejected, full: bool) -> Words:
    why = _REJECTIONS.get(ev.reason, ("", ""))
    return _said((f"Laporan ditolak: {why[0]}", f"Report rejected: {why[1]}"), ev.note, full)


def _postponed(ev: e.ReportPostponed, full: bool) -> Words:
    day = ev.until.ToDatetime(UTC).date().isoformat()
    words = (f"Verifikasi ditunda hingga {day}", f"Verification postponed until {day}")
    return _said(words, ev.reason, full)


def _escalated(ev: e.ReportEscalated, full: bool) -> Words:
    return (
        f"Dieskalasi ke {ev.to_agency_name} (tingkat {ev.tier})",
        f"Escalated to {ev.to_agency_name} (tier {ev.tier})",
    )


def _rated(ev: e.ReportRated, full: bool) -> Words:
    words = (f"Pelapor menilai {ev.score}/5", f"The reporter rated it {ev.score}/5")
    return _said(words, ev.comment, full)


def _suggested(ev: e.RoutingSuggested, full: bool) -> Words | None:
    if not full:
        return None
    words = (
        "Menunggu verifikasi administrator nasional",
        "Waiting for the national administrators to verify it",
    )
    return _said(words, ev.reason, full)


def _linked(ev: e.DuplicateLinked, full: bool) -> Words:
    return (
        f"Digabungkan dengan laporan {ev.original_report_id} yang melaporkan hal yang sama",
        f"Linked to report {ev.original_report_id}, which reports the same matter",
    )


_CLOCKS: dict[int, Words] = {
    e.CLOCK_KIND_VERIFY: ("verifikasi", "verification"),
    e.CLOCK_KIND_FIRST_RESPONSE: ("tanggapan pertama", "first response"),
    e.CLOCK_KIND_COMPLETION: ("penyelesaian", "completion"),
    e.CLOCK_KIND_AUTO_CLOSE: ("penutupan otomatis", "automatic closing"),
}


def _deadline_words(ev: e.DeadlineApproaching | e.DeadlineMissed) -> tuple[Words, str]:
    clock = _CLOCKS.get(ev.clock, ("", ""))
    return clock, ev.deadline.ToDatetime(UTC).isoformat(timespec="minutes")


def _approaching(ev: e.DeadlineApproaching, full: bool) -> Words | None:
    if not full:
        return None
    clock, due = _deadline_words(ev)
    return (
        f"Batas waktu {clock[0]} tinggal satu hari kerja ({due} UTC)",
        f"One working day left before the {clock[1]} deadline ({due} UTC)",
    )


def _missed(ev: e.DeadlineMissed, full: bool) -> Words:
    clock, due = _deadline_words(ev)
    who = f" oleh {ev.agency_code}" if full and ev.agency_code else ""
    by = f" by {ev.agency_code}" if full and ev.agency_code else ""
    return (
        f"Batas waktu {clock[0]} terlewati{who} ({due} UTC); peringatan dicatat",
        f"The {clock[1]} deadline was missed{by} ({due} UTC); a warning is recorded",
    )


Wording = Callable[[Any, bool], Words | None]
WORDING: dict[type[Message], Wording] = {
    e.ReportSubmitted: lambda ev, full: ("Laporan diterima", "Report received"),
    e.ReportVerified: lambda ev, full: ("Laporan diverifikasi", "Report verified"),
    e.ReportRejected: _rejected,
    e.ReportArchived: lambda ev, full: _said(
        ("Laporan diarsipkan", "Report archived"), ev.reason, full
    ),
    e.ReportPostponed: _postponed,
    e.ReportRouted: lambda ev, full: (
        f"Diteruskan ke {ev.agency_name}",
        f"Forwarded to {ev.agency_name}",
    ),
    e.ReportForwarded: _forwarded,
    e.ReportEscalated: _escalated,
    e.ReportAcknowledged: lambda ev, full: (
        "Instansi mulai memproses laporan",
        "The agency took the report up",
    ),
    e.InformationRequested: lambda ev, full: _said(
        ("Instansi meminta informasi tambahan", "The agency asked for more information"),
        ev.question,
        full,
    ),
    e.InformationProvided: lambda ev, full: _said(
        ("Pelapor memberi informasi tambahan", "The reporter gave more information"),
        ev.answer,
        full,
    ),
    e.ReportResponded: lambda ev, full: _responded(ev),
    e.ReportResolved: lambda ev, full: (
        f"Instansi menyelesaikan: {ev.summary}",
        f"Resolved: {ev.summary}",
    ),
    e.ReporterReplied: lambda ev, full: _said(
        ("Pelapor mengirim pesan", "The reporter sent a message"), ev.text, full
    ),
    e.ReportRated: _rated,
    e.ReportAppealed: lambda ev, full: _said(
        ("Pelapor mengajukan banding", "The reporter appealed"), ev.reason, full
    ),
    e.ReportClosed: lambda ev, full: _closed(ev),
    e.ReporterDataErased: lambda ev, full: (
        ("Data pelapor dihapus", "The reporter's data was erased") if full else None
    ),
    e.RoutingSuggested: _suggested,
    e.DuplicateLinked: _linked,
    e.DeadlineApproaching: _approaching,
    e.DeadlineMissed: _missed,
}


def entry(envelope: EventEnvelope, event: Message, audience: Role) -> Entry | None:
    """How one event reads for an audience, or None when it is not theirs to see."""
    wording = WORDING.get(type(event))
    words = wording(event, audience is not Role.PUBLIC) if wording else None
    if words is None:
        return None
    kind: ActorKind.ValueType = envelope.actor.kind
    actor_id, _ = _ACTORS.get(kind, _ACTORS[0])
    if kind == 2 and audience is not Role.PUBLIC:
        actor_id = f"Instansi {envelope.actor.id}"
    return Entry(
        sequence=envelope.sequence,
        event_type=envelope.event_type,
        occurred_at=envelope.occurred_at.ToDatetime(UTC),
        actor=actor_id,
        text_id=words[0],
        text_en=words[1],
    )
