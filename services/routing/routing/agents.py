"""Routing's stream processor (faust-streaming): reads report events, sends routing commands.

The agent only translates: it hands each record to a handler; decisions are made
by the pure policy in routing.domain, and commands go out through the platform's
durable producer (acks=all, idempotent) to intake, the report's single writer.
"""

import logging
from datetime import UTC, datetime
from pathlib import Path

import faust
from aiokafka import AIOKafkaProducer

from lapor.report.v1.events_pb2 import ReportSubmitted
from lapor_common.envelope import Causation, decode_event, new_command, service_actor
from lapor_common.kafka_io import Handler, SourceRecord, handle_or_dead_letter
from lapor_common.topics import REPORT_COMMANDS, REPORT_EVENTS
from routing.directory import Agency
from routing.domain import route_submission

log = logging.getLogger(__name__)

NAME = "routing"


def routing_handler(producer: AIOKafkaProducer, governments: dict[str, Agency]) -> Handler:
    async def handle(record: SourceRecord) -> None:
        event = decode_event(record.value)
        if not isinstance(event.payload, ReportSubmitted):
            return
        envelope = event.envelope
        decision = route_submission(event.payload, governments)
        if decision is None:
            log.warning("no government for region %r", event.payload.region_code)
            return
        cause = Causation(service_actor(NAME), envelope.correlation_id, envelope.event_id)
        command = new_command(
            envelope.report_id, decision, cause, datetime.now(UTC), envelope.sequence
        )
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

    @app.agent(events, name="route-submissions")
    async def route(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await handle_or_dead_letter(event.message, handler, producer, NAME)
