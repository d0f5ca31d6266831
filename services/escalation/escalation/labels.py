"""What people read about deadlines, in Bahasa Indonesia first and English second: the clocks'
names, what a missed deadline sets off, the escalation chain and the rules' legal basis."""

from escalation.domain.policy import ClockKind

Label = dict[str, str]
K = ClockKind

KIND_LABELS: dict[ClockKind, Label] = {
    K.VERIFY: {"id": "Verifikasi", "en": "Verification"},
    K.FIRST_RESPONSE: {"id": "Tanggapan pertama", "en": "First response"},
    K.COMPLETION: {"id": "Penyelesaian", "en": "Completion"},
    K.AUTO_CLOSE: {"id": "Tutup otomatis", "en": "Auto-close"},
}

_ESCALATED: Label = {
    "id": "Peringatan dicatat untuk instansi dan laporan naik satu jenjang; "
    "instansi di atasnya mendapat tenggat baru.",
    "en": "A warning is recorded against the agency and the report goes one tier up; "
    "the agency above gets fresh deadlines.",
}
ON_MISS: dict[ClockKind, Label] = {
    K.VERIFY: {
        "id": "Keterlambatan dicatat pada riwayat laporan sebagai peringatan bagi "
        "pengelola nasional.",
        "en": "The miss is recorded on the report's timeline, a warning to the national "
        "administrators.",
    },
    K.FIRST_RESPONSE: _ESCALATED,
    K.COMPLETION: _ESCALATED,
    K.AUTO_CLOSE: {
        "id": "Laporan ditutup otomatis karena pelapor tidak menanggapi.",
        "en": "The report is closed automatically: the reporter stayed silent.",
    },
}

# The directory's hierarchy (routing's Directory.chain), lowest first. An agency's own chain
# starts at its level: a ministry's goes on to the national administrators.
ESCALATION_LEVELS: list[tuple[str, Label]] = [
    ("unit", {"id": "Unit atau dinas yang menangani", "en": "The unit or department handling it"}),
    ("government", {"id": "Pemerintah kabupaten/kota", "en": "The regency or city government"}),
    ("province", {"id": "Pemerintah provinsi", "en": "The provincial government"}),
    (
        "ministry",
        {"id": "Kementerian yang berwenang", "en": "The ministry competent for the category"},
    ),
    (
        "national_administrator",
        {"id": "Pengelola Nasional SP4N-LAPOR!", "en": "The national SP4N-LAPOR! administrators"},
    ),
    ("ombudsman", {"id": "Ombudsman Republik Indonesia", "en": "The Ombudsman of Indonesia"}),
]

UNIT_LABEL: Label = {
    "id": "hari kerja: Senin sampai Jumat, kecuali libur nasional dan cuti bersama",
    "en": "working days: Monday to Friday, except national holidays and cuti bersama",
}

LEGAL_BASIS: Label = {
    "id": "Peraturan Menteri PANRB Nomor 62 Tahun 2018 tentang Pedoman Sistem Pengelolaan "
    "Pengaduan Pelayanan Publik Nasional, sebagaimana dikutip instansi; jenjang eskalasi "
    "adalah rancangan platform ini.",
    "en": "Regulation of the Minister of Administrative and Bureaucratic Reform (PermenPANRB) "
    "62/2018 on the National Public Service Complaint Management System, as agencies quote "
    "it; the escalation chain is this platform's design.",
}
