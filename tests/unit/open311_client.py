"""Intake's Open311 API in-process (httpx over ASGI) over the unit Harness, with fakes for
routing's taxonomy, escalation's deadlines and the token store."""

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, cast

import httpx

from intake.api import build_app
from intake.domain.open311_input import ApiKeys
from intake.handlers import ReportWriter
from intake.open311_api import open311_router
from intake.open311_handlers import Open311
from intake.store import ReportStore
from intake.views import ReportReader
from lapor_common.routing_reference import Category
from tests.unit.api_client import CONTACT, KEY, MAX_BODY, Current
from tests.unit.reports import AGENCY, AGENCY_NAME, Harness

API_KEY = "kunci-rahasia-aplikasi-warga"
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
# Parts of the reporter's contact in FORM, which no answer may contain.
CONTACT_TEXTS = ("Dewi", "Lestari", "contoh", "81234567890", "3456-7890")
BASE = "/open311/v2"
CATEGORIES = {
    c.code: c
    for c in (
        Category(
            "infrastruktur.jalan",
            "Jalan rusak dan berlubang",
            "Damaged roads and potholes",
            "infrastruktur",
            "Infrastruktur",
            "Infrastructure",
            "",
        ),
        Category(
            "sosial.pkh",
            "Program Keluarga Harapan (PKH)",
            "Family Hope Programme (PKH)",
            "sosial",
            "Bantuan sosial",
            "Social assistance",
            "pkh",
        ),
    )
}
REGION_NAMES = {
    "32": "Jawa Barat",
    "32.04": "Kabupaten Bandung",
    "32.04.05": "Soreang",
    "32.73": "Kota Bandung",
}
# Form fields of a valid service request.
FORM: dict[str, str] = {
    "api_key": API_KEY,
    "service_code": "infrastruktur.jalan",
    "lat": "-7.0253",
    "long": "107.5197",
    "address_string": "Jl. Raya Soreang depan pasar",
    "description": "Jalan utama di depan pasar berlubang besar sejak dua minggu lalu.",
    "first_name": "Dewi",
    "last_name": "Lestari",
    "email": CONTACT["email"],
    "phone": CONTACT["phone"],
    "attribute[kode_wilayah]": "32.04.05",
}


class FakeTaxonomy:
    def __init__(self) -> None:
        self.known: dict[str, Category] = dict(CATEGORIES)
        self.agencies = {AGENCY: AGENCY_NAME}

    async def categories(self) -> dict[str, Category]:
        return self.known

    async def agency_name(self, code: str) -> str | None:
        return self.agencies.get(code)


class FakeDeadlines:
    """Escalation's answer: the expected moment per report; none when it is unreachable."""

    def __init__(self) -> None:
        self.by_report: dict[str, datetime] = {}
        self.asked: list[list[str]] = []

    async def expected(self, report_ids: list[str]) -> dict[str, datetime]:
        self.asked.append(report_ids)
        return {i: self.by_report[i] for i in report_ids if i in self.by_report}


class FakeTokens:
    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}

    async def keep(self, token: str, report_id: str) -> None:
        self.tokens[token] = report_id

    async def find(self, token: str) -> str | None:
        return self.tokens.get(token)


WRITER, READER, STORE, OPEN311 = Current(), Current(), Current(), Current()
APP = build_app(
    cast(ReportWriter, WRITER),
    cast(ReportReader, READER),
    cast(ReportStore, STORE),
    KEY,
    MAX_BODY,
    channels=[open311_router(cast(Open311, OPEN311))],
)


class Open311Api:
    """The app over a fresh Harness and fresh fakes for every test."""

    def __init__(self) -> None:
        self.fx = Harness()
        self.taxonomy, self.deadlines, self.tokens = FakeTaxonomy(), FakeDeadlines(), FakeTokens()
        self.open311 = Open311(
            writer=self.fx.writer,
            store=self.fx.store,
            tokens=self.tokens,
            taxonomy=self.taxonomy,
            deadlines=self.deadlines,
            vault=self.fx.vault,
            keys=ApiKeys("warga-app:" + hashlib.sha256(API_KEY.encode()).hexdigest()),
            region_names=REGION_NAMES,
            clock=lambda: self.fx.now,
        )
        WRITER.target, READER.target, STORE.target = self.fx.writer, self.fx.reader, self.fx.store
        OPEN311.target = self.open311
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(APP), base_url="http://intake"
        )

    async def get(self, path: str, **params: str) -> httpx.Response:
        return await self.client.get(f"{BASE}/{path}", params=params)

    async def post(self, fmt: str = "json", /, **changes: str | None) -> httpx.Response:
        """POST a service request: FORM with changes (None removes a field)."""
        fields = {k: v for k, v in {**FORM, **changes}.items() if v is not None}
        return await self.client.post(f"{BASE}/requests.{fmt}", data=fields)

    async def file(self, **changes: str | None) -> str:
        """File a request; its service_request_id."""
        response = await self.post(**changes)
        assert response.status_code == 200, response.text
        answer: list[dict[str, Any]] = response.json()
        return str(answer[0]["service_request_id"])


def xml_of(text: str) -> ET.Element:
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>"), text[:60]
    return ET.fromstring(text)


def assert_error(response: Any, code: int, fmt: str = "json") -> str:
    """The response is an Open311 error with this code; its description."""
    assert response.status_code == code, response.text
    if fmt == "xml":
        assert response.headers["content-type"].startswith("text/xml")
        root = xml_of(response.text)
        assert root.tag == "errors"
        [error] = list(root)
        assert error.tag == "error"
        assert [child.tag for child in error] == ["code", "description"]
        assert error.findtext("code") == str(code)
        return error.findtext("description") or ""
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()
    assert set(error) == {"code", "description"}
    assert error["code"] == code
    assert isinstance(error["description"], str)
    assert error["description"]
    return str(error["description"])
