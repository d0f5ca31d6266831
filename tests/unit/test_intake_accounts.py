"""Accounts, pure: passwords hashed with scrypt and checked against the parameters kept with
them, new accounts checked, and the window in which failed sign-ins lock an account."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from intake.domain.accounts import (
    LOCKOUT_WINDOW,
    MAX_FAILURES,
    AccountRole,
    Attempts,
    NewAccount,
    PasswordHash,
    hash_password,
    new_account,
    password_matches,
    retry_after,
    window_over,
)
from intake.domain.model import Invalid

SALT = bytes(range(16))
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_password_matches_its_hash_and_nothing_else() -> None:
    stored = hash_password("kata-sandi rahasia", SALT)
    assert (stored.n, stored.r, stored.p, len(stored.digest)) == (2**14, 8, 1, 32)
    assert password_matches("kata-sandi rahasia", stored)
    assert not password_matches("kata-sandi Rahasia", stored)
    assert not password_matches("", stored)


def test_the_salt_makes_each_hash_different() -> None:
    one, other = hash_password("sama", SALT), hash_password("sama", bytes(16))
    assert one.digest != other.digest


def test_a_hash_is_checked_with_the_parameters_stored_beside_it() -> None:
    """A hash made with other parameters (older ones, say) still checks, with those."""
    digest = hashlib.scrypt(b"lama", salt=SALT, n=2**10, r=4, p=2, dklen=32)
    assert password_matches("lama", PasswordHash(SALT, digest, n=2**10, r=4, p=2))
    assert not password_matches("lama", PasswordHash(SALT, digest))


def test_a_new_account_is_checked_and_its_username_lowercased() -> None:
    officer = new_account(" Petugas.Bandung ", "officer", "pemkab-3204", " Budi Santoso ")
    assert officer == NewAccount(
        "petugas.bandung", AccountRole.OFFICER, "pemkab-3204", "Budi Santoso"
    )
    admin = new_account("admin", "administrator", "", "Administrator Nasional")
    assert admin.role is AccountRole.ADMINISTRATOR


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (("ab", "officer", "pemkab-3204", "Budi"), "username"),
        (("budi santoso", "officer", "pemkab-3204", "Budi"), "username"),
        (("b" * 65, "officer", "pemkab-3204", "Budi"), "username"),
        (("budi", "superuser", "", "Budi"), "role"),
        (("budi", "officer", "", "Budi"), "an officer's account"),
        (("budi", "officer", "Pemkab 3204", "Budi"), "an officer's account"),
        (("admin", "administrator", "pemkab-3204", "Admin"), "an administrator's account"),
        (("budi", "officer", "pemkab-3204", "  "), "display_name"),
        (("budi", "officer", "pemkab-3204", "B" * 101), "display_name"),
    ],
)
def test_a_bad_new_account_is_invalid(fields: tuple[str, str, str, str], problem: str) -> None:
    with pytest.raises(Invalid) as refused:
        new_account(*fields)
    assert refused.value.problems[0].startswith(problem)


def test_fewer_attempts_than_the_most_never_lock() -> None:
    assert retry_after(Attempts(), NOW) is None
    assert retry_after(Attempts(MAX_FAILURES - 1, NOW), NOW) is None


def test_the_most_attempts_lock_until_the_window_from_the_first_ends() -> None:
    first = NOW - timedelta(minutes=10)
    attempts = Attempts(MAX_FAILURES, first)
    assert retry_after(attempts, NOW) == timedelta(minutes=5)
    assert retry_after(attempts, first + LOCKOUT_WINDOW) is None
    assert not window_over(attempts, first + LOCKOUT_WINDOW - timedelta(seconds=1))
    assert window_over(attempts, first + LOCKOUT_WINDOW)
    assert not window_over(Attempts(), NOW)
