"""From notices to deliveries: a reporter's e-mail and SMS, only on the channels they chose;
an agency's own subscriptions (supervisors only when asked); every notice's feed item, which
the planner writes itself; and which of a reporter's messages go out."""

import pytest

from notification.domain.notices import (
    NATIONAL_ADMINISTRATOR,
    Audience,
    Notice,
    queue_alert,
    to_agency,
    to_reporter,
)
from notification.domain.recipients import (
    REPORTER,
    Channel,
    Delivery,
    Preferences,
    Role,
    Subscription,
    deliveries,
    delivery_id,
    feed_item_of,
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
ALL = frozenset(Channel)
BOTH = frozenset({Channel.EMAIL, Channel.SMS})
NONE: frozenset[Channel] = frozenset()
BOTH_ORDERED = (Channel.EMAIL, Channel.SMS)


def addressed(found: list[Delivery]) -> list[tuple[str, Channel]]:
    return [(d.recipient, d.channel) for d in found]


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (BOTH, [Channel.EMAIL, Channel.SMS]),
        (frozenset({Channel.SMS}), [Channel.SMS]),
        (frozenset({Channel.EMAIL}), [Channel.EMAIL]),
        (NONE, []),  # no contact given or none chosen: the feed item only
        # Neither a webhook nor the feed is ever a reporter's delivery.
        (ALL, [Channel.EMAIL, Channel.SMS]),
        (frozenset({Channel.FEED, Channel.WEBHOOK}), []),
    ],
)
def test_a_reporter_notice_goes_to_the_chosen_channels_only(
    chosen: frozenset[Channel], expected: list[Channel]
) -> None:
    found = deliveries(EVENT_ID, REPORT_ID, ROUTED, SUBSCRIPTIONS, chosen)
    assert addressed(found) == [(REPORTER, c) for c in expected]
    for d in found:
        assert (d.event_id, d.report_id, d.kind, d.essential, d.audience) == (
            EVENT_ID,
            REPORT_ID,
            "routed",
            False,
            Audience.REPORTER,
        )
        assert d.context == {"agency_name": "Dinas PU"}
        assert d.id == delivery_id(EVENT_ID, REPORTER, d.channel)


@pytest.mark.parametrize("chosen", [NONE, BOTH, ALL])
def test_an_agency_notice_goes_to_its_officers_only(chosen: frozenset[Channel]) -> None:
    # The reporter's choice has nothing to do with an agency's notice.
    found = deliveries(EVENT_ID, REPORT_ID, NEW_REPORT, SUBSCRIPTIONS, chosen)
    assert addressed(found) == [
        ("sub:s-officer-mail", Channel.EMAIL),
        ("sub:s-officer-hook", Channel.WEBHOOK),
    ]
    assert {d.agency_code for d in found} == {PU}
    assert {d.audience for d in found} == {Audience.AGENCY}


def test_a_warning_reaches_the_supervisors_of_that_agency_and_no_other() -> None:
    found = deliveries(EVENT_ID, REPORT_ID, WARNING, SUBSCRIPTIONS, NONE)
    assert addressed(found) == [
        ("sub:s-officer-mail", Channel.EMAIL),
        ("sub:s-officer-hook", Channel.WEBHOOK),
        ("sub:s-chief-sms", Channel.SMS),
    ]


@pytest.mark.parametrize("notice", [NEW_REPORT, WARNING, queue_alert(120, 100)])
def test_other_agencies_subscriptions_never_hear(notice: Notice) -> None:
    found = deliveries(EVENT_ID, REPORT_ID, notice, SUBSCRIPTIONS, ALL)
    assert not [d for d in found if "other" in d.recipient or PERKIM in d.recipient]


def test_no_delivery_is_ever_a_feed() -> None:
    notices = (ROUTED, NEW_REPORT, WARNING, queue_alert(120, 100))
    found = [d for n in notices for d in deliveries(EVENT_ID, REPORT_ID, n, SUBSCRIPTIONS, ALL)]
    assert found
    assert all(d.channel is not Channel.FEED for d in found)


def test_an_agency_without_subscriptions_has_no_delivery_but_its_feed_item() -> None:
    assert deliveries(EVENT_ID, REPORT_ID, NEW_REPORT, [], ALL) == []
    item = feed_item_of(EVENT_ID, REPORT_ID, NEW_REPORT)
    assert (item.recipient, item.channel) == (f"agency:{PU}", Channel.FEED)


@pytest.mark.parametrize(
    ("notice", "recipient"),
    [
        (ROUTED, REPORTER),
        (NEW_REPORT, f"agency:{PU}"),
        (WARNING, f"agency:{PU}"),
        (queue_alert(120, 100), f"agency:{NATIONAL_ADMINISTRATOR}"),
    ],
)
def test_a_feed_item_is_the_notice_for_its_audiences_feed(notice: Notice, recipient: str) -> None:
    item = feed_item_of(EVENT_ID, REPORT_ID, notice)
    assert item == Delivery(
        id=delivery_id(EVENT_ID, recipient, Channel.FEED),
        event_id=EVENT_ID,
        report_id=REPORT_ID,
        kind=notice.kind,
        audience=notice.audience,
        recipient=recipient,
        channel=Channel.FEED,
        essential=notice.essential,
        agency_code=notice.agency_code,
        context=notice.context,
    )
    # The same notice of the same event is the same item (writing it twice is harmless).
    assert feed_item_of(EVENT_ID, REPORT_ID, notice) == item
    assert feed_item_of(OTHER_EVENT_ID, REPORT_ID, notice).id != item.id


def test_ids_are_unique_per_event_recipient_and_channel_and_stable() -> None:
    def planned() -> list[Delivery]:
        return [
            d
            for event in (EVENT_ID, OTHER_EVENT_ID)
            for notice in (ROUTED, WARNING)
            for d in (
                *deliveries(event, REPORT_ID, notice, SUBSCRIPTIONS, BOTH),
                feed_item_of(event, REPORT_ID, notice),
            )
        ]

    found = planned()
    assert len(found) == 2 * ((2 + 1) + (3 + 1))
    assert len({d.id for d in found}) == len(found)
    assert [d.id for d in planned()] == [d.id for d in found]
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
    [found] = deliveries(EVENT_ID, REPORT_ID, notice, [], frozenset({channel}))
    assert found.channel is channel
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
    # Checked again when sending: the reporter may have changed their mind since planning.
    others = ALL - {channel}
    for essential in (True, False):
        assert skip_reason(reporter_delivery(channel, essential), DEFAULT, others) == (
            "the reporter gave no such contact or did not choose this channel"
        )
        assert (
            skip_reason(reporter_delivery(channel, essential), DEFAULT, frozenset({channel})) == ""
        )


def test_the_feed_is_not_special_to_skip_reason() -> None:
    # The planner writes feed items without asking skip_reason; skip_reason itself treats a
    # feed channel like any other channel the reporter did not choose.
    feed = feed_item_of(EVENT_ID, REPORT_ID, to_reporter("received"))
    assert skip_reason(feed, DEFAULT, BOTH) == (
        "the reporter gave no such contact or did not choose this channel"
    )
    assert skip_reason(feed, DEFAULT, frozenset({Channel.FEED})) == ""


def planned(
    notice: Notice, prefs: Preferences, gave_email: bool, gave_phone: bool, came_by_sms: bool
) -> list[Channel]:
    """A reporter's deliveries as the planner makes them: the chosen channels, none skipped."""
    chosen = reporter_channels(prefs, gave_email, gave_phone, came_by_sms)
    found = deliveries(EVENT_ID, REPORT_ID, notice, SUBSCRIPTIONS, chosen)
    return [d.channel for d in found if not skip_reason(d, prefs, chosen)]


RECEIVED = to_reporter("received")  # essential
WEB_BOTH = (True, True, False)  # gave an e-mail, gave a phone, came by SMS


@pytest.mark.parametrize(
    ("prefs", "given", "essential", "other"),
    [
        (DEFAULT, WEB_BOTH, [Channel.EMAIL], [Channel.EMAIL]),
        (DEFAULT, (True, True, True), [Channel.SMS], [Channel.SMS]),
        (DEFAULT, (False, True, False), [Channel.SMS], [Channel.SMS]),
        (DEFAULT, (False, False, True), [], []),
        (Preferences(channels=BOTH), WEB_BOTH, [Channel.EMAIL, Channel.SMS], [*BOTH_ORDERED]),
        (Preferences(channels=BOTH), (True, False, True), [Channel.EMAIL], [Channel.EMAIL]),
        (Preferences(channels=frozenset({Channel.SMS})), (True, False, False), [], []),
        (Preferences(channels=NONE), WEB_BOTH, [], []),
        (Preferences(essential_only=True), WEB_BOTH, [Channel.EMAIL], []),
        (Preferences(channels=BOTH, essential_only=True), (True, True, True), [*BOTH_ORDERED], []),
    ],
)
def test_a_reporter_is_planned_only_the_messages_that_will_go_out(
    prefs: Preferences,
    given: tuple[bool, bool, bool],
    essential: list[Channel],
    other: list[Channel],
) -> None:
    assert planned(RECEIVED, prefs, *given) == essential
    assert planned(ROUTED, prefs, *given) == other
