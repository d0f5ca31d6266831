"""The SMS channel's replies, handed to the notification service on ``lapor.sms-replies``
(keyed by the sender's pseudonym, so one citizen's replies stay in order)."""

from aiokafka import AIOKafkaProducer

from lapor.channel.v1.sms_pb2 import SmsReplyRequested
from lapor_common.topics import SMS_REPLIES


class SmsReplies:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def request(self, reply: SmsReplyRequested) -> None:
        """Returns once Kafka has acknowledged the request."""
        value, key = reply.SerializeToString(), reply.sender_ref.encode()
        await self._producer.send_and_wait(SMS_REPLIES, value, key=key)
