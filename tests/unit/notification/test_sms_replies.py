"""Replies to a citizen's SMS to 1708: decoding ``lapor.sms-replies`` (broken requests are
undecodable, hence dead-lettered), the one delivery each becomes, and its words."""

from dataclasses import dataclass, field

import pytest

from lapor.channel.v1 import sms_pb2 as r
from lapor_common.envelope import UndecodableMessage
from lapor_common.topics import SMS_REPLIES
from lapor_common.zones import WIB
from notification.domain.recipients import Channel
from notification.domain.replies import decode_reply, is_reply, reply_delivery
from notification.messages import Composer, Links
from notification.outbox import Entry, log_name, shard
from notification.rendering import TEMPLATES, Templates
from notification.sms_replies import SmsReplies
from tests.unit.notification.observations import AT
from tests.unit.notification.test_alerts import Record

THREE_SMS = 459

STATUS = r.SmsReplyRequested(
    reply_id="0b8a6f0e-3f57-5f4e-9a53-4c0a7f0b9e11",
    to="+6281234567890",
    kind=r.SMS_REPLY_KIND_STATUS,
    tracking_id="7K3M-9QXD-2F8A",
    status="DIPROSES",
    status_label_id="Diproses",
    status_label_en="In progress",
    agency_name="Pemerintah Kabupaten Bandung",
    language="id",
    sender_ref="5f2c0d1e9a8b7c6d5f2c0d1e9a8b7c6d",
)
STATUS.requested_at.FromDatetime(AT)


def _with(**changes: object) -> r.SmsReplyRequested:
    changed = r.SmsReplyRequested()
    changed.CopyFrom(STATUS)
    for name, value in changes.items():
        setattr(changed, name, value)
    return changed


@dataclass
class Queued:
    calls: list[tuple[list[Entry], str]] = field(default_factory=list)

    async def __call__(self, entries: list[Entry], event_type: str) -> None:
        self.calls.append((entries, event_type))


def test_a_request_is_decoded() -> None:
    assert decode_reply(STATUS.SerializeToString()) == STATUS
    help_ = r.SmsReplyRequested(
        reply_id="x", to="+6281234567890", kind=r.SMS_REPLY_KIND_HELP, language="en"
    )
    assert decode_reply(help_.SerializeToString()) == help_


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xff", "not a valid"),
        (_with(reply_id="").SerializeToString(), "reply_id"),
        (_with(to="081234567890").SerializeToString(), "E.164"),
        (_with(to="").SerializeToString(), "E.164"),
        (_with(kind=r.SMS_REPLY_KIND_UNSPECIFIED).SerializeToString(), "unknown kind"),
        (_with(kind=99).SerializeToString(), "unknown kind"),
        (_with(tracking_id="").SerializeToString(), "tracking id and status"),
        (_with(status_label_id="").SerializeToString(), "tracking id and status"),
        (_with(language="fr").SerializeToString(), "language"),
    ],
)
def test_a_broken_request_is_undecodable(raw: bytes, reason: str) -> None:
    with pytest.raises(UndecodableMessage, match=reason):
        decode_reply(raw)


def test_a_reply_is_one_sms_to_the_citizens_pseudonym_keyed_by_the_reply_id() -> None:
    delivery = reply_delivery(STATUS)
    assert delivery.id == f"{STATUS.reply_id}/citizen:{STATUS.sender_ref}/sms"
    assert (delivery.kind, delivery.channel, delivery.report_id) == (
        "sms_status",
        Channel.SMS,
        "7K3M-9QXD-2F8A",
    )
    assert is_reply(delivery)
    assert "+6281234567890" not in delivery.id
    assert "+6281234567890" not in str(delivery.context)


async def test_the_consumer_queues_the_reply_with_its_number_for_the_owning_dispatcher() -> None:
    queued = Queued()
    replies = SmsReplies(queued, 12, lambda: AT)
    await replies.handle(Record(STATUS.SerializeToString(), topic=SMS_REPLIES))
    [(entries, event_type)] = queued.calls
    [entry] = entries
    assert event_type == "SmsReplyRequested"
    assert entry.partition == shard(STATUS.reply_id, 12)
    assert entry.report == {"language": "id", "reply_to": "+6281234567890"}
    assert entry.log == log_name(AT, "7K3M-9QXD-2F8A")
    with pytest.raises(UndecodableMessage):
        await replies.handle(Record(None, topic=SMS_REPLIES))


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("kind", sorted(r.SmsReplyKind.values())[1:])
def test_every_reply_is_worded_and_fits_three_sms(kind: int, language: str) -> None:
    reply = _with(kind=kind, language=language)
    composer = Composer(Templates(TEMPLATES), Links("http://lapor.test"), 3)
    entry = Entry(reply_delivery(reply), "log", 0, AT, AT, 0, "pending", {})
    report_id = entry.delivery.report_id
    context = composer.context(entry, language, WIB, "")
    text = composer.sms(composer.render(entry.delivery.kind, language, context), report_id)
    about = kind in (r.SMS_REPLY_KIND_STATUS, r.SMS_REPLY_KIND_ADDED, r.SMS_REPLY_KIND_NOT_NOW)
    assert text.startswith(f"LAPOR! {reply.tracking_id}:" if about else "LAPOR! ")
    label = reply.status_label_id if language == "id" else reply.status_label_en
    assert (label in text) is about
    assert len(text) <= THREE_SMS
    if kind == r.SMS_REPLY_KIND_HELP:
        assert "CEK" in text
        assert "BALAS" in text
