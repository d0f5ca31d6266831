"""Fakes for the SMS channel's ports: in memory, with the real adapters' semantics."""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake.domain.sms_parts import Part
from intake.sms_replies import SmsReplies
from intake.sms_store import SmsAnswers, SmsParts, StoredPart, Tombstone
from lapor.channel.v1.sms_pb2 import SmsReplyRequested


class FakeSmsAnswers(SmsAnswers):
    def __init__(self) -> None:
        self.answers: dict[str, dict[str, Any]] = {}

    async def get(self, key: str) -> dict[str, Any] | None:
        await asyncio.sleep(0)
        found = self.answers.get(key)
        return None if found is None else dict(found)

    async def save(self, key: str, answer: dict[str, Any], at: datetime) -> None:
        await asyncio.sleep(0)
        self.answers.setdefault(key, dict(answer))


@dataclass
class _Stored:
    group: str
    part: Part
    sender: str
    stored_at: datetime
    answer_key: str = ""


class FakeSmsParts(SmsParts):
    """Parts by message id; a processed part keeps neither text nor number."""

    def __init__(self) -> None:
        self.parts: dict[str, _Stored] = {}

    async def add(self, stored: StoredPart, sender: str, at: datetime) -> Tombstone | None:
        await asyncio.sleep(0)
        found = self.parts.get(stored.part.message_id)
        if found is not None:
            return Tombstone(found.group, found.answer_key)
        self.parts[stored.part.message_id] = _Stored(stored.group, stored.part, sender, at)
        return None

    def _open(self, group: str) -> list[_Stored]:
        return [s for s in self.parts.values() if s.group == group and not s.answer_key]

    async def waiting(self, group: str) -> list[Part]:
        await asyncio.sleep(0)
        return [s.part for s in self._open(group)]

    async def sender(self, group: str) -> str | None:
        await asyncio.sleep(0)
        return next((s.sender for s in self._open(group)), None)

    async def overdue(self, before: datetime) -> list[str]:
        await asyncio.sleep(0)
        return sorted(
            {s.group for s in self.parts.values() if not s.answer_key and s.stored_at < before}
        )

    async def close(self, parts: list[Part], answer_key: str) -> None:
        await asyncio.sleep(0)
        for part in parts:
            stored = self.parts[part.message_id]
            stored.answer_key, stored.sender = answer_key, ""
            stored.part = Part(part.message_id, part.number, part.total, "")

    async def purge(self, before: datetime) -> None:
        await asyncio.sleep(0)
        self.parts = {
            k: s for k, s in self.parts.items() if not s.answer_key or s.stored_at >= before
        }


class FakeSmsReplies(SmsReplies):
    def __init__(self) -> None:
        self.sent: list[SmsReplyRequested] = []

    async def request(self, reply: SmsReplyRequested) -> None:
        await asyncio.sleep(0)
        self.sent.append(reply)
