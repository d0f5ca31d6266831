"""The read models' handlers over documents in memory: exactly once, and poison refused."""

from datetime import UTC, datetime

import pytest

from analytics.domain.spikes import Spike
from analytics.readmodels import (
    AGENCIES,
    FACTS,
    SPIKES,
    InMemory,
    daily_collection,
    directory_handler,
    report_handler,
    spikes_handler,
)
from analytics.spiking import spike_event
from lapor.directory.v1.events_pb2 import AgencyConnected, AgencyRenamed, DirectoryEvent
from lapor_common.envelope import UndecodableMessage, timestamp
from tests.unit.analytics.lives import ROUTED, submitted
from tests.unit.analytics.records import Record, record

AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def _directory(event_type: str, payload: bytes, offset: int) -> Record:
    event = DirectoryEvent(
        event_id=f"d-{offset}",
        event_type=event_type,
        agency_code="pemkot-3273.disdukcapil",
        occurred_at=timestamp(AT),
        schema_version=1,
        payload=payload,
    )
    return Record("lapor.directory-events", 0, offset, b"k", event.SerializeToString())


async def test_a_redelivered_report_event_changes_nothing() -> None:
    models = InMemory()
    handle = report_handler(models)
    first, second = record("R-1", 1, submitted()), record("R-1", 2, ROUTED, offset=1)
    for each in (first, second, first, second):
        await handle(each)
    documents = models.documents()
    [facts] = documents[FACTS]
    assert facts["sequence"] == 2
    [day] = documents[daily_collection(facts["day"])]
    assert day["reports"] == {"R-1": 2}
    assert sum(c.get("reports", 0) for c in day["cells"].values()) == 1


async def test_undecodable_records_are_refused_for_the_dead_letter_topic() -> None:
    models = InMemory()
    for handler in (report_handler(models), directory_handler(models), spikes_handler(models)):
        with pytest.raises(UndecodableMessage):
            await handler(Record("t", 0, 0, b"k", b"\xff\xff not protobuf"))
    assert models.documents() == {}


async def test_connections_are_folded_and_renames_left_to_the_directory() -> None:
    models = InMemory()
    handle = directory_handler(models)
    await handle(_directory("AgencyConnected", AgencyConnected(topic="t").SerializeToString(), 0))
    await handle(_directory("AgencyRenamed", AgencyRenamed(name="X").SerializeToString(), 1))
    [agency] = models.documents()[AGENCIES]
    assert (agency["_id"], agency["connected"], agency["event_id"]) == (
        "pemkot-3273.disdukcapil",
        True,
        "d-0",
    )
    await handle(_directory("AgencyDisconnected", b"", 2))
    assert models.documents()[AGENCIES][0]["connected"] is False


async def test_a_spike_announced_twice_is_one_document() -> None:
    models = InMemory()
    handle = spikes_handler(models)
    event = spike_event(Spike("2026-11-23", "sosial.pkh", "32.73", 9, 0.5, 6), "PKH", "Bandung", AT)
    raw = event.SerializeToString()
    for offset in (0, 1):
        await handle(Record("lapor.analytics-events", 0, offset, b"k", raw))
    [spike] = models.documents()[SPIKES]
    assert (spike["_id"], spike["count"], spike["region_name"]) == (event.event_id, 9, "Bandung")
