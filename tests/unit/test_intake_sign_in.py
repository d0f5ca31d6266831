"""Signing in and the administrators' accounts over REST (httpx over ASGI) with fakes: tokens
that work, one answer for every wrong sign-in, the lockout and its Retry-After, and who may
open, list and disable accounts."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest

from intake.accounts_api import accounts_router, sessions_router
from intake.agencies import issuable_agency
from intake.api import build_app, principals
from intake.auth import principal_from_token
from intake.domain.accounts import LOCKOUT_WINDOW, MAX_FAILURES, hash_password
from intake.domain.model import Role
from intake.handlers import utc_now
from intake.sessions import WRONG, SignIn
from tests.unit.account_fakes import FakeAccountStore
from tests.unit.api_client import KEY, MAX_BODY, TOKENS, bearer
from tests.unit.reports import AGENCY, AGENCY_NAME, Harness
from tests.unit.test_intake_agencies import DIRECTORY, Directory

SESSIONS, ACCOUNTS = "/api/v1/sessions", "/api/v1/accounts"
OFFICER = {
    "username": "Petugas.Bandung",
    "role": "officer",
    "agency_code": AGENCY,
    "display_name": "Petugas Kabupaten Bandung",
}


class Desk:
    """The app with the sign-in and account routes over a fresh fake store and a clock that
    starts now (the tokens it issues are checked against the real time)."""

    def __init__(self) -> None:
        self.start = self.now = utc_now().replace(microsecond=0)
        self.accounts = FakeAccountStore()
        fx = Harness()
        stand_in = hash_password("stand-in", bytes(16))
        sign_in = SignIn(self.accounts, KEY, timedelta(hours=8), lambda: self.now, stand_in)
        names = issuable_agency(Directory(DIRECTORY))
        routers = [
            sessions_router(sign_in),
            accounts_router(self.accounts, names, principals(KEY), lambda: self.now),
        ]
        app = build_app(fx.writer, fx.reader, fx.store, KEY, MAX_BODY, channels=routers)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://i")

    async def open(self, caller: str = "admin", **changes: str) -> httpx.Response:
        headers = bearer(TOKENS[caller]) if caller else {}
        return await self.client.post(ACCOUNTS, json={**OFFICER, **changes}, headers=headers)

    async def password(self, **changes: str) -> str:
        response = await self.open(**changes)
        assert response.status_code == 201, response.text
        return str(response.json()["initial_password"])

    async def sign_in(self, username: str, password: str) -> httpx.Response:
        return await self.client.post(SESSIONS, json={"username": username, "password": password})


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    desk = Desk()
    async with desk.client:
        yield desk


async def test_an_administrator_opens_an_account_its_password_shown_once(desk: Desk) -> None:
    response = await desk.open()
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    opened = response.json()
    assert len(opened.pop("initial_password")) >= 16
    assert opened == {
        "username": "petugas.bandung",
        "role": "officer",
        "agency_code": AGENCY,
        "agency_name": AGENCY_NAME,
        "display_name": "Petugas Kabupaten Bandung",
        "created_at": desk.start.isoformat(),
        "created_by": "admin",
        "disabled": False,
        "disabled_at": None,
    }
    listed = (await desk.client.get(ACCOUNTS, headers=bearer(TOKENS["admin"]))).json()
    assert listed == {"accounts": [opened]}


async def test_signing_in_gives_a_bearer_token_that_works(desk: Desk) -> None:
    password = await desk.password()
    response = await desk.sign_in("PETUGAS.bandung", password)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    session = response.json()
    token = session.pop("token")
    assert session == {
        "expires_at": (desk.start + timedelta(hours=8)).isoformat(),
        "username": "petugas.bandung",
        "role": "officer",
        "agency_code": AGENCY,
        "agency_name": AGENCY_NAME,
        "display_name": "Petugas Kabupaten Bandung",
    }
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert expiry == (desk.start + timedelta(hours=8)).timestamp()
    who = principal_from_token(KEY, token)
    assert (who.role, who.agency_code, who.subject) == (Role.OFFICER, AGENCY, "petugas.bandung")
    inbox = await desk.client.get("/api/v1/inbox", headers=bearer(token))
    assert inbox.json()["agency_code"] == AGENCY


async def test_every_wrong_sign_in_gets_the_same_answer(desk: Desk) -> None:
    password = await desk.password()
    await desk.password(username="nonaktif")
    disabled = await desk.client.post(
        f"{ACCOUNTS}/nonaktif/disable", headers=bearer(TOKENS["admin"])
    )
    assert disabled.json()["disabled"] is True
    nonaktif = desk.accounts.accounts["nonaktif"]
    answers = [
        await desk.sign_in("petugas.bandung", password + "x"),
        await desk.sign_in("tidak.ada", password),
        await desk.sign_in("nonaktif", password),
    ]
    assert [r.status_code for r in answers] == [401, 401, 401]
    assert {r.json()["detail"] for r in answers} == {WRONG}
    assert nonaktif[0].disabled_at == desk.start


async def test_failed_sign_ins_lock_the_account_for_the_rest_of_the_window(desk: Desk) -> None:
    password = await desk.password()
    for _ in range(MAX_FAILURES):
        assert (await desk.sign_in("petugas.bandung", "salah")).status_code == 401
    desk.now = desk.start + timedelta(minutes=5)
    locked = await desk.sign_in("petugas.bandung", password)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == str(
        int((LOCKOUT_WINDOW - timedelta(minutes=5)).total_seconds())
    )
    assert locked.json()["detail"]
    desk.now = desk.start + LOCKOUT_WINDOW
    assert (await desk.sign_in("petugas.bandung", password)).status_code == 201


async def test_a_right_password_starts_the_count_again(desk: Desk) -> None:
    password = await desk.password()
    for _ in range(2):
        for _ in range(MAX_FAILURES - 1):
            assert (await desk.sign_in("petugas.bandung", "salah")).status_code == 401
        assert (await desk.sign_in("petugas.bandung", password)).status_code == 201


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"username": "budi"}, 422),
        ({"username": "budi", "password": ""}, 422),
        ({"username": "budi", "password": 12345}, 422),
        ({"username": "b" * 65, "password": "x"}, 422),
    ],
)
async def test_a_malformed_sign_in_is_unprocessable(
    desk: Desk, body: dict[str, Any], status: int
) -> None:
    response = await desk.client.post(SESSIONS, json=body)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"agency_code": "pemkab-9999"}, 422),
        ({"agency_code": "dinas-lama"}, 422),
        ({"role": "administrator"}, 422),
        ({"role": "superuser"}, 422),
        ({"username": "x"}, 422),
        ({"display_name": ""}, 422),
    ],
)
async def test_a_bad_account_is_refused(desk: Desk, changes: dict[str, str], status: int) -> None:
    response = await desk.open(**changes)
    assert response.status_code == status
    assert response.json()["detail"]


async def test_a_taken_username_is_a_conflict(desk: Desk) -> None:
    await desk.password()
    assert (await desk.open(username="petugas.BANDUNG")).status_code == 409


async def test_only_administrators_manage_accounts(desk: Desk) -> None:
    await desk.password()
    officer, public = bearer(TOKENS["officer"]), dict[str, str]()
    for headers, status in [(officer, 403), (public, 401)]:
        answers = [
            await desk.client.post(ACCOUNTS, json=OFFICER, headers=headers),
            await desk.client.get(ACCOUNTS, headers=headers),
            await desk.client.post(f"{ACCOUNTS}/petugas.bandung/disable", headers=headers),
        ]
        assert [r.status_code for r in answers] == [status] * 3
    assert desk.accounts.accounts["petugas.bandung"][0].disabled_at is None


async def test_accounts_are_listed_by_agency(desk: Desk) -> None:
    await desk.password()
    await desk.password(username="admin.dua", role="administrator", agency_code="")
    admin = bearer(TOKENS["admin"])
    by_agency = (await desk.client.get(ACCOUNTS, params={"agency": AGENCY}, headers=admin)).json()
    assert [a["username"] for a in by_agency["accounts"]] == ["petugas.bandung"]
    admins = (await desk.client.get(ACCOUNTS, params={"agency": ""}, headers=admin)).json()
    assert [a["username"] for a in admins["accounts"]] == ["admin.dua"]


async def test_disabling_an_unknown_or_ones_own_account_is_refused(desk: Desk) -> None:
    admin = bearer(TOKENS["admin"])
    assert (
        await desk.client.post(f"{ACCOUNTS}/tidak.ada/disable", headers=admin)
    ).status_code == 404
    assert (await desk.client.post(f"{ACCOUNTS}/admin/disable", headers=admin)).status_code == 409
