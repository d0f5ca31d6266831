"""The dispatcher's lanes: one recipient's channel in event order, side by side with the
others; an agency desk's due e-mails as one digest, webhooks one by one. (Feeds are written
by the planner, never queued: no lane is a feed.)"""

from datetime import UTC, datetime, timedelta

from notification.dispatcher import _lanes
from notification.domain.notices import Audience, Notice, to_agency, to_reporter
from notification.domain.recipients import Channel, Role, Subscription, deliveries
from notification.outbox import Entry, log_name

T0 = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
PU = "pemkot-7371.dinas-pu"
DESK = Subscription("desk", PU, Channel.EMAIL, "pengaduan@pu.go.id", Role.OFFICER)
HOOK = Subscription("hook", PU, Channel.WEBHOOK, "https://sipu.go.id/h", Role.OFFICER)
CHIEF = Subscription("chief", PU, Channel.EMAIL, "kadis@pu.go.id", Role.SUPERVISOR)


BOTH = frozenset({Channel.EMAIL, Channel.SMS})


def entries(
    event: str, report: str, notice: Notice, minute: int, chosen: frozenset[Channel] = BOTH
) -> list[Entry]:
    at = T0 + timedelta(minutes=minute)
    found = deliveries(event, report, notice, [DESK, HOOK, CHIEF], chosen)
    return [Entry(d, log_name(at, d.report_id), 0, at, at, 0, "pending", {}) for d in found]


def ids(groups: list[list[Entry]]) -> list[list[str]]:
    return [[x.id for x in group] for group in groups]


def lane_of(lanes: list[list[list[Entry]]], recipient: str, channel: Channel) -> list[list[str]]:
    [lane] = [
        groups
        for groups in lanes
        if groups[0][0].delivery.recipient == recipient and groups[0][0].delivery.channel is channel
    ]
    return ids(lane)


def test_a_reporters_messages_of_one_channel_stay_in_event_order_in_one_lane() -> None:
    due = [
        *entries("e1", "R1", to_reporter("received"), 0),
        *entries("e2", "R1", to_reporter("verified", False), 1),
        *entries("e3", "R1", to_reporter("routed", False, agency_name="PU"), 2),
    ]
    lanes = _lanes(due)
    for channel in (Channel.EMAIL, Channel.SMS):
        expected = [[f"{event}/reporter/{channel.value}"] for event in ("e1", "e2", "e3")]
        assert lane_of(lanes, "reporter", channel) == expected
    assert len(lanes) == 2  # the two channels run side by side
    assert sorted(x.id for lane in lanes for group in lane for x in group) == sorted(
        x.id for x in due
    )


def test_reports_and_channels_are_separate_lanes() -> None:
    due = [
        *entries("e1", "R1", to_reporter("received"), 0),
        *entries("e2", "R2", to_reporter("received"), 0),
        *entries("e3", "R1", to_reporter("verified", False), 1),
    ]
    lanes = _lanes(due)
    assert len(lanes) == 2 * 2  # two reports, two channels each
    for lane in lanes:
        reports = {x.delivery.report_id for group in lane for x in group}
        channels = {x.delivery.channel for group in lane for x in group}
        assert len(reports) == 1
        assert len(channels) == 1
        assert all(len(group) == 1 for group in lane)
    r1_sms = [
        lane
        for lane in lanes
        if lane[0][0].delivery.report_id == "R1" and lane[0][0].delivery.channel is Channel.SMS
    ]
    assert [ids(lane) for lane in r1_sms] == [[["e1/reporter/sms"], ["e3/reporter/sms"]]]


def test_an_agency_desks_emails_are_one_digest_and_webhooks_go_one_by_one() -> None:
    warning = to_agency("warning", PU, True, clock="completion", deadline="", missed_by="PU")
    due = [
        *entries("e1", "R1", to_agency("new_report", PU, via="routed", from_agency_name=""), 0),
        *entries("e2", "R2", to_agency("reporter_replied", PU), 1),
        *entries("e3", "R3", warning, 2),
    ]
    assert {x.delivery.audience for x in due} == {Audience.AGENCY}
    lanes = _lanes(due)
    assert lane_of(lanes, "sub:desk", Channel.EMAIL) == [
        ["e1/sub:desk/email", "e2/sub:desk/email", "e3/sub:desk/email"]
    ]
    assert lane_of(lanes, "sub:hook", Channel.WEBHOOK) == [
        ["e1/sub:hook/webhook"],
        ["e2/sub:hook/webhook"],
        ["e3/sub:hook/webhook"],
    ]
    # The supervisor's desk is another recipient: its own lane, its own digest.
    assert lane_of(lanes, "sub:chief", Channel.EMAIL) == [["e3/sub:chief/email"]]
    assert len(lanes) == 3


def test_a_reporter_who_chose_one_channel_has_one_lane() -> None:
    only_sms = frozenset({Channel.SMS})
    due = [
        *entries("e1", "R1", to_reporter("received"), 0, only_sms),
        *entries("e2", "R1", to_reporter("verified", False), 1, only_sms),
    ]
    lanes = _lanes(due)
    assert len(lanes) == 1
    assert lane_of(lanes, "reporter", Channel.SMS) == [["e1/reporter/sms"], ["e2/reporter/sms"]]


def test_a_reporters_emails_are_never_a_digest() -> None:
    due = [
        *entries("e1", "R1", to_reporter("received"), 0),
        *entries("e2", "R1", to_reporter("verified", False), 1),
    ]
    assert lane_of(_lanes(due), "reporter", Channel.EMAIL) == [
        ["e1/reporter/email"],
        ["e2/reporter/email"],
    ]


def test_nothing_due_is_no_lane() -> None:
    assert _lanes([]) == []
