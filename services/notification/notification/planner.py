"""From report events to recorded deliveries (the consumer of ``lapor.report-events``).

For each event: fold the report's facts, ask the policy who must hear what, write each
notice to its audience's in-app feed, expand it to deliveries (the reporter's chosen
channels, the agency's subscriptions), log those as pending and queue them in the outbox,
then save the facts with the reporter's feed. Facts carry the sequence they reflect, so a
redelivered event is recognised; the delivery log's ids make recording idempotent even if
the crash came between the two.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from lapor_common.envelope import decode_event
from lapor_common.kafka_io import SourceRecord
from lapor_common.mongo import Document
from lapor_common.zones import zone_of_agency, zone_of_region
from notification.domain.facts import Facts, evolve
from notification.domain.notices import Audience, Notice, crossing, notices, queue_alert
from notification.domain.recipients import (
    Channel,
    Delivery,
    deliveries,
    feed_item_of,
    reporter_channels,
    skip_reason,
)
from notification.feeds import Feeds, agency_feed, alerts_feed
from notification.messages import Composer, feed_item
from notification.outbox import DeliveryLog, Entry, Outbox, log_name
from notification.store import FactsStore, Kept, PreferenceStore, QueueCounts, Subscriptions

NAME = "notification"
log = logging.getLogger(__name__)
_ALERTS = uuid.UUID("6f1c6f0e-3f57-4f4e-9a53-4c0a7f0b9e11")
NONE: frozenset[Channel] = frozenset()


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


@dataclass(frozen=True)
class Occasion:
    """The event a notice comes from: its id, the partition whose dispatcher sends its
    deliveries, its time, and the day whose delivery log records them (the event's day
    unless ``filed`` says otherwise)."""

    event_id: str
    partition: int
    at: datetime
    filed: datetime | None = None

    def entry(self, delivery: Delivery, report: dict[str, object]) -> Entry:
        at = self.at
        log = log_name(self.filed or at, delivery.report_id)
        return Entry(delivery, log, self.partition, at, at, 0, "pending", report)


class Planner:
    def __init__(
        self,
        *,
        facts: FactsStore,
        log_: DeliveryLog,
        outbox: Outbox,
        queue: QueueCounts,
        subscriptions: Subscriptions,
        preferences: PreferenceStore,
        feeds: Feeds,
        composer: Composer,
        queue_threshold: int,
        wake: Callable[[], None],
        forget_contact: Callable[[str], None],
    ) -> None:
        self._facts, self._log, self._outbox = facts, log_, outbox
        self._queue, self._subscriptions = queue, subscriptions
        self._preferences, self._feeds, self._composer = preferences, feeds, composer
        self._threshold = queue_threshold
        self._wake, self._forget_contact = wake, forget_contact

    async def handle(self, record: SourceRecord) -> None:
        event = decode_event(record.value)
        envelope = event.envelope
        kept = await self._facts.get(envelope.report_id)
        before = kept.facts
        if envelope.sequence <= before.sequence:
            return
        kept.facts = evolve(before, event.payload, envelope.sequence)
        if kept.facts.erased:
            self._forget_contact(envelope.report_id)
        at = envelope.occurred_at.ToDatetime(UTC)
        entries: list[Entry] = []
        occasion = Occasion(envelope.event_id, record.partition, at)
        for notice in notices(before, event.payload):
            entries += await self._planned(occasion, notice, kept)
        delta = int(kept.facts.awaiting_verification) - int(before.awaiting_verification)
        if delta:
            entries += await self._queue_alert(record, delta, at)
        await self._record(entries, envelope.event_type)
        kept.log += [f"{e.log}|{e.id}" for e in entries if e.delivery.report_id == before.report_id]
        await self._facts.save(kept)
        if entries:
            self._wake()

    async def _planned(self, occasion: Occasion, notice: Notice, kept: Kept) -> list[Entry]:
        """The notice's deliveries; its feed item written on the way."""
        facts, report = kept.facts, _snapshot(kept.facts)
        if notice.audience is Audience.REPORTER:
            prefs = await self._preferences.get(facts.report_id)
            item = self._feed_item(occasion, notice, facts, prefs.language or facts.language)
            if item and all(i["id"] != item["id"] for i in kept.feed):
                kept.feed.append(item)
            chosen = reporter_channels(prefs, facts.gave_email, facts.gave_phone, facts.came_by_sms)
            planned = deliveries(occasion.event_id, facts.report_id, notice, [], chosen)
            return [occasion.entry(d, report) for d in planned if not skip_reason(d, prefs, chosen)]
        feed = agency_feed(notice.agency_code, occasion.partition)
        return await self._to_agency(occasion, notice, facts, feed)

    async def _to_agency(
        self, occasion: Occasion, notice: Notice, facts: Facts, feed: str
    ) -> list[Entry]:
        """An agency notice's deliveries, one per subscription; its item written to ``feed``."""
        item = self._feed_item(occasion, notice, facts, "id")
        if item:
            await self._feeds.append(feed, item)
        subscriptions = await self._subscriptions.of(notice.agency_code)
        planned = deliveries(occasion.event_id, facts.report_id, notice, subscriptions, NONE)
        return [occasion.entry(d, _snapshot(facts)) for d in planned]

    async def announce(
        self, occasion: Occasion, found: list[Notice], event_type: str, feed_partition: int
    ) -> None:
        """Agency notices that come from no report (analytics' alerts): each written to its
        agency's alerts feed of ``feed_partition`` (of the analytics events) and recorded for
        sending under the occasion's event id, so the same event again adds nothing."""
        entries: list[Entry] = []
        for notice in found:
            feed = alerts_feed(notice.agency_code, feed_partition)
            entries += await self._to_agency(occasion, notice, Facts(""), feed)
        await self.queue(entries, event_type)

    async def queue(self, entries: list[Entry], event_type: str) -> None:
        """Log deliveries planned elsewhere (SMS replies, alerts) as pending, queue those not
        yet final for sending, and wake the dispatcher."""
        await self._record(entries, event_type)
        if entries:
            self._wake()

    def _feed_item(
        self, occasion: Occasion, notice: Notice, facts: Facts, language: str
    ) -> Document | None:
        """The notice as a feed item, in the reader's language and time zone; a template that
        fails is logged and costs only this item, never the event's messages."""
        delivery = feed_item_of(occasion.event_id, facts.report_id, notice)
        entry = replace(occasion.entry(delivery, _snapshot(facts)), state="feed")
        reporter = notice.audience is Audience.REPORTER
        zone = zone_of_region(facts.region_code) if reporter else zone_of_agency(notice.agency_code)
        try:
            context = self._composer.context(entry, language, zone, secret="")
            rendered = self._composer.render(notice.kind, language, context)
        except Exception:
            log.exception("the feed item %s could not be rendered", delivery.id)
            return None
        return feed_item(entry, rendered, occasion.at)

    async def _queue_alert(self, record: SourceRecord, delta: int, at: datetime) -> list[Entry]:
        totals = await self._queue.apply(record.partition, record.offset, delta)
        level = crossing(*totals, self._threshold) if totals else None
        if totals is None or level is None:
            return []
        alert = queue_alert(totals[1], self._threshold)
        # One alert per level and hour, whichever partition (or replica) sees it first.
        event_id = str(uuid.uuid5(_ALERTS, f"{level}:{at:%Y%m%d%H}"))
        return await self._planned(Occasion(event_id, record.partition, at), alert, Kept(Facts("")))

    async def _record(self, entries: list[Entry], event_type: str) -> None:
        by_log: dict[str, list[Entry]] = {}
        for entry in entries:
            by_log.setdefault(entry.log, []).append(entry)
        for group in by_log.values():
            await self._outbox.add(await self._log.record(group, event_type))
