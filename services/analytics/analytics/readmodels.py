"""Analytics' read models as one step each, shared by the live projections (documents in
MongoDB) and by replays (documents in memory, written once at the end).

- ``report_facts``: one document per report (``analytics.domain.facts``).
- ``daily_<YYYY>``: one document per day, Kafka partition and province with the day's cells
  (``analytics.domain.cells``).
- ``agencies``: per agency, whether it is connected, from ``lapor.directory-events``.
- ``spikes``: the spike alerts, from ``lapor.analytics-events``.
"""

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, Protocol

from analytics.domain.cells import (
    applies,
    contributions,
    day_document_id,
    empty_day,
    home_of,
    replace_contribution,
)
from analytics.domain.facts import Occurrence, millis, project
from lapor.analytics.v1.events_pb2 import AnalyticsEvent, SpikeDetected
from lapor.directory.v1.events_pb2 import DirectoryEvent
from lapor_common.envelope import Event, UndecodableMessage, decode_event, parse_message
from lapor_common.kafka_io import Handler, SourceRecord
from lapor_common.mongo import Document

FACTS = "report_facts"
AGENCIES = "agencies"
SPIKES = "spikes"


def daily_collection(day: str) -> str:
    return f"daily_{day[:4]}"


def occurrence(record: SourceRecord, event: Event) -> Occurrence:
    envelope = event.envelope
    return Occurrence(
        report_id=envelope.report_id,
        sequence=envelope.sequence,
        at=millis(envelope.occurred_at.ToDatetime(UTC)),
        partition=record.partition,
    )


class Models(Protocol):
    """Where read-model documents live: MongoDB live, memory in a replay."""

    async def load(self, collection: str, key: str) -> Document | None: ...

    async def save(self, collection: str, document: Document) -> None: ...


async def fold_report_event(models: Models, where: Occurrence, event: Event) -> None:
    """Apply one report event to the report's facts and its day's cells, each exactly once.

    The day's cells are written first: if the facts then fail to be written, the redelivered
    event finds the old facts again, and the day's document already reflects it."""
    old = await models.load(FACTS, where.report_id)
    if old is not None and old["sequence"] >= where.sequence:
        return
    new = project(old, where, event.payload)
    before = contributions(old) if old is not None else {}
    after = contributions(new)
    if before != after:
        home = home_of(new)
        collection = daily_collection(new["day"])
        day = await models.load(collection, day_document_id(*home)) or empty_day(*home)
        if applies(day, new):
            await models.save(collection, replace_contribution(day, new, before, after))
    await models.save(FACTS, new)


def report_handler(models: Models) -> Handler:
    """lapor.report-events -> report_facts and daily_<YYYY>."""

    async def handle(record: SourceRecord) -> None:
        event = decode_event(record.value)
        await fold_report_event(models, occurrence(record, event), event)

    return handle


def directory_handler(models: Models) -> Handler:
    """lapor.directory-events -> agencies."""

    async def handle(record: SourceRecord) -> None:
        document = agency_after(decode_directory(record.value))
        if document is not None:
            await models.save(AGENCIES, document)

    return handle


def spikes_handler(models: Models) -> Handler:
    """lapor.analytics-events -> spikes."""

    async def handle(record: SourceRecord) -> None:
        document = spike_document(decode_analytics(record.value))
        if document is not None:
            await models.save(SPIKES, document)

    return handle


def agency_after(event: DirectoryEvent) -> Document | None:
    """The agency's document after a directory event; None for renames and merges, which
    statistics take from the live directory instead."""
    if event.event_type not in ("AgencyConnected", "AgencyDisconnected"):
        return None
    at = millis(event.occurred_at.ToDatetime(UTC))
    return {
        "_id": event.agency_code,
        "connected": event.event_type == "AgencyConnected",
        "since": at,
        "event_id": event.event_id,
    }


def decode_directory(raw: bytes | None) -> DirectoryEvent:
    return parse_message(DirectoryEvent, raw or b"", "record")


def decode_analytics(raw: bytes | None) -> AnalyticsEvent:
    event = parse_message(AnalyticsEvent, raw or b"", "record")
    if not event.event_id:
        raise UndecodableMessage("an AnalyticsEvent without event_id")
    return event


def spike_document(event: AnalyticsEvent) -> Document | None:
    """The spike alert's document; None for other kinds of analytics events."""
    if event.event_type != "SpikeDetected":
        return None
    spike = parse_message(SpikeDetected, event.payload, "SpikeDetected payload")
    return {
        "_id": event.event_id,
        "day": spike.day,
        "category_code": spike.category_code,
        "category_name": spike.category_name,
        "region_code": spike.region_code,
        "region_name": spike.region_name,
        "count": spike.count,
        "baseline_mean": spike.baseline_mean,
        "baseline_days": spike.baseline_days,
        "threshold": spike.threshold,
        "rule_version": spike.rule_version,
        "detected_at": millis(event.occurred_at.ToDatetime(UTC)),
    }


@dataclass
class InMemory:
    """The read models of a replay, kept in memory: collection -> _id -> document."""

    collections: dict[str, dict[str, Document]] = field(default_factory=dict)

    async def load(self, collection: str, key: str) -> Document | None:
        return self.collections.get(collection, {}).get(key)

    async def save(self, collection: str, document: Document) -> None:
        self.collections.setdefault(collection, {})[document["_id"]] = document

    def documents(self) -> dict[str, list[Any]]:
        """Each collection's documents in ``_id`` order."""
        return {
            name: [documents[key] for key in sorted(documents)]
            for name, documents in sorted(self.collections.items())
        }
