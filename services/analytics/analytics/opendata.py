"""The open-data table of public reports: its schema and its rows, pure (the files are written
by ``analytics.opendata_files``).

One row per report submitted up to the end of the published day (WIB), confidential reports
never; no text, no reporter, only facts. Times are UTC to the second. The schema is versioned:
columns are only ever added at the end, and a change of meaning gets a new version. It is
documented in docs/open-data.md.
"""

from datetime import date, datetime
from typing import Any

from analytics.domain.facts import Facts
from analytics.report_rows import Row, report_row
from analytics.tables import Column

SCHEMA_VERSION = 1
NAME = "laporan-publik"


def _c(name: str, kind: str, description_id: str, description_en: str) -> Column:
    return Column(name, kind, description_id, description_en)


OPEN_COLUMNS = [
    _c("report_id", "string", "Nomor pelacakan laporan", "The report's tracking id"),
    _c("submitted_at", "timestamp", "Waktu laporan masuk (UTC)", "When it was submitted (UTC)"),
    _c("day", "date", "Tanggal masuk (kalender WIB)", "Submission date (WIB calendar)"),
    _c(
        "report_type",
        "string",
        "Jenis: complaint (pengaduan), aspiration (aspirasi), information_request "
        "(permintaan informasi)",
        "Type: complaint, aspiration, information_request",
    ),
    _c(
        "channel",
        "string",
        "Kanal: web, mobile, sms, social_media, open311, agency_system",
        "Channel: web, mobile, sms, social_media, open311, agency_system",
    ),
    _c(
        "category_code",
        "string",
        "Kategori <kelompok>.<kategori> (terakhir ditetapkan); kosong bila belum ada",
        "Category <group>.<category> (the latest assigned); null if none yet",
    ),
    _c("province_code", "string", "Kode provinsi Kemendagri", "Kemendagri province code"),
    _c(
        "regency_code",
        "string",
        "Kode kabupaten/kota; kosong bila hanya provinsi",
        "Regency/city code; null if only the province is known",
    ),
    _c(
        "region_code",
        "string",
        "Kode wilayah terdalam yang diketahui (provinsi hingga desa/kelurahan)",
        "Deepest region code known (province down to village)",
    ),
    _c(
        "agency_code",
        "string",
        "Instansi tempat laporan berada sekarang; kosong bila belum diteruskan",
        "Agency the report is at now; null if not routed yet",
    ),
    _c("agency_name", "string", "Nama instansi tersebut", "That agency's name"),
    _c(
        "status",
        "string",
        "Status terkini (lihat daftar di docs/open-data.md)",
        "Current status (see the list in docs/open-data.md)",
    ),
    _c("verified_at", "timestamp", "Pertama kali diverifikasi (UTC)", "First verified (UTC)"),
    _c("routed_at", "timestamp", "Pertama kali diteruskan ke instansi", "First routed"),
    _c("first_response_at", "timestamp", "Tanggapan pertama instansi", "Agency's first response"),
    _c("resolved_at", "timestamp", "Ditanggapi tuntas (final)", "Final response (resolved)"),
    _c("closed_at", "timestamp", "Selesai (ditutup)", "Closed"),
    _c(
        "closure",
        "string",
        "Cara selesai: accepted (diterima pelapor), auto_closed (otomatis)",
        "How it closed: accepted (by the reporter), auto_closed",
    ),
    _c(
        "rejection",
        "string",
        "Alasan ditolak: incomplete, too_general, not_public_service, duplicate, abusive",
        "Why rejected: incomplete, too_general, not_public_service, duplicate, abusive",
    ),
    _c("forwards", "integer", "Berapa kali dialihkan antarinstansi", "Times forwarded"),
    _c("escalations", "integer", "Berapa kali dieskalasi", "Times escalated"),
    _c("appeals", "integer", "Berapa kali banding", "Times appealed"),
    _c("rating", "integer", "Penilaian pelapor 1-5; kosong bila belum", "Reporter's rating 1-5"),
    _c("deadlines_met", "integer", "Tenggat yang terpenuhi", "Deadlines met"),
    _c(
        "deadlines_missed",
        "integer",
        "Tenggat yang terlewat (verifikasi, tanggapan pertama, penyelesaian)",
        "Deadlines missed (verification, first response, completion)",
    ),
]
_NEVER_NULL = frozenset(
    {
        "report_id",
        "submitted_at",
        "day",
        "report_type",
        "channel",
        "province_code",
        "region_code",
        "status",
        "forwards",
        "escalations",
        "appeals",
        "deadlines_met",
        "deadlines_missed",
    }
)
_TIMES = frozenset(c.name for c in OPEN_COLUMNS if c.kind == "timestamp")


def _to_second(value: Any) -> Any:
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


def open_row(facts: Facts) -> Row | None:
    """A report's open-data row; None for a confidential report."""
    if facts.get("confidential", True):
        return None
    row = report_row(facts)
    return {
        c.name: _to_second(row[c.name]) if c.name in _TIMES else row[c.name] for c in OPEN_COLUMNS
    }


def open_rows(batch: list[Facts], day: date) -> list[Row]:
    """The open-data rows of the reports in ``batch`` submitted up to the end of ``day`` (WIB)."""
    last = day.isoformat()
    rows = (open_row(facts) for facts in batch if facts["day"] <= last)
    return [row for row in rows if row is not None]


def file_stem(day: date) -> str:
    return f"{NAME}-{day.isoformat()}"


def schema_document(day: date, rows: int) -> dict[str, Any]:
    """schema.json: what the day's files hold, column by column."""
    return {
        "name": NAME,
        "schema_version": SCHEMA_VERSION,
        "day": day.isoformat(),
        "rows": rows,
        "files": [f"{file_stem(day)}.csv", f"{file_stem(day)}.parquet"],
        "description_id": "Laporan publik LAPOR! yang masuk hingga akhir tanggal ini (WIB), "
        "tanpa laporan rahasia, tanpa identitas pelapor, tanpa isi laporan.",
        "description_en": "Public LAPOR! reports submitted up to the end of this day (WIB), "
        "without confidential reports, reporters' identities or report texts.",
        "columns": [
            {
                "name": c.name,
                "type": c.kind,
                "nullable": c.name not in _NEVER_NULL,
                "description_id": c.description_id,
                "description_en": c.description_en,
            }
            for c in OPEN_COLUMNS
        ],
    }
