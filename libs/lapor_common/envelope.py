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
from lapor.report.v1 import commands_pb2, events_pb2
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes

_EVENTS = (
    "ReportSubmitted ReportVerified ReportRejected ReportArchived ReportPostponed ReportRouted "
    "ReportForwarded ReportEscalated ReportAcknowledged InformationRequested InformationProvided "
    "ReportResponded ReportResolved ReporterReplied ReportRated ReportAppealed ReportClosed "
    "ReporterDataErased RoutingSuggested DuplicateLinked DeadlineApproaching DeadlineMissed"
)
EVENT_TYPES: dict[str, type[Message]] = {
    name: getattr(events_pb2, name) for name in _EVENTS.split()
}
# Commands other services send over lapor.report-commands.
COMMAND_TYPES: dict[str, type[Message]] = {
    "RouteReport": RouteReport,
    "SuggestRoutes": SuggestRoutes,
    "LinkDuplicate": LinkDuplicate,
    "EscalateReport": commands_pb2.EscalateReport,
    "NoteDeadlineApproaching": commands_pb2.NoteDeadlineApproaching,
    "RecordDeadlineMissed": commands_pb2.RecordDeadlineMissed,
    "CloseReport": commands_pb2.CloseReport,
}
# The version new events are written at; older ones are upcast when read.
EVENT_VERSIONS: dict[str, int] = {"ReportSubmitted": 2}
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


def timestamp(moment: datetime) -> Timestamp:
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
    event_type = _name_of(payload, EVENT_TYPES)
    envelope = EventEnvelope(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        report_id=report_id,
        sequence=sequence,
        occurred_at=timestamp(at),
        actor=cause.actor,
        correlation_id=cause.correlation_id,
        causation_id=cause.causation_id,
        schema_version=EVENT_VERSIONS.get(event_type, SCHEMA_VERSION),
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
        issued_at=timestamp(at),
        actor=cause.actor,
        correlation_id=cause.correlation_id,
        causation_id=cause.causation_id,
        schema_version=SCHEMA_VERSION,
        payload=payload.SerializeToString(),
        expected_sequence=expected_sequence,
    )
    return Command(envelope, payload)


def parse_message(cls: type[M], raw: bytes, what: str) -> M:
    """``raw`` as a ``cls``, or UndecodableMessage naming ``what`` could not be read."""
    message = cls()
    try:
        message.ParseFromString(raw)
    except DecodeError as exc:
        raise UndecodableMessage(f"{what} is not a valid {cls.__name__}: {exc}") from exc
    return message


def _payload(
    registry: dict[str, type[Message]], current: dict[str, int], name: str, version: int, raw: bytes
) -> Message:
    if name not in registry:
        raise UndecodableMessage(f"unknown type {name!r}")
    latest = current.get(name, SCHEMA_VERSION)
    if not 1 <= version <= latest:
        raise UndecodableMessage(f"{name} has unsupported schema version {version}")
    payload = parse_message(registry[name], raw, f"{name} payload")
    return upcast(name, version, payload)


def upcast(name: str, version: int, payload: Message) -> Message:
    """Bring an event written at an older schema version up to the current one.

    The one place old events are adapted; every reader goes through it.
    """
    if name == "ReportSubmitted" and version == 1:
        assert isinstance(payload, events_pb2.ReportSubmitted)
        # v1 had no identity, no access secret and no language: Indonesian.
        payload.language = "id"
    return payload


def decode_event(raw: bytes | None) -> Event:
    """Decode one report-events record, or raise UndecodableMessage with the reason."""
    envelope = parse_message(EventEnvelope, raw or b"", "record")
    if not envelope.report_id or envelope.sequence < 1:
        raise UndecodableMessage("event envelope lacks report_id or sequence")
    payload = _payload(
        EVENT_TYPES, EVENT_VERSIONS, envelope.event_type, envelope.schema_version, envelope.payload
    )
    return Event(envelope, payload)


def decode_command(raw: bytes | None) -> Command:
    """Decode one report-commands record, or raise UndecodableMessage with the reason."""
    envelope = parse_message(CommandEnvelope, raw or b"", "record")
    if not envelope.report_id:
        raise UndecodableMessage("command envelope lacks report_id")
    payload = _payload(
        COMMAND_TYPES, {}, envelope.command_type, envelope.schema_version, envelope.payload
    )
    return Command(envelope, payload)


def service_actor(name: str) -> Actor:
    return Actor(kind=ACTOR_KIND_SERVICE, id=name)
