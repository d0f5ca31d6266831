"""Analytics on the real broker and database: live projections feed the statistics, the
spike watch announces a wave once, and a replay rebuilds the same documents."""

import asyncio
import contextlib
import csv
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from analytics.domain.facts import wib_day
from analytics.projections import BatchedModels, MongoModels
from analytics.publishing import OpenDataPublisher
from analytics.readmodels import FACTS, daily_collection, report_handler, spikes_handler
from analytics.replay import fold_log
from analytics.spiking import SpikeWatch, spike_event_id
from analytics.statistics import Statistics
from analytics.store import StatisticsStore
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, new_event
from lapor_common.kafka_io import Handler, RecordProcessor, group_consumer
from lapor_common.mongo import Document
from lapor_common.replay import CANONICAL
from lapor_common.topics import ANALYTICS_EVENTS, TopicSpec, ensure_topics
from tests.eventually import eventually
from tests.infra import Infrastructure

CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "corr-analytics")
AGENCY = "pemkab-3201.dinsos"


class Labels:
    async def programme_of(self) -> dict[str, str]:
        return {"sosial.pkh": "pkh"}

    async def category_name(self, code: str) -> str:
        return code

    def region_name(self, code: str) -> str:
        return code

    async def agency_names(self, codes: list[str]) -> dict[str, str]:
        return {code: code for code in codes}


def _life(regency: str, resolved: bool, confidential: bool = False) -> list[Message]:
    submitted = e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT,
        title="PKH tidak cair",
        body="Bantuan PKH keluarga kami tidak cair tiga bulan.",
        category_code="sosial.pkh",
        region_code=f"{regency}.01.2001",
        channel=e.CHANNEL_SMS,
        confidential=confidential,
    )
    routed = e.ReportRouted(
        agency_code=AGENCY, agency_name="Dinas Sosial", category_code="sosial.pkh"
    )
    done: list[Message] = [e.ReportResolved(summary="cair"), e.ReportRated(score=4)]
    return [submitted, routed, *(done if resolved else [])]


async def _append(producer: AIOKafkaProducer, topic: str, lives: list[list[Message]]) -> list[str]:
    ids = []
    for life in lives:
        report_id = f"ANL-{uuid.uuid4().hex[:10].upper()}"
        for sequence, payload in enumerate(life, start=1):
            event = new_event(report_id, sequence, payload, CITIZEN, datetime.now(UTC))
            value = event.envelope.SerializeToString()
            await producer.send_and_wait(topic, value, key=report_id.encode())
        ids.append(report_id)
    return ids


@contextlib.asynccontextmanager
async def _consuming(
    infra: Infrastructure,
    producer: AIOKafkaProducer,
    topic: str,
    handler: Handler,
    after_batch: Callable[[], Awaitable[None]] | None = None,
) -> AsyncIterator[None]:
    group = f"test-analytics-{uuid.uuid4().hex[:8]}"
    consumer = group_consumer(infra.kafka_bootstrap_servers, group, [topic])
    processor = RecordProcessor(consumer, producer, handler, group, after_batch=after_batch)
    await processor.start()
    task = asyncio.create_task(processor.run())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await processor.stop()


async def _documents(database: AsyncDatabase[Document], name: str) -> list[Document]:
    collection = database.get_collection(name, codec_options=CANONICAL)
    return await collection.find({}).sort("_id", 1).to_list()


async def test_projections_statistics_spikes_open_data_and_replay(
    infra: Infrastructure,
    producer: AIOKafkaProducer,
    database: AsyncDatabase[Document],
    tmp_path: Path,
) -> None:
    topic = f"test.analytics.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap_servers, [TopicSpec(topic, 2, {})], 1)
    wave = [_life("32.01", resolved=n < 4) for n in range(6)]
    secret = _life("11.01", resolved=False, confidential=True)
    ids = await _append(producer, topic, [*wave, secret])
    today = date.fromisoformat(wib_day(datetime.now(UTC)))
    store = StatisticsStore(database, keep_s=0)
    statistics = Statistics(store, Labels(), lambda: today)

    batched = BatchedModels(MongoModels(database))  # as the composition root wires it
    async with _consuming(infra, producer, topic, report_handler(batched), batched.flush):
        summary = await eventually(
            lambda: statistics.summary(statistics.window()),
            lambda s: (
                (s["outcomes"]["reports"], s["outcomes"]["routed"], s["outcomes"]["rated"])
                == (7, 7, 4)
            ),
        )
    assert summary["outcomes"]["reports"] == 7
    assert summary["outcomes"]["resolved"] == 4
    assert summary["outcomes"]["satisfaction_average"] == 4.0
    by_regency = await statistics.breakdown(statistics.window(programme="pkh"), "regency", "")
    assert [(r["key"], r["outcomes"]["reports"]) for r in by_regency["rows"]] == [
        ("11.01", 1),
        ("32.01", 6),
    ]

    watch = SpikeWatch(store, Labels(), producer, lambda: today, interval_s=60)
    [spike] = await watch.check()
    assert (spike.category_code, spike.region_code, spike.count) == ("sosial.pkh", "32.01", 6)
    assert await watch.check() == []
    async with _consuming(infra, producer, ANALYTICS_EVENTS, spikes_handler(MongoModels(database))):
        listed = await eventually(
            lambda: statistics.spikes(statistics.window()),
            lambda found: any(s["event_id"] == spike_event_id(spike) for s in found["spikes"]),
        )
    assert [s["count"] for s in listed["spikes"]] == [6]
    another = SpikeWatch(store, Labels(), producer, lambda: today, interval_s=60)
    assert await another.check() == []  # already in the read model

    await OpenDataPublisher(database, tmp_path, time(1, 0), keep=2).publish(today)
    with (tmp_path / f"laporan-publik-{today.isoformat()}.csv").open(encoding="utf-8") as rows:
        published = {row["report_id"]: row for row in csv.DictReader(rows)}
    assert set(ids) & set(published) == set(ids[:-1])  # never the confidential one
    assert published[ids[0]]["category_code"] == "sosial.pkh"

    models, result = await fold_log(infra.kafka_bootstrap_servers, topic=topic, show_progress=False)
    assert result.records == sum(len(life) for life in wave) + 2
    replayed = models.documents()
    daily = daily_collection(today.isoformat())
    assert replayed[FACTS] == await _documents(database, FACTS)
    assert replayed[daily] == await _documents(database, daily)
