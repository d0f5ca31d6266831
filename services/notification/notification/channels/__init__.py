"""The channels a message leaves by. Each adapter answers with a Result: sent, or a failure
that is worth retrying (transient) or not (permanent)."""

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    detail: str = ""


def sent(detail: str = "") -> Result:
    return Result(Outcome.SENT, detail)


def transient(detail: str) -> Result:
    return Result(Outcome.TRANSIENT, detail)


def permanent(detail: str) -> Result:
    return Result(Outcome.PERMANENT, detail)
