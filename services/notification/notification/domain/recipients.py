"""From a notice to deliveries, one per (event, recipient, channel), and the reporter's
choice of channels.

A reporter notice goes to the channels the reporter gave a contact for and chose (the
report says which contacts exist; the contact itself is asked of intake when sending, never
stored here); an agency notice to each of the agency's subscriptions: officers' for every
notice, supervisors' only for escalations and warnings. Every notice also lands in the
reporter's or the agency's in-app feed, which the planner writes itself (feed_item_of).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from notification.domain.notices import Audience, Notice, Value


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WEBHOOK = "webhook"
    FEED = "feed"


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"


REPORTER = "reporter"


@dataclass(frozen=True)
class Subscription:
    """An agency's address for its notifications: a desk's e-mail or phone, or its system's
    webhook (with the secret that signs it)."""

    id: str
    agency_code: str
    channel: Channel
    address: str
    role: Role
    language: str = "id"
    secret: str = ""


@dataclass(frozen=True)
class Delivery:
    id: str
    event_id: str
    report_id: str
    kind: str
    audience: Audience
    recipient: str
    channel: Channel
    essential: bool
    agency_code: str
    context: Mapping[str, Value]


@dataclass(frozen=True)
class Preferences:
    """A reporter's choice: ``channels`` None means the default (see reporter_channels)."""

    channels: frozenset[Channel] | None = None
    essential_only: bool = False
    language: str | None = None


def agency_recipient(code: str) -> str:
    return f"agency:{code}"


def subscriber(subscription_id: str) -> str:
    return f"sub:{subscription_id}"


def delivery_id(event_id: str, recipient: str, channel: Channel) -> str:
    return f"{event_id}/{recipient}/{channel.value}"


def _delivery(event_id: str, report_id: str, n: Notice, to: str, channel: Channel) -> Delivery:
    return Delivery(
        id=delivery_id(event_id, to, channel),
        event_id=event_id,
        report_id=report_id,
        kind=n.kind,
        audience=n.audience,
        recipient=to,
        channel=channel,
        essential=n.essential,
        agency_code=n.agency_code,
        context=n.context,
    )


def deliveries(
    event_id: str,
    report_id: str,
    notice: Notice,
    subscriptions: Iterable[Subscription],
    reporter_channels: frozenset[Channel],
) -> list[Delivery]:
    if notice.audience is Audience.REPORTER:
        chosen = [c for c in (Channel.EMAIL, Channel.SMS) if c in reporter_channels]
        return [_delivery(event_id, report_id, notice, REPORTER, c) for c in chosen]
    return [
        _delivery(event_id, report_id, notice, subscriber(s.id), s.channel)
        for s in subscriptions
        if s.agency_code == notice.agency_code and (s.role is Role.OFFICER or notice.supervisors)
    ]


def feed_item_of(event_id: str, report_id: str, notice: Notice) -> Delivery:
    """The notice as an item of its audience's feed (its id makes writing it idempotent)."""
    to = REPORTER if notice.audience is Audience.REPORTER else agency_recipient(notice.agency_code)
    return _delivery(event_id, report_id, notice, to, Channel.FEED)


def reporter_channels(
    prefs: Preferences, has_email: bool, has_phone: bool, came_by_sms: bool
) -> frozenset[Channel]:
    """Only channels the reporter gave a contact for. By default one: SMS for a report that
    came by SMS, else e-mail when given, else SMS."""
    given = {c for c, has in ((Channel.EMAIL, has_email), (Channel.SMS, has_phone)) if has}
    if prefs.channels is not None:
        return frozenset(prefs.channels & given)
    if came_by_sms and has_phone:
        return frozenset({Channel.SMS})
    return frozenset({Channel.EMAIL} if has_email else given)


def skip_reason(delivery: Delivery, prefs: Preferences, chosen: frozenset[Channel]) -> str:
    """Why a reporter's delivery is not sent ("" when it is): checked when planning, and
    again when sending, since the reporter may have changed their mind meanwhile."""
    if prefs.essential_only and not delivery.essential:
        return "the reporter opted out of non-essential messages"
    if delivery.channel not in chosen:
        return "the reporter gave no such contact or did not choose this channel"
    return ""
