"""Intake's REST API in-process (httpx over ASGI, no sockets), over a writer with fakes."""

import itertools
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from intake.api import build_app
from intake.handlers import ReportWriter
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN
from lapor.report.v1.events_pb2 import (
    CHANNEL_MOBILE,
    REPORT_TYPE_COMPLAINT,
    GeoPoint,
    ReportSubmitted,
)
from tests.unit.fakes import FakeEventLog, FakeReportStore

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MAX_BODY = 4096
REPORTS = "/api/v1/reports"
REPORT: dict[str, Any] = {
    "type": "pengaduan",
    "requires_examination": True,
    "title": "Jalan berlubang di Soreang",
    "body": "Jalan utama di depan pasar berlubang besar sejak dua minggu lalu.",
    "category_code": "infrastruktur.jalan",
    "region_code": "32.04.05",
    "location": {"latitude": -7.0253, "longitude": 107.5197},
    "channel": "mobile",
    "anonymous": True,
    "confidential": False,
}


class Api:
    def __init__(self) -> None:
        self.store = FakeReportStore()
        self.log = FakeEventLog()
        numbers = itertools.count(1)
        writer = ReportWriter(
            self.store,
            self.log,
            {"32", "32.04", "32.04.05"}.__contains__,
            lambda: AT,
            lambda: f"7K3M-9QXD-{next(numbers):04d}",
        )
        app = build_app(writer, self.store, MAX_BODY)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://intake"
        )


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    api = Api()
    async with api.client:
        yield api


async def test_a_report_is_accepted_with_its_tracking_id(api: Api) -> None:
    response = await api.client.post(REPORTS, json=REPORT)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{REPORTS}/7K3M-9QXD-0001"
    assert response.json() == {
        "tracking_id": "7K3M-9QXD-0001",
        "type": "pengaduan",
        "title": REPORT["title"],
        "region_code": "32.04.05",
        "channel": "mobile",
        "status": "MENUNGGU_VERIFIKASI",
        "status_label": {"id": "Menunggu Verifikasi", "en": "Awaiting verification"},
        "agency": None,
        "sequence": 1,
        "submitted_at": "2026-03-02T09:30:00+00:00",
    }


async def test_an_accepted_report_is_in_the_log_with_every_field(api: Api) -> None:
    await api.client.post(REPORTS, json=REPORT, headers={"X-Correlation-ID": "req-42"})
    [event] = api.log.events
    assert event.envelope.correlation_id == "req-42"
    assert event.envelope.actor.kind == ACTOR_KIND_CITIZEN
    assert event.envelope.actor.id == ""  # a citizen's identity never enters the log
    assert event.payload == ReportSubmitted(
        type=REPORT_TYPE_COMPLAINT,
        requires_examination=True,
        title=REPORT["title"],
        body=REPORT["body"],
        category_code="infrastruktur.jalan",
        region_code="32.04.05",
        location=GeoPoint(latitude=-7.0253, longitude=107.5197),
        channel=CHANNEL_MOBILE,
        anonymous=True,
        confidential=False,
    )


async def test_without_a_correlation_id_one_is_made_up(api: Api) -> None:
    await api.client.post(REPORTS, json=REPORT)
    await api.client.post(REPORTS, json=REPORT)
    first, second = (e.envelope.correlation_id for e in api.log.events)
    assert first
    assert first != second


async def test_defaults_fill_what_the_form_leaves_out(api: Api) -> None:
    minimal = {k: REPORT[k] for k in ("type", "title", "body", "region_code")}
    response = await api.client.post(REPORTS, json=minimal)
    assert response.status_code == 201, response.text
    assert response.json()["channel"] == "web"
    payload = api.log.events[0].payload
    assert isinstance(payload, ReportSubmitted)
    assert not payload.HasField("location")
    assert (payload.anonymous, payload.confidential, payload.requires_examination) == (
        False,
        False,
        False,
    )


async def test_whole_number_coordinates_are_accepted(api: Api) -> None:
    response = await api.client.post(
        REPORTS, json={**REPORT, "location": {"latitude": -7, "longitude": 107}}
    )
    assert response.status_code == 201, response.text


async def test_an_unknown_region_is_refused_with_its_problems(api: Api) -> None:
    response = await api.client.post(REPORTS, json={**REPORT, "region_code": "99.99"})
    assert response.status_code == 422
    assert response.json()["detail"]["problems"] == [
        "region_code '99.99' is not a Kemendagri region code"
    ]
    assert api.log.events == []


async def test_every_domain_problem_is_listed(api: Api) -> None:
    bad = {
        **REPORT,
        "type": "aspirasi",
        "title": "abc",
        "location": {"latitude": 91.0, "longitude": 0.0},
    }
    response = await api.client.post(REPORTS, json=bad)
    assert response.status_code == 422
    assert len(response.json()["detail"]["problems"]) == 3


@pytest.mark.parametrize(
    "change",
    [
        {"anonymous": "yes"},
        {"anonymous": 1},
        {"requires_examination": "true"},
        {"title": 12345},
        {"region_code": 32},
        {"type": "keluhan"},
        {"channel": "sms"},
        {"location": {"latitude": "-7.0", "longitude": 107.5}},
        {"location": [-7.0, 107.5]},
        {"category_code": "x" * 65},
    ],
)
async def test_wrong_types_and_values_are_refused(api: Api, change: dict[str, Any]) -> None:
    response = await api.client.post(REPORTS, json={**REPORT, **change})
    assert response.status_code == 422, response.text
    assert api.log.events == []


@pytest.mark.parametrize(
    "report",
    [
        {**REPORT, "reporter_nik": "3204050101900001"},
        {**REPORT, "location": {"latitude": 1.0, "longitude": 1.0, "altitude": 700.0}},
    ],
)
async def test_unknown_fields_are_refused(api: Api, report: dict[str, Any]) -> None:
    response = await api.client.post(REPORTS, json=report)
    assert response.status_code == 422, response.text
    assert api.log.events == []


@pytest.mark.parametrize("missing", ["type", "title", "body", "region_code"])
async def test_missing_fields_are_refused(api: Api, missing: str) -> None:
    report = {k: v for k, v in REPORT.items() if k != missing}
    response = await api.client.post(REPORTS, json=report)
    assert response.status_code == 422, response.text
    assert missing in response.text


@pytest.mark.parametrize(
    "content",
    [b'{"type": "pengaduan",', b"not json", b"", b"[]", b"null"],
)
async def test_what_is_not_a_json_report_is_refused(api: Api, content: bytes) -> None:
    response = await api.client.post(
        REPORTS, content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert api.log.events == []


async def test_invalid_utf8_is_refused_as_unprocessable(api: Api) -> None:
    content = json.dumps(REPORT).encode().replace(b"Soreang", b"Sore\xff\xfeang")
    response = await api.client.post(
        REPORTS, content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert api.log.events == []


async def test_a_body_declared_too_large_is_refused(api: Api) -> None:
    content = json.dumps({**REPORT, "body": "x" * MAX_BODY}).encode()
    response = await api.client.post(
        REPORTS, content=content, headers={"content-type": "application/json"}
    )
    assert response.request.headers["content-length"] == str(len(content))
    assert response.status_code == 413, response.text
    assert response.json() == {"detail": f"request body is larger than {MAX_BODY} bytes"}
    assert api.log.events == []


def _padded(size: int) -> bytes:
    """The report as JSON, padded with insignificant whitespace to exactly ``size`` bytes."""
    text = json.dumps(REPORT).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


async def test_a_body_exactly_at_the_limit_is_accepted(api: Api) -> None:
    response = await api.client.post(
        REPORTS, content=_padded(MAX_BODY), headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


async def test_a_body_one_byte_over_the_limit_is_refused(api: Api) -> None:
    response = await api.client.post(
        REPORTS, content=_padded(MAX_BODY + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text


async def test_a_streamed_body_too_large_is_refused(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield json.dumps({**REPORT, "body": "x" * 100})[:-1].encode()
        for _ in range(MAX_BODY // 1000 + 1):
            yield b" " * 1000
        yield b"}"

    response = await api.client.post(
        REPORTS, content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text
    assert api.log.events == []


async def test_a_streamed_body_within_the_limit_is_accepted(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        text = json.dumps(REPORT).encode()
        for i in range(0, len(text), 50):
            yield text[i : i + 50]

    response = await api.client.post(
        REPORTS, content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


async def test_an_unknown_tracking_id_is_not_found(api: Api) -> None:
    response = await api.client.get(f"{REPORTS}/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404
    assert "ZZZZ-ZZZZ-ZZZZ" in response.json()["detail"]


async def test_a_malformed_tracking_id_is_not_found(api: Api) -> None:
    response = await api.client.get(f"{REPORTS}/not-a-tracking-id")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "typed", ["7K3M-9QXD-0001", "7k3m-9qxd-0001", "7k3m9qxd0001", "7K3M9QXDOOO1"]
)
async def test_a_report_is_found_by_its_tracking_id_as_typed(api: Api, typed: str) -> None:
    created = (await api.client.post(REPORTS, json=REPORT)).json()
    response = await api.client.get(f"{REPORTS}/{typed}")
    assert response.status_code == 200, response.text
    assert response.json() == created
