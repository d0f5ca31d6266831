"""Intake's principals from bearer tokens (checked by lapor_common.tokens), and a CLI that
issues tokens for development.

    python -m intake.auth --role officer --agency pemkab-3204 --subject budi --hours 8
"""

import argparse
import os
from datetime import timedelta

from intake.domain.model import Forbidden, Principal, Role
from lapor_common.tokens import Unauthenticated, issue, verify

__all__ = ["Unauthenticated", "administrator", "issue_token", "principal_from_token"]

_ROLES = {
    "officer": Role.OFFICER,
    "administrator": Role.ADMINISTRATOR,
    "service": Role.SERVICE,
}


def issue_token(key: str, role: str, subject: str, agency: str, hours: float) -> str:
    return issue(key, role, subject, agency, timedelta(hours=hours))


def principal_from_token(key: str | None, token: str) -> Principal:
    """The officer or administrator a bearer token proves, or Unauthenticated with the reason."""
    claims = verify(key, token)
    return Principal(role=_ROLES[claims.role], agency_code=claims.agency, subject=claims.subject)


def administrator(who: Principal, managed: str) -> Principal:
    """The caller, if a national administrator (who alone manage ``managed``, e.g. accounts)."""
    if who.role is Role.PUBLIC:
        raise Unauthenticated("send an administrator's bearer token")
    if who.role is not Role.ADMINISTRATOR:
        raise Forbidden(f"{managed} are managed by the national administrators")
    return who


def main() -> None:
    parser = argparse.ArgumentParser(description="Issue a LAPOR! bearer token (development).")
    parser.add_argument("--role", choices=sorted(_ROLES), required=True)
    parser.add_argument("--agency", default="", help="the officer's agency code")
    parser.add_argument("--subject", default="dev", help="who the token is for")
    parser.add_argument("--hours", type=float, default=8.0)
    args = parser.parse_args()
    key = os.environ.get("LAPOR_JWT_SIGNING_KEY")
    if not key:
        parser.error("set LAPOR_JWT_SIGNING_KEY (make up writes one to .run/secrets.env)")
    print(issue_token(key, args.role, args.subject, args.agency, args.hours))


if __name__ == "__main__":
    main()
