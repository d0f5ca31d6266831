"""Routing's stream processor (faust-streaming): every report event goes through the routing
handler (routing.handlers); poison goes to the dead-letter topic and the stream goes on."""

from pathlib import Path

import faust
from aiokafka import AIOKafkaProducer

from lapor_common.kafka_io import Handler, handle_or_dead_letter
from lapor_common.topics import REPORT_EVENTS
from routing.handlers import NAME


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
