"""One suite for intake's account store, run against the fake and the real adapter: accounts
read back as stored, never listed with their password, taken usernames, disabling, and the
sign-in attempts that lock an account for the rest of its window, counted even when sent at
once."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from intake.account_store import AccountStore
from intake.domain.accounts import (
    LOCKOUT_WINDOW,
    MAX_FAILURES,
    Account,
    AccountRole,
    PasswordHash,
)
from intake.domain.model import NotFound, Refused
from tests.conftest import scratch_database
from tests.infra import Infrastructure
from tests.unit.account_fakes import FakeAccountStore

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OFFICER = Account(
    "petugas.bandung",
    AccountRole.OFFICER,
    "pemkab-3204",
    "Pemerintah Kabupaten Bandung",
    "Petugas Kabupaten Bandung",
    AT,
    "admin",
)
ADMIN = Account("admin", AccountRole.ADMINISTRATOR, "", "", "Administrator Nasional", AT, "cli")
PASSWORD = PasswordHash(b"\x00salt\xff" * 2, b"\x01digest" * 4, n=2**10, r=8, p=1)


@pytest.fixture(params=["fake", "mongodb"])
async def accounts(request: pytest.FixtureRequest) -> AsyncIterator[AccountStore]:
    if request.param == "fake":
        yield FakeAccountStore()
        return
    infra: Infrastructure = request.getfixturevalue("infra")
    async with scratch_database(infra) as database:
        store = AccountStore(database["accounts"], database["sign_in_attempts"])
        await store.prepare()
        yield store


async def test_an_account_reads_back_as_stored(accounts: AccountStore) -> None:
    await accounts.add(OFFICER, PASSWORD)
    assert await accounts.get(OFFICER.username) == (OFFICER, PASSWORD)
    assert await accounts.get("tidak.ada") is None


async def test_a_taken_username_is_refused(accounts: AccountStore) -> None:
    await accounts.add(OFFICER, PASSWORD)
    with pytest.raises(Refused):
        await accounts.add(replace(ADMIN, username=OFFICER.username), PASSWORD)


async def test_accounts_are_listed_by_username_or_agency(accounts: AccountStore) -> None:
    await accounts.add(OFFICER, PASSWORD)
    await accounts.add(ADMIN, PASSWORD)
    assert await accounts.listing() == [ADMIN, OFFICER]
    assert await accounts.listing("pemkab-3204") == [OFFICER]
    assert await accounts.listing("") == [ADMIN]


async def test_a_disabled_account_stays_disabled_from_the_first_time(
    accounts: AccountStore,
) -> None:
    await accounts.add(OFFICER, PASSWORD)
    disabled = await accounts.disable(OFFICER.username, AT + timedelta(hours=1))
    assert disabled.disabled_at == AT + timedelta(hours=1)
    again = await accounts.disable(OFFICER.username, AT + timedelta(hours=2))
    assert again.disabled_at == AT + timedelta(hours=1)
    found = await accounts.get(OFFICER.username)
    assert found is not None
    assert found[0] == disabled
    with pytest.raises(NotFound):
        await accounts.disable("tidak.ada", AT)


async def test_attempts_lock_the_account_until_the_window_ends(accounts: AccountStore) -> None:
    await accounts.add(OFFICER, PASSWORD)
    for n in range(MAX_FAILURES):
        assert await accounts.claim_attempt(OFFICER.username, AT + timedelta(minutes=n)) is None
    later = AT + timedelta(minutes=10)
    assert await accounts.claim_attempt(OFFICER.username, later) == LOCKOUT_WINDOW - timedelta(
        minutes=10
    )
    assert await accounts.claim_attempt(OFFICER.username, AT + LOCKOUT_WINDOW) is None


async def test_a_right_attempt_starts_the_count_again(accounts: AccountStore) -> None:
    await accounts.add(OFFICER, PASSWORD)
    for _ in range(MAX_FAILURES - 1):
        await accounts.claim_attempt(OFFICER.username, AT)
    await accounts.signed_in(OFFICER.username)
    for _ in range(MAX_FAILURES):
        assert await accounts.claim_attempt(OFFICER.username, AT) is None
    assert await accounts.claim_attempt(OFFICER.username, AT) is not None


async def test_attempts_sent_at_once_are_each_counted(accounts: AccountStore) -> None:
    await accounts.add(OFFICER, PASSWORD)
    claims = await asyncio.gather(
        *(accounts.claim_attempt(OFFICER.username, AT) for _ in range(3 * MAX_FAILURES))
    )
    assert sum(wait is None for wait in claims) <= MAX_FAILURES
    assert await accounts.claim_attempt(OFFICER.username, AT) is not None


async def test_an_unknown_username_claims_nothing(accounts: AccountStore) -> None:
    assert await accounts.claim_attempt("tidak.ada", AT) is None
