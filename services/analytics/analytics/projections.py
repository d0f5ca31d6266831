"""The report-facts projection: applies each event exactly once, in order, to MongoDB."""

from datetime import UTC

from pymongo.asynchronous.collection import AsyncCollection

from analytics.domain import project
from lapor_common.envelope import decode_event
from lapor_common.kafka_io import Handler, SourceRecord
from lapor_common.mongo import Document, save_if_newer


def report_facts(collection: AsyncCollection[Document]) -> Handler:
    async def handle(record: SourceRecord) -> None:
        event = decode_event(record.value)
        envelope = event.envelope
        facts = await collection.find_one({"_id": envelope.report_id})
        if (facts["sequence"] if facts else 0) + 1 != envelope.sequence:
            return
        at = envelope.occurred_at.ToDatetime(UTC)
        await save_if_newer(
            collection, project(facts, envelope.report_id, envelope.sequence, at, event.payload)
        )

    return handle
