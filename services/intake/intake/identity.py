"""Reporters' identities, sealed with a data key per reporter kept outside the log.

Each identity is encrypted (AES-256-GCM) under its own random data key. The
data key is stored in intake's database wrapped by the master key
(INTAKE_IDENTITY_KEY), never in the log. Erasing a reporter deletes the data
key: every copy of the ciphertext, on the log and in its replays, becomes
unreadable (crypto-shredding).

The reporter's access secret is sealed under the same data key, beside the wrapped key and
never on the log, so the notification service can send it to the contact the reporter gave;
erasing the reporter erases it too.
"""

import base64
import hashlib
import hmac
import os
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo.asynchronous.collection import AsyncCollection

from intake.domain.model import Sealed
from lapor.report.v1.events_pb2 import ReporterIdentity

_NONCE = 12


def master_key_from(text: str) -> bytes:
    """The master key from its base64 form; it must be 32 bytes."""
    key = base64.b64decode(text, validate=True)
    if len(key) != 32:
        raise ValueError("INTAKE_IDENTITY_KEY must be base64 of exactly 32 bytes")
    return key


def _secret_aad(key_id: str) -> bytes:
    return f"{key_id}:access-secret".encode()


class IdentityVault:
    def __init__(self, keys: AsyncCollection[dict[str, Any]], master_key: bytes) -> None:
        self._keys = keys
        self._master = AESGCM(master_key)
        self._derivation = hmac.new(master_key, b"lapor-derived-tokens", hashlib.sha256).digest()

    async def seal(self, identity: ReporterIdentity, access_secret: str) -> Sealed:
        key_id = uuid.uuid4().hex
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce = os.urandom(_NONCE)
        wrapped = self._master.encrypt(wrap_nonce, data_key, key_id.encode())
        secret_nonce = os.urandom(_NONCE)
        secret = AESGCM(data_key).encrypt(secret_nonce, access_secret.encode(), _secret_aad(key_id))
        await self._keys.insert_one(
            {"_id": key_id, "wrapped": wrap_nonce + wrapped, "secret": secret_nonce + secret}
        )
        nonce = os.urandom(_NONCE)
        ciphertext = AESGCM(data_key).encrypt(nonce, identity.SerializeToString(), key_id.encode())
        return Sealed(key_id=key_id, nonce=nonce, ciphertext=ciphertext)

    async def open(self, sealed: Sealed) -> ReporterIdentity | None:
        """The identity, or None once the reporter's data key has been erased."""
        opened = await self.open_with_secret(sealed)
        return opened[0] if opened else None

    async def open_with_secret(self, sealed: Sealed) -> tuple[ReporterIdentity, str] | None:
        """The identity and the access secret sealed with it ("" when none was), or None once
        the reporter's data key has been erased."""
        stored = await self._keys.find_one({"_id": sealed.key_id})
        if stored is None:
            return None
        wrapped, aad = bytes(stored["wrapped"]), sealed.key_id.encode()
        try:
            data_key = AESGCM(self._master.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], aad))
            plain = data_key.decrypt(sealed.nonce, sealed.ciphertext, aad)
            secret = b""
            if "secret" in stored:
                box = bytes(stored["secret"])
                secret = data_key.decrypt(box[:_NONCE], box[_NONCE:], _secret_aad(sealed.key_id))
        except InvalidTag:
            return None
        identity = ReporterIdentity()
        identity.ParseFromString(plain)
        return identity, secret.decode()

    async def erase(self, key_id: str) -> None:
        await self._keys.delete_one({"_id": key_id})

    def derive(self, purpose: str, text: str) -> bytes:
        """A stable secret value for (purpose, text) that only this deployment can compute."""
        return hmac.new(self._derivation, f"{purpose}\x00{text}".encode(), hashlib.sha256).digest()
