"""The directory's changes on lapor.directory-events: followed from the topic's start into the
router's registry, and written by the administrators' API after the broker has granted or
withdrawn the agency's access.

A change is answered only once this process has read it back from the topic,
so the API reads its own writes and every replica folds the same order.
"""

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from google.protobuf.message import Message

from lapor.directory.v1.events_pb2 import AgencyConnected, AgencyDisconnected
from lapor.events.v1.envelope_pb2 import Actor
from lapor_common.envelope import UndecodableMessage
from lapor_common.kafka_io import SourceRecord, send_to_dead_letter
from lapor_common.topics import DIRECTORY_EVENTS
from routing.access import AgencyAccess
from routing.handlers import NAME, Knowledge
from routing.registry import Registry, apply, check, decode_change, new_change

log = logging.getLogger(__name__)
PARTITION = TopicPartition(DIRECTORY_EVENTS, 0)
READ_BACK_TIMEOUT_S = 30.0


class DirectoryLog:
    def __init__(
        self,
        bootstrap_servers: str,
        producer: AIOKafkaProducer,
        knowledge: Knowledge,
        access: AgencyAccess,
    ) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            client_id=f"{NAME}-directory",
            enable_auto_commit=False,
        )
        self._producer = producer
        self._knowledge = knowledge
        self._access = access
        self._position = 0
        self._advanced = asyncio.Condition()

    async def start(self) -> None:
        """Connect and fold every change so far, before the service takes traffic."""
        await self._consumer.start()
        self._consumer.assign([PARTITION])
        await self._consumer.seek_to_beginning(PARTITION)
        end = (await self._consumer.end_offsets([PARTITION]))[PARTITION]
        while self._position < end:
            await self._read()
        log.info("directory folded: %d changes", self._knowledge.router.registry.applied)

    async def stop(self) -> None:
        await self._consumer.stop()

    async def run(self) -> None:
        while True:
            await self._read()

    async def _read(self) -> None:
        batches = await self._consumer.getmany(PARTITION, timeout_ms=500)
        for record in batches.get(PARTITION, []):
            await self._apply(record)
            async with self._advanced:
                self._position = record.offset + 1
                self._advanced.notify_all()

    async def _apply(self, record: SourceRecord) -> None:
        try:
            envelope, change = decode_change(record.value or b"")
        except UndecodableMessage as exc:
            await send_to_dead_letter(self._producer, record, str(exc), NAME)
            return
        router = self._knowledge.router
        registry = apply(router.registry, envelope, change)
        self._knowledge.router = replace(router, registry=registry)

    async def change(self, agency_code: str, change: Message, actor: Actor) -> Registry:
        """Check, carry out and record one change; the registry once ``run`` has folded it in
        (TimeoutError if that takes longer than READ_BACK_TIMEOUT_S: the change is recorded)."""
        router = self._knowledge.router
        check(router.registry, router.directory, agency_code, change)
        if isinstance(change, AgencyConnected):
            grant = await self._access.grant(agency_code)
            change = AgencyConnected(
                topic=grant.topic,
                consumer_group_prefix=grant.consumer_group_prefix,
                principal=grant.principal,
            )
        if isinstance(change, AgencyDisconnected):
            await self._access.revoke(agency_code)
        event = new_change(agency_code, change, actor, datetime.now(UTC))
        sent = await self._producer.send_and_wait(
            DIRECTORY_EVENTS, event.SerializeToString(), key=agency_code.encode()
        )
        async with self._advanced:
            folded = self._advanced.wait_for(lambda: self._position > sent.offset)
            await asyncio.wait_for(folded, READ_BACK_TIMEOUT_S)
        return self._knowledge.router.registry
