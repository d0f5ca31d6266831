"""Agencies' own systems through intake's integration API in-process: keys issued, listed and
revoked by administrators; bulk imports, idempotent on the external id; reads within the
agency's scope only; changes page by page; the same over gRPC."""

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from intake.handlers import Outcome
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_OFFICER
from lapor.integration.v1 import integration_service_pb2 as pb
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1.events_pb2 import (
    CHANNEL_AGENCY_SYSTEM,
    DECIDED_BY_ORIGIN_AGENCY,
    REPORT_TYPE_COMPLAINT,
    ReportRouted,
    ReportSubmitted,
)
from tests.unit.api_client import REPORT, TOKENS, bearer
from tests.unit.integration_client import INTEGRATION, Aborted, IntegrationApi, grpc_context
from tests.unit.reports import AGENCY, AGENCY_NAME, OFFICER, OTHER_AGENCY, cause_of, routed

CREDENTIALS = f"{INTEGRATION}/credentials"


def item(external_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "type": "REPORT_TYPE_COMPLAINT",
        "title": "Jalan berlubang di Soreang",
        "body": "Jalan utama di depan pasar Soreang berlubang besar sejak dua minggu lalu.",
        "region_code": "32.04.05",
        "received_at": "2026-03-01T08:15:00+07:00",
        **changes,
    }


@pytest.fixture
async def api() -> AsyncIterator[IntegrationApi]:
    api = IntegrationApi()
    async with api.client:
        yield api


# integration keys


async def test_an_administrator_issues_a_key_shown_once_and_listed_without_secret(
    api: IntegrationApi,
) -> None:
    key = await api.issue()
    assert key.startswith("lpk_")
    response = await api.client.get(CREDENTIALS, headers=bearer(TOKENS["admin"]))
    assert response.status_code == 200
    [listed] = response.json()["credentials"]
    assert listed["agency_code"] == AGENCY
    assert listed["agency_name"] == AGENCY_NAME
    assert listed["revoked_at"] is None
    assert "api_key" not in listed
    assert key.split("_", 2)[2] not in response.text
    [stored] = api.keys.documents.values()
    assert key.split("_", 2)[2] not in repr(stored)


@pytest.mark.parametrize(("headers", "status"), [({}, 401), (bearer(TOKENS["officer"]), 403)])
async def test_only_administrators_manage_keys(
    api: IntegrationApi, headers: dict[str, str], status: int
) -> None:
    body = {"agency_code": AGENCY, "label": "SIPP"}
    assert (await api.client.post(CREDENTIALS, json=body, headers=headers)).status_code == status
    assert (await api.client.get(CREDENTIALS, headers=headers)).status_code == status
    assert (await api.client.delete(f"{CREDENTIALS}/abc", headers=headers)).status_code == status


async def test_a_key_is_issued_only_for_an_agency_of_the_directory(api: IntegrationApi) -> None:
    response = await api.client.post(
        CREDENTIALS,
        json={"agency_code": "tidak-ada", "label": "SIPP"},
        headers=bearer(TOKENS["admin"]),
    )
    assert response.status_code == 422
    assert "not in the agency directory" in response.json()["detail"]


@pytest.mark.parametrize("key", ["", "rahasia", "lpk_nokey", "lpk_0000_wrong"])
async def test_a_missing_or_unknown_key_is_unauthenticated(api: IntegrationApi, key: str) -> None:
    real = await api.issue()
    wrong_secret = real.rsplit("_", 1)[0] + "_wrong"
    for attempt in (key, wrong_secret):
        response = await api.import_reports(attempt, [item("A-1")])
        assert response.status_code == 401, response.text
        assert response.json()["detail"]
    assert api.log.events == []


async def test_a_revoked_key_is_refused(api: IntegrationApi) -> None:
    key = await api.issue()
    key_id = key.split("_")[1]
    revoke = await api.client.delete(f"{CREDENTIALS}/{key_id}", headers=bearer(TOKENS["admin"]))
    assert revoke.status_code == 204
    response = await api.import_reports(key, [item("A-1")])
    assert (response.status_code, response.json()["detail"]) == (
        401,
        "the integration key was revoked",
    )
    listed = await api.client.get(CREDENTIALS, headers=bearer(TOKENS["admin"]))
    assert listed.json()["credentials"][0]["revoked_at"] is not None
    missing = await api.client.delete(f"{CREDENTIALS}/nope", headers=bearer(TOKENS["admin"]))
    assert missing.status_code == 404


# bulk import


async def test_a_batch_is_imported_in_order_and_one_bad_report_fails_alone(
    api: IntegrationApi,
) -> None:
    key = await api.issue()
    results = await api.imported(key, [item("A-1"), item("A-2", title=""), item("A-3")])
    assert [(r["external_id"], r["outcome"]) for r in results] == [
        ("A-1", "IMPORT_OUTCOME_CREATED"),
        ("A-2", "IMPORT_OUTCOME_INVALID"),
        ("A-3", "IMPORT_OUTCOME_CREATED"),
    ]
    assert results[1]["tracking_id"] == ""
    assert results[1]["problems"] == ["title must have 5 to 200 characters"]
    for result in (results[0], results[2]):
        events = api.log.of(result["tracking_id"])
        assert [e.envelope.event_type for e in events] == ["ReportSubmitted", "ReportRouted"]
        assert {e.envelope.actor.kind for e in events} == {ACTOR_KIND_OFFICER}
        assert {e.envelope.actor.id for e in events} == {AGENCY}
        submitted, routed_to = events[0].payload, events[1].payload
        assert isinstance(submitted, ReportSubmitted)
        assert isinstance(routed_to, ReportRouted)
        assert submitted.channel == CHANNEL_AGENCY_SYSTEM
        assert (submitted.origin_agency_code, submitted.external_id) == (
            AGENCY,
            result["external_id"],
        )
        assert (routed_to.agency_code, routed_to.decided_by) == (AGENCY, DECIDED_BY_ORIGIN_AGENCY)
    assert len(api.log.events) == 4


async def test_a_reimport_creates_nothing_and_other_content_is_a_conflict(
    api: IntegrationApi,
) -> None:
    key = await api.issue()
    [first] = await api.imported(key, [item("A-1")])
    [again] = await api.imported(key, [item("A-1")])
    assert (again["outcome"], again["tracking_id"]) == (
        "IMPORT_OUTCOME_ALREADY_IMPORTED",
        first["tracking_id"],
    )
    [changed] = await api.imported(key, [item("A-1", title="Judul yang lain sama sekali")])
    assert (changed["outcome"], changed["tracking_id"]) == (
        "IMPORT_OUTCOME_CONFLICT",
        first["tracking_id"],
    )
    assert "different content" in changed["problems"][0]
    assert len(api.log.events) == 2


async def test_one_external_id_twice_in_a_call_is_one_report(api: IntegrationApi) -> None:
    key = await api.issue()
    results = await api.imported(key, [item("A-1"), item("A-1"), item("A-1", title="Lain lagi")])
    assert [r["outcome"] for r in results] == [
        "IMPORT_OUTCOME_CREATED",
        "IMPORT_OUTCOME_ALREADY_IMPORTED",
        "IMPORT_OUTCOME_CONFLICT",
    ]
    assert len({r["tracking_id"] for r in results}) == 1
    assert len(api.log.events) == 2


async def test_a_batch_looks_its_reports_up_once_not_one_by_one(api: IntegrationApi) -> None:
    key = await api.issue()
    [old] = await api.imported(key, [item("A-0")])
    looked_up: list[str] = []
    get = api.fx.store.get

    async def counted(report_id: str) -> Any:
        looked_up.append(report_id)
        return await get(report_id)

    api.fx.store.get = counted  # type: ignore[method-assign]
    results = await api.imported(key, [item("A-0"), *(item(f"A-{i}") for i in range(1, 6))])
    assert [r["outcome"] for r in results] == ["IMPORT_OUTCOME_ALREADY_IMPORTED"] + [
        "IMPORT_OUTCOME_CREATED"
    ] * 5
    assert looked_up == [old["tracking_id"]]


async def test_the_same_external_id_of_two_agencies_is_two_reports(api: IntegrationApi) -> None:
    [ours] = await api.imported(await api.issue(), [item("A-1")])
    [theirs] = await api.imported(await api.issue(OTHER_AGENCY), [item("A-1")])
    assert theirs["outcome"] == "IMPORT_OUTCOME_CREATED"
    assert ours["tracking_id"] != theirs["tracking_id"]


async def test_a_citizens_idempotency_key_cannot_take_an_imports_tracking_id(
    api: IntegrationApi,
) -> None:
    squat = await api.client.post(
        "/api/v1/reports", json=REPORT, headers={"Idempotency-Key": f"agency:{AGENCY}:A-1"}
    )
    assert squat.status_code == 201
    [result] = await api.imported(await api.issue(), [item("A-1")])
    assert result["outcome"] == "IMPORT_OUTCOME_CREATED"
    assert result["tracking_id"] != squat.json()["tracking_id"]


async def test_the_reporters_identity_is_sealed(api: IntegrationApi) -> None:
    reporter = {"name": "Siti Rahmawati", "phone": "+6281234500001", "email": "siti@contoh.id"}
    [result] = await api.imported(await api.issue(), [item("A-1", reporter=reporter)])
    submitted = api.log.of(result["tracking_id"])[0]
    assert isinstance(submitted.payload, ReportSubmitted)
    assert submitted.payload.HasField("reporter")
    assert b"Siti Rahmawati" not in submitted.envelope.SerializeToString()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"reports": [{"external_id": f"A-{i}"} for i in range(501)]}, "at most 500"),
        ({"reports": []}, "send 1 to 500 reports"),
        ({"reports": [{"external_id": "A-1", "warna": "merah"}]}, "warna"),
        ({"reports": [item("A-1", type="REPORT_TYPE_JOKE")]}, "REPORT_TYPE_JOKE"),
    ],
)
async def test_a_malformed_batch_is_refused_whole(
    api: IntegrationApi, body: dict[str, Any], detail: str
) -> None:
    key = await api.issue()
    response = await api.client.post(
        f"{INTEGRATION}/reports", json=body, headers={"X-Api-Key": key}
    )
    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]
    assert api.log.events == []


async def test_a_bulk_body_may_be_larger_than_other_requests(api: IntegrationApi) -> None:
    key = await api.issue()
    reports = [item(f"A-{i}", body="Jalan berlubang besar sekali. " * 20) for i in range(10)]
    results = await api.imported(key, reports)
    assert {r["outcome"] for r in results} == {"IMPORT_OUTCOME_CREATED"}
    elsewhere = await api.client.post("/api/v1/reports", json={"reports": reports})
    assert elsewhere.status_code == 413


async def test_imports_of_one_call_run_concurrently_within_the_bound() -> None:
    api = IntegrationApi(concurrency=3)
    running, most = 0, 0
    submit = api.fx.writer.submit

    async def counted(*args: Any, **options: Any) -> Outcome:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0)
        try:
            return await submit(*args, **options)
        finally:
            running -= 1

    api.fx.writer.submit = counted  # type: ignore[method-assign]
    async with api.client:
        results = await api.imported(await api.issue(), [item(f"A-{i}") for i in range(10)])
    assert len(results) == 10
    assert most == 3


# reading back


async def test_an_agency_follows_its_reports_by_external_or_tracking_id(
    api: IntegrationApi,
) -> None:
    key = await api.issue()
    [result] = await api.imported(key, [item("A-1")])
    tracking_id = result["tracking_id"]
    ask = c.RespondToReport(text="Sudah ditambal minggu ini.", final=True)
    await api.fx.writer.act(tracking_id, ask, OFFICER, cause_of(OFFICER))
    for query in ({"external_id": "A-1"}, {"tracking_id": tracking_id.lower()}):
        response = await api.client.get(
            f"{INTEGRATION}/reports", params=query, headers={"X-Api-Key": key}
        )
        assert response.status_code == 200, response.text
        [report] = response.json()["reports"]
        assert (report["tracking_id"], report["external_id"]) == (tracking_id, "A-1")
        assert (report["status"], report["status_label_en"]) == ("DITANGGAPI", "Responded")
        assert (report["agency_code"], report["sequence"]) == (AGENCY, "3")
        assert report["timeline"][-1]["text_id"].endswith("Sudah ditambal minggu ini.")


async def test_another_agency_can_neither_read_nor_learn_of_them(api: IntegrationApi) -> None:
    [result] = await api.imported(await api.issue(), [item("A-1")])
    theirs = await api.issue(OTHER_AGENCY)
    for query in (
        {"external_id": "A-1"},
        {"tracking_id": result["tracking_id"]},
        {"tracking_id": "AAAA-BBBB-CCCC"},
    ):
        response = await api.client.get(
            f"{INTEGRATION}/reports", params=query, headers={"X-Api-Key": theirs}
        )
        assert response.status_code == 404
        assert "in your agency's scope" in response.json()["detail"]
    updates = await api.client.get(f"{INTEGRATION}/updates", headers={"X-Api-Key": theirs})
    assert updates.json()["reports"] == []


async def test_a_report_routed_to_the_agency_by_another_door_is_in_its_scope(
    api: IntegrationApi,
) -> None:
    outcome = await routed(api.fx)
    response = await api.client.get(
        f"{INTEGRATION}/reports",
        params={"tracking_id": outcome.report_id},
        headers={"X-Api-Key": await api.issue()},
    )
    [report] = response.json()["reports"]
    assert (report["external_id"], report["origin_agency_code"]) == ("", "")


async def test_updates_come_oldest_first_page_by_page(api: IntegrationApi) -> None:
    key = await api.issue()
    results = await api.imported(key, [item(f"A-{i}") for i in range(5)])
    seen: list[str] = []
    token, pages = "", 0
    while True:
        response = await api.client.get(
            f"{INTEGRATION}/updates",
            params={"page_size": 2, "page_token": token, "since": "2026-01-01T00:00:00+07:00"},
            headers={"X-Api-Key": key},
        )
        assert response.status_code == 200, response.text
        seen += [r["tracking_id"] for r in response.json()["reports"]]
        token, pages = response.json()["next_page_token"], pages + 1
        if not token:
            break
    assert pages == 3
    assert seen == sorted(r["tracking_id"] for r in results)
    later = await api.client.get(
        f"{INTEGRATION}/updates",
        params={"since": "2026-03-03T00:00:00+00:00"},
        headers={"X-Api-Key": key},
    )
    assert later.json() == {"reports": [], "next_page_token": ""}


@pytest.mark.parametrize(
    "params",
    [
        {"page_token": "not-a-token"},
        {"page_token": base64.urlsafe_b64encode(b"2026-03-01T00:00:00|X").decode()},
        {"since": "2026-03-01T00:00:00"},
        {"page_size": 501},
    ],
)
async def test_a_bad_page_request_is_refused(api: IntegrationApi, params: dict[str, Any]) -> None:
    response = await api.client.get(
        f"{INTEGRATION}/updates", params=params, headers={"X-Api-Key": await api.issue()}
    )
    assert response.status_code == 422


# the same over gRPC


async def test_grpc_imports_and_reads_with_the_key_in_metadata(api: IntegrationApi) -> None:
    key = await api.issue()
    report = pb.ExternalReport(
        external_id="G-1",
        type=REPORT_TYPE_COMPLAINT,
        title="Lampu jalan mati",
        body="Lampu penerangan jalan di depan pasar Soreang mati sejak seminggu lalu.",
        region_code="32.04.05",
    )
    context = grpc_context(key)
    answer = await api.service.ImportReports(pb.ImportReportsRequest(reports=[report]), context)
    [result] = answer.results
    assert result.outcome == pb.IMPORT_OUTCOME_CREATED
    found = await api.service.GetReports(pb.GetReportsRequest(external_ids=["G-1"]), context)
    assert [r.tracking_id for r in found.reports] == [result.tracking_id]
    updates = await api.service.ListUpdates(pb.ListUpdatesRequest(page_size=10), context)
    assert [r.external_id for r in updates.reports] == ["G-1"]


async def test_grpc_errors_carry_their_codes(api: IntegrationApi) -> None:
    key = await api.issue()
    request = pb.GetReportsRequest(external_ids=["nope"])
    with pytest.raises(Aborted) as unauthenticated:
        await api.service.GetReports(request, grpc_context())
    with pytest.raises(Aborted) as missing:
        await api.service.GetReports(request, grpc_context(key))
    too_many = pb.ImportReportsRequest(reports=[pb.ExternalReport()] * 501)
    with pytest.raises(Aborted) as invalid:
        await api.service.ImportReports(too_many, grpc_context(key))
    assert [e.value.code for e in (unauthenticated, missing, invalid)] == [
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.INVALID_ARGUMENT,
    ]
