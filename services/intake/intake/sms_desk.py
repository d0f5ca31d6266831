"""SMS 1708: what intake does with a citizen's message (handlers for the webhook and the loop
that finishes long messages whose parts did not all arrive).

A message is acted on once per idempotency key (``sms:<message id>``, or from a long
message's part ids): the answer is kept and given again to a repeat. Acting comes first,
then the reply request, then the answer: a crash in between repeats the act (idempotent in
the writer) and the request (the same ``reply_id``, which notification sends once).
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from google.protobuf.message import Message

from intake.domain.model import (
    STATUS_LABELS,
    Invalid,
    Principal,
    Refused,
    ReportState,
    Role,
    Status,
)
from intake.domain.sms import (
    FollowUp,
    Help,
    NewReport,
    StatusQuery,
    fits,
    normalize_phone,
    parse,
    title_of,
)
from intake.domain.sms_parts import Part, assembled, complete, group_key
from intake.domain.submission import SubmitReport
from intake.handlers import Idempotency, ReportWriter
from intake.identity import IdentityVault
from intake.sms_inbound import InboundSms
from intake.sms_replies import SmsReplies
from intake.sms_store import SmsAnswers, SmsParts, StoredPart
from intake.store import ReportStore
from lapor.channel.v1 import sms_pb2 as r
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1.commands_pb2 import ProvideInformation, ReplyToReport
from lapor.report.v1.events_pb2 import CHANNEL_SMS, ReporterIdentity
from lapor_common.envelope import Causation, timestamp

log = logging.getLogger(__name__)
Answer = dict[str, Any]
_REPLIES = uuid.UUID("0e5c1b7a-6a43-4d0b-9d55-3b1f6a0c1708")
TOMBSTONE_DAYS = 7


@dataclass(frozen=True)
class Sms:
    """A whole message to act on: who sent it, what it says, and its idempotency key."""

    sender: str
    sender_ref: str
    text: str
    key: str
    correlation_id: str

    def idempotency(self) -> Idempotency:
        return Idempotency.of(self.key, "sms", f"{self.sender}\x00{self.text}".encode())

    def cause(self) -> Causation:
        return Causation(Actor(kind=ACTOR_KIND_CITIZEN), self.correlation_id)


def _status_fields(state: ReportState) -> dict[str, str]:
    label_id, label_en = STATUS_LABELS[state.status]
    return {
        "tracking_id": state.report_id,
        "status": state.status.value,
        "status_label_id": label_id,
        "status_label_en": label_en,
        "agency_name": state.agency_name,
    }


class SmsDesk:
    def __init__(
        self,
        *,
        writer: ReportWriter,
        store: ReportStore,
        vault: IdentityVault,
        answers: SmsAnswers,
        parts: SmsParts,
        replies: SmsReplies,
        clock: Callable[[], datetime],
    ) -> None:
        self._writer, self._store, self._vault = writer, store, vault
        self._answers, self._parts, self._replies = answers, parts, replies
        self._clock = clock

    async def receive(self, inbound: InboundSms, correlation_id: str) -> tuple[Answer, bool]:
        """The answer to the gateway, and whether it is the first answer given again."""
        sender_ref = self._pseudonym(inbound.sender)
        concat = inbound.concat
        if concat is not None and concat.total > 1:
            part = Part(inbound.message_id, concat.part, concat.total, inbound.text)
            group = self._vault.derive("sms-group", f"{inbound.sender}\x00{concat.ref}").hex()
            stored = StoredPart(group, part, inbound.received_at)
            return await self._part(stored, inbound.sender, sender_ref, correlation_id)
        key = f"sms:{inbound.message_id}"
        sms = Sms(inbound.sender, sender_ref, inbound.text, key, correlation_id)
        return await self._once(sms)

    async def finish_overdue(self, wait: timedelta) -> None:
        """Act on long messages whose missing parts did not come within ``wait``, with the
        parts that did; forget old tombstones."""
        now = self._clock()
        for group in await self._parts.overdue(now - wait):
            sender = await self._parts.sender(group)
            if sender is not None:
                await self._assemble(group, sender, self._pseudonym(sender), str(uuid.uuid4()))
                log.info("acted on an incomplete long SMS after %s", wait)
        await self._parts.purge(now - timedelta(days=TOMBSTONE_DAYS))

    def _pseudonym(self, sender: str) -> str:
        """The sender's number as a keyed hash: stable, not reversible without the master key."""
        return self._vault.derive("sms-sender", sender).hex()[:32]

    async def _part(
        self, stored: StoredPart, sender: str, sender_ref: str, correlation_id: str
    ) -> tuple[Answer, bool]:
        earlier = await self._parts.add(stored, sender, self._clock())
        if earlier is not None:
            first = await self._answers.get(earlier.answer_key) if earlier.answer_key else None
            return (first, True) if first else ({"outcome": "duplicate"}, True)
        waiting = await self._parts.waiting(stored.group)
        if not complete(waiting):
            answer = {"outcome": "part_stored", "received": len(waiting)}
            return {**answer, "total": stored.part.total}, False
        return await self._assemble(stored.group, sender, sender_ref, correlation_id)

    async def _assemble(
        self, group: str, sender: str, sender_ref: str, correlation_id: str
    ) -> tuple[Answer, bool]:
        waiting = await self._parts.waiting(group)
        sms = Sms(sender, sender_ref, assembled(waiting), group_key(waiting), correlation_id)
        answer = await self._once(sms)
        await self._parts.close(waiting, sms.idempotency().key)
        return answer

    async def _once(self, sms: Sms) -> tuple[Answer, bool]:
        idempotency = sms.idempotency()
        first = await self._answers.get(idempotency.key)
        if first is not None:
            return first, True
        answer = await self._act(sms, idempotency)
        await self._answers.save(idempotency.key, answer, self._clock())
        return answer, False

    async def _act(self, sms: Sms, idempotency: Idempotency) -> Answer:
        match parse(sms.text):
            case NewReport() as new:
                return await self._file(sms, new, idempotency)
            case FollowUp(report_id, text):
                return await self._follow_up(sms, report_id, text, idempotency)
            case StatusQuery(report_id, language):
                return await self._status(sms, report_id, language)
            case Help(language):
                await self._reply(sms, r.SMS_REPLY_KIND_HELP, language)
                return {"outcome": "help"}

    async def _file(self, sms: Sms, new: NewReport, idempotency: Idempotency) -> Answer:
        if not fits(new.text):
            await self._reply(sms, r.SMS_REPLY_KIND_TOO_SHORT, "id")
            return {"outcome": "help", "detail": "the report must have 20 to 10,000 characters"}
        command = SubmitReport(
            type=new.type,
            requires_examination=False,
            title=title_of(new.text),
            body=new.text,
            category_code="",
            region_code="",
            location=None,
            channel=CHANNEL_SMS,
            anonymous=new.anonymous,
            confidential=new.confidential,
        )
        identity = ReporterIdentity(phone=sms.sender)
        outcome = await self._writer.submit(command, identity, sms.cause(), idempotency)
        created = {"tracking_id": outcome.report_id, "status": outcome.status.value}
        return {"outcome": "created", **created}

    async def _follow_up(
        self, sms: Sms, report_id: str, text: str, idempotency: Idempotency
    ) -> Answer:
        state = await self._filed_by(report_id, sms.sender)
        if state is None:
            return await self._not_found(sms, "id")
        command: Message = (
            ProvideInformation(answer=text)
            if state.status is Status.MENUNGGU_TANGGAPAN_PELAPOR
            else ReplyToReport(text=text)
        )
        reporter, cause = Principal(Role.REPORTER), sms.cause()
        try:
            await self._writer.act(report_id, command, reporter, cause, idempotency=idempotency)
        except (Refused, Invalid) as exc:
            await self._reply(sms, r.SMS_REPLY_KIND_NOT_NOW, state.language, state)
            return {"outcome": "refused", "tracking_id": report_id, "detail": str(exc)}
        await self._reply(sms, r.SMS_REPLY_KIND_ADDED, state.language, state)
        return {"outcome": "added", "tracking_id": report_id}

    async def _status(self, sms: Sms, report_id: str, language: str) -> Answer:
        state = await self._filed_by(report_id, sms.sender)
        if state is None:
            return await self._not_found(sms, language)
        await self._reply(sms, r.SMS_REPLY_KIND_STATUS, state.language, state)
        return {"outcome": "status", "tracking_id": report_id}

    async def _not_found(self, sms: Sms, language: str) -> Answer:
        await self._reply(sms, r.SMS_REPLY_KIND_NOT_FOUND, language)
        return {"outcome": "refused", "detail": "no report with that tracking id for this number"}

    async def _filed_by(self, report_id: str, sender: str) -> ReportState | None:
        """The report, when the number that filed it (its sealed phone) is the sender's."""
        state = await self._store.get(report_id)
        if state is None or state.reporter is None or state.reporter_erased:
            return None
        identity = await self._vault.open(state.reporter)
        if identity is None or normalize_phone(identity.phone) != sender:
            return None
        return state

    async def _reply(
        self,
        sms: Sms,
        kind: r.SmsReplyKind.ValueType,
        language: str,
        state: ReportState | None = None,
    ) -> None:
        reply = r.SmsReplyRequested(
            reply_id=str(uuid.uuid5(_REPLIES, sms.idempotency().key)),
            to=sms.sender,
            kind=kind,
            language=language,
            requested_at=timestamp(self._clock()),
            sender_ref=sms.sender_ref,
            **(_status_fields(state) if state is not None else {}),
        )
        await self._replies.request(reply)
