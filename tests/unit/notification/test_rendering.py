"""Notification templates: every kind renders in both languages with every value it needs,
short texts keep the tracking id first, and officers never see who reported."""

import re

import pytest
from jinja2 import UndefinedError

from notification.rendering import LANGUAGES, TEMPLATES, Rendered, Templates, UnknownKind

TRACKING_ID = "7K3M-9QXA-2B4C"
SECRET = "k7m3q9xa2b4cd5ef6gh7jk8lmn"
TRACKING_URL = f"https://www.lapor.go.id/laporan/{TRACKING_ID}"
INBOX_URL = f"https://instansi.lapor.go.id/kotak-masuk/laporan/{TRACKING_ID}"
AGENCY = "Dinas Perumahan Rakyat, Kawasan Permukiman dan Pertanahan Kabupaten Bandung Barat"
OTHER_AGENCY = "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Bandung Barat"
HIGHER_AGENCY = "Dinas Perumahan dan Permukiman Provinsi Jawa Barat"
DATE = "Senin, 30 November 2026 pukul 23.59 WITA"
TITLE = (
    "Jalan berlubang dan tergenang air di Jalan Raya Padalarang dekat pasar, membahayakan "
    "pengendara motor pada malam hari karena lampu jalan mati sejak tiga minggu lalu dan "
    "belum ada perbaikan"
)
LONG_TEXT = "Tim kami sudah meninjau lokasi dan menjadwalkan perbaikan jalan. " * 5
QUESTION = "Mohon sebutkan titik persisnya, misalnya nomor rumah atau patokan terdekat. " * 4
REPORTER_FIELDS = {
    "reporter_name": "Siti Rahayu",
    "reporter_phone": "+6281234567890",
    "reporter_email": "siti@example.id",
}
SECRET_LABELS = {"id": "Kode akses", "en": "Access code"}
THREE_SMS = 459
# A line that is only a label of up to five words ("Alasan:", "Category:"): its value was empty.
EMPTY_LABEL = re.compile(r"^[A-Z]\w*( \w+){0,4}:[ \t]*$", re.MULTILINE)

COMMON: dict[str, object] = {
    "tracking_id": TRACKING_ID,
    "title": TITLE,
    "tracking_url": TRACKING_URL,
    "access_secret": "",
    "came_by_sms": False,
}
OFFICER: dict[str, object] = {"agency_name": AGENCY, "inbox_url": INBOX_URL}

REPORTER_KINDS: dict[str, dict[str, object]] = {
    "received": {"access_secret": SECRET, "anonymous": True, "confidential": True},
    "verified": {"note": "Lokasi sudah dipastikan melalui foto yang dilampirkan."},
    "rejected": {"reason": "Laporan kurang lengkap", "note": "Lokasi kejadian tidak disebutkan."},
    "routed": {"agency_name": AGENCY},
    "forwarded": {"agency_name": OTHER_AGENCY, "reason": "Perbaikan jalan kabupaten."},
    "escalated": {"agency_name": HIGHER_AGENCY},
    "postponed": {"until": DATE, "reason": "Menunggu konfirmasi lokasi dari kecamatan."},
    "acknowledged": {"agency_name": AGENCY, "note": "Petugas akan meninjau lokasi."},
    "information_requested": {"agency_name": AGENCY, "question": "Di RT/RW berapa?"},
    "responded": {"agency_name": AGENCY, "text": LONG_TEXT, "final": True},
    "resolved": {"agency_name": AGENCY, "summary": LONG_TEXT},
    "closed": {"auto_closed": True, "rating_url": f"{TRACKING_URL}/penilaian"},
    "rated_poorly": {"score": 2, "appeal_url": f"{TRACKING_URL}/banding"},
    "duplicate": {"original_id": "2F8A-7K3M-9QXD"},
    "archived": {"reason": "Masalah yang sama sudah selesai ditangani."},
}
OFFICER_KINDS: dict[str, dict[str, object]] = {
    "new_report": {
        **OFFICER,
        "via": "routed",
        "from_agency_name": "",
        "category_name": "Infrastruktur: Jalan dan Jembatan",
        "deadline": DATE,
    },
    "reporter_replied": OFFICER,
    "deadline_approaching": {**OFFICER, "clock": "first_response", "deadline": DATE},
    "warning": {**OFFICER, "clock": "completion", "deadline": DATE, "missed_by": OTHER_AGENCY},
    "escalated_in": {**OFFICER, "from_agency_name": OTHER_AGENCY, "tier": 2},
    "appealed": OFFICER,
}
DIGEST: dict[str, object] = {
    **OFFICER,
    "tracking_id": "",
    "count": 2,
    "items": [
        {"tracking_id": TRACKING_ID, "short": f"LAPOR! {TRACKING_ID}: Laporan baru.", **OFFICER},
        {"tracking_id": "2F8A-7K3M-9QXD", "short": "LAPOR! 2F8A-7K3M-9QXD: Balasan.", **OFFICER},
    ],
}
OTHER_KINDS: dict[str, dict[str, object]] = {
    "queue_growing": {
        "tracking_id": "",
        "count": 57,
        "threshold": 50,
        "queue_url": "https://admin.lapor.go.id/verifikasi",
    },
    "digest": DIGEST,
    "spike_detected": {
        "tracking_id": "",
        "day": "Kamis, 19 November 2026",
        "category_name": "Bantuan Sosial: Program Keluarga Harapan",
        "category_code": "sosial.pkh",
        "region_name": "Kabupaten Bandung Barat",
        "region_code": "32.17",
        "count": 17,
        "baseline_mean": "0,25",
        "baseline_days": 28,
        "threshold": 5,
        "rule_version": "poisson-28d-p0.001-min5",
        "spikes_url": "https://admin.lapor.go.id/statistik/lonjakan",
    },
}
STATUS_LABELS: dict[str, object] = {
    "status_label_id": "Menunggu Tanggapan Pelapor",
    "status_label_en": "Awaiting the reporter",
    "agency_name": AGENCY,
}
# Replies to a citizen's SMS to 1708: about a report, or about none (tracking_id "").
SMS_REPLY_KINDS: dict[str, dict[str, object]] = {
    "sms_added": STATUS_LABELS,
    "sms_status": STATUS_LABELS,
    "sms_not_now": STATUS_LABELS,
}
SMS_GENERAL_KINDS: dict[str, dict[str, object]] = {
    "sms_help": {"tracking_id": ""},
    "sms_too_short": {"tracking_id": ""},
    "sms_not_found": {"tracking_id": ""},
}
KINDS = {
    **REPORTER_KINDS,
    **OFFICER_KINDS,
    **OTHER_KINDS,
    **SMS_REPLY_KINDS,
    **SMS_GENERAL_KINDS,
}

# Other paths through the templates: optional values left empty and the other choices.
VARIANTS: list[tuple[str, dict[str, object]]] = [
    ("received", {"anonymous": False, "confidential": False}),
    ("rejected", {"reason": "", "note": ""}),
    ("forwarded", {"reason": ""}),
    ("postponed", {"reason": ""}),
    ("responded", {"final": False}),
    ("closed", {"auto_closed": False}),
    ("new_report", {"via": "forwarded", "from_agency_name": OTHER_AGENCY, "deadline": ""}),
    ("new_report", {"via": "escalated", "from_agency_name": "", "category_name": ""}),
    ("deadline_approaching", {"clock": "verify"}),
    ("warning", {"clock": "auto_close"}),
    ("sms_status", {"agency_name": ""}),
    ("information_requested", {"came_by_sms": True}),
]


def context(kind: str, language: str, **overrides: object) -> dict[str, object]:
    return {**COMMON, "language": language, **KINDS[kind], **overrides}


def kinds_in(language: str) -> set[str]:
    return {path.stem for path in (TEMPLATES / language).glob("*.j2")}


def parts(rendered: Rendered) -> tuple[str, str, str]:
    return rendered.subject, rendered.text, rendered.short


def assert_readable(rendered: Rendered) -> None:
    """One-line subject; no code names, template syntax or None; no label left empty."""
    assert all(parts(rendered))
    assert "\n" not in rendered.subject
    assert not any(re.search(r"\w_\w|\{|\}|None", part) for part in parts(rendered))
    assert not EMPTY_LABEL.search(rendered.text)
    assert "\n\n\n" not in rendered.text


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(TEMPLATES)


def test_both_languages_have_the_same_templates_and_every_kind_is_tested() -> None:
    assert kinds_in("id") == kinds_in("en")
    assert {kind for kind in kinds_in("id") if not kind.startswith("_")} == set(KINDS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_plain_words(templates: Templates, kind: str, language: str) -> None:
    assert_readable(templates.render(kind, language, context(kind, language)))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("kind", "overrides"), VARIANTS)
def test_every_variant_renders(
    templates: Templates, kind: str, overrides: dict[str, object], language: str
) -> None:
    rendered = templates.render(kind, language, context(kind, language, **overrides))

    assert_readable(rendered)
    assert rendered.short.startswith(f"LAPOR! {TRACKING_ID}:")


def test_a_missing_value_fails_instead_of_printing_nothing(templates: Templates) -> None:
    without_agency = {k: v for k, v in context("routed", "id").items() if k != "agency_name"}

    with pytest.raises(UndefinedError):
        templates.render("routed", "id", without_agency)


def test_an_unknown_clock_fails_instead_of_printing_a_code(templates: Templates) -> None:
    with pytest.raises(UndefinedError):
        templates.render("warning", "en", context("warning", "en", clock="CLOCK_KIND_VERIFY"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted({**REPORTER_KINDS, **OFFICER_KINDS, **SMS_REPLY_KINDS}))
def test_a_short_text_starts_with_the_tracking_id_and_fits_three_sms(
    templates: Templates, kind: str, language: str
) -> None:
    short = templates.render(kind, language, context(kind, language)).short

    assert short.startswith(f"LAPOR! {TRACKING_ID}:")
    assert len(short) <= THREE_SMS


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_question_keeps_the_tracking_id_first(templates: Templates, language: str) -> None:
    asked = context("information_requested", language, question=QUESTION)

    short = templates.render("information_requested", language, asked).short

    assert short.startswith(f"LAPOR! {TRACKING_ID}:")
    assert QUESTION.strip() in short


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted({**OTHER_KINDS, **SMS_GENERAL_KINDS}))
def test_a_short_text_without_a_report_starts_with_the_name(
    templates: Templates, kind: str, language: str
) -> None:
    short = templates.render(kind, language, context(kind, language)).short

    assert re.match(r"LAPOR! \w", short)
    assert len(short) <= THREE_SMS


@pytest.mark.parametrize("language", LANGUAGES)
def test_received_gives_the_access_secret_and_the_tracking_link(
    templates: Templates, language: str
) -> None:
    rendered = templates.render("received", language, context("received", language))

    assert SECRET in rendered.text
    assert TRACKING_URL in rendered.text
    assert SECRET in rendered.short


@pytest.mark.parametrize("language", LANGUAGES)
def test_received_without_a_secret_prints_no_empty_secret(
    templates: Templates, language: str
) -> None:
    rendered = templates.render(
        "received", language, context("received", language, access_secret="")
    )

    empty_secret = re.compile(rf"{SECRET_LABELS[language]}[^:\n]*:[ \t]*$", re.MULTILINE)
    assert not any(empty_secret.search(part) for part in parts(rendered))
    assert TRACKING_URL in rendered.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", [*sorted(OFFICER_KINDS), "digest"])
def test_officers_never_see_who_reported(templates: Templates, kind: str, language: str) -> None:
    rendered = templates.render(kind, language, context(kind, language, **REPORTER_FIELDS))

    for part in parts(rendered):
        assert not any(value in part for value in REPORTER_FIELDS.values())


@pytest.mark.parametrize("kind", ["no_such_kind", "_signature", "../id/received", ""])
def test_a_kind_without_a_template_is_unknown(templates: Templates, kind: str) -> None:
    with pytest.raises(UnknownKind):
        templates.render(kind, "id", context("routed", "id"))


def test_an_unknown_language_falls_back_to_indonesian(templates: Templates) -> None:
    ask = context("routed", "fr")

    assert templates.render("routed", "fr", ask) == templates.render("routed", "id", ask)
    assert templates.render("routed", "en", ask) != templates.render("routed", "id", ask)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reporter_who_came_by_sms_learns_to_answer_by_sms(
    templates: Templates, language: str
) -> None:
    by_sms = templates.render(
        "information_requested",
        language,
        context("information_requested", language, came_by_sms=True),
    ).short
    by_web = templates.render(
        "information_requested", language, context("information_requested", language)
    ).short

    assert f"BALAS {TRACKING_ID}" in by_sms
    assert "BALAS" not in by_web
