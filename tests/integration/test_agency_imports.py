"""Agencies' bulk imports through intake's integration API (REST in-process) over the real
broker and the real MongoDB-wire server: events on the log and routed to the importing
agency, idempotent re-imports, pages of updates from the real store, scope and revoked keys."""

import base64
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from intake.api import build_app
from intake.credentials import Credential, Credentials, new_key_id
from intake.domain.model import Status
from intake.handlers import EventLog, ReportWriter
from intake.identity import IdentityVault, master_key_from
from intake.integration import AgencyIntegration
from intake.integration_api import IMPORT_PATH, integration_router
from intake.store import EventCopy, ReportStore
from intake.views import ReportReader
from lapor.report.v1.events_pb2 import DECIDED_BY_ORIGIN_AGENCY, ReportRouted, ReportSubmitted
from lapor_common.envelope import decode_event
from lapor_common.mongo import Document
from lapor_common.replay import topic_partitions
from lapor_common.topics import REPORT_EVENTS
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader

AGENCY, OTHER = "pemkab-3204", "pemkot-3273"
REPORTS = "/api/v1/integration/reports"
UPDATES = "/api/v1/integration/updates"


def item(external_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "type": "REPORT_TYPE_COMPLAINT",
        "title": "Jalan berlubang di Soreang",
        "body": "Jalan utama di depan pasar Soreang berlubang besar sejak dua minggu lalu.",
        "region_code": "32.04.05",
        **changes,
    }


class Stack:
    def __init__(self, producer: AIOKafkaProducer, database: AsyncDatabase[Document]) -> None:
        key = master_key_from(base64.b64encode(os.urandom(32)).decode())
        vault = IdentityVault(database["reporter_keys"], key)
        self.store, copy = ReportStore(database["reports"]), EventCopy(database["events"])
        writer = ReportWriter(
            store=self.store,
            copy=copy,
            events=EventLog(producer),
            vault=vault,
            region_exists=lambda code: code == "32.04.05",
        )
        self.credentials = Credentials(database["integration_credentials"])
        integration = AgencyIntegration(writer, self.store, copy)
        app = build_app(
            writer,
            ReportReader(self.store, copy, vault),
            self.store,
            None,
            4096,
            channels=[integration_router(integration, self.credentials)],
            larger_bodies={IMPORT_PATH: 8 * 1024 * 1024},
        )
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://intake"
        )

    async def key(self, agency: str) -> str:
        credential = Credential(new_key_id(), agency, f"Instansi {agency}", "test", _now(), "t")
        return await self.credentials.issue(credential)

    async def post(self, key: str, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = await self.client.post(
            REPORTS, json={"reports": reports}, headers={"X-Api-Key": key}
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    async def get(self, key: str, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers={"X-Api-Key": key})


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
async def stack(
    producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> AsyncIterator[Stack]:
    built = Stack(producer, database)
    await built.store.prepare()
    async with built.client:
        yield built


async def _end_offsets(servers: str) -> dict[Any, int]:
    partitions = await topic_partitions(servers, REPORT_EVENTS)
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def test_a_batch_is_on_the_log_at_the_agency_and_a_reimport_writes_nothing(
    infra: Infrastructure, stack: Stack
) -> None:
    key = await stack.key(AGENCY)
    run = uuid.uuid4().hex[:8]
    batch = [item(f"{run}-1"), item(f"{run}-2", region_code="99.99"), item(f"{run}-3")]
    reader = await TopicReader(infra.kafka_bootstrap_servers, REPORT_EVENTS).start()
    try:
        results = await stack.post(key, batch)
        created = {r["tracking_id"].encode() for r in results if r["tracking_id"]}
        records = await reader.collect(lambda r: r.key in created, 4, 20.0)
    finally:
        await reader.stop()
    assert [r["outcome"] for r in results] == [
        "IMPORT_OUTCOME_CREATED",
        "IMPORT_OUTCOME_INVALID",
        "IMPORT_OUTCOME_CREATED",
    ]
    assert "region_code" in results[1]["problems"][0]
    events = [decode_event(record.value) for record in records]
    for tracking_id in created:
        mine = [e for e in events if e.envelope.report_id.encode() == tracking_id]
        assert [e.envelope.sequence for e in mine] == [1, 2]
        submitted, routed = mine[0].payload, mine[1].payload
        assert isinstance(submitted, ReportSubmitted)
        assert isinstance(routed, ReportRouted)
        assert submitted.origin_agency_code == AGENCY
        assert (routed.agency_code, routed.decided_by) == (AGENCY, DECIDED_BY_ORIGIN_AGENCY)
        state = await stack.store.get(tracking_id.decode())
        assert state is not None
        assert (state.status, state.agency_code) == (Status.DITERUSKAN_KE_INSTANSI, AGENCY)

    before = await _end_offsets(infra.kafka_bootstrap_servers)
    again = await stack.post(key, [batch[0], batch[2]])
    assert [r["outcome"] for r in again] == ["IMPORT_OUTCOME_ALREADY_IMPORTED"] * 2
    first_ids = [results[0]["tracking_id"], results[2]["tracking_id"]]
    assert [r["tracking_id"] for r in again] == first_ids
    assert await _end_offsets(infra.kafka_bootstrap_servers) == before


async def test_updates_page_through_the_real_store_and_stay_in_scope(stack: Stack) -> None:
    ours, theirs = await stack.key(AGENCY), await stack.key(OTHER)
    run = uuid.uuid4().hex[:8]
    mine = await stack.post(ours, [item(f"{run}-{i}") for i in range(5)])
    other = await stack.post(theirs, [item(f"{run}-x")])
    seen: list[str] = []
    token = ""
    for _ in range(5):
        response = await stack.get(ours, UPDATES, page_size=2, page_token=token)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [r["tracking_id"] for r in page["reports"]]
        token = page["next_page_token"]
        if not token:
            break
    assert sorted(seen) == sorted(r["tracking_id"] for r in mine)
    assert len(seen) == len(set(seen))
    assert other[0]["tracking_id"] not in seen
    denied = await stack.get(theirs, REPORTS, tracking_id=mine[0]["tracking_id"])
    assert denied.status_code == 404
    by_external = await stack.get(ours, REPORTS, external_id=f"{run}-0")
    assert [r["tracking_id"] for r in by_external.json()["reports"]] == [mine[0]["tracking_id"]]


async def test_a_revoked_key_is_refused_and_listed_as_revoked(stack: Stack) -> None:
    key = await stack.key(AGENCY)
    await stack.credentials.revoke(key.split("_")[1], _now())
    [listed] = await stack.credentials.listing(AGENCY)
    assert (listed.key_id, listed.revoked_at is not None) == (key.split("_")[1], True)
    assert key.split("_", 2)[2] not in repr(listed)
    response = await stack.client.post(
        REPORTS, json={"reports": [item("r-1")]}, headers={"X-Api-Key": key}
    )
    assert (response.status_code, response.json()["detail"]) == (
        401,
        "the integration key was revoked",
    )
