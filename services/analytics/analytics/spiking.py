"""Watches today's reports for spikes (``analytics.domain.spikes``) and announces each new one
as a ``SpikeDetected`` event on lapor.analytics-events, which tells the administrators
(notification) and feeds the ``spikes`` read model."""

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer

from analytics.domain.spikes import BASELINE_DAYS, RULE_VERSION, Spike, baseline_window, detect
from analytics.statistics import Labels
from analytics.store import StatisticsStore
from lapor.analytics.v1.events_pb2 import AnalyticsEvent, SpikeDetected
from lapor_common.envelope import timestamp
from lapor_common.topics import ANALYTICS_EVENTS

log = logging.getLogger(__name__)
_NAMESPACE = uuid.UUID("8f0c7a52-4d5e-4c1b-9a51-3f2d6e0b7c11")


def spike_event_id(spike: Spike) -> str:
    """The same spike always has the same id, whoever detects it and however often."""
    name = f"SpikeDetected|{spike.day}|{spike.category_code}|{spike.region_code}"
    return str(uuid.uuid5(_NAMESPACE, name))


def spike_event(spike: Spike, category_name: str, region_name: str, at: datetime) -> AnalyticsEvent:
    payload = SpikeDetected(
        day=spike.day,
        category_code=spike.category_code,
        region_code=spike.region_code,
        region_name=region_name,
        category_name=category_name,
        count=spike.count,
        baseline_mean=spike.baseline_mean,
        baseline_days=BASELINE_DAYS,
        threshold=spike.threshold,
        rule_version=RULE_VERSION,
    )
    return AnalyticsEvent(
        event_id=spike_event_id(spike),
        event_type="SpikeDetected",
        subject=f"{spike.category_code}|{spike.region_code}",
        occurred_at=timestamp(at),
        schema_version=1,
        payload=payload.SerializeToString(),
    )


class SpikeWatch:
    def __init__(
        self,
        store: StatisticsStore,
        reference: Labels,
        producer: AIOKafkaProducer,
        today: Callable[[], date],
        interval_s: float,
    ) -> None:
        self._store = store
        self._reference = reference
        self._producer = producer
        self._today = today
        self._interval_s = interval_s
        self._announced: set[str] = set()

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self.check()
            except Exception:
                log.exception("spike check failed; trying again in %.0f s", self._interval_s)

    async def check(self) -> list[Spike]:
        """Announce the spikes of today not announced before; return them."""
        day = self._today().isoformat()
        first, _ = baseline_window(day)
        spikes = detect(day, await self._store.days(first, day))
        ids = {spike_event_id(spike): spike for spike in spikes}
        known = await self._store.known_spikes(list(ids)) | self._announced
        announced = []
        for event_id, spike in ids.items():
            if event_id in known:
                continue
            event = spike_event(
                spike,
                await self._reference.category_name(spike.category_code),
                self._reference.region_name(spike.region_code),
                datetime.now(UTC),
            )
            await self._producer.send_and_wait(
                ANALYTICS_EVENTS, event.SerializeToString(), key=event.subject.encode()
            )
            self._announced.add(event_id)
            announced.append(spike)
            log.info(
                "spike: %s in %s, %d reports", spike.category_code, spike.region_code, spike.count
            )
        return announced
