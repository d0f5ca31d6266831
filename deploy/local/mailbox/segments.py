"""How many parts an SMS takes, and in which encoding (3GPP TS 23.038).

GSM-7 when every character is in the GSM 03.38 basic set (one septet) or its extension
table (two septets: an escape and the character): 160 septets in one part, otherwise 153
per part. UCS-2 otherwise: 70 UTF-16 code units in one part, otherwise 67 per part. A
character is never split across two parts (an escape pair or a surrogate pair moves whole
to the next part), as handsets and gateways do.
"""

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7, UCS2 = "GSM-7", "UCS-2"


def _gsm_septets(character: str) -> int | None:
    if character in GSM_BASIC:
        return 1
    if character in GSM_EXTENSION:
        return 2
    return None


def _ucs2_units(character: str) -> int:
    return 2 if ord(character) > 0xFFFF else 1


def _parts(sizes: list[int], single: int, per_part: int) -> int:
    if sum(sizes) <= single:
        return 1
    parts, used = 1, 0
    for size in sizes:
        if used + size > per_part:
            parts, used = parts + 1, 0
        used += size
    return parts


def segments(text: str) -> tuple[int, str]:
    """(parts, encoding) of ``text`` sent as one SMS."""
    septets = [_gsm_septets(character) for character in text]
    gsm_sizes = [size for size in septets if size is not None]
    if len(gsm_sizes) == len(septets):
        return _parts(gsm_sizes, 160, 153), GSM7
    return _parts([_ucs2_units(character) for character in text], 70, 67), UCS2
