"""Analytics' observations as analytics writes them, for notification's tests."""

from datetime import UTC, datetime
from typing import Any

from lapor.analytics.v1.events_pb2 import AnalyticsEvent, SpikeDetected

EVENT_ID = "spike:sosial.pkh|32.73|2026-11-23|poisson-28d-p0.001-min5"
AT = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
SPIKE = SpikeDetected(
    day="2026-11-23",
    category_code="sosial.pkh",
    region_code="32.73",
    region_name="Kota Bandung",
    category_name="Bantuan Sosial PKH",
    count=14,
    baseline_mean=0.25,
    baseline_days=28,
    threshold=5,
    rule_version="poisson-28d-p0.001-min5",
)


def spike_on(day: str) -> bytes:
    """The spike, observed on another day."""
    spike = SpikeDetected()
    spike.CopyFrom(SPIKE)
    spike.day = day
    return spike.SerializeToString()


def observed(payload: bytes | None = None, **fields: Any) -> AnalyticsEvent:
    """The spike's event (or one with that payload), with the envelope ``fields`` changed."""
    envelope: dict[str, Any] = {
        "event_id": EVENT_ID,
        "event_type": "SpikeDetected",
        "subject": "sosial.pkh|32.73",
        "schema_version": 1,
        "payload": SPIKE.SerializeToString() if payload is None else payload,
    }
    event = AnalyticsEvent(**{**envelope, **fields})
    event.occurred_at.FromDatetime(AT)
    return event
