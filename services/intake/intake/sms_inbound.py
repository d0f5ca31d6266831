"""An SMS as the gateway posts it: JSON or form-encoded, checked field by field.

Fields: ``from`` (the sender's number), ``text``, ``received_at`` (ISO 8601 with an offset),
``message_id`` (the gateway's id); the parts of a long message also ``concat_ref``,
``concat_part`` (1-based) and ``concat_total``. Fields the platform does not use are ignored
(gateways add their own). Every problem is reported at once (422).
"""

import json
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake.domain.model import Invalid
from intake.domain.sms import normalize_phone
from intake.domain.submission import BODY_LENGTH

MAX_ID = 200
MAX_PARTS = 20
_EXAMPLE_TIME = "2026-11-23T09:15:00+07:00"
_CONCAT = ("concat_ref", "concat_part", "concat_total")


class UnsupportedBody(Exception):
    """Neither JSON nor form-encoded (415)."""


@dataclass(frozen=True)
class Concat:
    ref: str
    part: int
    total: int


@dataclass(frozen=True)
class InboundSms:
    sender: str
    text: str
    received_at: datetime
    message_id: str
    concat: Concat | None = None


def fields_of(content_type: str, body: bytes) -> dict[str, Any]:
    """The posted fields, from JSON or application/x-www-form-urlencoded."""
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind == "application/json":
        try:
            found = json.loads(body)
        except ValueError as exc:
            raise Invalid([f"the body is not JSON: {exc}"]) from exc
        if not isinstance(found, dict):
            raise Invalid(["the body must be a JSON object"])
        return found
    if kind == "application/x-www-form-urlencoded":
        try:
            text = body.decode()
            pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise Invalid([f"the body is not form-encoded UTF-8: {exc}"]) from exc
        return dict(pairs)
    raise UnsupportedBody("send application/json or application/x-www-form-urlencoded")


def _text(fields: dict[str, Any], name: str, problems: list[str], limit: int) -> str:
    value = fields.get(name)
    if value is None:
        problems.append(f"{name} is required")
    elif not isinstance(value, str):
        problems.append(f"{name} must be a string")
    elif len(value) > limit:
        problems.append(f"{name} must have at most {limit} characters")
    else:
        return value
    return ""


def _number(fields: dict[str, Any], name: str, problems: list[str]) -> int:
    value = fields.get(name)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PARTS:
        problems.append(f"{name} must be a whole number from 1 to {MAX_PARTS}")
        return 0
    return value


def _moment(fields: dict[str, Any], problems: list[str]) -> datetime:
    value = fields.get("received_at")
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        problems.append(f"received_at must be ISO 8601 with an offset, e.g. {_EXAMPLE_TIME}")
        return datetime.min
    return moment


def _concat(fields: dict[str, Any], problems: list[str]) -> Concat | None:
    if not any(fields.get(name) not in (None, "") for name in _CONCAT):
        return None
    ref = fields.get("concat_ref")
    if not isinstance(ref, str) or not ref.strip() or len(ref) > MAX_ID:
        problems.append(f"concat_ref must be given with the parts, at most {MAX_ID} characters")
        ref = ""
    part = _number(fields, "concat_part", problems)
    total = _number(fields, "concat_total", problems)
    if part > total:
        problems.append("concat_part must not be greater than concat_total")
    return Concat(ref.strip(), part, total)


def inbound(fields: dict[str, Any]) -> InboundSms:
    """The SMS the fields describe, or Invalid with every problem."""
    problems: list[str] = []
    sender = normalize_phone(_text(fields, "from", problems, 32))
    if sender is None and not problems:
        problems.append("from must be a phone number, e.g. +6281234567890 or 081234567890")
    text = _text(fields, "text", problems, BODY_LENGTH[1])
    message_id = _text(fields, "message_id", problems, MAX_ID).strip()
    if not message_id and isinstance(fields.get("message_id"), str):
        problems.append("message_id must not be empty")
    received_at = _moment(fields, problems)
    concat = _concat(fields, problems)
    if problems or sender is None:
        raise Invalid(problems)
    return InboundSms(sender, text, received_at, message_id, concat)
