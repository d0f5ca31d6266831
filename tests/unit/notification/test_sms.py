"""Fitting messages to SMS limits: GSM-7 or UCS-2, single and concatenated parts, extension
characters and surrogate pairs kept whole, shortening that keeps the tracking id."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notification.domain.sms import (
    GSM_BASIC,
    GSM_EXTENSION,
    encoding_of,
    fit,
    length,
    segments,
    transliterate,
)

EMOJI = "\N{FACE WITH TEARS OF JOY}"  # outside the BMP: a surrogate pair in UTF-16
TRACKING = "LPR-2026-00042"
SENTENCE = "Laporan anda telah diteruskan ke Dinas Kesehatan Kota Makassar. "
# GSM basic and extension characters, characters outside GSM-7, one outside the BMP, spaces.
_MIXED = "aZ09 @£Δ_ÄñÇ\n{}[]~|^\\€\fçÁ…中\N{LEFT SINGLE QUOTATION MARK}" + EMOJI
texts = st.one_of(st.text(alphabet=_MIXED, max_size=500), st.text(max_size=300))
gsm_texts = st.text(alphabet=sorted(GSM_BASIC | GSM_EXTENSION), max_size=500)


def units(text: str, whole: str) -> int:
    """What a part of ``whole`` costs, counted independently of the module."""
    if encoding_of(whole) == "UCS-2":
        return len(text.encode("utf-16-le")) // 2
    return len(text) + sum(char in GSM_EXTENSION for char in text)


def test_the_gsm_alphabet_has_127_basic_and_10_extension_characters() -> None:
    assert len(GSM_BASIC) == 127  # 128 less the escape
    assert len(GSM_EXTENSION) == 10
    assert "\x1b" not in GSM_BASIC


@pytest.mark.parametrize(
    ("text", "encoding", "size"),
    [
        ("Laporan LPR-1 diterima", "GSM-7", 22),
        ("Biaya {admin} €5", "GSM-7", 19),  # { } and € cost two septets each
        ("Terima kasih ç", "UCS-2", 14),
        ("Terima kasih " + EMOJI, "UCS-2", 15),  # the emoji is two UTF-16 units
        ("", "GSM-7", 0),
    ],
)
def test_encoding_and_length(text: str, encoding: str, size: int) -> None:
    assert encoding_of(text) == encoding
    assert length(text) == size


def test_one_part_up_to_160_septets_then_parts_of_153() -> None:
    assert segments("a" * 160) == ["a" * 160]
    assert [len(part) for part in segments("a" * 161)] == [153, 8]
    assert [len(part) for part in segments("a" * 306)] == [153, 153]
    assert segments("{" * 80) == ["{" * 80]
    assert [len(part) for part in segments("{" * 81)] == [76, 5]


def test_one_part_up_to_70_units_then_parts_of_67() -> None:
    assert segments("ç" * 70) == ["ç" * 70]
    assert [len(part) for part in segments("ç" * 71)] == [67, 4]


def test_an_extension_character_is_not_split_from_its_escape() -> None:
    parts = segments("a" * 152 + "€" + "b" * 10)
    assert parts == ["a" * 152, "€" + "b" * 10]


def test_a_surrogate_pair_is_not_split() -> None:
    parts = segments("a" * 66 + EMOJI + "b" * 10)
    assert parts == ["a" * 66, EMOJI + "b" * 10]


@given(texts)
def test_every_segment_fits_and_they_join_to_the_text(text: str) -> None:
    parts = segments(text)
    single, multi = (70, 67) if encoding_of(text) == "UCS-2" else (160, 153)
    assert "".join(parts) == text
    assert all(units(part, text) <= (single if len(parts) == 1 else multi) for part in parts)
    for part, after in pairwise(parts):
        assert units(part + after[0], text) > multi  # each part as full as it can be


def test_transliteration_keeps_indonesian_text_gsm_7() -> None:
    pasted = (
        "Jalan \N{LEFT DOUBLE QUOTATION MARK}rusak\N{RIGHT DOUBLE QUOTATION MARK} \N{EN DASH} "
        "sudah 3 bulan\N{HORIZONTAL ELLIPSIS} \N{LEFT SINGLE QUOTATION MARK}segera"
        "\N{RIGHT SINGLE QUOTATION MARK}\N{NO-BREAK SPACE}diperbaiki"
    )
    assert encoding_of(pasted) == "UCS-2"
    assert transliterate(pasted) == "Jalan \"rusak\" - sudah 3 bulan... 'segera' diperbaiki"
    assert encoding_of(transliterate(pasted)) == "GSM-7"


def test_a_text_that_fits_is_kept_whole() -> None:
    assert fit(TRACKING + " diterima.", TRACKING, 1) == TRACKING + " diterima."


def test_fit_transliterates_first_so_a_text_can_fit_in_fewer_parts() -> None:
    text = TRACKING + " " + "“ok” " * 25  # 140 characters: 3 UCS-2 parts, 1 SMS once GSM-7
    assert len(segments(text)) == 3
    assert fit(text, TRACKING, 1) == transliterate(text)


def test_a_long_gsm_text_is_cut_after_a_word_with_three_dots() -> None:
    text = TRACKING + " " + SENTENCE * 4
    fitted = fit(text, TRACKING, 1)
    assert fitted.endswith("...")
    assert encoding_of(fitted) == "GSM-7"
    assert len(segments(fitted)) == 1
    assert fitted.startswith(TRACKING)
    assert text.startswith(fitted[:-3])
    assert text[len(fitted) - 3] == " "  # the cut falls between words


def test_a_long_ucs_2_text_ends_with_an_ellipsis_character() -> None:
    text = TRACKING + " " + EMOJI + " " + SENTENCE * 3
    fitted = fit(text, TRACKING, 2)
    assert fitted.endswith("…")
    assert encoding_of(fitted) == "UCS-2"
    assert len(segments(fitted)) == 2


def test_cutting_before_the_first_non_gsm_character_keeps_gsm_7_room() -> None:
    text = TRACKING + " " + SENTENCE * 2 + EMOJI
    fitted = fit(text, TRACKING, 1)
    assert encoding_of(fitted) == "GSM-7"
    assert length(fitted) > 140  # cut with GSM-7's 160 septets, not UCS-2's 70 units


def test_a_word_too_long_for_the_message_is_cut_mid_word() -> None:
    fitted = fit(TRACKING + "x" * 400, TRACKING, 1)
    assert fitted == TRACKING + "x" * (157 - len(TRACKING)) + "..."


def test_a_tracking_id_that_would_be_cut_is_an_error() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        fit(SENTENCE * 4 + TRACKING, TRACKING, 1)


def test_a_tracking_id_not_in_the_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not contain"):
        fit(SENTENCE, TRACKING, 1)


def test_max_parts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        fit(TRACKING, TRACKING, 0)


@given(texts, st.integers(min_value=1, max_value=4))
def test_fit_fits_and_keeps_the_tracking_id(body: str, max_parts: int) -> None:
    text = TRACKING + " " + body
    fitted = fit(text, TRACKING, max_parts)
    assert len(segments(fitted)) <= max_parts
    assert fitted.startswith(TRACKING)
    if fitted != transliterate(text):
        ellipsis = "..." if encoding_of(fitted) == "GSM-7" else "…"
        assert fitted.endswith(ellipsis)
        assert transliterate(text).startswith(fitted.removesuffix(ellipsis))


@given(gsm_texts, st.integers(min_value=1, max_value=4))
def test_fit_keeps_a_gsm_text_gsm_7(body: str, max_parts: int) -> None:
    assert encoding_of(fit(TRACKING + body, TRACKING, max_parts)) == "GSM-7"
