"""Routing's stream processor (faust-streaming): reads report events, sends routing commands.

The agent only translates: it hands each record to a handler; decisions are
made by the pure policy in routing.domain, and commands go out through the
platform's durable producer (acks=all, idempotent) to intake, the report's
single writer. A command's id derives from the event that caused it, so a
redelivered event yields the same command and intake decides it only once.
"""

import logging
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import faust
from aiokafka import AIOKafkaProducer

from lapor.report.v1.events_pb2 import (
    FORWARD_KIND_NOT_OUR_AUTHORITY,
    ReportForwarded,
    ReportSubmitted,
)
from lapor_common.envelope import Causation, Event, decode_event, new_command, service_actor
from lapor_common.kafka_io import Handler, SourceRecord, handle_or_dead_letter
from lapor_common.topics import REPORT_COMMANDS, REPORT_EVENTS
from routing.cases import Cases
from routing.directory import Agency
from routing.domain import Case, decide_route

log = logging.getLogger(__name__)

NAME = "routing"


def _case_after(event: Event, case: Case | None) -> Case | None:
    """Routing's memory of the report after an event, or None if the event is not routing's."""
    payload = event.payload
    if isinstance(payload, ReportSubmitted):
        return Case(event.envelope.report_id, payload.region_code, payload.category_code)
    if (
        case is not None
        and isinstance(payload, ReportForwarded)
        and payload.kind == FORWARD_KIND_NOT_OUR_AUTHORITY
        and not payload.to_agency_code
    ):
        return replace(case, declined=(*case.declined, payload.from_agency_code))
    return None


def routing_handler(
    producer: AIOKafkaProducer, cases: Cases, governments: dict[str, Agency]
) -> Handler:
    async def handle(record: SourceRecord) -> None:
        event = decode_event(record.value)
        envelope = event.envelope
        case = _case_after(event, await cases.get(envelope.report_id))
        if case is None:
            return
        await cases.save(case, envelope.sequence)
        decision = decide_route(case, governments)
        if decision is None:
            log.warning("report %s waits for the administrators", envelope.report_id)
            return
        cause = Causation(service_actor(NAME), envelope.correlation_id, envelope.event_id)
        command = new_command(
            envelope.report_id, decision, cause, datetime.now(UTC), envelope.sequence
        )
        command.envelope.command_id = str(uuid.uuid5(uuid.NAMESPACE_URL, envelope.event_id))
        await producer.send_and_wait(
            REPORT_COMMANDS,
            command.envelope.SerializeToString(),
            key=envelope.report_id.encode(),
        )

    return handle


def stream_app(bootstrap_servers: str, state_dir: Path) -> faust.App:
    """A faust app embedded in the service's event loop (no web server of its own)."""
    return faust.App(
        f"lapor-{NAME}",
        broker=[f"kafka://{server}" for server in bootstrap_servers.split(",")],
        web_enabled=False,
        topic_allow_declare=False,
        topic_disable_leader=True,
        store="memory://",
        datadir=str(state_dir),
    )


def attach_router(app: faust.App, producer: AIOKafkaProducer, handler: Handler) -> None:
    events = app.topic(
        REPORT_EVENTS,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )

    @app.agent(events, name="route-reports")
    async def route(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await handle_or_dead_letter(event.message, handler, producer, NAME)
