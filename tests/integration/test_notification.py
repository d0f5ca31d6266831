"""Notification over the real broker, database and local mailbox: who hears what, by which
channel, exactly once; quiet hours, digests, retries and dead letters; preferences and
erasure; and agencies never see a reporter's contact."""

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from lapor.analytics.v1.events_pb2 import AnalyticsEvent
from lapor.report.v1 import events_pb2 as e
from lapor_common.mongo import Document
from lapor_common.topics import DEAD_LETTER
from lapor_common.zones import WIB
from notification.contacts import Contact
from notification.domain.notices import NATIONAL_ADMINISTRATOR, to_reporter
from notification.domain.quiet import QuietHours
from notification.domain.recipients import Channel, Preferences, Role, Subscription, deliveries
from notification.feeds import agency_feeds
from notification.outbox import Outbox, log_name, shard
from notification.planner import Occasion
from notification.signing import verify
from notification.store import FACTS_SHARDS
from tests.eventually import eventually
from tests.infra import Infrastructure
from tests.integration.notification_stack import (
    PARTITIONS,
    Stack,
    consuming_observations,
    rules,
    running_stack,
)
from tests.kafka_reading import TopicReader
from tests.mailbox import FAILING, Box, new_box, running
from tests.unit.notification.observations import observed, spike_on

pytestmark = pytest.mark.integration
DEAD_LETTER_SOURCE = "lapor.dead-letter.source"
AGENCY, SUPERVISING = "pemkot-7371.dinkes", "pemkot-7371"


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    started = new_box(tmp_path_factory.mktemp("mailbox") / "box", credentials=True)
    with running(started):
        yield started


def _id() -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    symbols = "".join(random.choice(alphabet) for _ in range(12))
    return "-".join(symbols[i : i + 4] for i in range(0, 12, 4))


def _phone() -> str:
    return "+62812" + "".join(random.choice("0123456789") for _ in range(8))


def _submitted(
    channel: "e.Channel.ValueType" = e.CHANNEL_WEB,
    anonymous: bool = False,
    email: bool = True,
    phone: bool = True,
) -> e.ReportSubmitted:
    return e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT,
        title="Puskesmas tutup di jam layanan",
        body="Puskesmas Kassi-Kassi tutup pukul 10 pagi padahal jadwal sampai 14.",
        region_code="73.71.04",
        channel=channel,
        anonymous=anonymous,
        access_secret_sha256=b"\x01" * 32,
        language="id",
        reporter_gave_email=email,
        reporter_gave_phone=phone,
    )


def _routed() -> e.ReportRouted:
    return e.ReportRouted(agency_code=AGENCY, agency_name="Dinas Kesehatan Kota Makassar")


async def _mail(box: Box, to: str, count: int = 1) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        return [m for m in box.messages("email") if to in m["rcpt_tos"]]

    return await eventually(probe, lambda found: len(found) >= count)


async def _sms(box: Box, to: str, count: int = 1) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        return [m for m in box.messages("sms") if m["to"] == to]

    return await eventually(probe, lambda found: len(found) >= count)


async def _settled(stack: Stack) -> None:
    """Every delivery recorded so far has left the outbox."""
    await eventually(stack.outbox_size, lambda size: size == 0)


@pytest.fixture
async def stack(
    infra: Infrastructure, database: AsyncDatabase[Document], producer: AIOKafkaProducer, box: Box
) -> AsyncIterator[Stack]:
    async with running_stack(infra, database, producer, box, rules()) as running_:
        yield running_


async def test_a_reporter_gets_the_tracking_id_and_secret_by_email_and_in_the_feed(
    stack: Stack, box: Box
) -> None:
    report, email = _id(), f"dewi.{_id()}@contoh.id"
    stack.contacts.known[report] = Contact(email, _phone(), "rahasia-akses-123", False, "id")
    await stack.publish(report, _submitted())
    [mail] = await _mail(box, email)
    assert report in mail["subject"]
    assert "rahasia-akses-123" in mail["text"]
    assert f"http://lapor.test/lacak/{report}" in mail["text"]
    assert (mail["tls"], mail["authenticated_as"]) == (True, "notification")
    await _settled(stack)
    feed = (await stack.facts.get(report)).feed
    assert [item["kind"] for item in feed] == ["received"]
    assert "rahasia-akses-123" not in json.dumps(feed)
    statuses = [(d["channel"], d["status"]) for d in await stack.deliveries(report)]
    assert statuses == [("email", "sent")]
    assert not [m for m in box.messages("sms") if report in m["text"]]


async def test_a_report_that_came_by_sms_is_answered_by_sms_that_fits(
    stack: Stack, box: Box
) -> None:
    report, phone = _id(), _phone()
    stack.contacts.known[report] = Contact("", phone, "rahasia-sms", False, "id")
    await stack.publish(report, _submitted(channel=e.CHANNEL_SMS, email=False))
    await stack.publish(report, e.InformationRequested(question="Mohon sebutkan alamat " * 30))
    first, second = await _sms(box, phone, 2)
    assert first["text"].startswith(f"LAPOR! {report}")
    assert "rahasia-sms" in first["text"]
    assert second["text"].startswith(f"LAPOR! {report}")
    assert (second["encoding"], second["parts"] <= 3) == ("GSM-7", True)


async def test_an_sms_waits_for_the_morning_in_the_reporters_time_zone(
    infra: Infrastructure,
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    box: Box,
) -> None:
    quiet = QuietHours(datetime.strptime("21:00", "%H:%M").time(), datetime(1, 1, 1, 7).time())
    async with running_stack(infra, database, producer, box, rules(quiet=quiet)) as stack:
        stack.clock.at = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # 22:30 WITA in Makassar
        report, phone = _id(), _phone()
        stack.contacts.known[report] = Contact("", phone, "rahasia", False, "id")
        await stack.publish(report, _submitted(channel=e.CHANNEL_SMS))

        async def held() -> list[str]:
            return [d["status"] for d in await stack.deliveries(report) if d["channel"] == "sms"]

        assert await eventually(held, lambda found: found == ["held"]) == ["held"]
        [log] = [d for d in await stack.deliveries(report) if d["channel"] == "sms"]
        assert log["due_at"] == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 07:00 WITA
        stack.clock.at = datetime(2026, 11, 23, 23, 0, 1, tzinfo=UTC)
        stack.dispatcher.wake()
        [message] = await _sms(box, phone)
        assert report in message["text"]


async def _subscribe(stack: Stack, channel: Channel, address: str, role: Role) -> Subscription:
    wanted = Subscription("", AGENCY, channel, address, role, "id")
    if channel is Channel.WEBHOOK:
        wanted = Subscription("", AGENCY, channel, address, role, "id", "whsec_test-secret")
    return await stack.subscriptions.add(wanted)


async def test_officers_hear_of_new_reports_and_supervisors_of_warnings_without_the_reporter(
    stack: Stack, box: Box
) -> None:
    desk, chief = f"desk.{_id()}@dinkes.makassar.go.id", f"chief.{_id()}@makassar.go.id"
    hook = f"{box.url}/hooks/dinkes-{_id()}"
    await _subscribe(stack, Channel.EMAIL, desk, Role.OFFICER)
    await _subscribe(stack, Channel.EMAIL, chief, Role.SUPERVISOR)
    await _subscribe(stack, Channel.WEBHOOK, hook, Role.OFFICER)
    report, contact = _id(), Contact("siti@contoh.id", "+6281234567890", "s3cret", False, "id")
    stack.contacts.known[report] = contact
    await stack.publish(report, _submitted(anonymous=True))
    await stack.publish(report, _routed())
    [new] = await _mail(box, desk)
    assert report in new["subject"]
    deadline = datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)
    missed = e.DeadlineMissed(clock=e.CLOCK_KIND_FIRST_RESPONSE, agency_code=AGENCY)
    missed.deadline.FromDatetime(deadline)
    await stack.publish(report, missed)
    [warning] = await _mail(box, chief)
    assert "23.59 WITA" in warning["text"]
    await _settled(stack)
    hooks = [h for h in box.messages("webhook") if h["name"] == hook.rsplit("/", 1)[1]]
    assert len(hooks) == 2
    for received in hooks:
        headers, body = received["headers"], received["body"].encode()
        now = int(datetime.now(UTC).timestamp())
        verify(
            "whsec_test-secret",
            body,
            delivery_id=headers["X-Lapor-Delivery"],
            signature=headers["X-Lapor-Signature"],
            timestamp=headers["X-Lapor-Timestamp"],
            now=now,
        )
    agency_side = json.dumps([new, warning, hooks])
    for secret in ("siti@contoh.id", "+6281234567890", "6281234567890", "s3cret"):
        assert secret not in agency_side


async def test_a_burst_to_one_desk_becomes_a_digest(
    infra: Infrastructure,
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    box: Box,
) -> None:
    async with running_stack(infra, database, producer, box, rules(digest_s=600)) as stack:
        desk = f"desk.{_id()}@dinkes.makassar.go.id"
        await _subscribe(stack, Channel.EMAIL, desk, Role.OFFICER)
        reports = [_id() for _ in range(4)]
        for report in reports:
            await stack.publish(report, _submitted())
            await stack.publish(report, _routed())
        await _mail(box, desk)

        async def held() -> int:
            logs = [d for r in reports for d in await stack.deliveries(r)]
            return sum(d["status"] == "held" for d in logs if d["recipient"].startswith("sub:"))

        assert await eventually(held, lambda n: n == 3) == 3
        stack.clock.at += timedelta(seconds=601)
        stack.dispatcher.wake()
        first, digest = await _mail(box, desk, 2)
        assert sum(r in digest["text"] for r in reports) == 3
        assert sum(r in first["text"] for r in reports) == 1
        await _settled(stack)
        assert len([m for m in box.messages("email") if desk in m["rcpt_tos"]]) == 2


async def test_a_failing_number_is_retried_then_dead_lettered_without_holding_up_others(
    stack: Stack, box: Box, infra: Infrastructure
) -> None:
    reader = await TopicReader(infra.kafka_bootstrap_servers, DEAD_LETTER).start()
    try:
        failing, fine = _id(), _id()
        stack.contacts.known[failing] = Contact("", FAILING, "s", False, "id")
        await stack.preferences.put(failing, Preferences(frozenset({Channel.SMS})))
        email = f"fine.{_id()}@contoh.id"
        stack.contacts.known[fine] = Contact(email, "", "s", False, "id")
        await stack.publish(failing, _submitted())
        await stack.publish(fine, _submitted())
        await _mail(box, email)
        dead = await reader.collect(lambda r: r.key == failing.encode(), 1)
    finally:
        await reader.stop()
    [record] = dead
    assert json.loads(record.value)["attempts"] == 3
    assert dict(record.headers)["lapor.dead-letter.reason"].startswith(b"SMS gateway answered 503")

    async def sms_log() -> tuple[str, int]:
        [log] = [d for d in await stack.deliveries(failing) if d["channel"] == "sms"]
        return log["status"], log["attempts"]

    # The dead letter goes out first (a crash then repeats it rather than loses it).
    assert await eventually(sms_log, lambda found: found[0] == "dead") == ("dead", 3)


async def test_an_event_delivered_again_sends_nothing_again(stack: Stack, box: Box) -> None:
    report, email = _id(), f"again.{_id()}@contoh.id"
    stack.contacts.known[report] = Contact(email, "", "s", False, "id")
    event = await stack.publish(report, _submitted())
    await _mail(box, email)
    await _settled(stack)

    class Redelivered:
        topic, partition, offset, key = stack.topic, 0, 0, report.encode()
        value = event.envelope.SerializeToString()

    await stack.planner.handle(Redelivered())
    facts = stack.db[f"facts_{shard(report, FACTS_SHARDS):02d}"]
    await facts.delete_one({"_id": report})  # as if the crash came before saving
    await stack.planner.handle(Redelivered())
    assert await stack.outbox_size() == 0
    await asyncio.sleep(0.3)
    assert len(await _mail(box, email)) == 1


async def test_preferences_and_erasure_are_respected(stack: Stack, box: Box) -> None:
    report, email = _id(), f"pilih.{_id()}@contoh.id"
    stack.contacts.known[report] = Contact(email, _phone(), "s", False, "en")
    await stack.preferences.put(report, Preferences(None, essential_only=True, language="en"))
    await stack.publish(report, _submitted())
    await stack.publish(report, _routed())
    await stack.publish(report, e.InformationRequested(question="Which street?"))
    received, asked = await _mail(box, email, 2)
    assert report in received["subject"]
    assert "Which street?" in asked["text"]
    await _settled(stack)
    kinds = [d["kind"] for d in await stack.deliveries(report)]
    assert kinds == ["received", "information_requested"]  # routing is not essential
    assert [i["kind"] for i in (await stack.facts.get(report)).feed] == [
        "received",
        "routed",
        "information_requested",
    ]
    stack.contacts.known[report] = Contact("", "", "", True, "en")
    await stack.publish(report, e.ReporterDataErased(key_id="k"))
    await stack.publish(report, e.ReportResponded(text="Fixed.", final=True))
    await _settled(stack)
    responded = [d for d in await stack.deliveries(report) if d["kind"] == "responded"]
    assert responded == []
    assert len([m for m in box.messages("email") if email in m["rcpt_tos"]]) == 2


async def test_administrators_hear_when_the_verification_queue_grows(
    infra: Infrastructure,
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    box: Box,
) -> None:
    async with running_stack(infra, database, producer, box, rules(), queue_threshold=3) as stack:
        admin = f"admin.{_id()}@lapor.go.id"
        wanted = Subscription("", "pengelola-nasional", Channel.EMAIL, admin, Role.OFFICER, "id")
        await stack.subscriptions.add(wanted)
        reports = [_id() for _ in range(3)]
        for report in reports[:2]:
            await stack.publish(report, _submitted())
        await _settled(stack)
        assert not [m for m in box.messages("email") if admin in m["rcpt_tos"]]
        await stack.publish(reports[2], _submitted())
        [alert] = await _mail(box, admin)
        assert "3" in alert["text"]


def _observed(day: str, event_type: str = "SpikeDetected", payload: bytes = b"") -> AnalyticsEvent:
    """The spike of that day, as a new event now; or another type, or another payload."""
    event = observed(payload or spike_on(day), event_id=f"spike-{_id()}", event_type=event_type)
    event.occurred_at.GetCurrentTime()
    return event


def _parked_from(topic: str) -> Callable[[Any], bool]:
    """Whether a dead letter came from ``topic``."""
    source = f"{topic}/".encode()
    return lambda record: dict(record.headers).get(DEAD_LETTER_SOURCE, b"").startswith(source)


async def test_administrators_hear_of_a_spike_once_by_email_and_in_their_feed(
    stack: Stack, box: Box, infra: Infrastructure
) -> None:
    admin = f"admin.{_id()}@lapor.go.id"
    wanted = Subscription("", NATIONAL_ADMINISTRATOR, Channel.EMAIL, admin, Role.OFFICER, "id")
    subscription = await stack.subscriptions.add(wanted)
    spike, later = _observed("2026-11-23"), _observed("2026-11-24")
    reader = await TopicReader(infra.kafka_bootstrap_servers, DEAD_LETTER).start()
    try:
        async with consuming_observations(infra, stack) as analytics:
            await analytics.publish(spike)
            await analytics.publish(spike)  # the same observation again: nothing more is sent
            [first] = await _mail(box, admin)
            await analytics.publish(_observed("2026-11-23", "TrendNoticed"))  # skipped
            broken = _observed("2026-11-23", payload=b"\xff\xff")
            await analytics.publish(broken)
            await analytics.publish(later)  # same subject, so same partition: handled last
            second = (await _mail(box, admin, 2))[1]
            dead = await reader.collect(_parked_from(analytics.topic), 1)
            await _settled(stack)
            await asyncio.sleep(0.3)
    finally:
        await reader.stop()
    assert len([m for m in box.messages("email") if admin in m["rcpt_tos"]]) == 2
    assert first["subject"] == "LAPOR! Lonjakan laporan: Bantuan Sosial PKH di Kota Bandung"
    assert "Senin, 23 November 2026" in first["text"]
    assert "Selasa, 24 November 2026" in second["text"]
    assert "http://lapor.test/admin/statistik/lonjakan" in first["text"]
    assert [record.value for record in dead] == [broken.SerializeToString()]
    feed = await stack.feeds.read(agency_feeds(NATIONAL_ADMINISTRATOR, PARTITIONS, PARTITIONS))
    assert sorted((item["kind"], item["id"].split("/")[0]) for item in feed) == sorted(
        [("spike_detected", spike.event_id), ("spike_detected", later.event_id)]
    )
    # Logged under the day observed, so the same observation emitted later is found there.
    day_log = stack.db[log_name(datetime(2026, 11, 23, tzinfo=WIB), "")]
    [logged] = [d async for d in day_log.find({"event_id": spike.event_id})]
    assert (logged["_id"], logged["status"]) == (
        f"{spike.event_id}/sub:{subscription.id}/email",
        "sent",
    )


async def test_after_a_crash_mid_send_an_email_is_uncertain_and_an_sms_goes_again(
    stack: Stack, box: Box
) -> None:
    """Deliveries left ``sending`` by a process that died: the e-mail may have gone, so it
    is not sent again; the SMS is, under the same reference, which the gateway recognises."""
    report, email, phone = _id(), f"crash.{_id()}@contoh.id", _phone()
    stack.contacts.known[report] = Contact(email, phone, "s", False, "id")
    occasion = Occasion(f"crashed-{_id()}", 0, stack.clock())
    both = frozenset({Channel.EMAIL, Channel.SMS})
    await stack.preferences.put(report, Preferences(both))
    notice = to_reporter("received", anonymous=False, confidential=False)
    planned = deliveries(occasion.event_id, report, notice, [], both)
    interrupted = [
        replace(occasion.entry(d, {"region_code": "73.71"}), state="sending", attempts=1)
        for d in planned
    ]
    [sms_id] = [e.id for e in interrupted if e.delivery.channel is Channel.SMS]
    before_crash = box.sms({"reference": sms_id, "to": phone, "text": f"LAPOR! {report}"})
    assert before_crash.status_code == 202
    await stack.log.record(interrupted, "ReportSubmitted")
    await Outbox(stack.db["outbox"]).add(interrupted)
    stack.dispatcher.wake()
    await _settled(stack)
    logs = await stack.log.of(f"{e.log}|{e.id}" for e in interrupted)
    assert {d["channel"]: d["status"] for d in logs} == {"email": "uncertain", "sms": "sent"}
    assert not [m for m in box.messages("email") if email in m["rcpt_tos"]]
    [sms] = [m for m in box.messages("sms") if m["reference"] == sms_id]
    assert sms["requests"] == 2


async def test_a_message_that_cannot_be_worded_is_dead_at_once_not_retried(
    stack: Stack, box: Box
) -> None:
    report, email = _id(), f"rusak.{_id()}@contoh.id"
    stack.contacts.known[report] = Contact(email, "", "s", False, "id")
    occasion = Occasion(f"unworded-{_id()}", 0, stack.clock())
    broken = to_reporter("received")  # the template needs `anonymous` and `confidential`
    [entry] = [
        occasion.entry(d, {})
        for d in deliveries(occasion.event_id, report, broken, [], frozenset({Channel.EMAIL}))
    ]
    await stack.log.record([entry], "ReportSubmitted")
    await Outbox(stack.db["outbox"]).add([entry])
    stack.dispatcher.wake()
    await _settled(stack)
    [log] = await stack.log.of([f"{entry.log}|{entry.id}"])
    assert (log["status"], log["attempts"]) == ("dead", 1)
    assert "not worded" in log["error"]
    assert not [m for m in box.messages("email") if email in m["rcpt_tos"]]
