"""Fitting a message to SMS limits (GSM 03.38, 3GPP TS 23.038).

A message goes out in GSM-7 when every character is in the GSM 7-bit default alphabet or its
extension table, else in UCS-2 (UTF-16 in practice, as phones send it). One SMS carries 160
septets of GSM-7 or 70 UTF-16 code units. A longer message goes as concatenated parts, each
giving up room to the header that joins them: 153 septets or 67 units a part.

An extension character (``^ { } \\ [ ~ ] | €`` and form feed) is sent as an escape septet and
its own, so it costs two septets, and the pair is never split between parts. A character
outside the Basic Multilingual Plane (an emoji) is a surrogate pair, two units, never split
either. Splitting by Python characters, each with its cost, respects both.
"""

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"  # less 0x1B, the escape to the extension table
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM = GSM_BASIC | GSM_EXTENSION
_SINGLE: dict[Encoding, int] = {"GSM-7": 160, "UCS-2": 70}
_PART: dict[Encoding, int] = {"GSM-7": 153, "UCS-2": 67}
_ELLIPSIS: dict[Encoding, str] = {"GSM-7": "...", "UCS-2": "\N{HORIZONTAL ELLIPSIS}"}
_TRANSLITERATION = str.maketrans(
    {
        "\N{LEFT SINGLE QUOTATION MARK}": "'",
        "\N{RIGHT SINGLE QUOTATION MARK}": "'",
        "\N{SINGLE LOW-9 QUOTATION MARK}": "'",
        "\N{LEFT DOUBLE QUOTATION MARK}": '"',
        "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
        "\N{DOUBLE LOW-9 QUOTATION MARK}": '"',
        "\N{HYPHEN}": "-",
        "\N{NON-BREAKING HYPHEN}": "-",
        "\N{EN DASH}": "-",
        "\N{EM DASH}": "-",
        "\N{MINUS SIGN}": "-",
        "\N{CHARACTER TABULATION}": " ",
        "\N{NO-BREAK SPACE}": " ",
        "\N{NARROW NO-BREAK SPACE}": " ",
        "\N{ZERO WIDTH SPACE}": "",
        "\N{HORIZONTAL ELLIPSIS}": "...",
    }
)


def transliterate(text: str) -> str:
    """The text with common characters outside GSM-7 that have an obvious GSM-7 equivalent
    replaced by it: curly quotes, dashes, tabs and non-breaking spaces, "…" as "...". Text
    pasted from a word processor then stays GSM-7: more than twice the room per SMS."""
    return text.translate(_TRANSLITERATION)


def encoding_of(text: str) -> Encoding:
    return "GSM-7" if _GSM.issuperset(text) else "UCS-2"


def _cost(char: str, encoding: Encoding) -> int:
    if encoding == "GSM-7":
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def length(text: str) -> int:
    """Septets in GSM-7, UTF-16 code units in UCS-2."""
    encoding = encoding_of(text)
    return sum(_cost(char, encoding) for char in text)


def segments(text: str) -> list[str]:
    """The parts the text is sent as: itself when it fits in one SMS, else as many full parts
    as it takes (the last one possibly shorter)."""
    encoding = encoding_of(text)
    if length(text) <= _SINGLE[encoding]:
        return [text]
    limit = _PART[encoding]
    parts: list[str] = []
    start = used = 0
    for index, char in enumerate(text):
        cost = _cost(char, encoding)
        if used + cost > limit:
            parts.append(text[start:index])
            start, used = index, 0
        used += cost
    parts.append(text[start:])
    return parts


def fit(text: str, must_keep: str, max_parts: int) -> str:
    """The text, transliterated, if it fits in ``max_parts`` SMS. Otherwise its longest
    beginning that fits with an ellipsis after it, cut after a word when a word ends after
    ``must_keep`` (else mid-word); the ellipsis is "..." when that beginning is GSM-7, so it
    stays GSM-7. ValueError if ``must_keep`` (transliterated too) is not in the text, or if
    no cut that fits would keep it."""
    if max_parts < 1:
        raise ValueError(f"max_parts must be at least 1, not {max_parts}")
    text, keep = transliterate(text), transliterate(must_keep)
    if keep not in text:
        raise ValueError(f"the text does not contain {must_keep!r}")
    if _fits(text, max_parts):
        return text
    kept = text.index(keep) + len(keep)
    word_ends = [n for n in range(max(kept, 1), len(text)) if _ends_word(text, n)]
    for cuts in (word_ends, range(kept, len(text))):
        cut = _longest_cut(text, cuts, max_parts)
        if cut is not None and keep in _cut(text, cut):
            return _cut(text, cut)
    raise ValueError(f"{must_keep!r} and an ellipsis do not fit in {max_parts} SMS")


def _fits(text: str, max_parts: int) -> bool:
    return len(segments(text)) <= max_parts


def _ends_word(text: str, n: int) -> bool:
    return text[n].isspace() and not text[n - 1].isspace()


def _cut(text: str, n: int) -> str:
    head = text[:n]
    return head.rstrip() + _ELLIPSIS[encoding_of(head)]


def _longest_cut(text: str, cuts: Sequence[int], max_parts: int) -> int | None:
    """The longest of the (ascending) cuts that fits. Cuts up to the first character outside
    GSM-7 end in "..." and the later ones in "…": within each group a longer cut never fits
    in fewer parts, so each is searched by bisection, the later group first."""
    first_ucs2 = next((i for i, char in enumerate(text) if char not in _GSM), len(text))
    groups = ([n for n in cuts if n > first_ucs2], [n for n in cuts if n <= first_ucs2])
    for group in groups:
        cut = _last_true(group, lambda n: _fits(_cut(text, n), max_parts))
        if cut is not None:
            return cut
    return None


def _last_true(items: Sequence[int], test: Callable[[int], bool]) -> int | None:
    """The last item passing ``test``, which passes a first run of the items and no others."""
    failing = bisect_left(items, True, key=lambda item: not test(item))
    return items[failing - 1] if failing else None
