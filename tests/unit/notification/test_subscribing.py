"""Agencies' subscriptions as asked for: addresses checked and normalised, plain http only in
development, and a signing secret for webhooks alone."""

import re
from typing import Literal

import pytest

from notification.domain.recipients import Channel, Role, Subscription
from notification.subscribing import SubscriptionIn, new_subscription

PU = "pemkot-7371.dinas-pu"
Wanted = Literal["email", "sms", "webhook"]
NOT_EMAIL = "the address is not an e-mail address"
NOT_PHONE = "the phone number must be +62 followed by 8 to 13 digits"
NOT_HTTPS = "the webhook URL must start with https://"
DEV_ONLY = "plain http webhooks are allowed in development only; use https"
NO_HOST = "the webhook URL has no host"


def subscribe(channel: Wanted, address: str, allow_http: bool = False) -> Subscription:
    return new_subscription(PU, SubscriptionIn(channel=channel, address=address), allow_http)


def test_an_email_desk() -> None:
    wanted = SubscriptionIn(
        channel="email", address="  pengaduan@pu.makassarkota.go.id ", role="supervisor"
    )
    assert new_subscription(PU, wanted, allow_http=False) == Subscription(
        id="",
        agency_code=PU,
        channel=Channel.EMAIL,
        address="pengaduan@pu.makassarkota.go.id",
        role=Role.SUPERVISOR,
        language="id",
        secret="",
    )


@pytest.mark.parametrize(
    "phone",
    ["+6281234567890", "+62 812 3456 7890", "+62-812-3456-7890", " +62 812-3456-7890 "],
)
def test_a_phone_is_normalised(phone: str) -> None:
    found = subscribe("sms", phone)
    assert (found.channel, found.address, found.secret) == (Channel.SMS, "+6281234567890", "")


@pytest.mark.parametrize("phone", ["+6212345678", "+621234567890123"])  # 8 and 13 digits
def test_phones_of_eight_to_thirteen_digits_are_accepted(phone: str) -> None:
    assert subscribe("sms", phone).address == phone


def test_a_webhook_gets_its_own_signing_secret() -> None:
    first = subscribe("webhook", "https://sipu.makassarkota.go.id/lapor/hook")
    second = subscribe("webhook", "https://sipu.makassarkota.go.id/lapor/hook")
    assert (first.channel, first.address) == (
        Channel.WEBHOOK,
        "https://sipu.makassarkota.go.id/lapor/hook",
    )
    assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{40,}", first.secret)
    assert first.secret != second.secret


@pytest.mark.parametrize(
    ("channel", "address", "message"),
    [
        ("email", "pengaduan.pu.go.id", NOT_EMAIL),
        ("email", "pengaduan@pu", NOT_EMAIL),
        ("email", "pengaduan @pu.go.id", NOT_EMAIL),
        ("email", "a@b@pu.go.id", NOT_EMAIL),
        ("sms", "081234567890", NOT_PHONE),  # local form, no +62
        ("sms", "+6281234", NOT_PHONE),  # 7 digits
        ("sms", "+6281234567890123", NOT_PHONE),  # 14 digits
        ("sms", "+65 8123 4567", NOT_PHONE),  # not Indonesia
        ("sms", "+62 812 3456 789a", NOT_PHONE),
        ("webhook", "ftp://sipu.go.id/hook", NOT_HTTPS),
        ("webhook", "sipu.go.id/hook", NO_HOST),
        ("webhook", "https:///hook", NO_HOST),
        ("webhook", "http://sipu.go.id/hook", NOT_HTTPS),
        ("webhook", "http://localhost:9000/hook", DEV_ONLY),
        ("webhook", "http://127.0.0.1:9000/hook", DEV_ONLY),
        ("webhook", "http://[::1]:9000/hook", DEV_ONLY),
    ],
)
def test_invalid_addresses_are_refused_with_the_reason(
    channel: Wanted, address: str, message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        subscribe(channel, address)


@pytest.mark.parametrize("url", ["http://sipu.go.id/hook", "http://localhost:9000/hook"])
def test_plain_http_is_allowed_when_development_allows_it(url: str) -> None:
    found = subscribe("webhook", url, allow_http=True)
    assert found.address == url
    assert found.secret.startswith("whsec_")


def test_allowing_http_does_not_allow_other_schemes() -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(NOT_HTTPS)}$"):
        subscribe("webhook", "ftp://sipu.go.id/hook", allow_http=True)


@pytest.mark.parametrize(
    ("channel", "address"), [("email", "kadis@pu.go.id"), ("sms", "+6281234567890")]
)
def test_only_webhooks_get_a_secret(channel: Wanted, address: str) -> None:
    assert subscribe(channel, address, allow_http=True).secret == ""
