"""The SMS gateway's documented JSON API: POST /sms/v1/messages (see README.md).

A reference is the sender's idempotency key: a repeated one answers 200 with the first
answer and ``"duplicate": true``, counts the request, and sends nothing more.
"""

import hmac
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .records import MessageLog, Record, received_now
from .segments import segments
from .settings import Settings

log = logging.getLogger(__name__)

FIELDS = ("reference", "to", "text", "sender")
INDONESIAN_E164 = re.compile(r"\+62[0-9]{8,13}")
DEFAULT_SENDER = "1708"


class BadRequest(Exception):
    """The request's body, with the precise reason it cannot be sent."""


@dataclass(frozen=True)
class Sms:
    reference: str
    to: str
    text: str
    sender: str


def _string(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if value is None:
        raise BadRequest(f'"{field}" is required')
    if not isinstance(value, str):
        raise BadRequest(f'"{field}" must be a string, not {type(value).__name__}')
    return value


def _bounded(body: dict[str, Any], field: str, longest: int) -> str:
    value = _string(body, field)
    if not 1 <= len(value) <= longest:
        raise BadRequest(f'"{field}" must be 1 to {longest} characters long, not {len(value)}')
    return value


def parse_sms(body: object) -> Sms:
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(unknown)}")
    reference = _bounded(body, "reference", 100)
    to = _string(body, "to")
    if not INDONESIAN_E164.fullmatch(to):
        raise BadRequest('"to" must be an Indonesian number in E.164: +62 then 8 to 13 digits')
    text = _bounded(body, "text", 1530)
    sender = DEFAULT_SENDER if body.get("sender") is None else _bounded(body, "sender", 11)
    return Sms(reference, to, text, sender)


async def _body(request: web.Request) -> object:
    try:
        return await request.json()
    except ValueError as error:
        raise BadRequest(f"the body is not valid JSON: {error}") from error


def _refusal(authorization: str, key: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return "no bearer key: send Authorization: Bearer <key>"
    if not hmac.compare_digest(token.encode(), key.encode()):
        return "wrong bearer key"
    return ""


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def _answer(record: Record) -> dict[str, object]:
    return {field: record[field] for field in ("id", "reference", "parts", "encoding")}


def _record(sms: Sms) -> Record:
    parts, encoding = segments(sms.text)
    return {
        "kind": "sms",
        "received_at": received_now(),
        "id": f"sms-{uuid.uuid4().hex}",
        "reference": sms.reference,
        "to": sms.to,
        "sender": sms.sender,
        "text": sms.text,
        "parts": parts,
        "encoding": encoding,
        "requests": 1,
    }


class SmsGateway:
    def __init__(self, settings: Settings, messages: MessageLog) -> None:
        self._settings = settings
        self._messages = messages

    async def send(self, request: web.Request) -> web.Response:
        refusal = _refusal(request.headers.get("Authorization", ""), self._settings.sms_key)
        if refusal:
            return _error(401, refusal)
        try:
            sms = parse_sms(await _body(request))
        except BadRequest as error:
            return _error(400, str(error))
        return self._accept(sms)

    def _accept(self, sms: Sms) -> web.Response:
        earlier = self._messages.find("sms", "reference", sms.reference)
        if earlier is not None:
            return self._repeat(earlier)
        if sms.to in self._settings.sms_unreachable:
            return _error(422, f"{sms.to} cannot be reached (MAILBOX_SMS_UNREACHABLE)")
        if sms.to in self._settings.sms_failing:
            return _error(503, f"sending to {sms.to} failed for now (MAILBOX_SMS_FAILING)")
        record = _record(sms)
        self._messages.add(record)
        log.info("SMS to %s: %d part(s), %s", sms.to, record["parts"], record["encoding"])
        return web.json_response(_answer(record), status=202)

    def _repeat(self, earlier: Record) -> web.Response:
        record = {**earlier, "requests": earlier["requests"] + 1}
        self._messages.update(record)
        log.info("SMS reference %s repeated (%d requests)", record["reference"], record["requests"])
        return web.json_response({**_answer(record), "duplicate": True}, status=200)
