"""Intake's single writer over the real broker and the real MongoDB-wire server."""

import base64
import os
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from intake.domain.model import Principal, Role, Status
from intake.domain.submission import SubmitReport
from intake.handlers import EventLog, Idempotency, ReportWriter
from intake.identity import IdentityVault, master_key_from
from intake.store import EventCopy, ReportStore
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1.commands_pb2 import EraseReporterData
from lapor.report.v1.events_pb2 import (
    CHANNEL_SMS,
    DECIDED_BY_RULE,
    REPORT_TYPE_COMPLAINT,
    ReporterIdentity,
)
from lapor.routing.v1.commands_pb2 import RouteReport
from lapor_common.envelope import Causation, decode_event, new_command, service_actor
from lapor_common.mongo import Document
from lapor_common.topics import REPORT_EVENTS
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader

REPORT = SubmitReport(
    type=REPORT_TYPE_COMPLAINT,
    requires_examination=False,
    title="Bansos PKH tidak cair",
    body="Sudah tiga bulan bantuan PKH ibu saya belum cair padahal terdaftar di DTKS.",
    category_code="",
    region_code="73.71.01",
    location=None,
    channel=CHANNEL_SMS,
    anonymous=True,
    confidential=False,
)
ROUTE = RouteReport(
    agency_code="pemkot-7371",
    agency_name="Pemerintah Kota Makassar",
    decided_by=DECIDED_BY_RULE,
    confidence=1.0,
    rule_version="test/1",
)
CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "corr-1")


def _vault(database: AsyncDatabase[Document]) -> IdentityVault:
    key = master_key_from(base64.b64encode(os.urandom(32)).decode())
    return IdentityVault(database["reporter_keys"], key)


def _writer(
    producer: AIOKafkaProducer, database: AsyncDatabase[Document], vault: IdentityVault
) -> ReportWriter:
    return ReportWriter(
        store=ReportStore(database["reports"]),
        copy=EventCopy(database["events"]),
        events=EventLog(producer),
        vault=vault,
        region_exists=lambda code: code == "73.71.01",
    )


async def test_submitted_and_routed_events_are_on_the_log_in_order_and_folded(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    writer = _writer(producer, database, _vault(database))
    reader = await TopicReader(infra.kafka_bootstrap_servers, REPORT_EVENTS).start()
    try:
        outcome = await writer.submit(REPORT, None, CITIZEN, None)
        command = new_command(
            outcome.report_id,
            ROUTE,
            Causation(service_actor("t"), "corr-1"),
            datetime.now(UTC),
            expected_sequence=1,
        )
        await writer.take(command)
        await writer.take(command)
        records = await reader.collect(lambda r: r.key == outcome.report_id.encode(), 3, 10.0)
    finally:
        await reader.stop()

    events = [decode_event(record.value) for record in records]
    assert [e.envelope.event_type for e in events] == ["ReportSubmitted", "ReportRouted"]
    assert [e.envelope.sequence for e in events] == [1, 2]
    assert len({record.partition for record in records}) == 1
    assert events[1].envelope.causation_id == command.envelope.command_id
    assert all(e.envelope.correlation_id == "corr-1" for e in events)
    stored = await ReportStore(database["reports"]).get(outcome.report_id)
    assert stored is not None
    assert (stored.status, stored.sequence) == (Status.DITERUSKAN_KE_INSTANSI, 2)


async def test_state_lost_after_the_acknowledgement_is_rebuilt_from_the_log(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    """A crash between Kafka's acknowledgement and the state write loses nothing, and the
    client's retry with the same idempotency key gets the report it created."""
    vault = _vault(database)
    writer = _writer(producer, database, vault)
    reader = await TopicReader(infra.kafka_bootstrap_servers, REPORT_EVENTS).start()
    key = Idempotency(f"retry-{os.urandom(4).hex()}", b"digest")
    try:
        first = await writer.submit(REPORT, None, CITIZEN, key)
        await database["reports"].delete_one({"_id": first.report_id})
        await database["events"].delete_many({})
        [record] = await reader.collect(lambda r: r.key == first.report_id.encode(), 1, 10.0)
    finally:
        await reader.stop()
    restarted = _writer(producer, database, vault)
    await restarted.apply(decode_event(record.value))
    await restarted.apply(decode_event(record.value))
    retried = await restarted.submit(REPORT, None, CITIZEN, key)
    assert (retried.report_id, retried.sequence, retried.replayed) == (first.report_id, 1, True)
    assert await database["reports"].count_documents({"_id": first.report_id}) == 1


async def test_an_erased_identity_cannot_be_read_back(
    producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    vault = _vault(database)
    writer = _writer(producer, database, vault)
    identity = ReporterIdentity(name="Siti", phone="+6281234567890", email="siti@contoh.id")
    outcome = await writer.submit(REPORT, identity, CITIZEN, None)
    state = await ReportStore(database["reports"]).get(outcome.report_id)
    assert state is not None
    assert state.reporter is not None
    assert await vault.open(state.reporter) == identity
    admin = Principal(Role.ADMINISTRATOR, subject="admin")
    await writer.act(outcome.report_id, EraseReporterData(reason="request"), admin, CITIZEN)
    assert await vault.open(state.reporter) is None
    assert await database["reporter_keys"].count_documents({}) == 0
