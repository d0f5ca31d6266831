"""Routing's handler and directory log over the real broker and database: decisions as
commands, redelivery, "not our authority", an agency's own topic, lessons and model versions,
and the directory folded again from its topic."""

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient
from google.protobuf.message import Message
from pymongo.asynchronous.database import AsyncDatabase

from lapor.directory.v1.events_pb2 import AgencyConnected
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_ADMINISTRATOR, Actor, EventEnvelope
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import RouteReport
from lapor_common.envelope import Causation, decode_command, new_event, service_actor
from lapor_common.mongo import Document
from lapor_common.topics import REPORT_COMMANDS
from routing.access import AgencyAccess, agency_topic
from routing.cases import Cases, Lessons, OpenReports
from routing.classifier import Classifier, load_training
from routing.directory import Agency, AgencyKind, load_directory
from routing.directory_log import DirectoryLog
from routing.domain import Router
from routing.duplicates import DuplicatePolicy
from routing.gazetteer import Gazetteer
from routing.handlers import Knowledge, RoutingHandler, Tuning
from routing.registry import Connection, Registry
from routing.rules import load_rules
from routing.taxonomy import load_taxonomy
from tests.infra import Infrastructure
from tests.kafka_reading import TopicReader

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "services/routing/routing/data"
REGIONS = ROOT.parent / "shared/data/regions"
DISDUKCAPIL = "pemkot-3273.disdukcapil"
KTP = e.ReportSubmitted(
    type=e.REPORT_TYPE_COMPLAINT,
    title="E-KTP belum jadi lima bulan di Disdukcapil Kota Bandung",
    body=(
        "Saya sudah rekam e-KTP di Disdukcapil Kota Bandung sejak Juni tetapi KTP elektronik "
        "belum dicetak, katanya blanko habis. Saya butuh KTP untuk melamar kerja, mohon dibantu."
    ),
    region_code="32.73",
    reporter=e.EncryptedIdentity(key_id="k", nonce=b"n" * 12, ciphertext=b"sealed"),
    access_secret_sha256=b"h" * 32,
)


@dataclass(frozen=True)
class Record:
    value: bytes
    key: bytes | None = None
    topic: str = "lapor.report-events"
    partition: int = 0
    offset: int = 0


@pytest.fixture(scope="module")
def base_router() -> Router:
    taxonomy = load_taxonomy(DATA / "taxonomy.toml")
    return Router(
        directory=load_directory(REGIONS),
        gazetteer=Gazetteer.load(REGIONS),
        rules=load_rules(DATA / "rules.toml"),
        classifier=Classifier.train(
            load_training(DATA / "training.csv"), list(taxonomy.categories)
        ),
        registry=Registry(),
    )


@pytest.fixture
async def access(infra: Infrastructure) -> AsyncIterator[AgencyAccess]:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    yield AgencyAccess(admin, partitions=3, replication_factor=1, min_insync_replicas=1)
    await admin.close()


class Report:
    """One report's events, numbered as intake would number them."""

    def __init__(self) -> None:
        self.report_id = f"RTG-{uuid.uuid4().hex[:10].upper()}"
        self.sequence = 0
        self.at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def next(self, payload: Message, actor: Actor | None = None) -> Record:
        self.sequence += 1
        self.at += timedelta(minutes=5)
        cause = Causation(actor or service_actor("intake"), "corr")
        event = new_event(self.report_id, self.sequence, payload, cause, self.at)
        return Record(event.envelope.SerializeToString(), self.report_id.encode())


def _handler(
    router: Router, database: AsyncDatabase[Document], producer: AIOKafkaProducer
) -> tuple[RoutingHandler, Knowledge, Lessons]:
    knowledge = Knowledge(router, router.classifier)
    lessons = Lessons(database["lessons"], database["models"])
    handler = RoutingHandler(
        knowledge=knowledge,
        cases=Cases(database["cases"]),
        open_reports=OpenReports(database["open_reports"]),
        lessons=lessons,
        producer=producer,
        tuning=Tuning(0.6, 1, DuplicatePolicy()),
    )
    return handler, knowledge, lessons


async def test_routing_routes_reroutes_feeds_the_agency_topic_and_learns(
    infra: Infrastructure,
    base_router: Router,
    database: AsyncDatabase[Document],
    producer: AIOKafkaProducer,
    access: AgencyAccess,
) -> None:
    grant = await access.grant(DISDUKCAPIL)
    connected = Connection(
        grant.topic, grant.consumer_group_prefix, grant.principal, datetime.now(UTC)
    )
    router = replace(base_router, registry=Registry(connected={DISDUKCAPIL: connected}))
    handler, knowledge, lessons = _handler(router, database, producer)
    report = Report()
    commands = await TopicReader(infra.kafka_bootstrap_servers, REPORT_COMMANDS).start()
    feed = await TopicReader(infra.kafka_bootstrap_servers, agency_topic(DISDUKCAPIL)).start()

    def mine(record: ConsumerRecord[bytes, bytes]) -> bool:
        return bool(record.key == report.report_id.encode())

    try:
        submitted = report.next(KTP)
        await handler(submitted)
        await handler(submitted)  # redelivered
        first = EventEnvelope.FromString(submitted.value)
        await handler(
            report.next(e.ReportRouted(agency_code=DISDUKCAPIL, category_code="kependudukan.ktp"))
        )
        declined = e.ReportForwarded(
            from_agency_code=DISDUKCAPIL,
            reason="bukan wewenang",
            kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY,
        )
        await handler(report.next(declined))
        sent = [decode_command(r.value) for r in await commands.collect(mine, 3)]
        delivered = [EventEnvelope.FromString(r.value) for r in await feed.collect(mine, 3)]
    finally:
        await commands.stop()
        await feed.stop()
    assert [type(c.payload) for c in sent] == [RouteReport] * 3
    routed, _, rerouted = (c.payload for c in sent)
    assert isinstance(routed, RouteReport)
    assert isinstance(rerouted, RouteReport)
    assert routed.agency_code == DISDUKCAPIL
    assert (
        sent[0].envelope.command_id
        == sent[1].envelope.command_id
        == str(uuid.uuid5(uuid.NAMESPACE_URL, first.event_id))
    )
    assert routed.rule_version.startswith("rules/")
    assert routed.model_version == base_router.classifier.version
    assert rerouted.agency_code != DISDUKCAPIL
    assert DISDUKCAPIL in rerouted.reason
    assert [d.event_type for d in delivered] == [
        "ReportSubmitted",
        "ReportRouted",
        "ReportForwarded",
    ]
    shared = e.ReportSubmitted.FromString(delivered[0].payload)
    assert shared.title == KTP.title
    assert not shared.HasField("reporter")
    assert not shared.access_secret_sha256

    administrator = Actor(kind=ACTOR_KIND_ADMINISTRATOR, id="admin")
    assign = e.ReportRouted(
        agency_code="pemkot-3273",
        category_code="aparatur.pungli-maladministrasi",
        decided_by=e.DECIDED_BY_ADMINISTRATOR,
    )
    record = report.next(assign, administrator)
    await handler(record)
    await handler(record)  # a lesson is learned once
    learned = await lessons.all()
    assert [lesson.category_code for lesson in learned] == ["aparatur.pungli-maladministrasi"]
    assert knowledge.router.classifier.version != base_router.classifier.version
    assert await database["models"].find_one({"_id": knowledge.router.classifier.version})


async def test_the_directory_is_folded_again_from_its_topic(
    infra: Infrastructure, base_router: Router, producer: AIOKafkaProducer, access: AgencyAccess
) -> None:
    districts = [a.code for a in _districts(base_router)]
    code = random.choice(districts)
    writer = DirectoryLog(
        infra.kafka_bootstrap_servers,
        producer,
        Knowledge(base_router, base_router.classifier),
        access,
    )
    await writer.start()
    following = asyncio.create_task(writer.run())
    try:
        registry = await writer.change(code, AgencyConnected(), Actor(id="admin"))
    finally:
        following.cancel()
        await writer.stop()
    reader_knowledge = Knowledge(base_router, base_router.classifier)
    reader = DirectoryLog(infra.kafka_bootstrap_servers, producer, reader_knowledge, access)
    await reader.start()
    await reader.stop()
    assert registry.connected[code].topic == agency_topic(code)
    assert reader_knowledge.router.registry.connected == registry.connected
    assert await access.acls(code)


def _districts(router: Router) -> list[Agency]:
    return [a for a in router.directory.search("kecamatan", 100) if a.kind is AgencyKind.DISTRICT]
