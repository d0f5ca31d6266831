"""The one place where report events and commands are wrapped, encoded and decoded.

An event's identity is its stable explicit name (``event_type``) and schema
version, never a code path. The registries below are the whole catalogue the
platform understands; docs/events.md describes each entry.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from google.protobuf.message import DecodeError, Message
from google.protobuf.timestamp_pb2 import Timestamp

from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_SERVICE,
    Actor,
    CommandEnvelope,
    EventEnvelope,
)
from lapor.report.v1.events_pb2 import ReportRouted, ReportSubmitted
from lapor.routing.v1.commands_pb2 import RouteReport

EVENT_TYPES: dict[str, type[Message]] = {
    "ReportSubmitted": ReportSubmitted,
    "ReportRouted": ReportRouted,
}
COMMAND_TYPES: dict[str, type[Message]] = {
    "RouteReport": RouteReport,
}
SCHEMA_VERSION = 1

M = TypeVar("M", bound=Message)


class UndecodableMessage(ValueError):
    """Not a valid envelope of a known type: the record belongs in the dead-letter topic."""


@dataclass(frozen=True)
class Event:
    envelope: EventEnvelope
    payload: Message


@dataclass(frozen=True)
class Command:
    envelope: CommandEnvelope
    payload: Message


@dataclass(frozen=True)
class Causation:
    """Who acts, and the request or message that led to it."""

    actor: Actor
    correlation_id: str
    causation_id: str = ""


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _name_of(payload: Message, registry: dict[str, type[Message]]) -> str:
    for name, cls in registry.items():
        if isinstance(payload, cls):
            return name
    raise KeyError(f"{type(payload).__name__} is not in the catalogue")


def new_event(
    report_id: str, sequence: int, payload: Message, cause: Causation, at: datetime
) -> Event:
    envelope = EventEnvelope(
        event_id=str(uuid.uuid4()),
        event_type=_name_of(payload, EVENT_TYPES),
        report_id=report_id,
        sequence=sequence,
        occurred_at=_timestamp(at),
        actor=cause.actor,
        correlation_id=cause.correlation_id,
        causation_id=cause.causation_id,
        schema_version=SCHEMA_VERSION,
        payload=payload.SerializeToString(),
    )
    return Event(envelope, payload)


def new_command(
    report_id: str, payload: Message, cause: Causation, at: datetime, expected_sequence: int = 0
) -> Command:
    envelope = CommandEnvelope(
        command_id=str(uuid.uuid4()),
        command_type=_name_of(payload, COMMAND_TYPES),
        report_id=report_id,
        issued_at=_timestamp(at),
        actor=cause.actor,
        correlation_id=cause.correlation_id,
        causation_id=cause.causation_id,
        schema_version=SCHEMA_VERSION,
        payload=payload.SerializeToString(),
        expected_sequence=expected_sequence,
    )
    return Command(envelope, payload)


def _parse(cls: type[M], raw: bytes, what: str) -> M:
    message = cls()
    try:
        message.ParseFromString(raw)
    except DecodeError as exc:
        raise UndecodableMessage(f"{what} is not a valid {cls.__name__}: {exc}") from exc
    return message


def _payload(registry: dict[str, type[Message]], name: str, version: int, raw: bytes) -> Message:
    if name not in registry:
        raise UndecodableMessage(f"unknown type {name!r}")
    if version != SCHEMA_VERSION:
        raise UndecodableMessage(f"{name} has unsupported schema version {version}")
    return _parse(registry[name], raw, f"{name} payload")


def decode_event(raw: bytes | None) -> Event:
    """Decode one report-events record, or raise UndecodableMessage with the reason."""
    envelope = _parse(EventEnvelope, raw or b"", "record")
    if not envelope.report_id or envelope.sequence < 1:
        raise UndecodableMessage("event envelope lacks report_id or sequence")
    payload = _payload(EVENT_TYPES, envelope.event_type, envelope.schema_version, envelope.payload)
    return Event(envelope, payload)


def decode_command(raw: bytes | None) -> Command:
    """Decode one report-commands record, or raise UndecodableMessage with the reason."""
    envelope = _parse(CommandEnvelope, raw or b"", "record")
    if not envelope.report_id:
        raise UndecodableMessage("command envelope lacks report_id")
    payload = _payload(
        COMMAND_TYPES, envelope.command_type, envelope.schema_version, envelope.payload
    )
    return Command(envelope, payload)


def service_actor(name: str) -> Actor:
    return Actor(kind=ACTOR_KIND_SERVICE, id=name)
