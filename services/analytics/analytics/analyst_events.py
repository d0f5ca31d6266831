"""Report events as the data teams see them: plain dicts without personal data.

Every data tool (replay through an analyst's fold, export, consume) hands events on in this
one shape::

    event_id, event_type, report_id, sequence, occurred_at (datetime, UTC), actor_kind,
    partition, offset, schema_version, payload

``payload`` is the decoded (and upcast) payload as a dict, field names as in the proto, enums
by name, 64-bit integers and timestamps as strings (protobuf's JSON mapping), fields at their
default values included. Removed from it, at any depth:

- the reporter: ``reporter`` (the encrypted identity), ``access_secret_sha256``,
  ``reporter_gave_email``, ``reporter_gave_phone``, ``key_id`` (the reporter's data key, which
  would link one reporter's reports) and ``location`` (a point, often the reporter's home; the
  region code stays);
- free text (``title``, ``body``, ``text``, ``question``, ``answer``, ``comment``,
  ``summary``, ``note``, ``reason``, when a text field): citizens type names, addresses and
  phone numbers into it. Enums of those names stay (a rejection's or a closure's ``reason``).

The envelope's actor id, correlation and causation ids, idempotency key and request digest
are never included.
"""

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, cast

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.json_format import MessageToDict

from lapor.events.v1.envelope_pb2 import ActorKind
from lapor_common.envelope import decode_event
from lapor_common.kafka_io import SourceRecord

AnalystEvent = dict[str, Any]

PERSONAL = frozenset(
    {
        "reporter",
        "access_secret_sha256",
        "reporter_gave_email",
        "reporter_gave_phone",
        "key_id",
        "location",
    }
)
FREE_TEXT = frozenset(
    {"title", "body", "text", "question", "answer", "comment", "summary", "note", "reason"}
)


def _removed(field: FieldDescriptor) -> bool:
    return field.name in PERSONAL or (
        field.name in FREE_TEXT and field.type == FieldDescriptor.TYPE_STRING
    )


def without_personal_data(payload: dict[str, Any], descriptor: Descriptor) -> dict[str, Any]:
    """A payload (as a dict of the message ``descriptor`` describes) without the removed
    fields, at any depth; an enum named like a text field (a rejection's ``reason``) stays."""
    return {
        name: _inner(value, descriptor.fields_by_name[name].message_type)
        for name, value in payload.items()
        if not _removed(descriptor.fields_by_name[name])
    }


def _inner(value: Any, descriptor: Descriptor | None) -> Any:
    """A field's value, cleaned if it is a message (or a list of them)."""
    if descriptor is None:
        return value
    if isinstance(value, dict):
        return without_personal_data(value, descriptor)
    if isinstance(value, list):
        return [_inner(item, descriptor) for item in value]
    return value


def analyst_event(record: SourceRecord) -> AnalystEvent:
    """The record as an analyst's event; UndecodableMessage if it is not a report event."""
    event = decode_event(record.value)
    envelope = event.envelope
    payload = MessageToDict(
        event.payload,
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
    )
    return {
        "event_id": envelope.event_id,
        "event_type": envelope.event_type,
        "report_id": envelope.report_id,
        "sequence": envelope.sequence,
        "occurred_at": envelope.occurred_at.ToDatetime(UTC),
        "actor_kind": ActorKind.Name(envelope.actor.kind).removeprefix("ACTOR_KIND_").lower(),
        "partition": record.partition,
        "offset": record.offset,
        "schema_version": envelope.schema_version,
        "payload": without_personal_data(payload, cast(Descriptor, event.payload.DESCRIPTOR)),
    }


def plain(value: Any) -> Any:
    """JSON's ``default``: times and dates as ISO 8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_line(document: Mapping[str, Any]) -> str:
    return json.dumps(document, default=plain, ensure_ascii=False, separators=(",", ":"))
