"""Intake's REST API in-process: what each audience reads of a report (now and as it was),
the inbox of officers and administrators, and 401 for anything but a valid bearer token."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from intake.api import build_app
from intake.auth import issue_token
from tests.unit.api_client import (
    CONTACT,
    INBOX,
    KEY,
    MAX_BODY,
    REPORT,
    REPORTS,
    TOKENS,
    Api,
    bearer,
)
from tests.unit.reports import AGENCY, AT, OTHER_AGENCY, Harness


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    api = Api()
    async with api.client:
        yield api


# reading a report: each audience its view


async def _asked(api: Api, **changes: Any) -> dict[str, Any]:
    """A report at AGENCY whose officer asked the reporter a question."""
    created = await api.file(**changes)
    tracking_id = created["tracking_id"]
    assign = {"agency_code": AGENCY, "agency_name": "Pemkab Bandung"}
    for action, body, caller in [
        ("assign", assign, "admin"),
        ("request-information", {"question": "Di km berapa tepatnya?"}, "officer"),
    ]:
        response = await api.act(tracking_id, action, body, caller)
        assert response.status_code == 200, response.text
    return created


def _said(view: dict[str, Any]) -> str:
    return json.dumps(view["timeline"])


async def test_the_public_sees_what_happened_but_not_what_was_said_or_who(api: Api) -> None:
    created = await _asked(api)
    view = await api.view(created["tracking_id"])
    assert view["audience"] == "public"
    assert view["status"] == {
        "code": "MENUNGGU_TANGGAPAN_PELAPOR",
        "id": "Menunggu Tanggapan Pelapor",
        "en": "Awaiting the reporter",
    }
    assert view["agency"] == {"code": AGENCY, "name": "Pemkab Bandung"}
    assert (view["title"], view["body"], view["sequence"]) == (REPORT["title"], REPORT["body"], 3)
    assert [entry["sequence"] for entry in view["timeline"]] == [1, 2, 3]
    assert "Di km berapa" not in _said(view)
    for hidden in ("reporter", "rating", "declined_by", "reporter_erased", "access_secret"):
        assert hidden not in view


@pytest.mark.parametrize(
    ("caller", "audience"), [("officer", "officer"), ("admin", "administrator")]
)
async def test_officers_and_administrators_see_what_was_said_and_who(
    api: Api, caller: str, audience: str
) -> None:
    created = await _asked(api)
    view = await api.view(created["tracking_id"], caller)
    assert view["audience"] == audience
    assert "Di km berapa tepatnya?" in _said(view)
    assert view["reporter"] == {
        "name": "Dewi Lestari",
        "phone": "+6281234567890",
        "email": "dewi@contoh.id",
        "id_number": CONTACT["id_number"],
    }
    assert (view["declined_by"], view["reporter_erased"], view["rating"]) == ([], False, None)


@pytest.mark.parametrize("caller", ["officer", "admin"])
async def test_an_anonymous_reporter_stays_anonymous_to_officers_and_administrators(
    api: Api, caller: str
) -> None:
    created = await _asked(api, anonymous=True)
    view = await api.view(created["tracking_id"], caller)
    assert "reporter" not in view
    assert "Di km berapa tepatnya?" in _said(view)


async def test_the_reporter_sees_everything_including_their_own_identity(api: Api) -> None:
    created = await _asked(api, anonymous=True, confidential=True)
    view = await api.view(created["tracking_id"], "reporter", created["access_secret"])
    assert view["audience"] == "reporter"
    assert view["reporter"]["name"] == "Dewi Lestari"
    assert "Di km berapa tepatnya?" in _said(view)


async def test_an_officer_of_another_agency_gets_the_public_view(api: Api) -> None:
    created = await _asked(api)
    view = await api.view(created["tracking_id"], "stranger")
    assert view["audience"] == "public"
    assert "reporter" not in view
    assert "Di km berapa" not in _said(view)


@pytest.mark.parametrize("caller", ["public", "stranger"])
async def test_a_confidential_report_is_not_found_for_the_public(api: Api, caller: str) -> None:
    created = await _asked(api, confidential=True)
    response = await api.client.get(
        f"{REPORTS}/{created['tracking_id']}", headers=api.headers(caller)
    )
    assert response.status_code == 404
    assert (await api.view(created["tracking_id"], "officer"))["confidential"] is True


async def test_a_wrong_access_secret_is_forbidden(api: Api) -> None:
    created = await api.file()
    response = await api.client.get(
        f"{REPORTS}/{created['tracking_id']}", headers={"X-Access-Secret": "tebakan"}
    )
    assert response.status_code == 403


async def test_after_erasure_nobody_reads_the_identity(api: Api) -> None:
    created = await api.file()
    response = await api.act(created["tracking_id"], "erase-reporter", {"reason": "minta"}, "admin")
    assert response.status_code == 200, response.text
    for caller in ("reporter", "admin"):
        view = await api.view(created["tracking_id"], caller, created["access_secret"])
        assert "reporter" not in view
        assert view["reporter_erased"] is True
    assert api.fx.vault.keys == {}


async def test_the_report_as_it_was_at_a_moment(api: Api) -> None:
    created = await api.file()
    api.fx.now = AT + timedelta(hours=2)
    await api.act(created["tracking_id"], "verify", {}, "admin")
    url = f"{REPORTS}/{created['tracking_id']}"
    then = await api.client.get(url, params={"as_of": (AT + timedelta(hours=1)).isoformat()})
    assert then.status_code == 200, then.text
    assert (then.json()["sequence"], len(then.json()["timeline"])) == (1, 1)
    before = await api.client.get(url, params={"as_of": (AT - timedelta(hours=1)).isoformat()})
    assert before.status_code == 404
    naive = await api.client.get(url, params={"as_of": "2026-03-02T10:00:00"})
    assert naive.status_code == 422


async def test_an_unknown_tracking_id_is_not_found(api: Api) -> None:
    response = await api.client.get(f"{REPORTS}/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404
    assert response.json()["detail"]


async def test_a_malformed_tracking_id_is_not_found(api: Api) -> None:
    response = await api.client.get(f"{REPORTS}/not-a-tracking-id")
    assert response.status_code == 404
    assert "not-a-tracking-id" in response.json()["detail"]


async def test_a_report_is_found_by_its_tracking_id_as_typed(api: Api) -> None:
    created = await api.file()
    canonical = created["tracking_id"]
    for typed in (canonical, canonical.lower(), canonical.replace("-", ""), f" {canonical} "):
        response = await api.client.get(f"{REPORTS}/{typed}")
        assert response.status_code == 200, typed
        assert response.json()["tracking_id"] == canonical


# the inbox


async def _inbox_world(api: Api) -> dict[str, str]:
    ids: dict[str, str] = {}
    for name, agency in [("a1", AGENCY), ("a2", AGENCY), ("o1", OTHER_AGENCY), ("q1", "")]:
        api.fx.now = AT + timedelta(minutes=len(ids))
        ids[name] = (await api.file(title=f"Laporan {name} tentang jalan"))["tracking_id"]
        if agency:
            body = {"agency_code": agency, "agency_name": agency}
            assert (await api.act(ids[name], "assign", body, "admin")).status_code == 200
    await api.act(ids["a2"], "acknowledge", {}, "officer")
    return ids


async def test_an_officer_sees_the_reports_at_their_own_agency(api: Api) -> None:
    ids = await _inbox_world(api)
    response = await api.client.get(
        INBOX, params={"agency": OTHER_AGENCY}, headers=bearer(TOKENS["officer"])
    )
    assert response.status_code == 200, response.text
    inbox = response.json()
    assert inbox["agency_code"] == AGENCY
    assert [r["tracking_id"] for r in inbox["reports"]] == [ids["a2"], ids["a1"]]  # newest first
    assert inbox["counts"] == {"DITERUSKAN_KE_INSTANSI": 1, "DIPROSES": 1}
    item = inbox["reports"][0]
    assert item["status"]["code"] == "DIPROSES"
    assert (item["type"], item["sequence"], item["postponed_until"]) == ("pengaduan", 3, None)
    assert "body" not in item
    assert "reporter" not in item


async def test_an_administrator_sees_any_agency_or_the_verification_queue(api: Api) -> None:
    ids = await _inbox_world(api)
    admin = bearer(TOKENS["admin"])
    other = (await api.client.get(INBOX, params={"agency": OTHER_AGENCY}, headers=admin)).json()
    assert [r["tracking_id"] for r in other["reports"]] == [ids["o1"]]
    queue = (await api.client.get(INBOX, headers=admin)).json()
    assert (queue["agency_code"], [r["tracking_id"] for r in queue["reports"]]) == ("", [ids["q1"]])
    filtered = await api.client.get(
        INBOX, params={"agency": AGENCY, "status": "DIPROSES"}, headers=admin
    )
    assert [r["tracking_id"] for r in filtered.json()["reports"]] == [ids["a2"]]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"status": "TIDAK_ADA"}])
async def test_bad_inbox_parameters_are_unprocessable(api: Api, params: dict[str, Any]) -> None:
    response = await api.client.get(INBOX, params=params, headers=bearer(TOKENS["admin"]))
    assert response.status_code == 422


async def test_the_inbox_is_not_for_the_public(api: Api) -> None:
    response = await api.client.get(INBOX)
    assert response.status_code == 403


# authentication: 401 for anything but a valid bearer token


def _claims(**changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims = {
        "sub": "x",
        "role": "administrator",
        "agency": "",
        "iss": "lapor",
        "aud": "lapor",
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


BAD_AUTHORIZATION = {
    "malformed": "Bearer not.a.jwt",
    "garbage": "Bearer xxxxxxxx",
    "empty token": "Bearer ",
    "basic scheme": "Basic YWRtaW46YWRtaW4=",
    "no scheme": TOKENS["admin"],
    "forged": "Bearer "
    + issue_token("another-key-of-at-least-32-bytes!!", "administrator", "a", "", 1),
    "expired": "Bearer " + issue_token(KEY, "administrator", "admin", "", -1),
    "expired officer": "Bearer " + issue_token(KEY, "officer", "budi", AGENCY, -1),
    "unknown role": "Bearer " + jwt.encode(_claims(role="superuser"), KEY, algorithm="HS256"),
    "officer without agency": "Bearer "
    + jwt.encode(_claims(role="officer"), KEY, algorithm="HS256"),
    "no expiry": "Bearer " + jwt.encode(_claims(exp=None), KEY, algorithm="HS256"),
    "other audience": "Bearer " + jwt.encode(_claims(aud="other"), KEY, algorithm="HS256"),
    "other issuer": "Bearer " + jwt.encode(_claims(iss="other"), KEY, algorithm="HS256"),
    "unsigned": "Bearer " + jwt.encode(_claims(), "", algorithm="none"),
}


@pytest.mark.parametrize("authorization", BAD_AUTHORIZATION.values(), ids=list(BAD_AUTHORIZATION))
async def test_bad_credentials_are_unauthenticated_everywhere(api: Api, authorization: str) -> None:
    created = await api.file()
    headers = {"Authorization": authorization}
    tracking_id = created["tracking_id"]
    answers = [
        await api.client.get(f"{REPORTS}/{tracking_id}", headers=headers),
        await api.client.post(f"{REPORTS}/{tracking_id}/verify", json={}, headers=headers),
        await api.client.get(INBOX, headers=headers),
    ]
    for response in answers:
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["detail"]
    assert len(api.log.events) == 1


async def test_a_deployment_without_a_signing_key_accepts_no_token() -> None:
    fx = Harness()
    app = build_app(fx.writer, fx.reader, fx.store, None, MAX_BODY)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        response = await client.get(INBOX, headers=bearer(TOKENS["admin"]))
    assert response.status_code == 401
