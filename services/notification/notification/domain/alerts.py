"""What analytics' observations must make known: decoding ``lapor.analytics-events`` and the
pure policy ``alerts(observation)``.

An observation is no report's event: it has no report, no reporter and no personal data. Its
notices go to the national administrators, as the verification queue alert does. Notification
acts on the types listed in ``KINDS`` and skips any other (analytics may say more than
notification needs); a broken record, or a broken payload of a listed type, is undecodable
and belongs in the dead-letter topic.

Analytics gives the same observation the same event id, also when it emits it again (a
replay), so that id keys every delivery. For the same reason the delivery log that records
them is the one of the day observed, not of the moment the event was emitted (``filed_on``).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message

from lapor.analytics.v1 import events_pb2 as a
from lapor_common.envelope import UndecodableMessage
from lapor_common.envelope import parse_message as parse
from lapor_common.zones import WIB
from notification.domain.notices import NATIONAL_ADMINISTRATOR, Notice, to_agency

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Observation:
    """An analytics event; ``payload`` None when notification does not act on its type."""

    event_id: str
    event_type: str
    subject: str
    occurred_at: datetime
    payload: Message | None = None


@dataclass(frozen=True)
class Kind:
    """A type of observation notification acts on: its payload, what can be wrong with one
    ("" when nothing), who must hear of it, and the day it is about (YYYY-MM-DD, WIB)."""

    payload: type[Message]
    fault: Callable[[Any], str]
    notices: Callable[[Any], list[Notice]]
    day: Callable[[Any], str]


def _day(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=WIB)
    except ValueError:
        return None


def _spike_fault(p: a.SpikeDetected) -> str:
    if not p.category_code or not p.region_code:
        return "SpikeDetected lacks its category or region"
    if _day(p.day) is None:
        return f"SpikeDetected has no valid day: {p.day!r}"
    return ""


def spike_alert(p: a.SpikeDetected) -> Notice:
    """The national administrators' alert that one category's reports in one regency rose far
    above their baseline on one day."""
    return to_agency(
        "spike_detected",
        NATIONAL_ADMINISTRATOR,
        day=p.day,
        category_code=p.category_code,
        category_name=p.category_name or p.category_code,
        region_code=p.region_code,
        region_name=p.region_name or p.region_code,
        count=p.count,
        baseline_mean=p.baseline_mean,
        baseline_days=p.baseline_days,
        threshold=p.threshold,
        rule_version=p.rule_version,
    )


def _spike_day(p: a.SpikeDetected) -> str:
    return p.day


KINDS: dict[str, Kind] = {
    "SpikeDetected": Kind(a.SpikeDetected, _spike_fault, lambda p: [spike_alert(p)], _spike_day),
}


def decode_observation(raw: bytes | None) -> Observation:
    """Decode one analytics-events record, or raise UndecodableMessage with the reason."""
    event = parse(a.AnalyticsEvent, raw or b"", "record")
    if not event.event_id or not event.event_type:
        raise UndecodableMessage("analytics event lacks event_id or event_type")
    at = event.occurred_at.ToDatetime(UTC)
    observation = Observation(event.event_id, event.event_type, event.subject, at)
    kind = KINDS.get(event.event_type)
    if kind is None:
        return observation
    if event.schema_version != SCHEMA_VERSION:
        raise UndecodableMessage(
            f"{event.event_type} has unsupported schema version {event.schema_version}"
        )
    payload = parse(kind.payload, event.payload, f"{event.event_type} payload")
    fault = kind.fault(payload)
    if fault:
        raise UndecodableMessage(fault)
    return replace(observation, payload=payload)


def alerts(observation: Observation) -> list[Notice]:
    """Who must hear of the observation, and what (nothing for a type not acted on)."""
    if observation.payload is None:
        return []
    return KINDS[observation.event_type].notices(observation.payload)


def filed_on(observation: Observation) -> datetime:
    """The day whose delivery log records the observation's deliveries: the day it is about."""
    if observation.payload is None:
        return observation.occurred_at
    day = _day(KINDS[observation.event_type].day(observation.payload))
    return day or observation.occurred_at
