"""From report events to recorded deliveries (the consumer of ``lapor.report-events``).

For each event: fold the report's facts, ask the policy who must hear what, expand each
notice to its deliveries, log them as pending and queue them in the outbox, then save the
facts. Facts carry the sequence they reflect, so a redelivered event is recognised; the
delivery log's ids make recording idempotent even if the crash came between the two.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from lapor_common.envelope import Event, decode_event
from lapor_common.kafka_io import SourceRecord
from notification.domain.facts import Facts, evolve
from notification.domain.notices import Audience, Notice, crossed, notices, queue_alert
from notification.domain.recipients import deliveries
from notification.outbox import DeliveryLog, Entry, Outbox, log_name
from notification.store import FactsStore, QueueCounts, Subscriptions

NAME = "notification"
_ALERTS = uuid.UUID("6f1c6f0e-3f57-4f4e-9a53-4c0a7f0b9e11")


def _snapshot(facts: Facts) -> dict[str, object]:
    """What a message about the report may say of it (no personal data)."""
    return {
        "title": facts.title,
        "language": facts.language,
        "region_code": facts.region_code,
        "category_code": facts.category_code,
        "came_by_sms": facts.came_by_sms,
        "agency_code": facts.agency_code,
        "agency_name": facts.agency_name,
    }


class Planner:
    def __init__(
        self,
        *,
        facts: FactsStore,
        log_: DeliveryLog,
        outbox: Outbox,
        queue: QueueCounts,
        subscriptions: Subscriptions,
        queue_threshold: int,
        wake: Callable[[], None],
    ) -> None:
        self._facts, self._log, self._outbox = facts, log_, outbox
        self._queue, self._subscriptions = queue, subscriptions
        self._threshold = queue_threshold
        self._wake = wake

    async def handle(self, record: SourceRecord) -> None:
        event = decode_event(record.value)
        envelope = event.envelope
        before, log = await self._facts.get(envelope.report_id)
        if envelope.sequence <= before.sequence:
            return
        after = evolve(before, event.payload, envelope.sequence)
        at = envelope.occurred_at.ToDatetime(UTC)
        found = notices(before, event.payload)
        entries = await self._entries(event, found, after, record.partition, at)
        delta = int(after.awaiting_verification) - int(before.awaiting_verification)
        if delta:
            entries += await self._queue_alert(record, delta, at)
        await self._record(entries, envelope.event_type)
        log += [f"{e.log}|{e.id}" for e in entries if e.delivery.report_id == envelope.report_id]
        await self._facts.save(after, log)
        if entries:
            self._wake()

    async def _entries(
        self, event: Event, found: list[Notice], facts: Facts, partition: int, at: datetime
    ) -> list[Entry]:
        entries: list[Entry] = []
        report = _snapshot(facts)
        for notice in found:
            subscriptions = []
            if notice.audience is Audience.AGENCY:
                subscriptions = await self._subscriptions.of(notice.agency_code)
            for d in deliveries(event.envelope.event_id, facts.report_id, notice, subscriptions):
                entries.append(Entry(d, log_name(at), partition, at, at, 0, "pending", report))
        return entries

    async def _queue_alert(self, record: SourceRecord, delta: int, at: datetime) -> list[Entry]:
        totals = await self._queue.apply(record.partition, record.offset, delta)
        if totals is None or not crossed(*totals, self._threshold):
            return []
        alert = queue_alert(totals[1], self._threshold)
        event_id = str(uuid.uuid5(_ALERTS, f"{record.partition}:{record.offset}"))
        subscriptions = await self._subscriptions.of(alert.agency_code)
        report = _snapshot(Facts(""))
        return [
            Entry(d, log_name(at), record.partition, at, at, 0, "pending", report)
            for d in deliveries(event_id, "", alert, subscriptions)
        ]

    async def _record(self, entries: list[Entry], event_type: str) -> None:
        by_log: dict[str, list[Entry]] = {}
        for entry in entries:
            by_log.setdefault(entry.log, []).append(entry)
        for group in by_log.values():
            await self._outbox.add(await self._log.record(group, event_type))
