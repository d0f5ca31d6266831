"""What the SMS channel keeps in intake's database, besides the reports themselves.

- ``sms_messages``: the first answer to each inbound message, by its idempotency key (hashed,
  as on the log), so a message the gateway posts again gets it without being acted on twice.
- ``sms_parts``: the parts of long messages until their group is complete, one document per
  part (``_id`` = the part's message id, so a part posted again is a no-op). A group is
  a keyed hash of the sender and the gateway's reference; the sender's number is stored
  encrypted (AES-256-GCM under a key derived from the master key), since the wait loop must
  reply to it. Once the group is processed, text and number are removed; the part stays as
  a tombstone naming the answer, for idempotency, until it is purged.
"""

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson.binary import Binary
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from intake.domain.sms_parts import Part
from lapor_common.mongo import Document

_NONCE = 12


class SmsAnswers:
    def __init__(self, answers: AsyncCollection[Document]) -> None:
        self._answers = answers

    async def get(self, key: str) -> dict[str, Any] | None:
        found = await self._answers.find_one({"_id": key})
        return None if found is None else dict(found["answer"])

    async def save(self, key: str, answer: dict[str, Any], at: datetime) -> None:
        try:
            await self._answers.insert_one({"_id": key, "answer": answer, "at": at})
        except DuplicateKeyError:
            return


@dataclass(frozen=True)
class StoredPart:
    group: str
    part: Part
    received_at: datetime


@dataclass(frozen=True)
class Tombstone:
    """A part already stored: ``answer_key`` names its group's answer once processed."""

    group: str
    answer_key: str


class SmsParts:
    def __init__(self, parts: AsyncCollection[Document], key: bytes) -> None:
        self._parts = parts
        self._cipher = AESGCM(key)

    async def prepare(self) -> None:
        await self._parts.create_index([("group", ASCENDING)])
        await self._parts.create_index([("open", ASCENDING), ("stored_at", ASCENDING)])

    async def add(self, stored: StoredPart, sender: str, at: datetime) -> Tombstone | None:
        """Store a part; the part already there (None when this one is new)."""
        part, nonce = stored.part, os.urandom(_NONCE)
        sealed = self._cipher.encrypt(nonce, sender.encode(), stored.group.encode())
        document = {
            "_id": part.message_id,
            "group": stored.group,
            "number": part.number,
            "total": part.total,
            "text": part.text,
            "sender": Binary(nonce + sealed),
            "received_at": stored.received_at,
            "stored_at": at,
            "open": True,
        }
        try:
            await self._parts.insert_one(document)
        except DuplicateKeyError:
            found = await self._parts.find_one({"_id": part.message_id})
            return Tombstone(found["group"], found.get("answer_key", "")) if found else None
        return None

    async def waiting(self, group: str) -> list[Part]:
        """The group's parts not processed yet."""
        cursor = self._parts.find({"group": group, "open": True})
        return [_part(document) async for document in cursor]

    async def sender(self, group: str) -> str | None:
        """The number that sent the group's waiting parts."""
        found = await self._parts.find_one({"group": group, "open": True})
        if found is None:
            return None
        box = bytes(found["sender"])
        return self._cipher.decrypt(box[:_NONCE], box[_NONCE:], group.encode()).decode()

    async def overdue(self, before: datetime) -> list[str]:
        """Groups with a part waiting since before ``before``."""
        cursor = self._parts.find({"open": True, "stored_at": {"$lt": before}}, {"group": 1})
        return sorted({document["group"] async for document in cursor})

    async def close(self, parts: list[Part], answer_key: str) -> None:
        """Keep only tombstones of processed parts: no text, no number."""
        await self._parts.update_many(
            {"_id": {"$in": [part.message_id for part in parts]}},
            {"$set": {"answer_key": answer_key}, "$unset": {"text": "", "sender": "", "open": ""}},
        )

    async def purge(self, before: datetime) -> None:
        """Forget tombstones older than ``before`` (a gateway retries within hours, not weeks)."""
        await self._parts.delete_many({"open": {"$exists": False}, "stored_at": {"$lt": before}})


def _part(document: Document) -> Part:
    return Part(document["_id"], document["number"], document["total"], document["text"])
