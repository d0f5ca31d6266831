"""The operators' CLI, python -m intake.accounts, against the real database: it opens an
account whose password then checks, prints a generated password once, refuses a taken name
unless told to leave it (the password unchanged: what deploy/local/platform.sh relies on), and
says so when routing cannot check an officer's agency."""

import asyncio
import sys
from pathlib import Path

from pymongo.asynchronous.database import AsyncDatabase

from intake.account_store import AccountStore
from intake.domain.accounts import password_matches
from lapor_common.mongo import Document
from tests.infra import Infrastructure

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ["add", "--username", "admin", "--role", "administrator", "--name", "Admin Nasional"]


async def _cli(
    infra: Infrastructure, database: AsyncDatabase[Document], *args: str, **env: str
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "intake.accounts",
        *args,
        env={
            **infra.environment(),
            "PYTHONPATH": f"{ROOT / 'libs'}:{ROOT / 'services' / 'intake'}",
            "INTAKE_DATABASE": database.name,
            "INTAKE_ROUTING_TARGET": "127.0.0.1:1",  # nothing listens there
            **env,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return await process.wait(), out.decode(), err.decode()


async def _password_checks(database: AsyncDatabase[Document], password: str) -> bool:
    found = await AccountStore(database["accounts"], database["sign_in_attempts"]).get("admin")
    assert found is not None
    return password_matches(password, found[1])


async def test_an_account_opened_twice_keeps_its_first_password(
    infra: Infrastructure, database: AsyncDatabase[Document]
) -> None:
    given = {"DEV_PASSWORD": "kata-sandi-pertama", "OTHER_PASSWORD": "kata-sandi-kedua"}
    first = await _cli(infra, database, *ADMIN, "--password-env", "DEV_PASSWORD", **given)
    assert first[0] == 0, first
    assert "initial password" not in first[1]
    again = [*ADMIN, "--password-env", "OTHER_PASSWORD", "--exists-ok"]
    assert (await _cli(infra, database, *again, **given))[:2] == (
        0,
        "account admin exists; left as it is\n",
    )
    refused = await _cli(infra, database, *ADMIN, "--password-env", "OTHER_PASSWORD", **given)
    assert refused[0] == 1
    assert "exists" in refused[2]
    assert await _password_checks(database, "kata-sandi-pertama")


async def test_a_generated_password_is_printed_once(
    infra: Infrastructure, database: AsyncDatabase[Document]
) -> None:
    code, out, _ = await _cli(infra, database, *ADMIN)
    assert code == 0
    password = out.rsplit(": ", 1)[1].strip()
    assert await _password_checks(database, password)


async def test_an_officers_agency_needs_routing(
    infra: Infrastructure, database: AsyncDatabase[Document]
) -> None:
    officer = ["add", "--username", "petugas", "--role", "officer", "--name", "Petugas"]
    code, _, err = await _cli(infra, database, *officer, "--agency", "pemkab-3204")
    assert code == 1
    assert "does not answer" in err
    assert (await _cli(infra, database, *officer))[0] == 2  # no agency: a usage error
