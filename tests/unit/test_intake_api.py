"""Intake's REST API in-process: filing a report, idempotent retries, audience-dependent views,
the inbox, and who is authenticated (httpx over ASGI, fakes behind the writer)."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from intake.domain.model import secret_digest
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN
from lapor.report.v1.events_pb2 import (
    CHANNEL_MOBILE,
    REPORT_TYPE_COMPLAINT,
    GeoPoint,
    ReportSubmitted,
)
from tests.unit.api_client import (
    CONTACT,
    MAX_BODY,
    REPORT,
    REPORTS,
    Api,
)

JSON = {"content-type": "application/json"}


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    api = Api()
    async with api.client:
        yield api


# filing a report


async def test_a_report_is_accepted_with_its_tracking_id_and_access_secret(api: Api) -> None:
    response = await api.client.post(REPORTS, json=REPORT)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert set(answer) == {"tracking_id", "access_secret", "sequence", "status", "status_label"}
    assert (answer["sequence"], answer["status"]) == (1, "MENUNGGU_VERIFIKASI")
    assert answer["status_label"] == {"id": "Menunggu Verifikasi", "en": "Awaiting verification"}
    assert response.headers["location"] == f"{REPORTS}/{answer['tracking_id']}"
    assert "idempotent-replayed" not in response.headers
    [event] = api.log.events
    assert event.envelope.report_id == answer["tracking_id"]
    payload = event.payload
    assert isinstance(payload, ReportSubmitted)
    assert payload.access_secret_sha256 == secret_digest(answer["access_secret"])


async def test_an_accepted_report_is_on_the_log_without_plain_identity(api: Api) -> None:
    await api.client.post(REPORTS, json=REPORT, headers={"X-Correlation-ID": "req-42"})
    [event] = api.log.events
    assert event.envelope.correlation_id == "req-42"
    assert event.envelope.actor.kind == ACTOR_KIND_CITIZEN
    assert event.envelope.actor.id == ""  # a citizen's identity never enters the log
    payload = event.payload
    assert isinstance(payload, ReportSubmitted)
    assert payload.HasField("reporter")
    payload.ClearField("reporter")
    payload.ClearField("access_secret_sha256")
    assert payload == ReportSubmitted(
        type=REPORT_TYPE_COMPLAINT,
        requires_examination=True,
        title=REPORT["title"],
        body=REPORT["body"],
        category_code="infrastruktur.jalan",
        region_code="32.04.05",
        location=GeoPoint(latitude=-7.0253, longitude=107.5197),
        channel=CHANNEL_MOBILE,
        language="id",
        reporter_gave_email=True,
        reporter_gave_phone=True,
    )
    raw = event.envelope.SerializeToString()
    # Long enough never to turn up by chance in a random id or ciphertext.
    for value in ("Dewi", "81234567890", "3456-7890", "contoh", CONTACT["id_number"]):
        assert value.encode() not in raw


async def test_without_a_correlation_id_one_is_made_up(api: Api) -> None:
    await api.file()
    await api.file()
    first, second = (e.envelope.correlation_id for e in api.log.events)
    assert first
    assert first != second


async def test_defaults_fill_what_the_form_leaves_out(api: Api) -> None:
    minimal = {k: REPORT[k] for k in ("type", "title", "body", "region_code")}
    response = await api.client.post(REPORTS, json=minimal)
    assert response.status_code == 201, response.text
    payload = api.log.events[0].payload
    assert isinstance(payload, ReportSubmitted)
    assert not payload.HasField("location")
    assert not payload.HasField("reporter")
    assert (payload.anonymous, payload.confidential, payload.requires_examination) == (
        False,
        False,
        False,
    )
    assert (payload.channel, payload.language) == (1, "id")


async def test_whole_number_coordinates_are_accepted(api: Api) -> None:
    response = await api.client.post(
        REPORTS, json={**REPORT, "location": {"latitude": -7, "longitude": 107}}
    )
    assert response.status_code == 201, response.text


async def test_an_unknown_region_is_refused_with_its_problems(api: Api) -> None:
    response = await api.client.post(REPORTS, json={**REPORT, "region_code": "99.99"})
    assert response.status_code == 422
    assert response.json()["problems"] == ["region_code '99.99' is not a Kemendagri region code"]
    assert api.log.events == []
    assert api.fx.vault.keys == {}


async def test_every_domain_problem_is_listed(api: Api) -> None:
    bad = {
        **REPORT,
        "type": "aspirasi",
        "title": "abc",
        "location": {"latitude": 91.0, "longitude": 0.0},
    }
    response = await api.client.post(REPORTS, json=bad)
    assert response.status_code == 422
    assert len(response.json()["problems"]) == 3


async def test_bad_contact_details_are_refused_with_their_problems(api: Api) -> None:
    contact = {**CONTACT, "email": "dewi", "id_number": "123"}
    response = await api.client.post(REPORTS, json={**REPORT, "reporter": contact})
    assert response.status_code == 422
    assert response.json()["problems"] == [
        "reporter.email must be an e-mail address",
        "reporter.id_number must be a 16-digit NIK",
    ]
    assert api.log.events == []


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
        {"language": "jv"},
        {"location": {"latitude": "-7.0", "longitude": 107.5}},
        {"location": [-7.0, 107.5]},
        {"category_code": "x" * 65},
        {"reporter": {"name": 7}},
        {"reporter": {"phone": "0" * 33}},
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
        {**REPORT, "reporter": {**CONTACT, "address": "Jl. Merdeka 1"}},
        {**REPORT, "status": "SELESAI"},
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


@pytest.mark.parametrize("content", [b'{"type": "pengaduan",', b"not json", b"", b"[]", b"null"])
async def test_what_is_not_a_json_report_is_refused(api: Api, content: bytes) -> None:
    response = await api.client.post(REPORTS, content=content, headers=JSON)
    assert response.status_code == 422, response.text
    assert api.log.events == []


async def test_invalid_utf8_is_refused_as_unprocessable(api: Api) -> None:
    content = json.dumps(REPORT).encode().replace(b"Soreang", b"Sore\xff\xfeang")
    response = await api.client.post(REPORTS, content=content, headers=JSON)
    assert response.status_code == 422, response.text
    assert "UTF-8" in response.json()["detail"]
    assert api.log.events == []


async def test_a_body_declared_too_large_is_refused(api: Api) -> None:
    content = json.dumps({**REPORT, "body": "x" * MAX_BODY}).encode()
    response = await api.client.post(REPORTS, content=content, headers=JSON)
    assert response.request.headers["content-length"] == str(len(content))
    assert response.status_code == 413, response.text
    assert response.json() == {"detail": f"request body is larger than {MAX_BODY} bytes"}
    assert api.log.events == []


def _padded(size: int) -> bytes:
    """The report as JSON, padded with insignificant whitespace to exactly ``size`` bytes."""
    text = json.dumps(REPORT).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


async def test_a_body_exactly_at_the_limit_is_accepted(api: Api) -> None:
    response = await api.client.post(REPORTS, content=_padded(MAX_BODY), headers=JSON)
    assert response.status_code == 201, response.text


async def test_a_body_one_byte_over_the_limit_is_refused(api: Api) -> None:
    response = await api.client.post(REPORTS, content=_padded(MAX_BODY + 1), headers=JSON)
    assert response.status_code == 413, response.text


async def test_a_streamed_body_too_large_is_refused(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield json.dumps({**REPORT, "body": "x" * 100})[:-1].encode()
        for _ in range(MAX_BODY // 1000 + 1):
            yield b" " * 1000
        yield b"}"

    response = await api.client.post(REPORTS, content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text
    assert api.log.events == []


async def test_a_streamed_body_within_the_limit_is_accepted(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        text = json.dumps(REPORT).encode()
        for i in range(0, len(text), 50):
            yield text[i : i + 50]

    response = await api.client.post(REPORTS, content=chunks(), headers=JSON)
    assert response.status_code == 201, response.text


# Idempotency-Key


async def test_a_retried_submission_gets_the_same_answer_marked_as_replayed(api: Api) -> None:
    headers = {"Idempotency-Key": "form-7"}
    first = await api.client.post(REPORTS, json=REPORT, headers=headers)
    again = await api.client.post(REPORTS, json=REPORT, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["location"] == first.headers["location"]
    assert len(api.log.events) == 1


async def test_a_key_reused_with_another_body_is_a_conflict(api: Api) -> None:
    headers = {"Idempotency-Key": "form-7"}
    await api.client.post(REPORTS, json=REPORT, headers=headers)
    response = await api.client.post(
        REPORTS, json={**REPORT, "title": "Judul yang lain"}, headers=headers
    )
    assert response.status_code == 409, response.text
    assert "idempotency key" in response.json()["detail"]
    assert len(api.log.events) == 1


async def test_different_keys_file_different_reports(api: Api) -> None:
    first = await api.client.post(REPORTS, json=REPORT, headers={"Idempotency-Key": "a"})
    second = await api.client.post(REPORTS, json=REPORT, headers={"Idempotency-Key": "b"})
    assert first.json()["tracking_id"] != second.json()["tracking_id"]
    assert len(api.log.events) == 2


async def test_an_overlong_idempotency_key_is_refused(api: Api) -> None:
    response = await api.client.post(REPORTS, json=REPORT, headers={"Idempotency-Key": "k" * 201})
    assert response.status_code == 422
    assert api.log.events == []
