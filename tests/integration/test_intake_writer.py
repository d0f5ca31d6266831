"""Intake's single writer over the real broker and the real MongoDB-wire server."""

from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from intake.domain import Status, SubmitReport
from intake.handlers import EventLog, ReportWriter
from intake.store import ReportStore
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1.events_pb2 import CHANNEL_SMS, DECIDED_BY_RULE, REPORT_TYPE_COMPLAINT
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


async def test_submitted_and_routed_events_are_on_the_log_in_order_and_folded(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    store = ReportStore(database["reports"])
    writer = ReportWriter(store, EventLog(producer), lambda code: code == "73.71.01")
    reader = await TopicReader(infra.kafka_bootstrap_servers, REPORT_EVENTS).start()
    try:
        cause = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "corr-1")
        state = await writer.submit(REPORT, cause)
        command = new_command(
            state.report_id,
            ROUTE,
            Causation(service_actor("t"), "corr-1"),
            datetime.now(UTC),
            expected_sequence=1,
        )
        await writer.route(command)
        await writer.route(command)
        records = await reader.collect(lambda r: r.key == state.report_id.encode(), 3, 10.0)
    finally:
        await reader.stop()

    events = [decode_event(record.value) for record in records]
    assert [e.envelope.event_type for e in events] == ["ReportSubmitted", "ReportRouted"]
    assert [e.envelope.sequence for e in events] == [1, 2]
    assert len({record.partition for record in records}) == 1
    assert events[1].envelope.causation_id == command.envelope.command_id
    assert all(e.envelope.correlation_id == "corr-1" for e in events)
    stored = await store.get(state.report_id)
    assert stored is not None
    assert stored.status is Status.DITERUSKAN_KE_INSTANSI
    assert stored.sequence == 2


async def test_state_lost_after_the_acknowledgement_is_rebuilt_from_the_log(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    """A crash between Kafka's acknowledgement and the state write loses nothing."""
    store = ReportStore(database["reports"])
    writer = ReportWriter(store, EventLog(producer), lambda code: True)
    reader = await TopicReader(infra.kafka_bootstrap_servers, REPORT_EVENTS).start()
    try:
        state = await writer.submit(REPORT, Causation(Actor(kind=ACTOR_KIND_CITIZEN), "c"))
        await database["reports"].delete_one({"_id": state.report_id})
        [record] = await reader.collect(lambda r: r.key == state.report_id.encode(), 1, 10.0)
    finally:
        await reader.stop()
    await writer.apply(decode_event(record.value))
    await writer.apply(decode_event(record.value))
    assert await store.get(state.report_id) == state
