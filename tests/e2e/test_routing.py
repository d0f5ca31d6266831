"""No wrong door, through the running platform over the real broker: suggestions, automatic
routing to a department, an agency's own topic, "not our authority", the administrators'
queue and duplicates."""

import uuid
from typing import Any

import grpc
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from intake.auth import issue_token
from lapor.events.v1.envelope_pb2 import EventEnvelope
from lapor.report.v1.events_pb2 import ReportSubmitted
from lapor.routing.v1 import routing_service_pb2 as pb
from lapor.routing.v1 import routing_service_pb2_grpc as pb_grpc
from tests.e2e.conftest import Platform
from tests.e2e.test_lifecycle import _secrets
from tests.eventually import eventually
from tests.infra import Infrastructure

DISDUKCAPIL = "pemkot-3273.disdukcapil"
KTP_TITLE = "E-KTP saya belum jadi sudah 5 bulan di Disdukcapil Kota Bandung"
KTP_BODY = (
    "Yth Bapak/Ibu, saya sudah melakukan perekaman e-KTP di kantor Disdukcapil Kota Bandung "
    "bulan Juni lalu tetapi sampai sekarang KTP elektronik saya belum dicetak. Setiap kali "
    "saya datang petugas bilang blanko KTP habis dan disuruh kembali bulan depan. Saya butuh "
    "KTP untuk melamar kerja dan membuka rekening bank. Mohon ditindaklanjuti."
)
KTP = {
    "type": "pengaduan",
    "title": KTP_TITLE,
    "body": KTP_BODY,
    "region_code": "32.73",
    "anonymous": True,
}


@pytest.fixture(scope="module")
def admin(infra: Infrastructure, platform: Platform) -> dict[str, str]:
    key = _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]
    return {"Authorization": f"Bearer {issue_token(key, 'administrator', 'admin', '', 1)}"}


def _officer(infra: Infrastructure, agency: str) -> dict[str, str]:
    key = _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]
    return {"Authorization": f"Bearer {issue_token(key, 'officer', 'siti', agency, 1)}"}


async def _view(client: httpx.AsyncClient, tracking_id: str, headers: dict[str, str]) -> Any:
    return (await client.get(f"/api/v1/reports/{tracking_id}", headers=headers)).json()


async def _agency_records(platform: Platform, agency: str, report_id: str) -> list[EventEnvelope]:
    consumer = AIOKafkaConsumer(
        f"lapor.agency.{agency}.reports",
        bootstrap_servers=platform.env["LAPOR_KAFKA_BOOTSTRAP_SERVERS"],
        group_id=f"lapor.agency.{agency}:e2e-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=3000)
    finally:
        await consumer.stop()
    envelopes = [EventEnvelope.FromString(r.value) for rs in batches.values() for r in rs]
    return [e for e in envelopes if e.report_id == report_id]


async def test_the_directory_api_connects_an_agency_once_and_only_for_administrators(
    platform: Platform, infra: Infrastructure, admin: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        connected = await client.post(f"/api/v1/agencies/{DISDUKCAPIL}/connect", headers=admin)
        again = await client.post(f"/api/v1/agencies/{DISDUKCAPIL}/connect", headers=admin)
        anonymous = await client.post(f"/api/v1/agencies/{DISDUKCAPIL}/connect")
        officer = await client.post(
            f"/api/v1/agencies/{DISDUKCAPIL}/connect", headers=_officer(infra, DISDUKCAPIL)
        )
        unknown = await client.post("/api/v1/agencies/pemkab-9999/connect", headers=admin)
        described = (await client.get(f"/api/v1/agencies/{DISDUKCAPIL}")).json()
    assert connected.status_code == 201, connected.text
    assert connected.json()["connection"]["topic"] == f"lapor.agency.{DISDUKCAPIL}.reports"
    assert [again.status_code, anonymous.status_code, officer.status_code] == [409, 401, 403]
    assert unknown.status_code == 404
    assert described["escalation_chain"][:3] == [DISDUKCAPIL, "pemkot-3273", "pemprov-32"]
    assert described["escalation_chain"][-2:] == ["pengelola-nasional", "ombudsman"]


async def test_a_clear_report_reaches_the_department_and_its_topic_then_moves_on_when_declined(
    platform: Platform, infra: Infrastructure, admin: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        await client.post(f"/api/v1/agencies/{DISDUKCAPIL}/connect", headers=admin)
        suggested = (
            await client.post(
                "/api/v1/routing/suggest", json={"title": KTP["title"], "body": KTP["body"]}
            )
        ).json()
        tracking_id = (await client.post("/api/v1/reports", json=KTP)).json()["tracking_id"]
        routed = await eventually(
            lambda: _view(client, tracking_id, admin), lambda v: bool(v.get("agency"))
        )
        declined = await client.post(
            f"/api/v1/reports/{tracking_id}/decline",
            json={"reason": "Blanko KTP dari Kemendagri, bukan wewenang kami"},
            headers=_officer(infra, DISDUKCAPIL),
        )
        moved = await eventually(
            lambda: _view(client, tracking_id, admin),
            lambda v: bool(v.get("agency")) and v["agency"]["code"] != DISDUKCAPIL,
        )
    records = await eventually(
        lambda: _agency_records(platform, DISDUKCAPIL, tracking_id), lambda rs: len(rs) >= 3
    )
    assert suggested["suggestions"][0]["agency_code"] == DISDUKCAPIL
    assert suggested["suggestions"][0]["category"] == "kependudukan.ktp"
    assert routed["agency"]["code"] == DISDUKCAPIL
    assert declined.status_code == 200, declined.text
    assert moved["declined_by"] == [DISDUKCAPIL]
    assert [r.event_type for r in records] == [
        "ReportSubmitted",
        "ReportRouted",
        "ReportForwarded",
    ]
    submitted = ReportSubmitted.FromString(records[0].payload)
    assert submitted.title == KTP["title"]
    assert not submitted.HasField("reporter")
    assert not submitted.access_secret_sha256
    assert not records[0].idempotency_key


async def test_a_vague_report_waits_for_the_administrators_with_suggestions_and_hints(
    platform: Platform, admin: dict[str, str]
) -> None:
    vague = {
        "type": "pengaduan",
        "title": "Tolong dibantu pak",
        "body": "Mohon dibantu pak, masalah ini sudah lama sekali tidak selesai juga.",
        "region_code": "32.04",
    }
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        tracking_id = (await client.post("/api/v1/reports", json=vague)).json()["tracking_id"]
        view = await eventually(
            lambda: _view(client, tracking_id, admin), lambda v: "routing_suggestions" in v
        )
        public = await _view(client, tracking_id, {})
    assert view["status"]["code"] == "MENUNGGU_VERIFIKASI"
    assert "incomplete" in [h["reason"] for h in view["routing_suggestions"]["hints"]]
    assert view["routing_suggestions"]["model_version"]
    assert "routing_suggestions" not in public


async def test_the_same_matter_reported_again_follows_the_original(
    platform: Platform, admin: dict[str, str]
) -> None:
    pothole = {
        "type": "pengaduan",
        "title": "Jembatan gantung Desa Banjaran retak dan miring",
        "body": (
            "Jembatan gantung penghubung Desa Banjaran ke Desa Kamasan retak dan miring, sudah "
            "dua bulan tidak diperbaiki. Anak sekolah tiap pagi menyeberang dengan takut karena "
            f"papan lantainya lapuk. Mohon segera diperbaiki. Ref {uuid.uuid4().hex[:6]}"
        ),
        "region_code": "32.04",
    }
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        first = (await client.post("/api/v1/reports", json=pothole)).json()
        await eventually(
            lambda: _view(client, first["tracking_id"], admin), lambda v: v["sequence"] >= 2
        )
        second = (await client.post("/api/v1/reports", json=pothole)).json()
        linked = await eventually(
            lambda: _view(
                client, second["tracking_id"], {"X-Access-Secret": second["access_secret"]}
            ),
            lambda v: v["status"]["code"] == "DIGABUNGKAN",
        )
    assert linked["duplicate_of"]["tracking_id"] == first["tracking_id"]
    assert linked["duplicate_of"]["status"]["code"]


async def test_the_grpc_service_suggests_and_climbs_the_escalation_chain(
    platform: Platform,
) -> None:
    address = f"127.0.0.1:{platform.grpc_ports['routing']}"
    async with grpc.aio.insecure_channel(address) as channel:
        routing = pb_grpc.RoutingServiceStub(channel)
        suggested = await routing.Suggest(
            pb.SuggestRequest(title=KTP_TITLE, body=KTP_BODY, region_code="32.73")
        )
        school = await routing.GetAgency(
            pb.GetAgencyRequest(code="pemkab-3204.disdik", category_code="pendidikan.sekolah")
        )
        with pytest.raises(grpc.aio.AioRpcError) as empty:
            await routing.Suggest(pb.SuggestRequest(title="", body=KTP_BODY))
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await routing.GetAgency(pb.GetAgencyRequest(code="pemkab-9999"))
    assert suggested.suggestions[0].agency_code == DISDUKCAPIL
    assert suggested.region_code == "32.73"
    assert [a.code for a in school.escalation_chain] == [
        "pemkab-3204.disdik",
        "pemkab-3204",
        "pemprov-32",
        "kemendikdasmen",
        "pengelola-nasional",
        "ombudsman",
    ]
    assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "title" in (empty.value.details() or "")
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
