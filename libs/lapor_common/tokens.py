"""Bearer tokens of officers and administrators (JWT, HS256): checked the same way by every
service that accepts them.

Claims: ``sub`` (who), ``role`` (``officer``, ``administrator``, or ``service`` for one of
the platform's own services calling another, ``sub`` naming it), ``agency`` (an officer's
agency code), ``iss``/``aud`` (``lapor``), ``iat`` and ``exp``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ISSUER = "lapor"
ROLES = ("officer", "administrator", "service")


class Unauthenticated(Exception):
    """No valid credentials (401)."""


@dataclass(frozen=True)
class Claims:
    subject: str
    role: str
    agency: str


def issue(
    key: str,
    role: str,
    subject: str,
    agency: str,
    lifetime: timedelta,
    *,
    issued_at: datetime | None = None,
) -> str:
    """A signed bearer token, issued now or at ``issued_at``, valid for ``lifetime`` (to the
    second); ``verify`` with the same key proves it."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {sorted(ROLES)}")
    if role == "officer" and not agency:
        raise ValueError("an officer's token names the officer's agency")
    now = issued_at or datetime.now(UTC)
    claims = {
        "sub": subject,
        "role": role,
        "agency": agency,
        "iss": ISSUER,
        "aud": ISSUER,
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, key, algorithm="HS256")


def verify(key: str | None, token: str) -> Claims:
    """Who a bearer token proves to be, or Unauthenticated with the reason."""
    if not key:
        raise Unauthenticated("this deployment accepts no bearer tokens (no signing key)")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            audience=ISSUER,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("the bearer token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(f"the bearer token is not valid: {exc}") from exc
    role = str(claims["role"])
    if role not in ROLES:
        raise Unauthenticated(f"unknown role {role!r}")
    agency = str(claims.get("agency") or "")
    if role == "officer" and not agency:
        raise Unauthenticated("an officer's token must name the agency")
    return Claims(subject=str(claims["sub"]), role=role, agency=agency)
