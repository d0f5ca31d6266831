"""Each connected agency's own topic (lapor.agency.<code>.reports): the events of the reports
while they are at that agency, as the same EventEnvelope the report-events topic carries.

An agency receives the report itself when it arrives (its ReportSubmitted,
with the reporter's data and access-secret digest removed), then every event
up to and including the one that moves the report on. Records are keyed by
report id, so each report's events stay in order; delivery is at least once,
and ``event_id`` tells a repeated record apart.
"""

from aiokafka import AIOKafkaProducer

from lapor.events.v1.envelope_pb2 import EventEnvelope
from lapor.report.v1.events_pb2 import (
    ReporterDataErased,
    ReportSubmitted,
    RoutingSuggested,
)
from lapor_common.envelope import Event
from routing.access import agency_topic
from routing.registry import Registry

# Routing's and intake's own business: never on an agency's topic.
INTERNAL = (RoutingSuggested, ReporterDataErased)


def shareable(envelope: EventEnvelope) -> EventEnvelope:
    """The envelope as an agency may read it: no request keys, no reporter data."""
    shared = EventEnvelope()
    shared.CopyFrom(envelope)
    shared.ClearField("idempotency_key")
    shared.ClearField("request_digest")
    if envelope.event_type == ReportSubmitted.__name__:
        submitted = ReportSubmitted.FromString(envelope.payload)
        submitted.ClearField("reporter")
        submitted.ClearField("access_secret_sha256")
        submitted.ClearField("reporter_gave_email")
        submitted.ClearField("reporter_gave_phone")
        shared.payload = submitted.SerializeToString()
    return shared


class AgencyFeed:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def publish(
        self, registry: Registry, event: Event, before: str, after: str, report: bytes
    ) -> None:
        """Send the event to the agency the report was at (``before``) and the one it is at now
        (``after``), when connected; an agency it just reached first gets the report."""
        if isinstance(event.payload, INTERNAL):
            return
        key = event.envelope.report_id.encode()
        value = shareable(event.envelope).SerializeToString()
        for code in dict.fromkeys(c for c in (before, after) if c in registry.connected):
            topic = agency_topic(code)
            if code != before and report:
                await self._producer.send_and_wait(topic, report, key=key)
            await self._producer.send_and_wait(topic, value, key=key)
