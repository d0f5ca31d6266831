"""SMS 1708's forgiving syntax, the sender's number in E.164, the title cut from the text,
and long messages joined from their parts (pure functions, no I/O)."""

import pytest

from intake.domain.sms import (
    FollowUp,
    Help,
    NewReport,
    Parsed,
    StatusQuery,
    fits,
    normalize_phone,
    parse,
    title_of,
)
from intake.domain.sms_parts import Part, assembled, complete, group_key
from lapor.report.v1.events_pb2 import (
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_INFORMATION_REQUEST,
)

ID = "7K3M-9QXD-2F8A"
TEXT = "Jalan di depan pasar Soreang berlubang besar"


def complaint(text: str = TEXT, anonymous: bool = False, confidential: bool = False) -> NewReport:
    return NewReport(REPORT_TYPE_COMPLAINT, anonymous, confidential, text)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (TEXT, complaint()),
        (f"LAPOR {TEXT}", complaint()),
        (f"lapor#{TEXT}", complaint()),
        (f"Lapor: {TEXT}", complaint()),
        (f"LAPOR ANONIM {TEXT}", complaint(anonymous=True)),
        (f"lapor*anonim*rahasia*{TEXT}", complaint(anonymous=True, confidential=True)),
        (f"RAHASIA. {TEXT}", complaint(confidential=True)),
        (f"ANONIM RAHASIA LAPOR {TEXT}", complaint(anonymous=True, confidential=True)),
        (f"ASPIRASI {TEXT}", NewReport(REPORT_TYPE_ASPIRATION, False, False, TEXT)),
        (f"lapor aspirasi {TEXT}", NewReport(REPORT_TYPE_ASPIRATION, False, False, TEXT)),
        (f"INFORMASI: {TEXT}", NewReport(REPORT_TYPE_INFORMATION_REQUEST, False, False, TEXT)),
        # A keyword is a whole word: LAPORAN is the text's first word, not LAPOR + AN.
        ("Laporan jalan rusak di Soreang", complaint("Laporan jalan rusak di Soreang")),
        # Three four-letter words that spell an id are words when no keyword comes first.
        ("kata anak saya jalan rusak", complaint("kata anak saya jalan rusak")),
        (f"{ID} sudah saya foto lubangnya", FollowUp(ID, "sudah saya foto lubangnya")),
        ("7k3m9qxd2f8a lubangnya makin besar", FollowUp(ID, "lubangnya makin besar")),
        ("#7K3M-9QXD-2F8A: makin besar", FollowUp(ID, "makin besar")),
        (f"BALAS {ID} makin besar", FollowUp(ID, "makin besar")),
        ("balas#7k3m 9qxd 2f8a#makin besar", FollowUp(ID, "makin besar")),
        ("Tambah: 7K3M9QXD2F8A - makin besar", FollowUp(ID, "makin besar")),
        ("INFO 7K3M-9QXD-2F8A Km 12 dekat SD", FollowUp(ID, "Km 12 dekat SD")),
        # I, L and O are read as 1, 1 and 0.
        ("tambah 7K3M-9QXD-2F8A", StatusQuery(ID)),
        ("CEK 7K3M-9QXD-2F8A", StatusQuery(ID)),
        ("cek#7k3m-9qxd-2f8a", StatusQuery(ID)),
        ("Status: 7K3M 9QXD 2F8A", StatusQuery(ID, "en")),
        ("cek 1LOO-0000-0000", StatusQuery("1100-0000-0000")),
        (ID, StatusQuery(ID)),
        ("BANTUAN", Help()),
        ("help", Help("en")),
        ("?", Help()),
        ("   ", Help()),
        ("CEK", Help()),
        ("CEK 12345", Help()),
        ("balas UUUU-UUUU-UUUU jalan", Help()),
        ("STATUS nomor saya", Help("en")),
    ],
)
def test_a_message_is_read_forgivingly(message: str, expected: Parsed) -> None:
    assert parse(message) == expected


def test_a_new_report_needs_20_to_10000_characters() -> None:
    assert not fits("jalan rusak")
    assert fits("x" * 20)
    assert not fits("x" * 10_001)
    assert not fits("a" + " " * 30 + "b")  # its title would be too short


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("081234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("(0812) 3456.7890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("+60123456789", "+60123456789"),
        ("1708", None),
        ("0812abc", None),
        ("", None),
        ("+0812345678", None),
        ("+62812345678901234", None),
        ("٠٨١٢٣٤٥٦٧٨٩٠", None),
    ],
)
def test_the_sender_is_normalised_to_e164(typed: str, e164: str | None) -> None:
    assert normalize_phone(typed) == e164


def test_the_title_is_the_first_words_cut_at_a_word_boundary() -> None:
    long = "Jalan   utama di depan pasar Soreang berlubang besar sejak dua minggu lalu, motor jatuh"
    assert title_of(long) == "Jalan utama di depan pasar Soreang berlubang besar sejak dua"
    assert title_of("Lampu jalan padam sejak kemarin") == "Lampu jalan padam sejak kemarin"
    assert title_of("x" * 100) == "x" * 60


def test_long_messages_are_joined_in_part_order_once_complete() -> None:
    parts = [
        Part("m1", 1, 3, "Jalan rus"),
        Part("m2", 2, 3, "ak sejak "),
        Part("m3", 3, 3, "lalu."),
    ]
    assert not complete(parts[:2])
    assert not complete(parts[1:])
    assert not complete([])
    assert complete(parts)
    assert assembled(parts) == "Jalan rusak sejak lalu."
    assert assembled(parts[:2]) == "Jalan rusak sejak [...]"
    assert assembled(parts[1:]) == "[...] ak sejak lalu."
    assert assembled([*parts, Part("m2-again", 2, 3, "ak sejak ")]) == "Jalan rusak sejak lalu."
    assert group_key(parts) == group_key(list(reversed(parts))) == "sms:m1,m2,m3"
