"""Tracking ids: short, human-friendly, safe to read over the phone, and unguessable enough.

Twelve Crockford base-32 symbols (60 random bits) in three groups, e.g. ``7K3M-9QXD-2F8A``:
no I, L, O or U to mistake, and case and hyphens are forgiven when read back.
"""

import re

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SYMBOLS = 12
_RANDOM_BYTES = 8
_CANONICAL = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def tracking_id_from(random_bytes: bytes) -> str:
    """Format 60 of the given random bits as a tracking id."""
    if len(random_bytes) < _RANDOM_BYTES:
        raise ValueError(f"need {_RANDOM_BYTES} random bytes")
    number = int.from_bytes(random_bytes[:_RANDOM_BYTES], "big") >> 4
    symbols = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(_SYMBOLS)))
    return "-".join(symbols[i : i + 4] for i in range(0, _SYMBOLS, 4))


def normalize_tracking_id(text: str) -> str | None:
    """The canonical form of a tracking id as a person typed it, or None if it is not one."""
    compact = re.sub(r"[\s-]", "", text.upper()).translate(_READ_AS)
    candidate = "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return candidate if _CANONICAL.match(candidate) else None
