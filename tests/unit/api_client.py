"""Intake's REST API in-process (httpx over ASGI, no sockets) over a writer with fakes, and the
credentials of each kind of caller."""

from typing import Any, cast

import httpx

from intake.api import build_app
from intake.auth import issue_token
from intake.domain.inbox import ClockReading
from intake.handlers import ReportWriter
from intake.inbox_api import Deadlines
from intake.store import ReportStore
from intake.views import ReportReader
from tests.unit.reports import AGENCY, OTHER_AGENCY, Harness

KEY = "unit-test-signing-key-of-at-least-32-bytes"
MAX_BODY = 4096
REPORTS = "/api/v1/reports"
INBOX = "/api/v1/inbox"
CONTACT = {
    "name": "Dewi Lestari",
    "phone": "+62 812-3456-7890",
    "email": "Dewi@Contoh.id",
    "id_number": "3204050101900001",
}
REPORT: dict[str, Any] = {
    "type": "pengaduan",
    "requires_examination": True,
    "title": "Jalan berlubang di Soreang",
    "body": "Jalan utama di depan pasar berlubang besar sejak dua minggu lalu.",
    "category_code": "infrastruktur.jalan",
    "region_code": "32.04.05",
    "location": {"latitude": -7.0253, "longitude": 107.5197},
    "channel": "mobile",
    "anonymous": False,
    "confidential": False,
    "reporter": CONTACT,
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


TOKENS = {
    "officer": issue_token(KEY, "officer", "budi", AGENCY, 1),
    "stranger": issue_token(KEY, "officer", "ani", OTHER_AGENCY, 1),
    "admin": issue_token(KEY, "administrator", "admin", "", 1),
}


class Current:
    """Stands in for one port of the app and forwards to the current test's object, so that
    the app (whose routes FastAPI prepares on first use, slowly) is built once."""

    def __init__(self) -> None:
        self.target: object = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


class FakeDeadlines:
    """Escalation's clocks by report; none at all while it is ``down``."""

    def __init__(self) -> None:
        self.clocks_of: dict[str, list[ClockReading]] = {}
        self.down = False

    async def clocks(self, report_ids: list[str]) -> dict[str, list[ClockReading]] | None:
        if self.down:
            return None
        return {i: self.clocks_of[i] for i in report_ids if i in self.clocks_of}


WRITER, READER, STORE, DEADLINES = Current(), Current(), Current(), Current()
APP = build_app(
    cast(ReportWriter, WRITER),
    cast(ReportReader, READER),
    cast(ReportStore, STORE),
    KEY,
    MAX_BODY,
    deadlines=cast(Deadlines, DEADLINES),
)


class Api:
    """The app over a fresh Harness: new fakes, writer and reader for every test."""

    def __init__(self) -> None:
        self.fx = Harness()
        self.log = self.fx.log
        WRITER.target, READER.target, STORE.target = self.fx.writer, self.fx.reader, self.fx.store
        self.deadlines = DEADLINES.target = FakeDeadlines()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(APP), base_url="http://intake"
        )

    async def file(self, **changes: Any) -> dict[str, Any]:
        """File a report; its JSON answer (tracking_id, access_secret, ...)."""
        response = await self.client.post(REPORTS, json={**REPORT, **changes})
        assert response.status_code == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def headers(self, caller: str, secret: str = "") -> dict[str, str]:
        if caller in TOKENS:
            return bearer(TOKENS[caller])
        if caller == "reporter":
            return {"X-Access-Secret": secret}
        assert caller == "public", caller
        return {}

    async def act(
        self,
        tracking_id: str,
        action: str,
        body: dict[str, Any] | None = None,
        caller: str = "public",
        secret: str = "",
        **headers: str,
    ) -> httpx.Response:
        return await self.client.post(
            f"{REPORTS}/{tracking_id}/{action}",
            json=body if body is not None else {},
            headers={**self.headers(caller, secret), **headers},
        )

    async def view(self, tracking_id: str, caller: str = "public", secret: str = "") -> Any:
        response = await self.client.get(
            f"{REPORTS}/{tracking_id}", headers=self.headers(caller, secret)
        )
        assert response.status_code == 200, response.text
        return response.json()
