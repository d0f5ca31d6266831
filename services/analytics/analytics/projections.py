"""The report-facts projection: applies each event exactly once, in order, to MongoDB."""

from datetime import UTC

from pymongo.asynchronous.collection import AsyncCollection

from analytics.domain import project
from lapor_common.envelope import decode_event
from lapor_common.kafka_io import Handler, SourceRecord
from lapor_common.mongo import Document, apply_next


def report_facts(collection: AsyncCollection[Document]) -> Handler:
    async def handle(record: SourceRecord) -> None:
        event = decode_event(record.value)
        envelope = event.envelope
        at = envelope.occurred_at.ToDatetime(UTC)
        await apply_next(
            collection,
            envelope.report_id,
            envelope.sequence,
            lambda facts: project(facts, envelope.report_id, envelope.sequence, at, event.payload),
        )

    return handle
