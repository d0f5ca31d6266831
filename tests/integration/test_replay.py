"""Replays over the real broker and MongoDB-wire server: a read model rebuilt from offset 0 into
an empty database is the live one, byte for byte (invariant 4), and a window skips what it must.
"""

import asyncio
import contextlib
import os
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import bson
from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from analytics.domain.facts import wib_day
from analytics.projections import MongoModels
from analytics.readmodels import daily_collection, report_handler
from intake.agents import state_projection
from intake.handlers import EventLog, ReportWriter
from intake.identity import IdentityVault
from intake.replay import read_models_in
from intake.store import EventCopy, ReportStore
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, new_event, service_actor
from lapor_common.kafka_io import Handler, RecordProcessor, group_consumer
from lapor_common.mongo import Document
from lapor_common.replay import CANONICAL, digest_database, replay
from lapor_common.replay_check import Check, wait_for_groups
from lapor_common.topics import REPORT_EVENTS
from tests.conftest import scratch_database
from tests.infra import ROOT, Infrastructure

COLLECTIONS = ["reports", "events", "report_facts"]
CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "corr-replay")
ROUTING = Causation(service_actor("routing"), "corr-replay")


def _submitted(region_code: str) -> e.ReportSubmitted:
    return e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT,
        title="Lampu jalan mati",
        body="Lampu penerangan jalan di depan sekolah mati sejak dua minggu.",
        region_code=region_code,
        channel=e.CHANNEL_WEB,
        reporter=e.EncryptedIdentity(key_id=uuid.uuid4().hex, nonce=b"n" * 12, ciphertext=b"c"),
        access_secret_sha256=bytes(32),
        language="id",
    )


ROUTED = e.ReportRouted(
    agency_code="pemkot-7371",
    agency_name="Pemerintah Kota Makassar",
    decided_by=e.DECIDED_BY_RULE,
    confidence=0.875,
    rule_version="test/1",
)


def _lives() -> list[list[tuple[Message, Causation]]]:
    """Three reports' logs: routed and acknowledged, routed and erased, just filed."""
    return [
        [(_submitted("73.71"), CITIZEN), (ROUTED, ROUTING), (e.ReportAcknowledged(), ROUTING)],
        [(_submitted("32.04"), CITIZEN), (ROUTED, ROUTING), (e.ReporterDataErased(), ROUTING)],
        [(_submitted("11.01"), CITIZEN)],
    ]


async def _append(
    producer: AIOKafkaProducer, lives: list[list[tuple[Message, Causation]]]
) -> list[str]:
    """Write each report's events to the log, as intake would; return the report ids."""
    ids = []
    at = datetime.now(UTC).replace(microsecond=123456)
    for life in lives:
        report_id = f"RPL-{uuid.uuid4().hex[:10].upper()}"
        for sequence, (payload, cause) in enumerate(life, start=1):
            event = new_event(report_id, sequence, payload, cause, at + timedelta(seconds=sequence))
            if sequence == 1:
                event.envelope.idempotency_key = f"key-{report_id}"
                event.envelope.request_digest = b"\x01" * 32
            await producer.send_and_wait(
                REPORT_EVENTS, event.envelope.SerializeToString(), key=report_id.encode()
            )
        ids.append(report_id)
    return ids


def _live_handlers(db: AsyncDatabase[Document], producer: AIOKafkaProducer) -> dict[str, Handler]:
    """The handlers the live consumers run, wired as the composition roots wire them."""
    writer = ReportWriter(
        store=ReportStore(db["reports"]),
        copy=EventCopy(db["events"]),
        events=EventLog(producer),
        vault=IdentityVault(db["reporter_keys"], os.urandom(32)),
        region_exists=lambda _: True,
    )
    analytics = report_handler(MongoModels(db))
    return {"intake-state": state_projection(writer), "analytics": analytics}


@contextlib.asynccontextmanager
async def _consuming(
    infra: Infrastructure, producer: AIOKafkaProducer, handlers: dict[str, Handler]
) -> AsyncIterator[dict[str, str]]:
    """Live consumer groups (fresh names) running the handlers; yields name -> group."""
    groups = {name: f"test-replay-{name}-{uuid.uuid4().hex[:8]}" for name in handlers}
    processors = [
        RecordProcessor(
            group_consumer(infra.kafka_bootstrap_servers, groups[name], [REPORT_EVENTS]),
            producer,
            handler,
            groups[name],
        )
        for name, handler in handlers.items()
    ]
    for processor in processors:
        await processor.start()
    tasks = [asyncio.create_task(processor.run()) for processor in processors]
    try:
        yield groups
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for processor in processors:
            await processor.stop()


async def _encoded(db: AsyncDatabase[Document], name: str, ids: list[str]) -> list[bytes]:
    field = "report_id" if name == "events" else "_id"
    cursor = db.get_collection(name, codec_options=CANONICAL).find({field: {"$in": ids}})
    return [bson.encode(d, codec_options=CANONICAL) async for d in cursor.sort("_id", 1)]


async def test_read_models_replayed_into_an_empty_database_equal_the_live_ones_byte_for_byte(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    ids = await _append(producer, _lives())
    await producer.send_and_wait(REPORT_EVENTS, b"\xff not an envelope", key=b"POISON-REPLAY")
    async with (
        _consuming(infra, producer, _live_handlers(database, producer)) as groups,
        scratch_database(infra) as rebuilt,
    ):
        intake = await replay(
            infra.kafka_bootstrap_servers, await read_models_in(rebuilt), show_progress=False
        )
        analytics = await replay(
            infra.kafka_bootstrap_servers, report_handler(MongoModels(rebuilt)), show_progress=False
        )
        lags = await wait_for_groups(
            infra.kafka_bootstrap_servers,
            [
                Check(groups["intake-state"], intake.end_offsets, "", "", []),
                Check(groups["analytics"], analytics.end_offsets, "", "", []),
            ],
            REPORT_EVENTS,
            60.0,
        )
        assert not any(lags.values()), lags
        for name in COLLECTIONS:
            live = await _encoded(database, name, ids)
            assert live, name
            assert await _encoded(rebuilt, name, ids) == live, name
        everything = [*COLLECTIONS, daily_collection(wib_day(datetime.now(UTC)))]
        live_digests = await digest_database(database, everything)
        assert all(count for count, _ in live_digests.values()), live_digests
        assert await digest_database(rebuilt, everything) == live_digests
    assert intake.records >= 7
    assert intake.undecodable >= 1
    assert analytics.undecodable >= 1
    assert intake.records == analytics.records


async def _replay_cli(infra: Infrastructure, service: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"{service}.replay",
        *args,
        env={**infra.environment(), "PYTHONPATH": f"{ROOT / 'libs'}:{ROOT / 'services' / service}"},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    return await process.wait(), out.decode()


async def _ids_in(db: AsyncDatabase[Document], name: str, ids: list[str]) -> set[str]:
    field = "report_id" if name == "events" else "_id"
    return {d[field] async for d in db[name].find({field: {"$in": ids}})}


async def _around_a_moment(producer: AIOKafkaProducer) -> tuple[list[str], datetime, list[str]]:
    """Reports written before a moment, the moment, and reports written after it."""
    earlier = await _append(producer, _lives()[:2])
    await asyncio.sleep(0.05)
    moment = datetime.now(UTC)
    await asyncio.sleep(0.05)
    later = await _append(producer, _lives()[:2])
    return earlier, moment, later


async def test_a_replay_since_a_moment_skips_the_events_before_it(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    earlier, since, later = await _around_a_moment(producer)
    code, out = await _replay_cli(
        infra, "intake", "--database", database.name, "--since", since.isoformat()
    )
    assert code == 0
    assert "records/s" in out
    for name in ("reports", "events"):
        assert await _ids_in(database, name, earlier + later) == set(later), name


async def test_a_replay_until_a_moment_skips_the_events_after_it(
    infra: Infrastructure, producer: AIOKafkaProducer, database: AsyncDatabase[Document]
) -> None:
    earlier, until, later = await _around_a_moment(producer)
    await replay(
        infra.kafka_bootstrap_servers,
        report_handler(MongoModels(database)),
        until=until,
        show_progress=False,
    )
    assert await _ids_in(database, "report_facts", earlier + later) == set(earlier)
