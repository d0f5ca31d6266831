"""An in-memory AccountStore with the real adapter's semantics (tests/contract checks both)."""

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

from intake.account_store import AccountStore
from intake.domain.accounts import Account, Attempts, PasswordHash, retry_after, window_over
from intake.domain.model import NotFound, Refused


class FakeAccountStore(AccountStore):
    def __init__(self) -> None:
        self.accounts: dict[str, tuple[Account, PasswordHash]] = {}
        self.attempts: dict[str, Attempts] = {}

    async def prepare(self) -> None:
        return None

    async def add(self, account: Account, password: PasswordHash) -> None:
        await asyncio.sleep(0)
        if account.username in self.accounts:
            raise Refused(f"an account named {account.username!r} exists")
        self.accounts[account.username] = (account, password)
        self.attempts[account.username] = Attempts()

    async def get(self, username: str) -> tuple[Account, PasswordHash] | None:
        await asyncio.sleep(0)
        return self.accounts.get(username)

    async def listing(self, agency_code: str | None = None) -> list[Account]:
        found = [account for account, _ in self.accounts.values()]
        found = [a for a in found if agency_code is None or a.agency_code == agency_code]
        return sorted(found, key=lambda account: account.username)

    async def disable(self, username: str, at: datetime) -> Account:
        if username not in self.accounts:
            raise NotFound(f"no account {username!r}")
        account, password = self.accounts[username]
        if account.disabled_at is None:
            self.accounts[username] = (replace(account, disabled_at=at), password)
        return self.accounts[username][0]

    async def claim_attempt(self, username: str, now: datetime) -> timedelta | None:
        await asyncio.sleep(0)
        if username not in self.attempts:
            return None
        current = self.attempts[username]
        if window_over(current, now):
            current = Attempts()
        wait = retry_after(current, now)
        if wait is None:
            self.attempts[username] = Attempts(current.count + 1, current.since or now)
        return wait

    async def signed_in(self, username: str) -> None:
        self.attempts[username] = Attempts()
