"""Long SMS come in parts (concatenated SMS): each carries the group's reference, its place
(1-based) and the group's size. The parts of one sender and reference are joined in order
once all are in, or with what is in once the wait is over, so nothing is lost."""

import re
from dataclasses import dataclass

MISSING = " [...] "


@dataclass(frozen=True)
class Part:
    message_id: str
    number: int
    total: int
    text: str


def complete(parts: list[Part]) -> bool:
    """Whether every part of the group is in (each place once, the group's size reached)."""
    if not parts:
        return False
    total = max(part.total for part in parts)
    return {part.number for part in parts} >= set(range(1, total + 1))


def assembled(parts: list[Part]) -> str:
    """The message, its parts joined in order (a part sent twice counts once). Parts split
    words where the phone cut them, so they are joined as they are, without spaces; a part
    that never came is shown as `` [...] ``."""
    by_number = {part.number: part.text for part in parts}
    last = max(part.total for part in parts)
    text = "".join(by_number.get(number, MISSING) for number in range(1, last + 1))
    return re.sub(" {2,}", " ", text).strip() if len(by_number) < last else text


def group_key(parts: list[Part]) -> str:
    """The idempotency key of the message the parts make: from their sorted message ids, so
    every replica that assembles the same parts files one report."""
    return "sms:" + ",".join(sorted(part.message_id for part in parts))
