"""From analytics' observations to the national administrators' alerts (the consumer of
``lapor.analytics-events``, group ``notification-analytics-alerts``).

Each record is decoded and judged by domain/alerts.py. A type notification does not act on
is skipped (logged); a broken record raises UndecodableMessage, which the RecordProcessor
around this handler sends to the dead-letter topic. The notices are planned as the queue
alert's are (Planner.announce): an item in the administrators' alerts feed, and a delivery
per subscription logged as pending and queued before anything is sent, keyed by the event
id, so the same observation delivered or emitted again sends nothing twice.
"""

import logging
from collections.abc import Awaitable, Callable

from lapor_common.kafka_io import SourceRecord
from notification.domain.alerts import alerts, decode_observation, filed_on
from notification.domain.notices import Notice
from notification.outbox import shard
from notification.planner import Occasion

GROUP = "notification-analytics-alerts"
log = logging.getLogger(__name__)
Announce = Callable[[Occasion, list[Notice], str, int], Awaitable[None]]


class Alerts:
    def __init__(self, announce: Announce, report_partitions: int) -> None:
        self._announce = announce
        self._report_partitions = report_partitions

    async def handle(self, record: SourceRecord) -> None:
        observation = decode_observation(record.value)
        if observation.payload is None:
            log.info(
                "skipped analytics event %s: notification does not act on %r",
                observation.event_id,
                observation.event_type,
            )
            return
        # Sent by the dispatcher that owns this partition of the report events, whichever
        # replica that is: the outbox is swept by report-events partition.
        sender = shard(observation.event_id, self._report_partitions)
        at, filed = observation.occurred_at, filed_on(observation)
        occasion = Occasion(observation.event_id, sender, at, filed)
        found, event_type = alerts(observation), observation.event_type
        await self._announce(occasion, found, event_type, record.partition)
