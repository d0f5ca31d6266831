"""A report's first steps through the running platform, over its public APIs."""

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from grpc_health.v1 import health_pb2

from analytics.__main__ import REPORT_GROUP
from intake.auth import issue_token
from lapor.report.v1 import commands_pb2, events_pb2
from lapor.report.v1 import report_service_pb2 as pb
from lapor.report.v1 import report_service_pb2_grpc as pb_grpc
from lapor_common.topics import DEAD_LETTER, REPORT_EVENTS
from tests.e2e.conftest import SERVICES, Platform
from tests.e2e.settling import at_agency
from tests.eventually import eventually
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader

REPORT = {
    "type": "pengaduan",
    "title": "Jalan berlubang di Soreang",
    "body": (
        "Jln raya Soreang depan pasar berlubang besar dan dalam, sudah dua minggu tidak "
        "ditambal. Sudah ada pengendara motor jatuh malam hari karena lubang tidak terlihat. "
        "Mohon Dinas PUPR segera memperbaiki jalan kabupaten ini."
    ),
    "region_code": "32.04.05",
}


async def _report(client: httpx.AsyncClient, tracking_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/reports/{tracking_id}")
    return dict(response.json())


def _decided_by_routing(view: dict[str, Any]) -> bool:
    return int(view.get("sequence", 0)) >= 2


def _routed(view: dict[str, Any]) -> bool:
    status: dict[str, str] = view.get("status") or {}
    return status.get("code") == "DITERUSKAN_KE_INSTANSI"


async def test_every_service_is_ready_over_http_and_grpc(platform: Platform) -> None:
    async with httpx.AsyncClient() as client:
        for name in SERVICES:
            ready = await client.get(f"http://127.0.0.1:{platform.http_ports[name]}/readyz")
            assert ready.status_code == 200, (name, ready.text)
    for name in SERVICES:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{platform.grpc_ports[name]}") as channel:
            answer = await eventually(
                _health_check(channel),
                lambda a: a.status == health_pb2.HealthCheckResponse.SERVING,
            )
            assert answer.status == health_pb2.HealthCheckResponse.SERVING, name


def _health_check(
    channel: grpc.aio.Channel,
) -> Callable[[], Awaitable[health_pb2.HealthCheckResponse]]:
    """The standard grpc.health.v1 Check call (its published stubs leave the stub untyped)."""
    call = channel.unary_unary(
        "/grpc.health.v1.Health/Check",
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString,
    )

    async def check() -> health_pb2.HealthCheckResponse:
        return await call(health_pb2.HealthCheckRequest())

    return check


async def test_a_report_posted_through_the_gateway_is_routed_and_counted(
    platform: Platform,
) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        before = (await client.get("/api/v1/stats/summary")).json()
        created = await client.post("/api/v1/reports", json=REPORT)
        assert created.status_code == 201, created.text
        tracking_id = created.json()["tracking_id"]
        assert created.headers["location"] == f"/api/v1/reports/{tracking_id}"
        view = await eventually(lambda: _report(client, tracking_id), _routed)
        stats = await eventually(
            lambda: _json(client, "/api/v1/stats/summary"),
            lambda s: s["outcomes"]["routed"] > before["outcomes"]["routed"],
        )
    assert view["status"] == {
        "code": "DITERUSKAN_KE_INSTANSI",
        "id": "Diteruskan ke Instansi",
        "en": "Forwarded to the agency",
    }
    assert view["agency"]["code"] == "pemkab-3204.pupr"
    assert [entry["event_type"] for entry in view["timeline"]] == [
        "ReportSubmitted",
        "ReportRouted",
    ]
    assert view["sequence"] == 2
    assert stats["outcomes"]["reports"] == before["outcomes"]["reports"] + 1


async def test_reports_are_submitted_and_read_over_grpc(platform: Platform) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{platform.grpc_ports['intake']}") as channel:
        reports = pb_grpc.ReportServiceStub(channel)
        submitted = await reports.SubmitReport(
            pb.SubmitReportRequest(
                type=events_pb2.REPORT_TYPE_INFORMATION_REQUEST,
                title="Data penerima BPNT",
                body="Saya meminta informasi daftar penerima BPNT di kelurahan saya tahun ini.",
                region_code="73.71",
                channel=events_pb2.CHANNEL_MOBILE,
            )
        )
        view = await eventually(
            lambda: reports.GetReport(pb.GetReportRequest(tracking_id=submitted.tracking_id)),
            lambda answer: answer.report.sequence >= 2,
        )
    assert submitted.status == "MENUNGGU_VERIFIKASI"
    assert view.report.tracking_id == submitted.tracking_id
    assert view.report.status_label_id in ("Diteruskan ke Instansi", "Menunggu Verifikasi")


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (pb.SubmitReportRequest(title="x"), grpc.StatusCode.INVALID_ARGUMENT),
        (
            pb.SubmitReportRequest(
                type=events_pb2.REPORT_TYPE_ASPIRATION,
                title="Taman kota",
                body="Mohon taman kota diperbanyak agar anak-anak bisa bermain.",
                region_code="99.99",
                channel=events_pb2.CHANNEL_WEB,
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ],
)
async def test_bad_submissions_over_grpc_are_refused_with_the_reason(
    platform: Platform, request_: pb.SubmitReportRequest, code: grpc.StatusCode
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{platform.grpc_ports['intake']}") as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await pb_grpc.ReportServiceStub(channel).SubmitReport(request_)
    assert refused.value.code() == code
    assert refused.value.details()


@pytest.mark.parametrize(
    ("tracking_id", "code"),
    [
        ("not-an-id", grpc.StatusCode.INVALID_ARGUMENT),
        ("0000-0000-0000", grpc.StatusCode.NOT_FOUND),
    ],
)
async def test_unknown_or_malformed_tracking_ids_over_grpc(
    platform: Platform, tracking_id: str, code: grpc.StatusCode
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{platform.grpc_ports['intake']}") as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await pb_grpc.ReportServiceStub(channel).GetReport(
                pb.GetReportRequest(tracking_id=tracking_id)
            )
    assert refused.value.code() == code


async def test_poison_on_the_log_is_dead_lettered_by_every_consumer_and_reports_still_flow(
    platform: Platform, infra: Infrastructure, producer: AIOKafkaProducer
) -> None:
    dead = await TopicReader(infra.kafka_bootstrap_servers, DEAD_LETTER).start()
    try:
        await producer.send_and_wait(REPORT_EVENTS, b"\x08\x96\x01garbage", key=b"POISON-E2E")
        parked = await dead.collect(lambda r: r.key == b"POISON-E2E", 5, 30.0)
    finally:
        await dead.stop()
    consumers = {dict(record.headers)["lapor.dead-letter.consumer"] for record in parked}
    assert consumers == {
        b"intake-state",
        b"routing",
        b"escalation",
        b"notification",
        REPORT_GROUP.encode(),
    }
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = await client.post("/api/v1/reports", json=REPORT)
        view = await eventually(
            lambda: _report(client, created.json()["tracking_id"]), _decided_by_routing
        )
    # The same text as an earlier test's report: routing links it as a duplicate.
    assert view["status"]["code"] in ("DITERUSKAN_KE_INSTANSI", "DIGABUNGKAN")


async def _json(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    return dict((await client.get(path)).json())


async def test_officers_act_over_grpc_with_a_bearer_token(
    platform: Platform, infra: Infrastructure
) -> None:
    secrets = dict(
        line.split("=", 1) for line in (infra.run_dir / "secrets.env").read_text().splitlines()
    )
    key = secrets["LAPOR_JWT_SIGNING_KEY"]
    admin = issue_token(key, "administrator", "admin", "", 1)
    async with (
        httpx.AsyncClient(base_url=platform.base_url) as client,
        grpc.aio.insecure_channel(f"127.0.0.1:{platform.grpc_ports['intake']}") as channel,
    ):
        reports = pb_grpc.ReportServiceStub(channel)
        submitted = await reports.SubmitReport(
            pb.SubmitReportRequest(
                type=events_pb2.REPORT_TYPE_COMPLAINT,
                title="Antrean BPJS terlalu lama",
                body="Antrean di puskesmas untuk peserta BPJS bisa sampai lima jam setiap pagi.",
                region_code="73.71",
                channel=events_pb2.CHANNEL_MOBILE,
            )
        )
        settled = await at_agency(
            client, submitted.tracking_id, {"Authorization": f"Bearer {admin}"}, "pemkot-7371"
        )
        token = issue_token(key, "officer", "budi", settled["agency"]["code"], 1)
        acknowledge = pb.ActRequest(
            tracking_id=submitted.tracking_id, acknowledge=commands_pb2.AcknowledgeReport()
        )
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await reports.Act(acknowledge)
        acted = await reports.Act(acknowledge, metadata=[("authorization", f"Bearer {token}")])
        with pytest.raises(grpc.aio.AioRpcError) as again:
            await reports.Act(acknowledge, metadata=[("authorization", f"Bearer {token}")])
    assert anonymous.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert (acted.sequence, acted.status) == (settled["sequence"] + 1, "DIPROSES")
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION
