"""The service's parts wired together from its database and its outside world, once: the
composition root (__main__.py) calls it with the real channels and intake, the integration
tests with the local mailbox and contacts from a dict. ``planner.handle`` consumes the report
events, ``alerts.handle`` analytics' events, ``replies.handle`` intake's SMS replies; the
dispatcher sends what they record."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from lapor_common.mongo import Document
from notification.alerts import Alerts
from notification.contacts import ContactSource
from notification.dispatcher import Channels, Dispatcher, Rules
from notification.feeds import Feeds
from notification.messages import Composer
from notification.outbox import DeliveryLog, Outbox
from notification.planner import Planner
from notification.sms_replies import SmsReplies
from notification.store import FactsStore, PreferenceStore, QueueCounts, Subscriptions


@dataclass(frozen=True)
class Parts:
    facts: FactsStore
    log: DeliveryLog
    preferences: PreferenceStore
    subscriptions: Subscriptions
    feeds: Feeds
    planner: Planner
    alerts: Alerts
    replies: SmsReplies
    dispatcher: Dispatcher


@dataclass(frozen=True)
class World:
    """What the service talks to besides its database."""

    producer: AIOKafkaProducer
    channels: Channels
    contacts: ContactSource
    forget_contact: Callable[[str], None]
    clock: Callable[[], datetime]


def assemble(
    db: AsyncDatabase[Document],
    world: World,
    composer: Composer,
    rules: Rules,
    *,
    threshold: int,
    partitions: int,
) -> Parts:
    """``threshold``: the verification queue size that alerts the administrators;
    ``partitions``: of the report events, by which the dispatchers share the outbox."""
    facts, log, outbox = FactsStore(db), DeliveryLog(db), Outbox(db["outbox"])
    preferences = PreferenceStore(db["preferences"])
    subscriptions, feeds = Subscriptions(db["subscriptions"]), Feeds(db["feeds"])
    dispatcher = Dispatcher(
        outbox=outbox,
        log_=log,
        contacts=world.contacts,
        preferences=preferences,
        subscriptions=subscriptions,
        composer=composer,
        channels=world.channels,
        producer=world.producer,
        rules=rules,
        clock=world.clock,
    )
    planner = Planner(
        facts=facts,
        log_=log,
        outbox=outbox,
        queue=QueueCounts(db["queue"]),
        subscriptions=subscriptions,
        preferences=preferences,
        feeds=feeds,
        composer=composer,
        queue_threshold=threshold,
        wake=dispatcher.wake,
        forget_contact=world.forget_contact,
    )
    alerts = Alerts(planner.announce, partitions)
    replies = SmsReplies(planner.queue, partitions, world.clock)
    return Parts(
        facts, log, preferences, subscriptions, feeds, planner, alerts, replies, dispatcher
    )
