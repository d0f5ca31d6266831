"""Notification's composition root: settings are read and clients created here and nowhere
else."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from lapor_common.connections import connect
from lapor_common.kafka_io import RecordProcessor, group_consumer
from lapor_common.logs import configure_logging
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from lapor_common.topics import ANALYTICS_EVENTS, REPORT_EVENTS, SMS_REPLIES, platform_topics
from notification.alerts import GROUP as ALERTS_GROUP
from notification.api import Ports, notifications_api
from notification.channels.email import SmtpMailer
from notification.channels.sms import JsonSmsGateway
from notification.channels.webhook import WebhookSender
from notification.contacts import IntakeContacts, RecentContacts
from notification.dispatcher import Channels, Rules
from notification.domain.quiet import parse_quiet_hours
from notification.domain.retry import Backoff
from notification.messages import Composer, Links
from notification.planner import NAME
from notification.rendering import TEMPLATES, Templates
from notification.settings import NotificationSettings
from notification.sms_replies import GROUP as REPLIES_GROUP
from notification.wiring import World, assemble


def _channels(settings: NotificationSettings) -> Channels:
    mailer = SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value(),
        ca_file=settings.smtp_ca_file,
    )
    sms = JsonSmsGateway(
        settings.sms_gateway_url, settings.sms_gateway_key.get_secret_value(), settings.sms_sender
    )
    return Channels(mailer, sms, WebhookSender())


def _rules(settings: NotificationSettings) -> Rules:
    backoff = Backoff(
        settings.retry_base_seconds, settings.retry_cap_seconds, settings.max_attempts
    )
    window = timedelta(seconds=settings.digest_window_seconds)
    return Rules(backoff, parse_quiet_hours(settings.quiet_hours), window)


def _partitions(platform: PlatformSettings, topic: str) -> int:
    return next(spec.partitions for spec in platform_topics(platform) if spec.name == topic)


def _closing(
    *closers: Callable[[], Coroutine[Any, Any, None]],
) -> Callable[[], Coroutine[Any, Any, None]]:
    async def close() -> None:
        for closer in closers:
            await closer()

    return close


def bootstrap(platform: PlatformSettings, settings: NotificationSettings) -> ServiceRuntime:
    clients = connect(platform, NAME, settings.database)
    db = clients.database
    key = platform.jwt_signing_key.get_secret_value() if platform.jwt_signing_key else None
    if not key:
        raise SystemExit("LAPOR_JWT_SIGNING_KEY is required: notification signs its service token")
    contacts = IntakeContacts(settings.intake_target, key)
    recent = RecentContacts(contacts)
    channels = _channels(settings)
    world = World(clients.producer, channels, recent, recent.forget, lambda: datetime.now(UTC))
    composer = Composer(Templates(TEMPLATES), Links(settings.public_url), settings.sms_max_parts)
    partitions = platform.report_events_partitions
    parts = assemble(
        db,
        world,
        composer,
        _rules(settings),
        threshold=settings.queue_threshold,
        partitions=partitions,
    )
    planner, dispatcher = parts.planner, parts.dispatcher
    bootstrap_servers = platform.kafka_bootstrap_servers
    consumer = group_consumer(bootstrap_servers, NAME, [REPORT_EVENTS])
    processor = RecordProcessor(consumer, clients.producer, planner.handle, NAME)
    observations = group_consumer(bootstrap_servers, ALERTS_GROUP, [ANALYTICS_EVENTS])
    alerting = RecordProcessor(observations, clients.producer, parts.alerts.handle, ALERTS_GROUP)
    requests = group_consumer(bootstrap_servers, REPLIES_GROUP, [SMS_REPLIES])
    replying = RecordProcessor(requests, clients.producer, parts.replies.handle, REPLIES_GROUP)
    ports = Ports(
        facts=parts.facts,
        preferences=parts.preferences,
        subscriptions=parts.subscriptions,
        feeds=parts.feeds,
        log_=parts.log,
        signing_key=key,
        partitions=partitions,
        alert_partitions=_partitions(platform, ANALYTICS_EVENTS),
        allow_http_webhooks=settings.webhook_allow_http,
    )

    async def dispatch() -> None:
        await dispatcher.run(processor.partitions, settings.sweep_idle_seconds)

    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=notifications_api(ports),
        readiness=clients.readiness,
        loops=[processor.run, alerting.run, replying.run, dispatch],
        on_start=[clients.start, processor.start, alerting.start, replying.start],
        on_stop=[
            clients.stop,
            _closing(
                dispatcher.drain,
                processor.stop,
                contacts.close,
                channels.mailer.close,
                channels.sms.close,
                channels.webhooks.close,
            ),
            alerting.stop,
            replying.stop,
        ],
    )


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per message sent is noise
    await serve(bootstrap(platform, NotificationSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
