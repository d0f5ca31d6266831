"""Replies to citizens who wrote to SMS 1708 (the consumer of ``lapor.sms-replies``, group
``notification-sms-replies``).

Each record is decoded and checked by domain/replies.py (a broken one raises
UndecodableMessage: the RecordProcessor around this handler dead-letters it) and becomes one
SMS delivery, logged as pending and queued in the outbox like every other, keyed by the
reply id, so a request delivered again sends nothing twice. The dispatcher that owns
report-events partition ``crc32(reply id) mod partitions`` sends it, without quiet hours.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from lapor_common.kafka_io import SourceRecord
from notification.domain.replies import decode_reply, reply_delivery
from notification.outbox import Entry, shard
from notification.planner import Occasion

GROUP = "notification-sms-replies"
EVENT_TYPE = "SmsReplyRequested"
Queue = Callable[[list[Entry], str], Awaitable[None]]


class SmsReplies:
    def __init__(self, queue: Queue, report_partitions: int, clock: Callable[[], datetime]) -> None:
        self._queue = queue
        self._report_partitions = report_partitions
        self._clock = clock

    async def handle(self, record: SourceRecord) -> None:
        reply = decode_reply(record.value)
        at = reply.requested_at.ToDatetime(UTC) if reply.HasField("requested_at") else None
        # The request's own time files it: the same request again finds the same log entry.
        sender = shard(reply.reply_id, self._report_partitions)
        occasion = Occasion(reply.reply_id, sender, at or self._clock())
        sending: dict[str, object] = {"language": reply.language, "reply_to": reply.to}
        await self._queue([occasion.entry(reply_delivery(reply), sending)], EVENT_TYPE)
