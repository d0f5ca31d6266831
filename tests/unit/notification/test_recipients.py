"""From notices to deliveries: a reporter's feed, e-mail and SMS; an agency's feed and its
own subscriptions (supervisors only when asked); and which of a reporter's go out."""

import pytest

from notification.domain.notices import Notice, queue_alert, to_agency, to_reporter
from notification.domain.recipients import (
    REPORTER,
    Channel,
    Delivery,
    Preferences,
    Role,
    Subscription,
    deliveries,
    delivery_id,
    reporter_channels,
    skip_reason,
)

EVENT_ID = "0b6f6c1e-2d1f-4c51-9a6e-3f1b2a4c5d6e"
OTHER_EVENT_ID = "5a2e7c44-8b0d-4e1f-a3c2-9d8e7f6a5b4c"
REPORT_ID = "7K3M-9QXA-2B4C"
PU = "pemkot-7371.dinas-pu"
PERKIM = "pemkot-7371.dinas-perkim"
SUBSCRIPTIONS = [
    Subscription(
        "s-officer-mail", PU, Channel.EMAIL, "pengaduan@pu.makassarkota.go.id", Role.OFFICER
    ),
    Subscription("s-officer-hook", PU, Channel.WEBHOOK, "https://sipu.go.id/h", Role.OFFICER),
    Subscription("s-chief-sms", PU, Channel.SMS, "+6281234567890", Role.SUPERVISOR),
    Subscription("s-other-mail", PERKIM, Channel.EMAIL, "perkim@makassarkota.go.id", Role.OFFICER),
    Subscription("s-other-chief", PERKIM, Channel.SMS, "+6281298765432", Role.SUPERVISOR),
]
ROUTED = to_reporter("routed", False, agency_name="Dinas PU")
NEW_REPORT = to_agency("new_report", PU, via="routed", from_agency_name="")
WARNING = to_agency("warning", PU, True, clock="completion", deadline="", missed_by="Dinas PU")
ALL = (*Channel,)


def addressed(found: list[Delivery]) -> list[tuple[str, Channel]]:
    return [(d.recipient, d.channel) for d in found]


def test_a_reporter_notice_goes_to_the_feed_email_and_sms() -> None:
    found = deliveries(EVENT_ID, REPORT_ID, ROUTED, SUBSCRIPTIONS)
    assert addressed(found) == [
        (REPORTER, Channel.FEED),
        (REPORTER, Channel.EMAIL),
        (REPORTER, Channel.SMS),
    ]
    for d in found:
        assert (d.event_id, d.report_id, d.kind, d.essential) == (
            EVENT_ID,
            REPORT_ID,
            "routed",
            False,
        )
        assert d.context == {"agency_name": "Dinas PU"}


def test_an_agency_notice_goes_to_its_feed_and_its_officers_only() -> None:
    found = deliveries(EVENT_ID, REPORT_ID, NEW_REPORT, SUBSCRIPTIONS)
    assert addressed(found) == [
        (f"agency:{PU}", Channel.FEED),
        ("sub:s-officer-mail", Channel.EMAIL),
        ("sub:s-officer-hook", Channel.WEBHOOK),
    ]
    assert {d.agency_code for d in found} == {PU}


def test_a_warning_reaches_the_supervisors_of_that_agency_and_no_other() -> None:
    found = deliveries(EVENT_ID, REPORT_ID, WARNING, SUBSCRIPTIONS)
    assert addressed(found) == [
        (f"agency:{PU}", Channel.FEED),
        ("sub:s-officer-mail", Channel.EMAIL),
        ("sub:s-officer-hook", Channel.WEBHOOK),
        ("sub:s-chief-sms", Channel.SMS),
    ]


@pytest.mark.parametrize("notice", [NEW_REPORT, WARNING, queue_alert(120, 100)])
def test_other_agencies_subscriptions_never_hear(notice: Notice) -> None:
    found = deliveries(EVENT_ID, REPORT_ID, notice, SUBSCRIPTIONS)
    assert not [d for d in found if "other" in d.recipient or PERKIM in d.recipient]


def test_an_agency_without_subscriptions_still_has_its_feed() -> None:
    found = deliveries(EVENT_ID, REPORT_ID, NEW_REPORT, [])
    assert addressed(found) == [(f"agency:{PU}", Channel.FEED)]


def test_ids_are_unique_per_event_recipient_and_channel_and_stable() -> None:
    found = [
        d
        for event in (EVENT_ID, OTHER_EVENT_ID)
        for notice in (ROUTED, WARNING)
        for d in deliveries(event, REPORT_ID, notice, SUBSCRIPTIONS)
    ]
    assert len({d.id for d in found}) == len(found)
    again = [
        d
        for event in (EVENT_ID, OTHER_EVENT_ID)
        for notice in (ROUTED, WARNING)
        for d in deliveries(event, REPORT_ID, notice, SUBSCRIPTIONS)
    ]
    assert [d.id for d in again] == [d.id for d in found]
    assert all(d.id == delivery_id(d.event_id, d.recipient, d.channel) for d in found)


def test_the_id_names_its_event_recipient_and_channel() -> None:
    assert delivery_id(EVENT_ID, "sub:s-1", Channel.WEBHOOK) == f"{EVENT_ID}/sub:s-1/webhook"
    ids = {
        delivery_id(event, recipient, channel)
        for event in (EVENT_ID, OTHER_EVENT_ID)
        for recipient in (REPORTER, "sub:s-1", "sub:s-2", f"agency:{PU}")
        for channel in Channel
    }
    assert len(ids) == 2 * 4 * len(Channel)


DEFAULT = Preferences()


@pytest.mark.parametrize(
    ("has_email", "has_phone", "came_by_sms", "expected"),
    [
        (False, True, True, {Channel.SMS}),  # an SMS report with its phone: SMS
        (True, True, True, {Channel.SMS}),  # by SMS even with an e-mail given too
        (True, True, False, {Channel.EMAIL}),  # an e-mail given: e-mail only
        (True, False, False, {Channel.EMAIL}),
        (True, False, True, {Channel.EMAIL}),  # by SMS but no phone kept: e-mail
        (False, True, False, {Channel.SMS}),  # only a phone: SMS
        (False, False, False, set()),  # no contact: nothing but the feed
        (False, False, True, set()),
    ],
)
def test_default_channels(
    has_email: bool, has_phone: bool, came_by_sms: bool, expected: set[Channel]
) -> None:
    assert reporter_channels(DEFAULT, has_email, has_phone, came_by_sms) == expected


@pytest.mark.parametrize(
    ("wanted", "has_email", "has_phone", "expected"),
    [
        ({Channel.EMAIL, Channel.SMS}, True, True, {Channel.EMAIL, Channel.SMS}),
        ({Channel.SMS}, True, True, {Channel.SMS}),
        # An anonymous reporter who gave only an e-mail is never texted, even when asking.
        ({Channel.SMS}, True, False, set()),
        ({Channel.EMAIL, Channel.SMS}, True, False, {Channel.EMAIL}),
        ({Channel.EMAIL}, False, True, set()),
        (set(), True, True, set()),  # chose none: the feed only
        ({Channel.WEBHOOK, Channel.FEED, Channel.EMAIL}, True, True, {Channel.EMAIL}),
    ],
)
def test_chosen_channels_are_limited_to_the_contacts_given(
    wanted: set[Channel], has_email: bool, has_phone: bool, expected: set[Channel]
) -> None:
    prefs = Preferences(channels=frozenset(wanted))
    for came_by_sms in (False, True):
        assert reporter_channels(prefs, has_email, has_phone, came_by_sms) == expected


def reporter_delivery(channel: Channel, essential: bool) -> Delivery:
    notice = to_reporter("acknowledged", essential, agency_name="Dinas PU", note="")
    [found] = [d for d in deliveries(EVENT_ID, REPORT_ID, notice, []) if d.channel is channel]
    return found


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS])
def test_an_opted_out_reporter_gets_only_essential_messages(channel: Channel) -> None:
    prefs = Preferences(essential_only=True)
    chosen = frozenset({channel})
    assert skip_reason(reporter_delivery(channel, False), prefs, chosen) == (
        "the reporter opted out of non-essential messages"
    )
    assert skip_reason(reporter_delivery(channel, True), prefs, chosen) == ""


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS])
def test_a_channel_not_chosen_is_skipped(channel: Channel) -> None:
    others = frozenset(ALL) - {channel}
    for essential in (True, False):
        assert skip_reason(reporter_delivery(channel, essential), DEFAULT, others) == (
            "the reporter gave no such contact or did not choose this channel"
        )
        assert (
            skip_reason(reporter_delivery(channel, essential), DEFAULT, frozenset({channel})) == ""
        )


@pytest.mark.parametrize("essential", [True, False])
def test_the_feed_is_never_skipped(essential: bool) -> None:
    feed = reporter_delivery(Channel.FEED, essential)
    prefs = Preferences(channels=frozenset(), essential_only=True)
    assert skip_reason(feed, prefs, frozenset()) == ""
