"""Agencies' subscriptions as they are asked for, checked before they are stored."""

import ipaddress
import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from notification.domain.recipients import Channel, Role, Subscription
from notification.signing import new_secret

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+62\d{8,13}$")
_LOOPBACK = ("localhost",)


class SubscriptionIn(BaseModel):
    channel: Literal["email", "sms", "webhook"] = Field(description="How to reach the agency.")
    address: str = Field(
        min_length=3,
        max_length=500,
        description="E-mail address, phone (+62...) or webhook URL (https).",
    )
    role: Literal["officer", "supervisor"] = Field(
        "officer",
        description="officer: every notice for the agency; supervisor: only escalations and "
        "warnings against the agency and its units.",
    )
    language: Literal["id", "en"] = Field("id", description="Language of the messages.")


def _loopback(host: str) -> bool:
    if host in _LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(url: str, allow_http: bool) -> None:
    parts = urlsplit(url)
    if any(ch.isspace() for ch in url):
        raise ValueError("the webhook URL contains whitespace")
    if not parts.hostname:
        raise ValueError("the webhook URL has no host")
    if parts.scheme == "https" or (parts.scheme == "http" and allow_http):
        return
    if parts.scheme == "http" and _loopback(parts.hostname):
        raise ValueError("plain http webhooks are allowed in development only; use https")
    raise ValueError("the webhook URL must start with https://")


def new_subscription(agency_code: str, wanted: SubscriptionIn, allow_http: bool) -> Subscription:
    """The subscription to store (a webhook gets its signing secret), or ValueError."""
    channel, address = Channel(wanted.channel), wanted.address.strip()
    if channel is Channel.EMAIL and not _EMAIL.match(address):
        raise ValueError("the address is not an e-mail address")
    if channel is Channel.SMS:
        address = re.sub(r"[\s-]", "", address)
        if not _PHONE.match(address):
            raise ValueError("the phone number must be +62 followed by 8 to 13 digits")
    if channel is Channel.WEBHOOK:
        _check_url(address, allow_http)
    secret = new_secret() if channel is Channel.WEBHOOK else ""
    return Subscription(
        "", agency_code, channel, address, Role(wanted.role), wanted.language, secret
    )
