"""Informal Indonesian complaint text made into words and classifier features.

Citizens write in lower case or capitals, with slang, abbreviations, regional
words, typos and letter boilerplate. ``words`` normalises a text into standard
Indonesian tokens; ``terms`` drops the words that carry no topic and stems the
rest with a light, conservative affix stripper; ``features`` are the unigrams
and bigrams of those stems; a ``Speller`` corrects typos against a vocabulary.
The word lists are data, in ``data/lexicon.toml``.
"""

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

LEXICON = Path(__file__).parent / "data" / "lexicon.toml"
MIN_ROOT = 4
CORRECTABLE = 6

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_PIECES = re.compile(r"[a-z0-9]+")
_EDGES = re.compile(r"^[^a-z0-9]+|[^a-z0-9.]+$|(?<=[a-z0-9]{4})\.$")
_AMOUNT = re.compile(r"^(\d+)([a-z]{2,})$")
_TAILED = re.compile(r"^([a-z]{2,})(\d+)$")
_PREFIX_RULES = (
    (re.compile(r"^[mp]eng(?=[aiueogkh])"), ""),
    (re.compile(r"^[mp]eny(?=[aiueo])"), "s"),
    (re.compile(r"^[mp]en(?=[cdjz]|sy)"), ""),
    (re.compile(r"^[mp]en(?=[aiueo])"), "t"),
    (re.compile(r"^[mp]em(?=[bfpv])"), ""),
    (re.compile(r"^[mp]em(?=[aiueo])"), "p"),
    (re.compile(r"^me(?=[lmnrwy])"), ""),
    (re.compile(r"^pe(?=[lwy])"), ""),
    (re.compile(r"^per"), ""),
    (re.compile(r"^pe(?=[bcdghjkst])"), ""),
    (re.compile(r"^(?:di|ter|ber)"), ""),
    (re.compile(r"^nge(?=[bcdfgjklmnprstvwyz])"), ""),
    (re.compile(r"^ng(?=[aiueo])"), ""),
)


@dataclass(frozen=True)
class Lexicon:
    """What the normaliser knows: spellings to replace, words to ignore, stemmer exceptions."""

    version: str
    expansions: Mapping[str, tuple[str, ...]]
    phrases: Mapping[tuple[str, ...], tuple[str, ...]]
    stop_words: frozenset[str]
    lah_roots: tuple[str, ...]
    r_roots: tuple[str, ...]
    stems: Mapping[str, str]


def read_lexicon(path: Path = LEXICON) -> Lexicon:
    """The lexicon of a TOML file; its version names the content too, so any edit shows."""
    raw = path.read_bytes()
    data, digest = tomllib.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()[:8]
    stemmer = data["stemmer"]
    return Lexicon(
        version=f"{data['version']}#{digest}",
        expansions={key: tuple(value.split()) for key, value in data["expansions"].items()},
        phrases={
            tuple(key.split()): tuple(value.split()) for key, value in data["phrases"].items()
        },
        stop_words=frozenset(data["stop_words"]["words"].split()),
        lah_roots=tuple(stemmer["lah_roots"].split()),
        r_roots=tuple(stemmer["r_roots"].split()),
        stems=dict(stemmer["stems"]),
    )


@cache
def lexicon() -> Lexicon:
    """The lexicon shipped with the service, read once."""
    return read_lexicon()


def normalise(text: str) -> str:
    """Lower case ASCII-ish text: accents and invisible characters gone, no links, no 'parahhh'."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
        text = "".join(
            char for char in decomposed if unicodedata.category(char) not in {"Mn", "Cf"}
        )
    return _REPEATS.sub(r"\1", _URL.sub(" ", text.casefold()))


def words(text: str) -> list[str]:
    """The text as standard Indonesian words, abbreviations, slang and phrases expanded."""
    found: list[str] = []
    for token in normalise(text).split():
        for word in _token_words(_EDGES.sub("", token)):
            if not found or found[-1] != word:
                found.append(word)
            _join_phrase(found, lexicon().phrases)
    return found


def _join_phrase(found: list[str], phrases: Mapping[tuple[str, ...], tuple[str, ...]]) -> None:
    """Replace the fixed phrases that end at the end of found, the longest first."""
    for length in (2, 1):
        tail = tuple(found[-length:])
        if len(found) >= length and tail in phrases and phrases[tail] != tail:
            found[-length:] = phrases[tail]
            _join_phrase(found, phrases)
            return


@lru_cache(maxsize=1 << 16)
def _token_words(token: str) -> tuple[str, ...]:
    expansions = lexicon().expansions
    if token in expansions:
        return expansions[token]
    return tuple(
        expanded
        for piece in _PIECES.findall(token)
        for part in _split_piece(piece)
        for expanded in expansions.get(part, (part,))
    )


def _split_piece(piece: str) -> tuple[str, ...]:
    """'3kg' -> 3 kg, 'rt05' -> rt 05, and 'anak2' (reduplication) -> anak."""
    if piece in lexicon().expansions:
        return (piece,)
    amount = _AMOUNT.match(piece)
    if amount:
        return amount.groups()
    tailed = _TAILED.match(piece)
    if tailed:
        return (tailed[1],) if tailed[2] == "2" else tailed.groups()
    return (piece,)


def is_content(word: str) -> bool:
    """Whether a word can say what a report is about (not a stop word, not a bare number)."""
    return len(word) > 1 and not word.isdigit() and word not in lexicon().stop_words


def terms(found: Sequence[str]) -> list[tuple[str, str]]:
    """(stem, word) for each content word, in order."""
    return [(stem(word), word) for word in found if is_content(word)]


def features(found: Sequence[tuple[str, str]]) -> list[str]:
    """Unigrams and bigrams of the stems of terms."""
    stems = [stem for stem, _ in found]
    return [*stems, *(f"{first} {second}" for first, second in pairwise(stems))]


def readable(found: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Each feature of terms in the words the reporter used (the first word that gave a stem)."""
    surface: dict[str, str] = {}
    for stem, word in found:
        surface.setdefault(stem, word.replace("_", " "))
    pairs = {f"{a} {b}": f"{surface[a]} {surface[b]}" for (a, _), (b, _) in pairwise(found)}
    return {**surface, **pairs}


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The root of a word by conservative affix stripping; the word itself when unsure."""
    lex = lexicon()
    if word in lex.stems or not word.isalpha():
        return lex.stems.get(word, word)
    word = _strip_particles(word, lex)
    for suffix in ("kan", "an", "in", "i", ""):
        if word.endswith(suffix):
            root = _strip_prefixes(word[: len(word) - len(suffix)], suffix, lex)
            if root:
                return root
    return word


def _strip_particles(word: str, lex: Lexicon) -> str:
    if word.endswith("nya") and len(word) >= 6:
        word = word[:-3]
    if word.endswith("lah") and len(word) >= 8 and not word.endswith(lex.lah_roots):
        word = word[:-3]
    return lex.stems.get(word, word)


def _strip_prefixes(base: str, suffix: str, lex: Lexicon) -> str | None:
    """The root once one or two prefixes are stripped from base, or None if none apply."""
    root = None
    if suffix == "an" and base.startswith("ke") and len(base) - 2 >= MIN_ROOT:
        root = base = base[2:]
    for _ in range(2):
        stripped = _strip_prefix(base, lex)
        if stripped is None or len(stripped) < MIN_ROOT:
            break
        root = base = stripped
    return root


def _strip_prefix(word: str, lex: Lexicon) -> str | None:
    if word.startswith("per") and word[2:].startswith(lex.r_roots):
        return word[2:]
    for pattern, replacement in _PREFIX_RULES:
        if pattern.match(word):
            return pattern.sub(replacement, word, count=1)
    return None


@dataclass(frozen=True)
class Speller:
    """Corrects a word of CORRECTABLE letters or more that is not in a vocabulary to the most
    frequent vocabulary word one edit away, by symmetric-delete lookup: each vocabulary word and
    its one-letter deletions index the word, and a misspelling's own deletions are looked up."""

    frequencies: Mapping[str, int]
    index: Mapping[str, str]

    @classmethod
    def of(cls, frequencies: Mapping[str, int]) -> "Speller":
        index: dict[str, str] = {}
        for word in sorted(frequencies, key=lambda w: (-frequencies[w], w)):
            if len(word) >= CORRECTABLE - 1 and word.isalpha():
                for variant in _deletions(word):
                    index.setdefault(variant, word)
        return cls(dict(frequencies), index)

    def correct(self, word: str) -> str:
        if word in self.frequencies or len(word) < CORRECTABLE or not is_content(word):
            return word
        known = [self.index[variant] for variant in _deletions(word) if variant in self.index]
        return max(known, key=lambda w: (self.frequencies[w], w), default=word)


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}
