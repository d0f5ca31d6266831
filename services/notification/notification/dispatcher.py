"""Sends what the outbox holds: at most once per (event, recipient, channel).

Each sweep takes the due deliveries of this process's partitions. For each it works out the
address (asking intake for a reporter's contact, never storing it), whether to skip it
(preferences, no such contact) or hold it (quiet hours for SMS; a digest for an agency
desk's e-mail in a burst), then records that the attempt starts and sends. A failure worth
retrying is rescheduled with exponential backoff and jitter; after the last attempt, or a
permanent refusal, the delivery is dead: the log says why and a record goes to the
dead-letter topic. One bad recipient never holds up the others.

A reply to a citizen's SMS (``lapor.sms-replies``) carries its number and goes at once.

After a crash, a delivery left ``sending`` may or may not have gone out. SMS and webhooks
carry the delivery id, which the gateway and the receiver use to drop a repeat, so they are
sent again; an e-mail cannot be taken back or deduplicated by the
server, so it is marked ``uncertain`` and not sent again (at most once).
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiokafka import AIOKafkaProducer

from lapor_common.topics import DEAD_LETTER
from lapor_common.zones import WIB, zone_of_agency, zone_of_region
from notification.channels import Outcome, Result
from notification.channels.email import SmtpMailer
from notification.channels.sms import SmsGateway
from notification.channels.webhook import WebhookSender
from notification.contacts import ContactSource, ContactUnavailable
from notification.domain.notices import Audience
from notification.domain.quiet import QuietHours, release_at
from notification.domain.recipients import REPORTER, Channel, reporter_channels, skip_reason
from notification.domain.replies import is_reply
from notification.domain.retry import Backoff
from notification.messages import Composer, webhook_body
from notification.outbox import DeliveryLog, Entry, Outbox
from notification.rendering import Rendered
from notification.store import PreferenceStore, Subscriptions

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Target:
    """Where and how one delivery goes; ``skip`` says why it does not."""

    address: str = ""
    language: str = "id"
    zone: ZoneInfo = WIB
    secret: str = ""
    signing_secret: str = ""
    skip: str = ""


@dataclass(frozen=True)
class Channels:
    mailer: SmtpMailer
    sms: SmsGateway
    webhooks: WebhookSender


@dataclass(frozen=True)
class Rules:
    backoff: Backoff
    quiet: QuietHours | None
    digest_window: timedelta
    batch: int = 200
    concurrency: int = 16


def _lanes(due: list[Entry]) -> list[list[list[Entry]]]:
    """The due deliveries in lanes that run side by side; a lane sends its groups in order.

    A lane is one recipient's channel (for a reporter, per report), so a recipient reads
    messages in the order of the events. A
    group is one message: a single delivery, or all an agency desk's due e-mails (a digest).
    """
    lanes: dict[str, dict[str, list[Entry]]] = {}
    for entry in due:
        d = entry.delivery
        lane = f"{d.recipient}/{d.channel.value}"
        if d.recipient == REPORTER:
            lane += f"/{d.report_id}"
        digest = d.audience is Audience.AGENCY and d.channel is Channel.EMAIL
        lanes.setdefault(lane, {}).setdefault(lane if digest else entry.id, []).append(entry)
    return [list(groups.values()) for groups in lanes.values()]


def _scrubbed(result: Result, address: str) -> Result:
    """The result without the recipient's address, which servers like to quote in errors and
    which must not reach the delivery log, the logs or the dead-letter topic."""
    if not address or address not in result.detail:
        return result
    return Result(result.outcome, result.detail.replace(address, "<penerima>"))


class Dispatcher:
    def __init__(
        self,
        *,
        outbox: Outbox,
        log_: DeliveryLog,
        contacts: ContactSource,
        preferences: PreferenceStore,
        subscriptions: Subscriptions,
        composer: Composer,
        channels: Channels,
        producer: AIOKafkaProducer,
        rules: Rules,
        clock: Clock,
    ) -> None:
        self._outbox, self._log = outbox, log_
        self._contacts, self._preferences = contacts, preferences
        self._subscriptions, self._composer = subscriptions, composer
        self._channels, self._producer = channels, producer
        self._rules, self._clock = rules, clock
        self._in_flight: set[str] = set()
        self._last_sent: dict[str, datetime] = {}
        self._limit = asyncio.Semaphore(rules.concurrency)
        self._wake = asyncio.Event()
        self._sending: asyncio.Future[list[None]] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self, partitions: Callable[[], list[int]], idle_s: float) -> None:
        while True:
            self._wake.clear()
            try:
                taken = await self.sweep(partitions())
            except Exception:
                log.exception("sweeping the outbox failed; retrying")
                taken = 0
            if taken < self._rules.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), idle_s)

    async def sweep(self, partitions: Sequence[int]) -> int:
        """Handle the due deliveries once; how many there were."""
        if not partitions:
            return 0
        now = self._clock()
        due = await self._outbox.due(partitions, now, self._rules.batch)
        due = [e for e in due if e.id not in self._in_flight]
        self._sending = asyncio.gather(*(self._lane(groups) for groups in _lanes(due)))
        await asyncio.shield(self._sending)
        return len(due)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """On a graceful stop: let the sends under way finish, so none is left uncertain."""
        if self._sending is not None and not self._sending.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._sending), timeout_s)

    async def _lane(self, groups: list[list[Entry]]) -> None:
        ids = {e.id for group in groups for e in group}
        self._in_flight |= ids
        try:
            async with self._limit:
                for group in groups:
                    await self._guarded(group)
        finally:
            self._in_flight -= ids

    async def _guarded(self, group: list[Entry]) -> None:
        try:
            await self._deliver(group)
        except Exception:
            log.exception("delivery %s failed; it stays in the outbox", group[0].id)

    async def _deliver(self, group: list[Entry]) -> None:
        first, now = group[0], self._clock()
        orphans = [e for e in group if e.state == "sending"]
        if orphans and first.delivery.channel is Channel.EMAIL:
            await self._finish(orphans, "uncertain", now, error="interrupted while sending")
            group = [e for e in group if e.state != "sending"]
            if not group:
                return
        try:
            target = await self._target(first)
        except ContactUnavailable as exc:
            if exc.outage:  # intake is down: wait, without spending the message's attempts
                await self._wait_out(group, str(exc), now)
            else:
                await self._failed(group, Result(Outcome.TRANSIENT, str(exc)), now)
            return
        if target.skip:
            await self._finish(group, "skipped", now, error=target.skip)
            return
        held = self._held_until(first, target, now)
        if held > now:
            for entry in group:
                await self._outbox.reschedule(entry, held, entry.attempts)
                await self._log.note(entry, "held", now, due_at=held)
            return
        try:
            send = self._prepare(group, target)
        except Exception as exc:  # a template or context fault: retrying cannot mend it
            log.exception("delivery %s could not be worded", first.id)
            await self._failed(group, Result(Outcome.PERMANENT, f"not worded: {exc!r}"), now)
            return
        await self._outbox.claim(group)
        result = _scrubbed(await send(), target.address)
        if result.outcome is Outcome.SENT:
            self._last_sent[first.delivery.recipient] = now
            attempts = first.attempts + 1
            await self._finish(
                group, "sent", now, sent_at=now, provider=result.detail, attempts=attempts
            )
        else:
            await self._failed(group, result, now)

    async def _target(self, entry: Entry) -> Target:
        d = entry.delivery
        if d.recipient == REPORTER:
            return await self._reporter(entry)
        if is_reply(d):
            language = str(entry.report.get("language") or "id")
            return Target(address=str(entry.report.get("reply_to", "")), language=language)
        subscription = await self._subscriptions.get(d.recipient.removeprefix("sub:"))
        if subscription is None:
            return Target(skip="the subscription was removed")
        return Target(
            address=subscription.address,
            language=subscription.language,
            zone=zone_of_agency(d.agency_code),
            signing_secret=subscription.secret,
        )

    async def _reporter(self, entry: Entry) -> Target:
        d, report = entry.delivery, entry.report
        prefs = await self._preferences.get(d.report_id)
        zone = zone_of_region(report.get("region_code", ""))
        language = prefs.language or report.get("language") or "id"
        contact = await self._contacts.get(d.report_id)
        if contact.erased:
            return Target(skip="the reporter's data has been erased")
        chosen = reporter_channels(
            prefs, bool(contact.email), bool(contact.phone), report.get("came_by_sms", False)
        )
        address = contact.email if d.channel is Channel.EMAIL else contact.phone
        skip = skip_reason(d, prefs, chosen)
        return Target(address, language, zone, contact.access_secret, skip=skip)

    def _held_until(self, entry: Entry, target: Target, now: datetime) -> datetime:
        d = entry.delivery
        if d.channel is Channel.SMS:
            return now if is_reply(d) else release_at(now, target.zone, self._rules.quiet)
        last = self._last_sent.get(d.recipient)
        if d.audience is Audience.AGENCY and d.channel is Channel.EMAIL and last is not None:
            return max(now, last + self._rules.digest_window)
        return now

    def _prepare(self, group: list[Entry], target: Target) -> Callable[[], Awaitable[Result]]:
        """The message, worded before the attempt is recorded (a template that fails must not
        leave a delivery half-started), as the call that sends it."""
        first, d = group[0], group[0].delivery
        c = self._channels
        if d.channel is Channel.EMAIL:
            mail = self._email(group, target)
            return lambda: c.mailer.send(target.address, mail.subject, mail.text, d.id)
        rendered = self._render(first, target, secret=target.secret)
        if d.channel is Channel.SMS:
            text = self._composer.sms(rendered, d.report_id)
            return lambda: c.sms.send(d.id, target.address, text)
        body = webhook_body(d, first, rendered, self._composer.inbox(d.report_id))
        return lambda: c.webhooks.send(target.address, target.signing_secret, d.id, body)

    def _render(self, entry: Entry, target: Target, secret: str) -> Rendered:
        context = self._composer.context(entry, target.language, target.zone, secret)
        return self._composer.render(entry.delivery.kind, target.language, context)

    def _email(self, group: list[Entry], target: Target) -> Rendered:
        if len(group) == 1:
            return self._render(group[0], target, secret=target.secret)
        items = [(e, self._render(e, target, secret="")) for e in group]
        agency = str(group[0].report.get("agency_name") or group[0].delivery.agency_code)
        return self._composer.digest(items, target.language, agency)

    async def _wait_out(self, group: list[Entry], reason: str, now: datetime) -> None:
        delay = self._rules.backoff.delay(self._rules.backoff.max_attempts, random.random())
        for entry in group:
            await self._outbox.reschedule(entry, now + timedelta(seconds=delay), entry.attempts)
        log.warning("waiting for intake to send %s: %s", group[0].id, reason)

    async def _failed(self, group: list[Entry], result: Result, now: datetime) -> None:
        """Retry later with backoff, or give up: a permanent refusal, or the last attempt."""
        for entry in group:
            attempts = entry.attempts + 1
            if result.outcome is Outcome.PERMANENT or self._rules.backoff.exhausted(attempts):
                await self._dead(entry, attempts, result.detail, now)
                continue
            delay = self._rules.backoff.delay(attempts, random.random())
            due = now + timedelta(seconds=delay)
            await self._outbox.reschedule(entry, due, attempts)
            await self._log.note(
                entry, "retrying", now, error=result.detail, due_at=due, attempts=attempts
            )
            log.warning("delivery %s failed (attempt %d): %s", entry.id, attempts, result.detail)

    async def _dead(self, entry: Entry, attempts: int, reason: str, now: datetime) -> None:
        d = entry.delivery
        record = {
            "delivery_id": d.id,
            "report_id": d.report_id,
            "kind": d.kind,
            "recipient": d.recipient,
            "channel": d.channel.value,
            "attempts": attempts,
            "reason": reason,
        }
        headers = [
            ("lapor.dead-letter.reason", reason.encode()),
            ("lapor.dead-letter.source", f"notification/{d.id}".encode()),
            ("lapor.dead-letter.consumer", b"notification"),
        ]
        value = json.dumps(record).encode()
        await self._producer.send_and_wait(
            DEAD_LETTER, value, key=d.report_id.encode(), headers=headers
        )
        await self._finish([entry], "dead", now, error=reason, attempts=attempts)
        log.error("delivery %s is dead after %d attempts: %s", d.id, attempts, reason)

    async def _finish(
        self, group: list[Entry], status: str, now: datetime, **fields: object
    ) -> None:
        for entry in group:
            await self._log.note(entry, status, now, **fields)
        await self._outbox.remove(group)
