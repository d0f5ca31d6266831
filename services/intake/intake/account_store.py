"""Officers' and administrators' accounts in intake's database. Not read models: nothing on
the log, never replayed.

- ``accounts``: ``_id`` = username, the password's scrypt hash with its salt and parameters,
  and the round of sign-in attempts now counted;
- ``sign_in_attempts``: the attempts of a round, one document per slot,
  ``_id`` = ``<username>/<round>/<slot>`` with slots 1 to MAX_FAILURES. An attempt takes the
  first free slot by inserting it: the unique ``_id`` is the one write the MongoDB-wire server
  here (FerretDB) does atomically, so guesses sent at once each take a slot, and none is left
  for the sixth. A round ends with its window (LOCKOUT_WINDOW from slot 1) or a right password.
"""

from dataclasses import asdict
from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from intake.domain.accounts import (
    MAX_FAILURES,
    Account,
    AccountRole,
    Attempts,
    PasswordHash,
    retry_after,
    window_over,
)
from intake.domain.model import NotFound, Refused
from lapor_common.mongo import Document

# The answer when slots fill while a window ends: try again in a moment.
_BUSY = timedelta(seconds=1)


def _account(document: Document) -> Account:
    return Account(
        username=document["_id"],
        role=AccountRole(document["role"]),
        agency_code=document["agency_code"],
        agency_name=document["agency_name"],
        display_name=document["display_name"],
        created_at=document["created_at"],
        created_by=document["created_by"],
        disabled_at=document.get("disabled_at"),
    )


def _password(document: Document) -> PasswordHash:
    stored = document["password"]
    return PasswordHash(
        bytes(stored["salt"]), bytes(stored["digest"]), stored["n"], stored["r"], stored["p"]
    )


def _slot(username: str, round_: int, slot: int) -> str:
    return f"{username}/{round_}/{slot}"


class AccountStore:
    def __init__(
        self, accounts: AsyncCollection[Document], attempts: AsyncCollection[Document]
    ) -> None:
        self._accounts = accounts
        self._attempts = attempts

    async def prepare(self) -> None:
        await self._accounts.create_index([("agency_code", ASCENDING)])
        await self._attempts.create_index([("username", ASCENDING), ("round", ASCENDING)])

    async def add(self, account: Account, password: PasswordHash) -> None:
        """Store a new account; Refused when the username is taken."""
        document = {
            "_id": account.username,
            "role": account.role.value,
            "agency_code": account.agency_code,
            "agency_name": account.agency_name,
            "display_name": account.display_name,
            "created_at": account.created_at,
            "created_by": account.created_by,
            "disabled_at": None,
            "password": {"scheme": "scrypt", **asdict(password)},
            "attempt_round": 0,
        }
        try:
            await self._accounts.insert_one(document)
        except DuplicateKeyError:
            raise Refused(f"an account named {account.username!r} exists") from None

    async def get(self, username: str) -> tuple[Account, PasswordHash] | None:
        document = await self._accounts.find_one({"_id": username})
        return None if document is None else (_account(document), _password(document))

    async def listing(self, agency_code: str | None = None) -> list[Account]:
        """Every account (of one agency), by username; never a password's hash."""
        query = {} if agency_code is None else {"agency_code": agency_code}
        cursor = self._accounts.find(query, {"password": 0}).sort("_id", ASCENDING)
        return [_account(document) async for document in cursor]

    async def disable(self, username: str, at: datetime) -> Account:
        """Refuse the account's sign-ins from now on (disabling it again changes nothing)."""
        await self._accounts.update_one(
            {"_id": username, "disabled_at": None}, {"$set": {"disabled_at": at}}
        )
        document = await self._accounts.find_one({"_id": username}, {"password": 0})
        if document is None:
            raise NotFound(f"no account {username!r}")
        return _account(document)

    async def claim_attempt(self, username: str, now: datetime) -> timedelta | None:
        """Take a slot for a sign-in attempt before its password is checked; how long to wait
        instead when the round's slots are taken (None for an unknown username)."""
        account = await self._accounts.find_one({"_id": username}, {"attempt_round": 1})
        if account is None:
            return None
        round_ = account["attempt_round"]
        if window_over(await self._first(username, round_), now):
            round_ = await self._next_round(username, round_)
        for slot in range(1, MAX_FAILURES + 1):
            try:
                await self._attempts.insert_one(
                    {
                        "_id": _slot(username, round_, slot),
                        "username": username,
                        "round": round_,
                        "at": now,
                    }
                )
                return None
            except DuplicateKeyError:
                continue
        full = Attempts(MAX_FAILURES, (await self._first(username, round_)).since)
        return retry_after(full, now) or _BUSY

    async def signed_in(self, username: str) -> None:
        """The attempt was right: a new round starts."""
        account = await self._accounts.find_one({"_id": username}, {"attempt_round": 1})
        if account is not None:
            await self._next_round(username, account["attempt_round"])

    async def _first(self, username: str, round_: int) -> Attempts:
        first = await self._attempts.find_one({"_id": _slot(username, round_, 1)})
        return Attempts() if first is None else Attempts(1, first["at"])

    async def _next_round(self, username: str, round_: int) -> int:
        """The round after ``round_`` (attempts at once agree on it); older slots go."""
        await self._accounts.update_one({"_id": username}, {"$max": {"attempt_round": round_ + 1}})
        await self._attempts.delete_many({"username": username, "round": {"$lte": round_}})
        return round_ + 1
