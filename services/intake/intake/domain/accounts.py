"""Officers' and administrators' accounts: who they are, their passwords (scrypt, salted, with
the parameters kept beside the hash) and how failed sign-ins lock an account for a while. Pure:
randomness (salts, passwords) and time come from the caller."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from intake.domain.codes import AGENCY_CODE
from intake.domain.model import Invalid

USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")
DISPLAY_NAME_LENGTH = (1, 100)
MAX_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)


class AccountRole(StrEnum):
    OFFICER = "officer"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class PasswordHash:
    """scrypt's output and everything needed to compute it again."""

    salt: bytes
    digest: bytes
    n: int = 2**14
    r: int = 8
    p: int = 1


def hash_password(password: str, salt: bytes) -> PasswordHash:
    """The password's scrypt hash under this salt (16 random bytes), with today's parameters."""
    return _scrypt(password, PasswordHash(salt, b""))


def _scrypt(password: str, like: PasswordHash) -> PasswordHash:
    digest = hashlib.scrypt(
        password.encode(),
        salt=like.salt,
        n=like.n,
        r=like.r,
        p=like.p,
        maxmem=256 * like.n * like.r + 1024 * 1024,
        dklen=32,
    )
    return PasswordHash(like.salt, digest, like.n, like.r, like.p)


def password_matches(password: str, stored: PasswordHash) -> bool:
    """Whether the password is the one hashed, compared in constant time."""
    return hmac.compare_digest(_scrypt(password, stored).digest, stored.digest)


@dataclass(frozen=True)
class Account:
    username: str
    role: AccountRole
    agency_code: str  # an officer's agency; "" for an administrator
    agency_name: str
    display_name: str
    created_at: datetime
    created_by: str
    disabled_at: datetime | None = None

    def listed(self) -> dict[str, object]:
        """As administrators see it: never the password's hash."""
        return {
            "username": self.username,
            "role": self.role.value,
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "display_name": self.display_name,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "disabled": self.disabled_at is not None,
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
        }


@dataclass(frozen=True)
class NewAccount:
    username: str
    role: AccountRole
    agency_code: str
    display_name: str


def _problems(username: str, role: str, agency_code: str, display_name: str) -> list[str]:
    shortest, longest = DISPLAY_NAME_LENGTH
    officer = role == AccountRole.OFFICER
    checks = [
        (USERNAME.match(username), "username must be 3 to 64 of a-z, 0-9, '.', '_' and '-'"),
        (role in set(AccountRole), "role must be officer or administrator"),
        (
            not officer or AGENCY_CODE.match(agency_code),
            "an officer's account names the officer's agency_code, e.g. pemkab-3204",
        ),
        (officer or not agency_code, "an administrator's account names no agency_code"),
        (
            shortest <= len(display_name) <= longest,
            f"display_name must be {shortest} to {longest} characters",
        ),
    ]
    return [problem for fine, problem in checks if not fine]


def new_account(username: str, role: str, agency_code: str, display_name: str) -> NewAccount:
    """An account to open, checked (usernames are lowercase); Invalid with every problem."""
    fields = (username.strip().lower(), role, agency_code.strip(), display_name.strip())
    problems = _problems(*fields)
    if problems:
        raise Invalid(problems)
    return NewAccount(fields[0], AccountRole(role), fields[2], fields[3])


@dataclass(frozen=True)
class Attempts:
    """Sign-in attempts not (yet) proven right, counted from the first in the window."""

    count: int = 0
    since: datetime | None = None


def window_over(attempts: Attempts, now: datetime) -> bool:
    """Whether the attempts' window has ended (the next attempt starts a new one)."""
    return attempts.since is not None and now - attempts.since >= LOCKOUT_WINDOW


def retry_after(attempts: Attempts, now: datetime) -> timedelta | None:
    """How long sign-ins stay refused: MAX_FAILURES attempts within LOCKOUT_WINDOW of the first
    lock the account until that window ends."""
    if attempts.since is None or attempts.count < MAX_FAILURES or window_over(attempts, now):
        return None
    return attempts.since + LOCKOUT_WINDOW - now
