"""Changes to the agency directory as events (lapor.directory.v1), decided and folded purely.

The directory is the reference data (routing.directory) plus this fold of the
lapor.directory-events topic: which agencies are connected, renamed or merged.
Reading the topic from its start rebuilds it, as a replay does.
"""

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from google.protobuf.message import DecodeError, Message

from lapor.directory.v1.events_pb2 import (
    AgencyConnected,
    AgencyDisconnected,
    AgencyMerged,
    AgencyRenamed,
    DirectoryEvent,
)
from lapor.events.v1.envelope_pb2 import Actor
from lapor_common.envelope import UndecodableMessage, timestamp
from routing.directory import Agency, Directory

CHANGE_TYPES: dict[str, type[Message]] = {
    cls.__name__: cls for cls in (AgencyConnected, AgencyDisconnected, AgencyRenamed, AgencyMerged)
}
SCHEMA_VERSION = 1


class UnknownAgency(LookupError):
    """No agency with that code in the directory (404)."""


class ChangeRefused(ValueError):
    """The directory's current state does not allow the change (409)."""


@dataclass(frozen=True)
class Connection:
    topic: str
    consumer_group_prefix: str
    principal: str
    since: datetime


@dataclass(frozen=True)
class Registry:
    connected: dict[str, Connection] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    merged_into: dict[str, str] = field(default_factory=dict)
    applied: int = 0

    def current(self, code: str) -> str:
        """The agency that now answers for ``code``, following merges."""
        seen = {code}
        while (code := self.merged_into.get(code, code)) not in seen:
            seen.add(code)
        return code

    def name(self, agency: Agency) -> str:
        return self.names.get(agency.code, agency.name)


def new_change(agency_code: str, payload: Message, actor: Actor, at: datetime) -> DirectoryEvent:
    return DirectoryEvent(
        event_id=str(uuid.uuid4()),
        event_type=type(payload).__name__,
        agency_code=agency_code,
        occurred_at=timestamp(at),
        actor=actor,
        schema_version=SCHEMA_VERSION,
        payload=payload.SerializeToString(),
    )


def decode_change(raw: bytes) -> tuple[DirectoryEvent, Message]:
    """The envelope and its payload, or UndecodableMessage (for the dead-letter topic)."""
    try:
        envelope = DirectoryEvent.FromString(raw)
        cls = CHANGE_TYPES.get(envelope.event_type)
        if cls is None or envelope.schema_version != SCHEMA_VERSION or not envelope.agency_code:
            raise UndecodableMessage(f"not a directory change: {envelope.event_type!r}")
        return envelope, cls.FromString(envelope.payload)
    except DecodeError as exc:
        raise UndecodableMessage(f"not a DirectoryEvent: {exc}") from exc


def apply(registry: Registry, envelope: DirectoryEvent, change: Message) -> Registry:
    """The directory's state after one change."""
    code = envelope.agency_code
    after = replace(registry, applied=registry.applied + 1)
    if isinstance(change, AgencyConnected):
        since = envelope.occurred_at.ToDatetime(UTC)
        link = Connection(change.topic, change.consumer_group_prefix, change.principal, since)
        return replace(after, connected={**registry.connected, code: link})
    if isinstance(change, AgencyDisconnected):
        connected = {k: v for k, v in registry.connected.items() if k != code}
        return replace(after, connected=connected)
    if isinstance(change, AgencyRenamed):
        return replace(after, names={**registry.names, code: change.name})
    assert isinstance(change, AgencyMerged)
    return replace(after, merged_into={**registry.merged_into, code: change.into_agency_code})


def check(registry: Registry, directory: Directory, code: str, change: Message) -> Agency:
    """The agency a change is about, if the change is allowed now; else why not."""
    agency = directory.get(code)
    if agency is None:
        raise UnknownAgency(f"no agency with code {code!r}")
    if code in registry.merged_into:
        raise ChangeRefused(f"{code} was merged into {registry.merged_into[code]}")
    if isinstance(change, AgencyConnected) and code in registry.connected:
        raise ChangeRefused(f"{code} is already connected")
    if isinstance(change, AgencyDisconnected) and code not in registry.connected:
        raise ChangeRefused(f"{code} is not connected")
    if isinstance(change, AgencyRenamed) and not change.name.strip():
        raise ValueError("name is required")
    if isinstance(change, AgencyMerged):
        _check_merge(registry, directory, code, change.into_agency_code)
    return agency


def _check_merge(registry: Registry, directory: Directory, code: str, into: str) -> None:
    if directory.get(into) is None:
        raise UnknownAgency(f"no agency with code {into!r}")
    if registry.current(into) == code:
        raise ChangeRefused(f"{code} cannot be merged into itself")
