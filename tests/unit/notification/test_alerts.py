"""Analytics' spike alerts: decoding ``lapor.analytics-events`` (unknown types skipped, broken
records and payloads dead-lettered), planning the national administrators' notices (keyed
by the event id, logged under the day observed), and their words in both languages."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from lapor.analytics.v1.events_pb2 import SpikeDetected
from lapor_common.envelope import UndecodableMessage
from lapor_common.kafka_io import handle_or_dead_letter
from lapor_common.topics import ANALYTICS_EVENTS, DEAD_LETTER
from lapor_common.zones import WIB
from notification.alerts import Alerts
from notification.domain.alerts import alerts, decode_observation, filed_on, spike_alert
from notification.domain.notices import NATIONAL_ADMINISTRATOR, Audience, Notice, queue_alert
from notification.domain.recipients import Channel, Role, Subscription, deliveries, feed_item_of
from notification.feeds import agency_feeds
from notification.messages import Composer, Links, decimal, on
from notification.outbox import shard
from notification.planner import Occasion
from notification.rendering import LANGUAGES, TEMPLATES, Templates
from tests.unit.notification.observations import AT, EVENT_ID, SPIKE, observed

REPORT_PARTITIONS = 12
ADMINISTRATORS = [
    Subscription("desk", NATIONAL_ADMINISTRATOR, Channel.EMAIL, "admin@lapor.go.id", Role.OFFICER),
    Subscription("other", "pemkot-3273.dinsos", Channel.EMAIL, "x@bandung.go.id", Role.OFFICER),
]


@dataclass(frozen=True)
class Record:
    value: bytes | None
    topic: str = ANALYTICS_EVENTS
    partition: int = 2
    offset: int = 7
    key: bytes | None = b"sosial.pkh|32.73"


@dataclass
class Announced:
    calls: list[tuple[Occasion, list[Notice], str, int]] = field(default_factory=list)

    async def __call__(self, occasion: Occasion, found: list[Notice], kind: str, at: int) -> None:
        self.calls.append((occasion, found, kind, at))


@dataclass
class FakeProducer:
    sent: list[tuple[str, bytes | None]] = field(default_factory=list)

    async def send_and_wait(self, topic: str, value: bytes | None, **options: Any) -> None:
        self.sent.append((topic, value))


# --- decoding ------------------------------------------------------------------------------


def test_a_spike_is_decoded_with_its_envelope() -> None:
    observation = decode_observation(observed().SerializeToString())

    assert (observation.event_id, observation.event_type) == (EVENT_ID, "SpikeDetected")
    assert (observation.subject, observation.occurred_at) == ("sosial.pkh|32.73", AT)
    assert observation.payload == SPIKE


def test_a_type_notification_does_not_act_on_is_decoded_without_a_payload() -> None:
    observation = decode_observation(
        observed(b"\xff", event_type="TrendNoticed").SerializeToString()
    )

    assert observation.payload is None
    assert alerts(observation) == []
    assert filed_on(observation) == AT


NO_REGION = SpikeDetected(day="2026-11-23", category_code="sosial.pkh")
BAD_DAY = SpikeDetected(day="23/11/2026", category_code="sosial.pkh", region_code="32.73")
BROKEN = {
    "garbage": b"\xff\xff\xff",
    "empty": b"",
    "no id": observed(event_id="").SerializeToString(),
    "bad payload": observed(b"\xff\xff").SerializeToString(),
    "version 2": observed(schema_version=2).SerializeToString(),
    "no region": observed(NO_REGION.SerializeToString()).SerializeToString(),
    "bad day": observed(BAD_DAY.SerializeToString()).SerializeToString(),
}


@pytest.mark.parametrize("raw", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_record_or_spike_is_undecodable(raw: bytes) -> None:
    with pytest.raises(UndecodableMessage):
        decode_observation(raw)


async def test_a_broken_spike_is_dead_lettered_and_an_unknown_type_only_skipped() -> None:
    producer, announced = FakeProducer(), Announced()
    handler = Alerts(announced, REPORT_PARTITIONS).handle
    unknown = observed(event_type="TrendNoticed").SerializeToString()
    broken = observed(b"\xff\xff").SerializeToString()

    await handle_or_dead_letter(Record(unknown), handler, producer, "notification-analytics-alerts")
    await handle_or_dead_letter(Record(broken), handler, producer, "notification-analytics-alerts")

    assert producer.sent == [(DEAD_LETTER, broken)]
    assert announced.calls == []


# --- planning ------------------------------------------------------------------------------


def test_a_spike_is_an_alert_to_the_national_administrators() -> None:
    [notice] = alerts(decode_observation(observed().SerializeToString()))

    assert (notice.kind, notice.audience, notice.agency_code) == (
        "spike_detected",
        Audience.AGENCY,
        NATIONAL_ADMINISTRATOR,
    )
    assert (notice.essential, notice.supervisors) == (True, False)
    assert notice == spike_alert(SPIKE)
    assert dict(notice.context) == {
        "day": "2026-11-23",
        "category_code": "sosial.pkh",
        "category_name": "Bantuan Sosial PKH",
        "region_code": "32.73",
        "region_name": "Kota Bandung",
        "count": 14,
        "baseline_mean": 0.25,
        "baseline_days": 28,
        "threshold": 5,
        "rule_version": "poisson-28d-p0.001-min5",
    }


def test_a_spike_without_names_is_told_by_its_codes() -> None:
    bare = SpikeDetected(day="2026-11-23", category_code="sosial.pkh", region_code="32.73")

    context = spike_alert(bare).context

    assert (context["category_name"], context["region_name"]) == ("sosial.pkh", "32.73")


async def test_the_handler_announces_the_spike_under_its_event_id_and_day() -> None:
    announced = Announced()

    await Alerts(announced, REPORT_PARTITIONS).handle(Record(observed().SerializeToString()))

    [(occasion, found, event_type, feed_partition)] = announced.calls
    assert (occasion.event_id, occasion.at) == (EVENT_ID, AT)
    assert occasion.partition == shard(EVENT_ID, REPORT_PARTITIONS)
    assert occasion.filed == datetime(2026, 11, 23, tzinfo=WIB)
    assert (found, event_type, feed_partition) == ([spike_alert(SPIKE)], "SpikeDetected", 2)


def test_the_administrators_get_an_email_and_a_feed_item_keyed_by_the_event_id() -> None:
    notice = spike_alert(SPIKE)

    [email] = deliveries(EVENT_ID, "", notice, ADMINISTRATORS, frozenset())
    item = feed_item_of(EVENT_ID, "", notice)

    assert (email.id, email.channel) == (f"{EVENT_ID}/sub:desk/email", Channel.EMAIL)
    assert item.id == f"{EVENT_ID}/agency:{NATIONAL_ADMINISTRATOR}/feed"


def test_the_same_spike_emitted_a_day_later_is_logged_in_the_same_place() -> None:
    """A replay of analytics emits the observation again, later: its deliveries must be found
    where the first ones were recorded, or they would be sent twice."""
    [email] = deliveries(EVENT_ID, "", spike_alert(SPIKE), ADMINISTRATORS, frozenset())
    filed = datetime(2026, 11, 23, tzinfo=WIB)

    first = Occasion(EVENT_ID, 3, AT, filed).entry(email, {})
    again = Occasion(EVENT_ID, 3, AT + timedelta(days=1), filed).entry(email, {})

    assert (first.id, first.log) == (again.id, again.log)
    assert first.log.startswith("deliveries_20261123_")


def test_only_the_national_administrators_feed_includes_the_alerts() -> None:
    national = agency_feeds(NATIONAL_ADMINISTRATOR, 2, 3)
    agency = agency_feeds("pemkot-3273.dinsos", 2, 3)

    assert national == [
        f"agency:{NATIONAL_ADMINISTRATOR}:0",
        f"agency:{NATIONAL_ADMINISTRATOR}:1",
        *(f"agency:{NATIONAL_ADMINISTRATOR}:alerts:{p}" for p in range(3)),
    ]
    assert agency == ["agency:pemkot-3273.dinsos:0", "agency:pemkot-3273.dinsos:1"]


# --- words ---------------------------------------------------------------------------------

SUBJECTS = {
    "id": "LAPOR! Lonjakan laporan: Bantuan Sosial PKH di Kota Bandung",
    "en": "LAPOR! Report spike: Bantuan Sosial PKH in Kota Bandung",
}
FACTS = {
    "id": [
        "Tanggal: Senin, 23 November 2026",
        "Jumlah laporan hari itu: 14",
        "Rata-rata: 0,25 laporan per hari selama 28 hari",
        "Ambang lonjakan: 5 laporan",
    ],
    "en": [
        "Day: Monday 23 November 2026",
        "Reports that day: 14",
        "Average: 0.25 reports a day over the 28 days before",
        "Spike threshold: 5 reports",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_alert_reads_in_both_languages_with_a_link_to_the_console(language: str) -> None:
    composer = Composer(Templates(TEMPLATES), Links("https://www.lapor.go.id"), 3)
    [email] = deliveries(EVENT_ID, "", spike_alert(SPIKE), ADMINISTRATORS, frozenset())
    entry = Occasion(EVENT_ID, 3, AT).entry(email, {})

    rendered = composer.render(
        "spike_detected", language, composer.context(entry, language, WIB, "")
    )

    assert rendered.subject == SUBJECTS[language]
    for fact in [*FACTS[language], "Kota Bandung (32.73)", "poisson-28d-p0.001-min5"]:
        assert fact in rendered.text
    assert "https://www.lapor.go.id/admin/statistik/lonjakan" in rendered.text
    assert rendered.short.startswith(SUBJECTS[language].split(":")[0])
    assert "https://www.lapor.go.id/admin/statistik/lonjakan" in rendered.short
    assert "2026-11-23" not in rendered.text


def test_numbers_and_days_in_the_readers_language() -> None:
    assert [decimal(x, "id") for x in (0.25, 3.0, 1.125, 0.0)] == ["0,25", "3", "1,12", "0"]
    assert decimal(12.5, "en") == "12.5"
    assert (on("2026-11-23", "id"), on("2026-11-23", "en")) == (
        "Senin, 23 November 2026",
        "Monday 23 November 2026",
    )


def test_an_alert_in_a_digest_gets_no_inbox_link() -> None:
    composer = Composer(Templates(TEMPLATES), Links("https://www.lapor.go.id"), 3)
    occasion = Occasion(EVENT_ID, 3, AT)
    items = []
    for notice in (spike_alert(SPIKE), queue_alert(205, 100)):
        [email] = deliveries(f"{notice.kind}-1", "", notice, ADMINISTRATORS, frozenset())
        entry = occasion.entry(email, {})
        items.append(
            (entry, composer.render(notice.kind, "id", composer.context(entry, "id", WIB, "")))
        )

    digest = composer.digest(items, "id", "Pengelola SP4N-LAPOR! Nasional")

    assert "/instansi/laporan" not in digest.text
    assert "Lonjakan laporan" in digest.text
