"""Open311 GeoReport v2 through the gateway of the running platform: services from routing,
a request filed with the development key, routed, with its deadline from escalation, found by
its token and by the list's filters; a confidential one nowhere."""

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import httpx
import pytest

from intake.auth import issue_token
from intake.domain.open311 import w3c
from lapor.escalation.v1 import deadline_service_pb2 as pb
from lapor.escalation.v1 import deadline_service_pb2_grpc as pb_grpc
from tests.e2e.conftest import Platform
from tests.e2e.settling import at_agency
from tests.e2e.test_lifecycle import _secrets
from tests.eventually import eventually
from tests.infra import Infrastructure

BASE = "/open311/v2"
FALLBACK = "pemkot-3273"
FORM = {
    "service_code": "infrastruktur.penerangan-jalan",
    "lat": "-6.9147",
    "long": "107.6098",
    "address_string": "Jl. Asia Afrika dekat alun-alun",
    "email": "warga.open311@contoh.id",
    "first_name": "Rina",
    "attribute[kode_wilayah]": "32.73",
}


@pytest.fixture(scope="module")
def api_key(infra: Infrastructure, platform: Platform) -> str:
    return _secrets(infra.run_dir)["OPEN311_DEV_API_KEY"]


@pytest.fixture(scope="module")
def admin(infra: Infrastructure, platform: Platform) -> dict[str, str]:
    key = _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]
    return {"Authorization": f"Bearer {issue_token(key, 'administrator', 'admin', '', 1)}"}


def _description() -> str:
    """A text no other report has, so routing links it to none."""
    lamp = uuid.uuid4().hex[:6]
    return (
        f"Lampu penerangan jalan umum nomor tiang {lamp} di Jl. Asia Afrika mati sejak seminggu "
        "lalu, jalan gelap sekali pada malam hari dan rawan kejahatan. Mohon segera diperbaiki."
    )


async def _file(client: httpx.AsyncClient, api_key: str, **changes: str) -> dict[str, Any]:
    form = {**FORM, "api_key": api_key, "description": _description(), **changes}
    response = await client.post(f"{BASE}/requests.json", data=form)
    assert response.status_code == 200, response.text
    [answer] = response.json()
    return dict(answer)


async def _one(client: httpx.AsyncClient, report_id: str) -> dict[str, Any]:
    response = await client.get(f"{BASE}/requests/{report_id}.json")
    return dict(response.json()[0]) if response.status_code == 200 else {}


async def _listed(client: httpx.AsyncClient, **params: str) -> list[str]:
    response = await client.get(f"{BASE}/requests.json", params=params)
    assert response.status_code == 200, response.text
    return [request["service_request_id"] for request in response.json()]


async def _completion_deadline(client: httpx.AsyncClient, report_id: str) -> datetime | None:
    clocks = (await client.get(f"/api/v1/deadlines/{report_id}")).json().get("clocks", [])
    found = [c["deadline"] for c in clocks if c["clock"] == "completion" and not c["paused"]]
    return datetime.fromisoformat(found[0]) if found else None


async def test_services_are_routings_taxonomy_in_json_and_xml(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        services = (await client.get(f"{BASE}/services.json")).json()
        xml = await client.get(f"{BASE}/services.xml")
        definition = (await client.get(f"{BASE}/services/infrastruktur.jalan.json")).json()
        discovery = ET.fromstring((await client.get(f"{BASE}/discovery.xml")).text)
    codes = {service["service_code"] for service in services}
    assert {"infrastruktur.jalan", "sosial.pkh", "kependudukan.ktp"} <= codes
    assert len(ET.fromstring(xml.text).findall("service")) == len(services)
    assert [a["code"] for a in definition["attributes"]][:3] == ["jenis", "judul", "kode_wilayah"]
    assert discovery.findtext("endpoints/endpoint/specification") == (
        "http://wiki.open311.org/GeoReport_v2"
    )
    assert discovery.findtext("endpoints/endpoint/url") == platform.base_url + BASE


async def test_a_request_is_filed_routed_and_given_its_deadline(
    platform: Platform, api_key: str, admin: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        answer = await _file(client, api_key)
        report_id = answer["service_request_id"]
        token = (await client.get(f"{BASE}/tokens/{answer['token']}.json")).json()
        view = await at_agency(client, report_id, admin, FALLBACK)
        request = await eventually(
            lambda: _one(client, report_id), lambda r: "expected_datetime" in r
        )
        completion = await _completion_deadline(client, report_id)
    assert token == [{"service_request_id": report_id, "token": answer["token"]}]
    assert request["status"] == "open"
    assert request["agency_responsible"] == view["agency"]["name"]
    assert request["service_code"] == view["category_code"]
    assert completion is not None
    assert request["expected_datetime"] == w3c(completion)
    assert request["requested_datetime"].endswith("+07:00")
    assert "Rina" not in str(request)
    assert "contoh" not in str(request)


async def test_escalation_answers_deadlines_over_grpc(
    platform: Platform, api_key: str, admin: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        report_id = (await _file(client, api_key))["service_request_id"]
        await at_agency(client, report_id, admin, FALLBACK)
    target = f"127.0.0.1:{platform.grpc_ports['escalation']}"
    async with grpc.aio.insecure_channel(target) as channel:
        escalation = pb_grpc.DeadlineServiceStub(channel)
        asked = pb.GetDeadlinesRequest(tracking_ids=[report_id, "ABCD-EFGH-JKMN"])
        answer = await eventually(
            lambda: escalation.GetDeadlines(asked), lambda a: len(a.reports) == 1
        )
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await escalation.GetDeadlines(pb.GetDeadlinesRequest(tracking_ids=["bukan id"]))
    [report] = answer.reports
    assert report.tracking_id == report_id
    assert report.HasField("nearest")
    assert report.deadlines
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_confidential_request_is_nowhere_in_the_api(
    platform: Platform, api_key: str
) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        report_id = (await _file(client, api_key, **{"attribute[rahasia]": "ya"}))[
            "service_request_id"
        ]
        one = await client.get(f"{BASE}/requests/{report_id}.json")
        by_id = await _listed(client, service_request_id=report_id)
        listed = await _listed(client, service_code=FORM["service_code"])
    assert one.status_code == 404
    assert one.json() == [{"code": 404, "description": f"no service request {report_id!r}"}]
    assert by_id == []
    assert report_id not in listed


async def test_the_list_filters_requests(
    platform: Platform, api_key: str, admin: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        report_id = (await _file(client, api_key))["service_request_id"]
        agency = (await at_agency(client, report_id, admin, FALLBACK))["agency"]["code"]
        later = w3c(datetime.now(UTC) + timedelta(minutes=5))
        found = {
            "service": await _listed(client, service_code=FORM["service_code"]),
            "open": await _listed(client, status="open"),
            "closed": await _listed(client, status="closed"),
            "region": await _listed(client, jurisdiction_id="32.73"),
            "province": await _listed(client, jurisdiction_id="32"),
            "other region": await _listed(client, jurisdiction_id="73"),
            "agency": await _listed(client, jurisdiction_id=agency),
            "later": await _listed(client, start_date=later),
        }
    assert {name for name, ids in found.items() if report_id in ids} == {
        "service",
        "open",
        "region",
        "province",
        "agency",
    }


async def test_a_bad_key_is_refused_in_the_error_format(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        form = {**FORM, "api_key": "bukan-kunci", "description": _description()}
        response = await client.post(f"{BASE}/requests.xml", data=form)
    assert response.status_code == 403
    error = ET.fromstring(response.text).find("error")
    assert error is not None
    assert error.findtext("code") == "403"
