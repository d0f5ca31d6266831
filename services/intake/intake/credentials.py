"""Integration keys of agencies' own systems, managed by the national administrators.

A key reads ``lpk_<key id>_<secret>`` and is shown once, when it is issued. Intake keeps only
the SHA-256 of the secret, in the collection ``integration_credentials`` with ``_id`` = key id
(so every check is one lookup by ``_id``). A revoked key stays listed, and is refused.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from intake.auth import Unauthenticated
from intake.domain.imports import Importer
from intake.domain.model import NotFound
from lapor_common.mongo import Document

PREFIX = "lpk"
_KEY_ID_BYTES = 8


@dataclass(frozen=True)
class Credential:
    key_id: str
    agency_code: str
    agency_name: str
    label: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None

    def listed(self) -> dict[str, Any]:
        """As the administrators see it: never the secret, which intake does not have."""
        return {
            "key_id": self.key_id,
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "label": self.label,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _credential(document: Document) -> Credential:
    return Credential(
        key_id=document["_id"],
        agency_code=document["agency_code"],
        agency_name=document["agency_name"],
        label=document["label"],
        created_at=document["created_at"],
        created_by=document["created_by"],
        revoked_at=document.get("revoked_at"),
    )


class Credentials:
    def __init__(self, documents: AsyncCollection[Document]) -> None:
        self._documents = documents

    async def issue(self, credential: Credential) -> str:
        """Store a new key for the credential's agency; the key itself, shown only now."""
        secret = secrets.token_urlsafe(32)
        document = {
            "_id": credential.key_id,
            "agency_code": credential.agency_code,
            "agency_name": credential.agency_name,
            "label": credential.label,
            "created_at": credential.created_at,
            "created_by": credential.created_by,
            "secret_sha256": _digest(secret),
        }
        await self._documents.insert_one(document)
        return f"{PREFIX}_{credential.key_id}_{secret}"

    async def listing(self, agency_code: str = "") -> list[Credential]:
        query = {"agency_code": agency_code} if agency_code else {}
        cursor = self._documents.find(query, {"secret_sha256": 0}).sort("created_at", 1)
        return [_credential(document) async for document in cursor]

    async def revoke(self, key_id: str, at: datetime) -> None:
        """Refuse the key from now on; revoking a revoked key changes nothing."""
        stored = await self._documents.find_one({"_id": key_id}, {"revoked_at": 1})
        if stored is None:
            raise NotFound(f"no integration key {key_id!r}")
        if stored.get("revoked_at") is None:
            await self._documents.update_one({"_id": key_id}, {"$set": {"revoked_at": at}})

    async def importer(self, api_key: str) -> Importer:
        """The agency a key speaks for, or Unauthenticated with the reason."""
        prefix, _, rest = api_key.strip().partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != PREFIX or not key_id or not secret:
            raise Unauthenticated("send the agency's integration key, lpk_<key id>_<secret>")
        stored = await self._documents.find_one({"_id": key_id})
        if stored is None or not hmac.compare_digest(
            bytes(stored["secret_sha256"]), _digest(secret)
        ):
            raise Unauthenticated("the integration key is not valid")
        if stored.get("revoked_at") is not None:
            raise Unauthenticated("the integration key was revoked")
        return Importer(stored["agency_code"], stored["agency_name"], key_id)


def new_key_id() -> str:
    return secrets.token_hex(_KEY_ID_BYTES)
