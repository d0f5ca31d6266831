"""Recognising the region a complaint is about from its free text.

Official names of provinces, regencies/cities, districts and villages, and a
few informal ones ("jogja", "jakut"), are indexed once by their words run
together ("Kota Baru" = "Kotabaru"), so locating is a look-up per word n-gram.
A marker word ("kab.", "kota", "kec.", "desa", "kel.") makes a name count for
more, and kab/kota settles Kabupaten against Kota Bandung. District and
village names are too ambiguous alone (over a hundred villages are called
Sukamaju): they count after a marker or inside a province or regency the text
names. Evidence adds up, and the reading that uses the most of it wins.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.directory import read_rows

PROVINCE, REGENCY, DISTRICT, VILLAGE = 1, 2, 3, 4  # a level is its code's number of parts
MARKERS: Mapping[str, tuple[int, str]] = {
    **dict.fromkeys(("provinsi", "propinsi", "prov", "prop"), (PROVINCE, "")),
    **dict.fromkeys(("kabupaten", "kab", "pemkab"), (REGENCY, "kab")),
    **dict.fromkeys(("kota", "kodya", "kotamadya", "pemkot"), (REGENCY, "kota")),
    **dict.fromkeys(("kecamatan", "kec", "distrik"), (DISTRICT, "")),
    **dict.fromkeys(("desa", "ds", "kelurahan", "kel", "nagari", "gampong"), (VILLAGE, "")),
}
SKIPPED = frozenset({"administrasi", "adm"})  # between a marker and its name
STOP = frozenset({*MARKERS, *SKIPPED, "dusun", "dsn", "rt", "rw", "jalan", "jl", "jln", "gang"})
# Everyday words that are also names of districts, villages or a few regencies ("batu").
_COMMON_WORDS = """
    di ke dari dan yang untuk dengan sudah belum mau ibu bu pak bapak tolong data surat sering
    baru lama tengah utara selatan barat timur pusat raya jaya indah makmur sari mulya mulia maju
    asri permai sentosa damai sejahtera merdeka harapan mandiri bahagia mekar tunggal tinggi besar
    kecil panjang dalam luar kanan sini situ setiap para dana gaji upah toko kantor lurah sosial
    pasar pantai gunung bukit sungai kali air pulau tanjung muara teluk ujung pangkal simpang
    pinggir seberang taman panti pondok pesantren balai gedung makam pura lapangan sawah ladang
    kebun tambang tanah laut datar bunga bulan panas gelap mahal mabuk begal kasih lanjut petani
    batu batang banjar ketapang landak metro pati lebak puncak buru palu mas pesisir seribu negara
    satu dua tiga empat lima enam tujuh delapan sembilan sepuluh puluh ratus ribu juta
"""
COMMON = STOP | frozenset(_COMMON_WORDS.split())
# Informal names: "alias, alias: official name; ..."
_ALIASES = """
    jogja, yogya, jogya, djogja, jogjakarta: yogyakarta; solo: surakarta; purwokerto: banyumas
    jakarta, jkt, dki, dki jakarta: daerah khusus ibukota jakarta; diy: daerah istimewa yogyakarta
    jakpus: jakarta pusat; jakut: jakarta utara; jakbar: jakarta barat; jaksel: jakarta selatan
    jaktim: jakarta timur; tangsel: tangerang selatan; bdg: bandung; sby: surabaya; smg: semarang
    mks, makasar: makassar; mdn: medan; plg: palembang; dps: denpasar
    jabar: jawa barat; jateng: jawa tengah; jatim: jawa timur; ntb: nusa tenggara barat
    ntt: nusa tenggara timur; sumut: sumatera utara; sumbar: sumatera barat
    sumsel: sumatera selatan; sulut: sulawesi utara; sulteng: sulawesi tengah
    sulsel: sulawesi selatan; sultra: sulawesi tenggara; sulbar: sulawesi barat
    kalbar: kalimantan barat; kalteng: kalimantan tengah; kalsel: kalimantan selatan
    kaltim: kalimantan timur; kaltara: kalimantan utara; kepri: kepulauan riau
    babel, bangka belitung: kepulauan bangka belitung; malut: maluku utara
"""
ALIASES: Mapping[str, str] = {
    alias.strip(): name.strip()
    for entry in _ALIASES.replace("\n", ";").split(";")
    if entry.strip()
    for aliases, name in [entry.split(":")]
    for alias in aliases.split(",")
}
MARKED = {PROVINCE: 1.0, REGENCY: 1.5, DISTRICT: 1.0, VILLAGE: 1.0}
UNMARKED = {PROVINCE: 1.0, REGENCY: 1.0, DISTRICT: 0.5, VILLAGE: 0.5}
WEAK = 0.3  # an unmarked regency whose name is an everyday word ("batu", "banjar")
PROVINCE_SUPPORT = 0.5
TYPO = 0.8  # one letter off an 8+ letter province or regency name
MIN_TYPO_LENGTH = 8
THRESHOLD = 0.75
ANCHOR = 1.0  # what a name must weigh for the districts and villages inside it to count
MAX_TIES = 3  # more equally good readings of the same words than this say nothing
_QUOTE = "['\u2019`]"
_WORD = re.compile(rf"[^\W_]+(?:{_QUOTE}[^\W_]+)*")
_APOSTROPHES = re.compile(_QUOTE)
_REGENCY_PREFIX = re.compile(r"^(?:kabupaten|kota)(?: administrasi)? ", re.IGNORECASE)
_PARENTHESES = re.compile(r"\(.*?\)")


@dataclass(frozen=True)
class Place:
    region_code: str  # most specific code recognised (PP, PP.RR, PP.RR.DD or PP.RR.DD.VVVV)
    confidence: float  # 0..1
    evidence: str  # the words that matched, e.g. "kec. Soreang, kab bandung"


@dataclass(frozen=True)
class _Mention:
    first: int  # first token, its marker included
    end: int  # one past the last token
    weights: Mapping[str, float]  # how much the words say for each region code

    def overlaps(self, other: "_Mention") -> bool:
        return self.first < other.end and other.first < self.end


@dataclass(frozen=True)
class _Reading:
    code: str
    score: float
    own: _Mention
    used: tuple[_Mention, ...]


class Gazetteer:
    """Every region's names, indexed once; ``locate`` reads a complaint for them."""

    def __init__(self, names: Mapping[str, Sequence[str]], cities: Iterable[str]) -> None:
        """``names``: region codes by name key (words run together); ``cities``: kota codes."""
        self._names = {key: tuple(codes) for key, codes in names.items()}
        self._cities = frozenset(cities)
        self._longest = max(map(len, self._names), default=0)
        self._typos = _typo_index(self._names)

    @classmethod
    def load(cls, regions_dir: Path) -> "Gazetteer":
        names: defaultdict[str, list[str]] = defaultdict(list)
        regencies = read_rows(regions_dir / "regencies.csv")
        for file in ("provinces.csv", "districts.csv", "villages.csv"):
            for row in read_rows(regions_dir / file):
                _add(names, row["name"], row["code"])
        for row in regencies:
            _add(names, _REGENCY_PREFIX.sub("", row["name"]), row["code"])
        for alias, name in ALIASES.items():
            names["".join(_words(alias))].extend(names["".join(_words(name))])
        return cls(names, (row["code"] for row in regencies if row["type"] == "kota"))

    def locate(self, text: str) -> list[Place]:
        """The regions the text names, best first; [] when it names none."""
        tokens = list(_WORD.finditer(text))
        mentions = list(self._mentions([_word(token.group()) for token in tokens]))
        readings = _resolve([r for r in _readings(mentions) if r.score >= THRESHOLD])
        groups: defaultdict[tuple[int, int], list[_Reading]] = defaultdict(list)
        for reading in readings:
            groups[reading.own.first, reading.own.end].append(reading)
        places = [
            Place(r.code, round((1 - 0.5**r.score) / len(group), 3), _evidence(text, tokens, r))
            for group in groups.values()
            if len(group) <= MAX_TIES
            for r in group
        ]
        return sorted(places, key=self._rank)

    def _rank(self, place: Place) -> tuple[float, int, bool, str]:
        code = place.region_code
        return (-place.confidence, -code.count("."), code not in self._cities, code)

    def _mentions(self, words: list[str]) -> Iterator[_Mention]:
        for start, word in enumerate(words):
            marker, first = _marker(words, start)
            if word in STOP and (marker is None or marker[0] < DISTRICT):
                continue
            for end, codes, factor in self._names_at(words, start):
                weights = _weights(codes, marker, words[start:end], self._cities)
                if weights:
                    yield _Mention(first, end, {c: w * factor for c, w in weights.items()})

    def _names_at(self, words: list[str], start: int) -> Iterator[tuple[int, Sequence[str], float]]:
        """The names starting at ``words[start]``: where each ends, its codes, its weight factor
        (TYPO for a long word one letter off a province or regency name)."""
        key = ""
        for end in range(start + 1, len(words) + 1):
            key += words[end - 1]
            if len(key) > self._longest:
                break
            if key in self._names:
                yield end, self._names[key], 1.0
        word = words[start]
        if word not in self._names and len(word) >= MIN_TYPO_LENGTH and word not in COMMON:
            variants = (word, *_deletions(word))
            codes = {code for variant in variants for code in self._typos.get(variant, ())}
            yield start + 1, sorted(codes), TYPO


def _add(names: defaultdict[str, list[str]], name: str, code: str) -> None:
    """Index an official name under each of its '/' alternatives, without parentheses."""
    for alternative in _PARENTHESES.sub(" ", name).split("/"):
        words = _words(alternative)
        if words:
            names["".join(words)].append(code)
        if len(words) > 1 and words[0] in ("kepulauan", "kep") and code.count(".") == 1:
            names["".join(words[1:])].append(code)


def _typo_index(names: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Province and regency codes by their long keys and those keys missing one letter."""
    index: defaultdict[str, set[str]] = defaultdict(set)
    for key, codes in names.items():
        upper = {code for code in codes if _level(code) <= REGENCY}
        if upper and len(key) >= MIN_TYPO_LENGTH:
            for variant in (key, *_deletions(key)):
                index[variant] |= upper
    return {variant: tuple(sorted(codes)) for variant, codes in index.items()}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _word(token: str) -> str:
    return _APOSTROPHES.sub("", token.casefold())


def _words(name: str) -> list[str]:
    return _WORD.findall(_word(name))


def _level(code: str) -> int:
    return code.count(".") + 1


def _marker(words: list[str], start: int) -> tuple[tuple[int, str] | None, int]:
    """The marker before ``words[start]`` and where it is (``start`` when there is none)."""
    at = start - 1
    while at >= 0 and words[at] in SKIPPED:
        at -= 1
    marker = MARKERS.get(words[at]) if at >= 0 else None
    return marker, at if marker else start


def _weights(
    codes: Sequence[str], marker: tuple[int, str] | None, words: list[str], cities: frozenset[str]
) -> dict[str, float]:
    """What the words say for each region code they name, given the marker before them."""
    marked = _marked(codes, marker, cities) if marker is not None else None
    if marked is not None:
        return marked
    common = all(word in COMMON for word in words)
    named = not common and any(_level(code) <= REGENCY for code in codes)
    weights: dict[str, float] = {}
    for code in codes:
        level = _level(code)
        if level <= REGENCY:
            weights[code] = WEAK if common and level == REGENCY else UNMARKED[level]
        elif not (common or named):
            weights[code] = UNMARKED[level]
    return weights


def _marked(
    codes: Sequence[str], marker: tuple[int, str], cities: frozenset[str]
) -> dict[str, float] | None:
    """A kab/kota or province marker keeps only the names at its level; a district or village
    marker favours the names at its level over other districts and villages. None when no name
    is at the marker's level."""
    level, kind = marker
    fits = {
        c for c in codes if _level(c) == level and kind in ("", "kota" if c in cities else "kab")
    }
    if not fits:
        return None
    if level <= REGENCY:
        return dict.fromkeys(fits, MARKED[level])
    lower = (code for code in codes if _level(code) > REGENCY)
    return {code: (MARKED if code in fits else UNMARKED)[_level(code)] for code in lower}


def _readings(mentions: list[_Mention]) -> Iterator[_Reading]:
    """Each region a mention names, scored with the mentions of the areas containing it."""
    support: defaultdict[str, list[tuple[float, _Mention]]] = defaultdict(list)
    for mention in mentions:
        for code, weight in mention.weights.items():
            if _level(code) < VILLAGE:
                support[code].append((weight, mention))
    anchors = {
        code for code, found in support.items() if any(weight >= ANCHOR for weight, _ in found)
    }
    for mention in mentions:
        for code, weight in mention.weights.items():
            if _level(code) <= REGENCY or weight >= ANCHOR or anchors & _areas(code):
                yield _score(code, weight, mention, support)


def _areas(code: str) -> set[str]:
    parts = code.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts))}


def _score(
    code: str, weight: float, own: _Mention, support: Mapping[str, list[tuple[float, _Mention]]]
) -> _Reading:
    used = [own]
    for area in sorted(_areas(code), key=len, reverse=True):
        free = [(w, m) for w, m in support.get(area, ()) if not any(m.overlaps(u) for u in used)]
        if free:
            best, mention = max(free, key=lambda found: found[0])
            weight += PROVINCE_SUPPORT if _level(area) == PROVINCE else best
            used.append(mention)
    return _Reading(code, weight, own, tuple(used))


def _resolve(readings: list[_Reading]) -> list[_Reading]:
    """Keep the readings no better reading of the same words beats (a higher score, or as high
    from more words: "bandung barat" over "bandung"), then the most specific of those left."""
    best: defaultdict[int, tuple[float, int]] = defaultdict(lambda: (0.0, 0))
    for reading in readings:
        for mention in reading.used:
            for at in range(mention.first, mention.end):
                best[at] = max(best[at], _strength(reading))
    kept = [
        r for r in readings if _strength(r) >= max(best[at] for at in range(r.own.first, r.own.end))
    ]
    return [r for r in kept if not any(_subsumes(other, r) for other in kept)]


def _strength(reading: _Reading) -> tuple[float, int]:
    return reading.score, reading.own.end - reading.own.first


def _subsumes(other: _Reading, reading: _Reading) -> bool:
    """A district beats its namesake village read from the same words; a reading inside an
    area that uses the area's words beats the area alone ("banjar, kalsel" over "kalsel")."""
    same_words = (other.own.first, other.own.end) == (reading.own.first, reading.own.end)
    if reading.code.startswith(f"{other.code}."):
        return same_words and other.score >= reading.score
    if not other.code.startswith(f"{reading.code}.") or same_words:
        return False
    return any(mention.overlaps(reading.own) for mention in other.used)


def _evidence(text: str, tokens: list[re.Match[str]], reading: _Reading) -> str:
    spans = sorted(reading.used, key=lambda mention: mention.first)
    return ", ".join(text[tokens[m.first].start() : tokens[m.end - 1].end()] for m in spans)
