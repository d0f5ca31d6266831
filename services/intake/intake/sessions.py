"""Signing in (a session is a bearer token, ``lapor_common.tokens``) and opening accounts, for
the REST API and the operators' CLI alike. scrypt runs in a worker thread, off the loop."""

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from intake.account_store import AccountStore
from intake.auth import Unauthenticated
from intake.domain.accounts import (
    Account,
    AccountRole,
    NewAccount,
    PasswordHash,
    hash_password,
    password_matches,
)
from intake.handlers import Clock, Unavailable
from lapor_common.tokens import issue

AgencyNames = Callable[[str], Awaitable[str]]
SALT_BYTES = 16
WRONG = "Nama pengguna atau kata sandi salah / Wrong username or password"


class TooManyAttempts(Exception):
    """Too many failed sign-ins to this account lately (429, with Retry-After)."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(
            "Terlalu banyak percobaan masuk yang gagal; coba lagi nanti / "
            "Too many failed sign-ins; try again later"
        )
        self.seconds = max(1, int(retry_after.total_seconds() + 0.999))


async def new_password_hash(password: str) -> PasswordHash:
    return await asyncio.to_thread(hash_password, password, secrets.token_bytes(SALT_BYTES))


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    account: Account

    def json(self) -> dict[str, Any]:
        account = self.account
        return {
            "token": self.token,
            "expires_at": self.expires_at.isoformat(),
            "username": account.username,
            "role": account.role.value,
            "agency_code": account.agency_code,
            "agency_name": account.agency_name,
            "display_name": account.display_name,
        }


class SignIn:
    """Username and password for a bearer token. A wrong username, a wrong password and a
    disabled account are refused alike, after the same work (an unknown user's password is
    checked against a stand-in hash)."""

    def __init__(
        self,
        accounts: AccountStore,
        signing_key: str | None,
        lifetime: timedelta,
        clock: Clock,
        stand_in: PasswordHash,
    ) -> None:
        self._accounts = accounts
        self._key = signing_key
        self._lifetime = lifetime
        self._clock = clock
        self._stand_in = stand_in

    async def sign_in(self, username: str, password: str) -> Session:
        if not self._key:
            raise Unavailable("this deployment issues no bearer tokens (no signing key)")
        now = self._clock().replace(microsecond=0)
        found = await self._accounts.get(username.strip().lower())
        if found is not None:
            wait = await self._accounts.claim_attempt(found[0].username, now)
            if wait is not None:
                raise TooManyAttempts(wait)
        stored = found[1] if found else self._stand_in
        right = await asyncio.to_thread(password_matches, password, stored)
        if found is None or not right or found[0].disabled_at is not None:
            raise Unauthenticated(WRONG)
        account = found[0]
        await self._accounts.signed_in(account.username)
        return Session(self._token(account, now), now + self._lifetime, account)

    def _token(self, account: Account, now: datetime) -> str:
        assert self._key
        return issue(
            self._key,
            account.role.value,
            account.username,
            account.agency_code,
            self._lifetime,
            issued_at=now,
        )


async def open_account(
    accounts: AccountStore,
    agency_names: AgencyNames,
    new: NewAccount,
    password: str,
    opened: tuple[datetime, str],
) -> Account:
    """Store a checked new account with this password; ``opened``: when and by whom. An
    officer's agency must be in routing's directory (Invalid otherwise)."""
    at, by = opened
    agency_name = await agency_names(new.agency_code) if new.role is AccountRole.OFFICER else ""
    account = Account(
        new.username, new.role, new.agency_code, agency_name, new.display_name, at, by
    )
    await accounts.add(account, await new_password_hash(password))
    return account


def new_password() -> str:
    """An initial password, shown once."""
    return secrets.token_urlsafe(12)
