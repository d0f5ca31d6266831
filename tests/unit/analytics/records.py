"""Report events as Kafka records, for the data tools' unit tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from google.protobuf.message import Message

from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor_common.envelope import Causation, new_event

CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN, id="citizen-7"), "corr-data")
AT = datetime(2025, 6, 30, 23, 15, tzinfo=UTC)  # 06:15 WIB on 1 July


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


def record(report_id: str, sequence: int, payload: Message, offset: int = 0) -> Record:
    """The record intake would write, ``sequence`` hours after AT."""
    event = new_event(report_id, sequence, payload, CITIZEN, AT + timedelta(hours=sequence))
    event.envelope.idempotency_key = f"key-{report_id}"
    event.envelope.request_digest = b"\x01" * 32
    raw = event.envelope.SerializeToString()
    return Record("lapor.report-events", 3, offset, report_id.encode(), raw)
