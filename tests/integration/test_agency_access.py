"""An agency gets its own topic, kept forever, and ACLs to read it; revoking keeps the topic.

The test clients are the broker's super user (User:ANONYMOUS on the unauthenticated
listener), so these tests check what the broker stores, not that it enforces it.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from routing.access import (
    MAX_CODE_LENGTH,
    AgencyAccess,
    Grant,
    agency_topic,
    consumer_group_prefix,
    principal,
)
from tests.eventually import eventually
from tests.infra import Infrastructure

PARTITIONS = 3
Bindings = list[tuple[str, str, str, str]]


@pytest.fixture
async def admin(infra: Infrastructure) -> AsyncIterator[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await client.start()
    yield client
    await client.close()


@pytest.fixture
def access(admin: AIOKafkaAdminClient) -> AgencyAccess:
    return AgencyAccess(admin, PARTITIONS, replication_factor=1, min_insync_replicas=1)


@pytest.fixture
def code() -> str:
    return f"pemkab-{uuid.uuid4().hex[:8]}.dinkes"


def expected_bindings(code: str) -> Bindings:
    topic, groups = agency_topic(code), consumer_group_prefix(code)
    return [
        ("GROUP", groups, "PREFIXED", "READ"),
        ("TOPIC", topic, "LITERAL", "DESCRIBE"),
        ("TOPIC", topic, "LITERAL", "READ"),
    ]


async def settled_acls(access: AgencyAccess, code: str, wanted: Bindings) -> Bindings:
    """The broker's ACLs of the agency, once they are as wanted (they follow the metadata log)."""
    return await eventually(lambda: access.acls(code), lambda seen: seen == wanted)


async def topic_config(admin: AIOKafkaAdminClient, topic: str) -> dict[str, str]:
    [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    [(_, _, _, _, entries)] = response.resources
    return {entry[0]: entry[1] for entry in entries}


async def partition_count(admin: AIOKafkaAdminClient, topic: str) -> int:
    [described] = await admin.describe_topics([topic])
    return len(described["partitions"])


async def test_grant_creates_the_topic_kept_forever_and_the_acls(
    admin: AIOKafkaAdminClient, access: AgencyAccess, code: str
) -> None:
    grant = await access.grant(code)

    assert grant == Grant(f"lapor.agency.{code}.reports", f"lapor.agency.{code}:", f"User:{code}")
    config = await eventually(
        lambda: topic_config(admin, grant.topic), lambda seen: "retention.ms" in seen
    )
    assert config["retention.ms"] == "-1"
    assert config["min.insync.replicas"] == "1"
    assert await partition_count(admin, grant.topic) == PARTITIONS
    wanted = expected_bindings(code)
    assert await settled_acls(access, code, wanted) == wanted


async def test_granting_twice_changes_nothing(
    admin: AIOKafkaAdminClient, access: AgencyAccess, code: str
) -> None:
    first = await access.grant(code)
    wanted = expected_bindings(code)
    await settled_acls(access, code, wanted)

    again = await access.grant(code)

    assert again == first
    assert await partition_count(admin, first.topic) == PARTITIONS
    assert await settled_acls(access, code, wanted) == wanted


async def test_revoke_removes_the_acls_and_keeps_the_topic_and_its_records(
    infra: Infrastructure,
    admin: AIOKafkaAdminClient,
    access: AgencyAccess,
    producer: AIOKafkaProducer,
    code: str,
) -> None:
    grant = await access.grant(code)
    await settled_acls(access, code, expected_bindings(code))
    await producer.send_and_wait(grant.topic, b"kept", key=b"RPT-1")

    await access.revoke(code)
    await access.revoke(code)

    assert await settled_acls(access, code, []) == []
    assert grant.topic in await admin.list_topics()
    group = f"{grant.consumer_group_prefix}after-revoke"
    assert await read_one(infra.kafka_bootstrap_servers, grant.topic, group) == b"kept"


async def test_a_consumer_in_a_group_under_the_prefix_reads_the_agency_topic(
    infra: Infrastructure, access: AgencyAccess, producer: AIOKafkaProducer, code: str
) -> None:
    grant = await access.grant(code)
    value = f"report {uuid.uuid4()}".encode()
    await producer.send_and_wait(grant.topic, value, key=b"RPT-2")

    group = f"{grant.consumer_group_prefix}inbox"
    assert await read_one(infra.kafka_bootstrap_servers, grant.topic, group) == value


async def read_one(servers: str, topic: str, group: str) -> bytes | None:
    """The first record of the topic, read and committed as an agency's consumer would."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=servers,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), 30)
        await consumer.commit()
    finally:
        await consumer.stop()
    value: bytes | None = record.value
    return value


async def test_the_longest_valid_code_makes_a_topic_name_the_broker_accepts(
    access: AgencyAccess,
) -> None:
    code = uuid.uuid4().hex.ljust(MAX_CODE_LENGTH, "x")

    grant = await access.grant(code)

    assert len(grant.topic) == 249
    wanted = expected_bindings(code)
    assert await settled_acls(access, code, wanted) == wanted


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "Pemkab-3204",
        "pemkab_3204",
        "pemkab 3204",
        "pemkab/3204",
        "-pemkab",
        "pemkab.",
        "pemkab..dinkes",
        "pemkab-.dinkes",
        "a" * (MAX_CODE_LENGTH + 1),
    ],
)
async def test_an_invalid_agency_code_is_refused(access: AgencyAccess, bad: str) -> None:
    with pytest.raises(ValueError, match="invalid agency code"):
        await access.grant(bad)
    with pytest.raises(ValueError, match="invalid agency code"):
        await access.revoke(bad)
    with pytest.raises(ValueError, match="invalid agency code"):
        principal(bad)


@pytest.mark.parametrize(
    "good", ["pemkab-3204", "pemkab-3204.dinkes", "pemprov-32.disdik", "bpjs-kesehatan"]
)
def test_the_agency_codes_of_the_directory_are_valid(good: str) -> None:
    assert agency_topic(good) == f"lapor.agency.{good}.reports"
    assert consumer_group_prefix(good) == f"lapor.agency.{good}:"
    assert principal(good) == f"User:{good}"
