"""SMS 1708: what a citizen's message asks for, read forgivingly, and the sender's number.

The syntax (keywords in any case; ``#``, ``:``, ``.``, ``-``, ``*`` or ``,`` between words
optional; a tracking id with or without dashes, I, L and O read as 1, 1 and 0):

- ``[LAPOR] [ANONIM] [RAHASIA] <isi>``: a new complaint; ``ASPIRASI <isi>`` or
  ``INFORMASI <isi>`` chooses another report type (the flags in any order);
- ``<tracking id> <isi>`` or ``BALAS|TAMBAH|INFO <tracking id> <isi>``: a follow-up;
- ``CEK|STATUS <tracking id>`` (or the tracking id alone): the report's status;
- ``BANTUAN``, ``HELP``, ``?``, an empty message, or a keyword without a valid tracking id:
  the syntax.

A message that starts without a keyword is a new report, unless its first word is a tracking
id written with dashes or holding a digit (a sentence can start with three four-letter words
that spell an id: "kata anak saya ...").
"""

import re
from dataclasses import dataclass

from intake.domain.submission import BODY_LENGTH, TITLE_LENGTH
from lapor.report.v1.events_pb2 import (
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_INFORMATION_REQUEST,
    ReportType,
)
from lapor_common.tracking import normalize_tracking_id

TITLE_WORDS_UP_TO = 60
_SEPARATORS = r"[\s#:.\-*,]*"
_WORD = re.compile(rf"^{_SEPARATORS}([A-Za-z]+|\?)(?=[\s#:.\-*,]|$)")
_ID = re.compile(
    rf"^{_SEPARATORS}([0-9A-Za-z]{{4}}[\s\-.]?[0-9A-Za-z]{{4}}[\s\-.]?[0-9A-Za-z]{{4}})"
    r"(?![0-9A-Za-z])"
)
_FLAGS = {"LAPOR", "PENGADUAN", "ANONIM", "RAHASIA", "ASPIRASI", "INFORMASI"}
_TYPES = {"ASPIRASI": REPORT_TYPE_ASPIRATION, "INFORMASI": REPORT_TYPE_INFORMATION_REQUEST}
_FOLLOW_UP = {"BALAS", "TAMBAH", "INFO"}
_STATUS = {"CEK", "STATUS"}
_HELP = {"BANTUAN", "HELP", "?"}
_ENGLISH = {"HELP", "STATUS"}
_DIGITS = re.compile(r"[1-9][0-9]{7,14}")


@dataclass(frozen=True)
class NewReport:
    type: ReportType.ValueType
    anonymous: bool
    confidential: bool
    text: str


@dataclass(frozen=True)
class FollowUp:
    tracking_id: str
    text: str


@dataclass(frozen=True)
class StatusQuery:
    tracking_id: str
    language: str = "id"


@dataclass(frozen=True)
class Help:
    language: str = "id"


Parsed = NewReport | FollowUp | StatusQuery | Help


def _word(text: str) -> tuple[str, str] | None:
    """The first word of ``text`` in capitals and the rest, or None when it starts otherwise."""
    found = _WORD.match(text)
    return (found.group(1).upper(), text[found.end() :]) if found else None


def _tracking_id(text: str, bare: bool = False) -> tuple[str, str] | None:
    """The tracking id ``text`` starts with and the rest. A ``bare`` one (no keyword before it)
    must be written with dashes or hold a digit, or it is likely the first words of a text."""
    found = _ID.match(text)
    if found is None:
        return None
    typed = found.group(1)
    if bare and "-" not in typed and not any(ch.isdigit() for ch in typed):
        return None
    report_id = normalize_tracking_id(re.sub(r"[\s.]", "", typed))
    return (report_id, _rest(text[found.end() :])) if report_id else None


def _rest(text: str) -> str:
    return re.sub(rf"^{_SEPARATORS}", "", text).strip()


def parse(text: str) -> Parsed:
    """What a message asks for (see the module's syntax)."""
    first = _word(text)
    keyword = first[0] if first else ""
    if not text.strip() or keyword in _HELP:
        return Help("en" if keyword == "HELP" else "id")
    language = "en" if keyword in _ENGLISH else "id"
    if first and keyword in _FOLLOW_UP | _STATUS:
        found = _tracking_id(first[1])
        if found is None:
            return Help(language)
        report_id, rest = found
        if keyword in _STATUS or not rest:
            return StatusQuery(report_id, language)
        return FollowUp(report_id, rest)
    bare = _tracking_id(text, bare=True)
    if bare is not None:
        report_id, rest = bare
        return FollowUp(report_id, rest) if rest else StatusQuery(report_id)
    return _new_report(text)


def _new_report(text: str) -> NewReport:
    flags: set[str] = set()
    rest = text
    while (found := _word(rest)) is not None and found[0] in _FLAGS:
        flags.add(found[0])
        rest = found[1]
    kind = next((_TYPES[flag] for flag in ("ASPIRASI", "INFORMASI") if flag in flags), None)
    return NewReport(
        type=kind or REPORT_TYPE_COMPLAINT,
        anonymous="ANONIM" in flags,
        confidential="RAHASIA" in flags,
        text=_rest(rest),
    )


def fits(text: str) -> bool:
    """Whether a new report's text is long enough, and short enough, to be filed."""
    return BODY_LENGTH[0] <= len(" ".join(text.split())) and len(text) <= BODY_LENGTH[1]


def title_of(text: str) -> str:
    """The report's title: its first words, cut at a word boundary, at most 60 characters (a
    first word longer than that is cut), never shorter than the shortest title allowed."""
    words = " ".join(text.split())
    if len(words) <= TITLE_WORDS_UP_TO:
        return words
    head, space, _ = words[: TITLE_WORDS_UP_TO + 1].rpartition(" ")
    return head if space and len(head) >= TITLE_LENGTH[0] else words[:TITLE_WORDS_UP_TO]


def normalize_phone(text: str) -> str | None:
    """An Indonesian number in E.164 (``08…``, ``8…``, ``628…``, ``+628…`` all become
    ``+628…``); a foreign one written ``+<digits>`` kept; None when it is no phone number."""
    compact = re.sub(r"[\s().\-]", "", text)
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("0"):
        digits = "62" + compact[1:]
    elif compact.startswith("8"):
        digits = "62" + compact
    else:
        digits = compact
    return "+" + digits if _DIGITS.fullmatch(digits) else None
