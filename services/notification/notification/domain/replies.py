"""Replies to citizens who wrote to SMS 1708 (``lapor.sms-replies``): decoding a request and
the one delivery it becomes.

Intake decides what to answer; notification words it (``sms_<kind>`` templates) and sends
it by SMS to the number the citizen wrote from, once per ``reply_id``, at once (no quiet
hours: the citizen has just written). The number comes with the request and is kept only
until the reply is sent; the delivery log names the citizen by intake's pseudonym.
"""

import re

from lapor.channel.v1 import sms_pb2 as r
from lapor_common.envelope import UndecodableMessage, parse_message
from notification.domain.notices import Audience
from notification.domain.recipients import Channel, Delivery, delivery_id

CITIZEN = "citizen"
KINDS = {
    r.SMS_REPLY_KIND_HELP: "sms_help",
    r.SMS_REPLY_KIND_TOO_SHORT: "sms_too_short",
    r.SMS_REPLY_KIND_ADDED: "sms_added",
    r.SMS_REPLY_KIND_STATUS: "sms_status",
    r.SMS_REPLY_KIND_NOT_FOUND: "sms_not_found",
    r.SMS_REPLY_KIND_NOT_NOW: "sms_not_now",
}
# The kinds about one report, which need its tracking id and status.
ABOUT_A_REPORT = frozenset(
    {r.SMS_REPLY_KIND_ADDED, r.SMS_REPLY_KIND_STATUS, r.SMS_REPLY_KIND_NOT_NOW}
)
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_LANGUAGES = ("id", "en")


def _fault(reply: r.SmsReplyRequested) -> str:
    if not reply.reply_id:
        return "SmsReplyRequested lacks its reply_id"
    if not _E164.fullmatch(reply.to):
        return "SmsReplyRequested is not to an E.164 number"
    if reply.kind not in KINDS:
        return f"SmsReplyRequested has an unknown kind {reply.kind}"
    if reply.kind in ABOUT_A_REPORT and not (reply.tracking_id and reply.status_label_id):
        return f"{KINDS[reply.kind]} needs the report's tracking id and status"
    if reply.language not in _LANGUAGES:
        return f"SmsReplyRequested has an unknown language {reply.language!r}"
    return ""


def decode_reply(raw: bytes | None) -> r.SmsReplyRequested:
    """One record of lapor.sms-replies, or UndecodableMessage with the reason."""
    reply = parse_message(r.SmsReplyRequested, raw or b"", "SmsReplyRequested")
    fault = _fault(reply)
    if fault:
        raise UndecodableMessage(fault)
    return reply


def is_reply(delivery: Delivery) -> bool:
    return delivery.recipient.startswith(f"{CITIZEN}:")


def reply_delivery(reply: r.SmsReplyRequested) -> Delivery:
    """The SMS the reply becomes; its id derives from the reply id (at most once)."""
    recipient = f"{CITIZEN}:{reply.sender_ref or reply.reply_id}"
    return Delivery(
        id=delivery_id(reply.reply_id, recipient, Channel.SMS),
        event_id=reply.reply_id,
        # Only a reply about a report names it (its words start with the tracking id).
        report_id=reply.tracking_id if reply.kind in ABOUT_A_REPORT else "",
        kind=KINDS[reply.kind],
        audience=Audience.REPORTER,
        recipient=recipient,
        channel=Channel.SMS,
        essential=True,
        agency_code="",
        context={
            "status": reply.status,
            "status_label_id": reply.status_label_id,
            "status_label_en": reply.status_label_en,
            "agency_name": reply.agency_name,
        },
    )
