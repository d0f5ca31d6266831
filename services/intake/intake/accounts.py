"""Operators open officers' and administrators' accounts from the command line, with intake's
settings for the database (``LAPOR_MONGO_URI``, ``INTAKE_DATABASE``) and routing's directory
for officers' agencies (``INTAKE_ROUTING_TARGET``):

    python -m intake.accounts add --username petugas.bandung --role officer \\
        --agency pemkab-3204 --name "Petugas Kabupaten Bandung" [--password-env VAR] [--exists-ok]

The password is the value of the environment variable ``--password-env`` names, or else a new
one, printed once. ``--exists-ok``: an account of that name is left as it is (exit 0).
"""

import argparse
import asyncio
import os
import sys

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from intake.account_store import AccountStore
from intake.agencies import issuable_agency
from intake.domain.accounts import Account, AccountRole, NewAccount, new_account
from intake.domain.model import Invalid, Refused
from intake.handlers import Unavailable, utc_now
from intake.sessions import new_password, open_account
from intake.settings import IntakeSettings
from lapor_common.mongo import mongo_client
from lapor_common.routing_reference import RoutingReference
from lapor_common.settings import PlatformSettings

OPENED_BY = "intake.accounts"
_DEFAULTS = IntakeSettings.model_fields


class AccountSettings(BaseSettings):
    """The intake settings the CLI reads (IntakeSettings would demand the identity key)."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    database: str = Field(_DEFAULTS["database"].default, description="Intake's database.")
    routing_target: str = Field(
        _DEFAULTS["routing_target"].default, description="routing's gRPC address."
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Manage LAPOR! officers' and admins' accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="open an account")
    add.add_argument("--username", required=True, help="3-64 of a-z, 0-9, '.', '_', '-'")
    add.add_argument("--role", required=True, choices=[role.value for role in AccountRole])
    add.add_argument("--agency", default="", help="an officer's agency code, e.g. pemkab-3204")
    add.add_argument("--name", required=True, help="the name people see")
    add.add_argument("--password-env", help="environment variable holding the password")
    add.add_argument("--exists-ok", action="store_true", help="leave an existing account")
    return parser


async def add(new: NewAccount, password: str, exists_ok: bool) -> Account | None:
    """The account opened; None when ``exists_ok`` and one of that name exists."""
    platform, settings = PlatformSettings(), AccountSettings()
    client = mongo_client(platform.mongo_uri, "intake-accounts")
    routing = RoutingReference(settings.routing_target)
    try:
        database = client[settings.database]
        accounts = AccountStore(database["accounts"], database["sign_in_attempts"])
        await accounts.prepare()
        if exists_ok and await accounts.get(new.username) is not None:
            return None
        opened = (utc_now(), OPENED_BY)
        return await open_account(accounts, issuable_agency(routing), new, password, opened)
    finally:
        await routing.close()
        await client.close()


def main() -> None:
    parser = _parser()
    args = parser.parse_args()
    password = os.environ.get(args.password_env, "") if args.password_env else new_password()
    if not password:
        parser.error(f"the environment variable {args.password_env} holds no password")
    try:
        new = new_account(args.username, args.role, args.agency, args.name)
        opened = asyncio.run(add(new, password, args.exists_ok))
    except Invalid as exc:
        parser.error(str(exc))
    except (Refused, Unavailable) as exc:
        sys.exit(f"intake.accounts: {exc}")
    if opened is None:
        print(f"account {new.username} exists; left as it is")
        return
    print(f"account {opened.username} opened: {opened.role.value} {opened.agency_name}".rstrip())
    if not args.password_env:
        print(f"initial password (shown once): {password}")


if __name__ == "__main__":
    main()
