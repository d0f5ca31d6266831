"""Notification's consumer and dispatcher in-process, over the real broker (a topic of its
own), the real database (a scratch one) and the local mailbox process (SMTP with STARTTLS
and AUTH, the SMS gateway, webhooks). Only intake is stood in for: reporters' contacts come
from a dict, as intake's GetReporterContact would give them. ``consuming_observations`` adds
the consumer of analytics' events, ``consuming_replies`` that of intake's SMS replies, each
from a topic of its own too."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from lapor.analytics.v1.events_pb2 import AnalyticsEvent
from lapor.channel.v1.sms_pb2 import SmsReplyRequested
from lapor.events.v1.envelope_pb2 import Actor
from lapor_common.envelope import Causation, Event, new_event
from lapor_common.kafka_io import Handler, RecordProcessor, group_consumer
from lapor_common.mongo import Document
from lapor_common.topics import TopicSpec, create_topic
from notification.alerts import Alerts
from notification.channels.email import SmtpMailer
from notification.channels.sms import JsonSmsGateway
from notification.channels.webhook import WebhookSender
from notification.contacts import Contact, ContactUnavailable
from notification.dispatcher import Channels, Dispatcher, Rules
from notification.domain.quiet import QuietHours
from notification.domain.retry import Backoff
from notification.feeds import Feeds
from notification.messages import Composer, Links
from notification.outbox import DeliveryLog
from notification.planner import Planner
from notification.rendering import TEMPLATES, Templates
from notification.sms_replies import SmsReplies
from notification.store import FactsStore, PreferenceStore, Subscriptions
from notification.wiring import World, assemble
from tests.infra import Infrastructure
from tests.mailbox import KEY, PASSWORD, USER, Box

PARTITIONS = 3
CAUSE = Causation(Actor(), "corr-notification")


class Clock:
    """The system's time until a test sets ``at``; from then on, that moment."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None

    @property
    def at(self) -> datetime:
        return self._frozen or datetime.now(UTC)

    @at.setter
    def at(self, moment: datetime) -> None:
        self._frozen = moment

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Contacts:
    known: dict[str, Contact] = field(default_factory=dict)
    asked: int = 0

    async def get(self, report_id: str) -> Contact:
        self.asked += 1
        if report_id not in self.known:
            raise ContactUnavailable("intake: NOT_FOUND: no report with that tracking id", False)
        return self.known[report_id]


@dataclass
class Stack:
    db: AsyncDatabase[Document]
    producer: AIOKafkaProducer
    topic: str
    planner: Planner
    dispatcher: Dispatcher
    contacts: Contacts
    clock: Clock
    subscriptions: Subscriptions
    preferences: PreferenceStore
    feeds: Feeds
    log: DeliveryLog
    facts: FactsStore
    alerts: Alerts
    replies: SmsReplies
    sequences: dict[str, int] = field(default_factory=dict)

    async def publish(self, report_id: str, payload: Message) -> Event:
        sequence = self.sequences.get(report_id, 0) + 1
        self.sequences[report_id] = sequence
        event = new_event(report_id, sequence, payload, CAUSE, self.clock())
        await self.producer.send_and_wait(
            self.topic, event.envelope.SerializeToString(), key=report_id.encode()
        )
        return event

    async def outbox_size(self) -> int:
        return await self.db["outbox"].count_documents({})

    async def deliveries(self, report_id: str) -> list[Document]:
        return await self.log.of((await self.facts.get(report_id)).log)


def rules(quiet: QuietHours | None = None, digest_s: float = 0.0, attempts: int = 3) -> Rules:
    backoff = Backoff(0.05, 0.2, attempts)
    return Rules(backoff, quiet, timedelta(seconds=digest_s))


async def _topic(infra: Infrastructure, partitions: int) -> str:
    name = f"test.notification.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    try:
        await create_topic(admin, TopicSpec(name, partitions, {}), 1)
    finally:
        await admin.close()
    return name


def _channels(box: Box) -> Channels:
    mailer = SmtpMailer(
        host="127.0.0.1",
        port=box.smtp_port,
        sender="LAPOR! <no-reply@lapor.go.id>",
        starttls=True,
        username=USER,
        password=PASSWORD,
        ca_file=str(box.directory / "tls/cert.pem"),
    )
    sms = JsonSmsGateway(f"{box.url}/sms", KEY, "1708")
    return Channels(mailer, sms, WebhookSender())


@contextlib.asynccontextmanager
async def running_stack(
    infra: Infrastructure,
    db: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    box: Box,
    rules_: Rules,
    **extra: Any,
) -> AsyncIterator[Stack]:
    partitions = int(extra.get("partitions", PARTITIONS))
    topic, clock, contacts = await _topic(infra, partitions), Clock(), Contacts()
    channels = _channels(box)
    world = World(producer, channels, contacts, lambda report_id: None, clock)
    composer = Composer(Templates(TEMPLATES), Links("http://lapor.test"), 3)
    threshold = int(extra.get("queue_threshold", 100))
    parts = assemble(db, world, composer, rules_, threshold=threshold, partitions=partitions)
    planner, dispatcher = parts.planner, parts.dispatcher
    consumer = group_consumer(infra.kafka_bootstrap_servers, f"test-{topic}", [topic])
    processor = RecordProcessor(consumer, producer, planner.handle, "notification-test")
    await processor.start()
    tasks = [
        asyncio.create_task(processor.run()),
        asyncio.create_task(dispatcher.run(lambda: list(range(partitions)), 0.05)),
    ]
    stack = Stack(
        db,
        producer,
        topic,
        planner,
        dispatcher,
        contacts,
        clock,
        parts.subscriptions,
        parts.preferences,
        parts.feeds,
        parts.log,
        parts.facts,
        parts.alerts,
        parts.replies,
    )
    try:
        yield stack
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await processor.stop()
        await channels.mailer.close()
        await channels.sms.close()
        await channels.webhooks.close()


@dataclass(frozen=True)
class Source:
    """A topic of the stack's own that one of its consumers reads, as __main__ runs it
    (RecordProcessor and dead letters included)."""

    producer: AIOKafkaProducer
    topic: str

    async def send(self, value: bytes, key: bytes) -> None:
        await self.producer.send_and_wait(self.topic, value, key=key)


@dataclass(frozen=True)
class Observations(Source):
    """The topic analytics' events come from, as analytics writes them: keyed by subject."""

    async def publish(self, event: AnalyticsEvent) -> None:
        await self.send(event.SerializeToString(), event.subject.encode())


@dataclass(frozen=True)
class Requests(Source):
    """The topic intake's SMS reply requests come from, keyed by the sender's pseudonym."""

    async def publish(self, reply: SmsReplyRequested) -> None:
        await self.send(reply.SerializeToString(), reply.sender_ref.encode())


@contextlib.asynccontextmanager
async def _consuming(
    infra: Infrastructure, stack: Stack, handler: Handler, name: str
) -> AsyncIterator[str]:
    topic = await _topic(infra, PARTITIONS)
    consumer = group_consumer(infra.kafka_bootstrap_servers, f"test-{topic}", [topic])
    processor = RecordProcessor(consumer, stack.producer, handler, name)
    await processor.start()
    task = asyncio.create_task(processor.run())
    try:
        yield topic
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await processor.stop()


@contextlib.asynccontextmanager
async def consuming_observations(
    infra: Infrastructure, stack: Stack
) -> AsyncIterator[Observations]:
    """The stack's consumer of analytics' events, over a topic of its own."""
    async with _consuming(infra, stack, stack.alerts.handle, "alerts-test") as topic:
        yield Observations(stack.producer, topic)


@contextlib.asynccontextmanager
async def consuming_replies(infra: Infrastructure, stack: Stack) -> AsyncIterator[Requests]:
    """The stack's consumer of intake's SMS reply requests, over a topic of its own."""
    async with _consuming(infra, stack, stack.replies.handle, "replies-test") as topic:
        yield Requests(stack.producer, topic)
