"""Hints for the administrators who verify reports: rejection reasons a report's text suggests.
A hint is a suggestion shown next to the report, never an automatic rejection, so each rule
prefers missing a case to flagging a good report. The word lists are data, in the
[verification] section of data/lexicon.toml.

- INCOMPLETE: fewer than MIN_WORDS words once greetings and politeness are left out, or no
  region chosen and no place named in the text.
- ABUSIVE: a profanity or insult, also disguised as "anj1ng", "b4ngsat", "t*i", "a n j i n g"
  or abbreviated ("bgst"); a plainly written word that is also an animal ("anjing", "babi")
  or "tai"/"tahi" only outside a literal context ("anjing liar", "tai ayam", "tahi lalat").
- NOT_PUBLIC_SERVICE: a crime between private persons that the reporter wants prosecuted,
  with no police, office or official named (a report that the police did not follow up a
  theft is a complaint about a police service); a change of a law asked for; a private debt
  or inheritance dispute; a call to vote for a candidate or party.

TOO_GENERAL is not hinted: telling a vague report from a short concrete one needs more than
word lists, and a wrong hint costs a citizen a rejected report.
"""

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from lapor.report.v1.events_pb2 import (
    REJECTION_REASON_ABUSIVE,
    REJECTION_REASON_INCOMPLETE,
    REJECTION_REASON_NOT_PUBLIC_SERVICE,
)
from routing import text

MIN_WORDS = 12
NEAR = 4
CONTEXT = 2

_NAMED_PLACE = re.compile(r"\b(?:di|ke|dari)\s+[A-Z][a-z]{3,}")
_LEET = str.maketrans("4@13!0$5789", "aaieiosstbg")
_WILDCARDS = re.compile(r"[*#_]+")
_SPELT = re.compile(r"^(?:[a-z0-9@$][._\-]){2,}[a-z0-9@$]$")
_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class Hint:
    """A rejection reason the text suggests, and why, in Bahasa Indonesia then English."""

    reason: int
    explanation: str


@dataclass(frozen=True)
class _Lists:
    boilerplate: frozenset[str]
    places: frozenset[str]
    insults: frozenset[str]
    animal_insults: frozenset[str]
    excrement: frozenset[str]
    literal_context: frozenset[str]
    crimes: frozenset[str]
    prosecution: frozenset[str]
    service_markers: frozenset[str]
    laws: frozenset[str]
    law_changes: frozenset[str]
    debts: frozenset[str]
    private_parties: frozenset[str]
    campaign_calls: frozenset[str]
    candidates: frozenset[str]
    campaign_markers: frozenset[str]


@cache
def _lists() -> _Lists:
    """The word lists, insults with doubled letters squeezed as tokens are."""
    with text.LEXICON.open("rb") as source:
        section = tomllib.load(source)["verification"]
    squeezed = {"insults", "animal_insults", "excrement"}
    return _Lists(
        **{
            name: frozenset(_squeeze(w) if name in squeezed else w for w in words.split())
            for name, words in section.items()
        }
    )


def hints(title: str, body: str, region_known: bool) -> list[Hint]:
    """The rejection reasons a report's text suggests to the verifying administrator."""
    raw = f"{title}\n{body}"
    found = text.words(raw)
    suggested = [
        _too_short(found),
        None if region_known else _no_place(raw, found),
        _not_public_service(found),
        _abusive(raw),
    ]
    return [hint for hint in suggested if hint is not None]


def _too_short(found: Sequence[str]) -> Hint | None:
    count = sum(1 for word in found if len(word) > 1 and word not in _lists().boilerplate)
    if count >= MIN_WORDS:
        return None
    return Hint(
        REJECTION_REASON_INCOMPLETE,
        f"Laporan terlalu singkat ({count} kata) / The report is too short ({count} words)",
    )


def _no_place(raw: str, found: Sequence[str]) -> Hint | None:
    if _lists().places.intersection(found) or _NAMED_PLACE.search(raw):
        return None
    return Hint(
        REJECTION_REASON_INCOMPLETE,
        "Lokasi tidak diketahui: wilayah belum dipilih dan teks tidak menyebut tempat"
        " / The location is unknown: no region was chosen and the text names no place",
    )


def _not_public_service(found: Sequence[str]) -> Hint | None:
    lists, words = _lists(), set(found)
    reasons = (
        (_private_crime(lists, words), "perkara pidana antarwarga", "a crime between persons"),
        (_law_change(lists, found), "permintaan mengubah undang-undang", "changing a law"),
        (_private_dispute(lists, words), "sengketa pribadi (utang, warisan)", "a private dispute"),
        (_campaign(lists, words, found), "kampanye politik", "political campaigning"),
    )
    for matched, indonesian, english in reasons:
        if matched:
            return Hint(
                REJECTION_REASON_NOT_PUBLIC_SERVICE,
                f"Bukan pelayanan publik: {indonesian} / Not a public service: {english}",
            )
    return None


def _private_crime(lists: _Lists, words: set[str]) -> bool:
    wanted = lists.crimes & words and lists.prosecution & words
    return bool(wanted and not lists.service_markers & words)


def _law_change(lists: _Lists, found: Sequence[str]) -> bool:
    laws = [i for i, word in enumerate(found) if word in lists.laws]
    changes = [i for i, word in enumerate(found) if word in lists.law_changes]
    return any(abs(law - change) <= NEAR for law in laws for change in changes)


def _private_dispute(lists: _Lists, words: set[str]) -> bool:
    disputed = lists.debts & words and lists.private_parties & words
    return bool(disputed and not lists.service_markers & words)


def _campaign(lists: _Lists, words: set[str], found: Sequence[str]) -> bool:
    candidates = lists.candidates & words or ("nomor", "urut") in pairwise(found)
    called = lists.campaign_calls & words and candidates
    return bool(called and not lists.campaign_markers & words)


def _abusive(raw: str) -> Hint | None:
    tokens = _tokens(raw)
    bad = [
        token
        for position, (token, disguised) in enumerate(tokens)
        if _insulting(token, disguised, _around(tokens, position))
    ]
    if not bad:
        return None
    quoted = ", ".join(f'"{token}"' for token in dict.fromkeys(bad))
    return Hint(
        REJECTION_REASON_ABUSIVE,
        f"Bahasa kasar atau makian: {quoted} / Abusive language: {quoted}",
    )


def _around(tokens: Sequence[tuple[str, bool]], position: int) -> list[str]:
    start = max(position - CONTEXT, 0)
    return [token for token, _ in tokens[start : position + CONTEXT + 1]]


def _tokens(raw: str) -> list[tuple[str, bool]]:
    """Lower-case tokens with the punctuation at their edges gone, each with whether it is
    disguised: written with digits, symbols or wildcards, or spelt out letter by letter."""
    tokens: list[tuple[str, bool]] = []
    letters: list[str] = []
    for token in [*(t.strip(",;:!?()[]\"'") for t in raw.casefold().split()), ""]:
        if len(token) == 1 and token.isalpha():
            letters.append(token)
            continue
        if len(letters) >= 3:
            tokens.append(("".join(letters), True))
        else:
            tokens.extend((letter, False) for letter in letters)
        letters = []
        if _SPELT.match(token):
            tokens.append((re.sub(r"[._\-]", "", token), True))
        elif token:
            tokens.append((token, not token.strip(".").isalpha()))
    return tokens


def _insulting(token: str, disguised: bool, around: Sequence[str]) -> bool:
    lists = _lists()
    plain = _squeeze(token.translate(_LEET) if disguised else token)
    if plain in lists.insults or _squeeze(_without_suffix(plain)) in lists.insults:
        return True
    if plain in lists.animal_insults | lists.excrement:
        return disguised or not lists.literal_context.intersection(around)
    return disguised and _wildcard_match(plain, lists)


def _wildcard_match(plain: str, lists: _Lists) -> bool:
    """Whether a token with wildcards ("t*i", "b*ngs*t") fits an insult."""
    if not _WILDCARDS.search(plain) or sum(char.isalpha() for char in plain) < 2:
        return False
    pattern = ".{1,3}".join(re.escape(part) for part in _WILDCARDS.split(plain))
    every = lists.insults | lists.animal_insults | lists.excrement
    return any(re.fullmatch(pattern, word) for word in every)


def _squeeze(token: str) -> str:
    """Repeated letters as one ("anjiiing" -> "anjing"), without dots at the edges."""
    return _REPEATS.sub(r"\1", token.strip("."))


def _without_suffix(word: str) -> str:
    for suffix in ("nya", "lah", "mu", "kau", "lu", "2"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
