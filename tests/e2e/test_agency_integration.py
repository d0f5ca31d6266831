"""An agency's own complaint system through the running platform: an administrator issues its
integration key (checked against routing's directory), the system imports reports over gRPC,
an officer of that agency responds through intake's REST API, and the system sees the response
through GetReports and ListUpdates."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import httpx
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from intake.auth import issue_token
from lapor.integration.v1 import integration_service_pb2 as pb
from lapor.integration.v1 import integration_service_pb2_grpc as pb_grpc
from lapor.report.v1.events_pb2 import REPORT_TYPE_COMPLAINT
from tests.e2e.conftest import Platform
from tests.infra import Infrastructure

AGENCY = "pemkab-3204"


def _signing_key(run_dir: Path) -> str:
    lines = (run_dir / "secrets.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)["LAPOR_JWT_SIGNING_KEY"]


def _bearer(infra: Infrastructure, role: str, agency: str = "") -> dict[str, str]:
    token = issue_token(_signing_key(infra.run_dir), role, "e2e", agency, 1)
    return {"Authorization": f"Bearer {token}"}


def _report(external_id: str) -> pb.ExternalReport:
    return pb.ExternalReport(
        external_id=external_id,
        type=REPORT_TYPE_COMPLAINT,
        title="Saluran air tersumbat di Soreang",
        body="Saluran air di depan pasar Soreang tersumbat sampah, jalan tergenang tiap hujan.",
        region_code="32.04.05",
    )


async def test_an_agency_system_imports_and_follows_the_officers_response(
    platform: Platform, infra: Infrastructure
) -> None:
    run = uuid.uuid4().hex[:8]
    since = Timestamp()
    since.FromDatetime(datetime.now(UTC) - timedelta(seconds=1))
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        issued = await client.post(
            "/api/v1/integration/credentials",
            json={"agency_code": AGENCY, "label": f"SIPP e2e {run}"},
            headers=_bearer(infra, "administrator"),
        )
        assert issued.status_code == 201, issued.text
        unknown = await client.post(
            "/api/v1/integration/credentials",
            json={"agency_code": "bukan-instansi", "label": "x"},
            headers=_bearer(infra, "administrator"),
        )
        key = [("x-api-key", issued.json()["api_key"])]
        target = f"127.0.0.1:{platform.grpc_ports['intake']}"
        async with grpc.aio.insecure_channel(target) as channel:
            stub = pb_grpc.AgencyIntegrationServiceStub(channel)
            imported = await stub.ImportReports(
                pb.ImportReportsRequest(reports=[_report(f"{run}-1"), _report(f"{run}-2")]),
                metadata=key,
            )
            tracking_id = imported.results[0].tracking_id
            officer = _bearer(infra, "officer", AGENCY)
            for action, body in (
                ("acknowledge", {}),
                ("respond", {"text": "Petugas kebersihan dikirim besok pagi.", "final": False}),
            ):
                acted = await client.post(
                    f"/api/v1/reports/{tracking_id}/{action}", json=body, headers=officer
                )
                assert acted.status_code == 200, acted.text
            found = await stub.GetReports(
                pb.GetReportsRequest(external_ids=[f"{run}-1"]), metadata=key
            )
            updates = await stub.ListUpdates(pb.ListUpdatesRequest(since=since), metadata=key)
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.GetReports(pb.GetReportsRequest(external_ids=[f"{run}-1"]))

    assert unknown.status_code == 422
    assert [r.outcome for r in imported.results] == [pb.IMPORT_OUTCOME_CREATED] * 2
    [report] = found.reports
    assert (report.tracking_id, report.external_id, report.agency_code) == (
        tracking_id,
        f"{run}-1",
        AGENCY,
    )
    assert (report.status, report.sequence) == ("DIPROSES", 4)
    assert [e.event_type for e in report.timeline] == [
        "ReportSubmitted",
        "ReportRouted",
        "ReportAcknowledged",
        "ReportResponded",
    ]
    assert "Petugas kebersihan dikirim besok pagi." in report.timeline[-1].text_id
    mine = [r for r in updates.reports if r.tracking_id == tracking_id]
    assert [r.sequence for r in mine] == [4]
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
