"""The platform's topics exist as declared: report events kept forever, sized by settings."""

import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import InvalidReplicationFactorError

from lapor_common.settings import PlatformSettings
from lapor_common.topics import (
    DEAD_LETTER,
    REPORT_EVENTS,
    TopicSpec,
    create_topic,
    ensure_topics,
    platform_topics,
)
from tests.eventually import eventually
from tests.infra import Infrastructure


async def _topic_config(admin: AIOKafkaAdminClient, topic: str) -> dict[str, str]:
    resource = ConfigResource(ConfigResourceType.TOPIC, topic)
    [response] = await admin.describe_configs([resource])
    [(_, _, _, _, entries)] = response.resources
    return {entry[0]: entry[1] for entry in entries}


async def test_report_events_are_kept_forever_and_dead_letters_too(infra: Infrastructure) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    try:
        # A topic's configuration reaches the broker shortly after the topic itself.
        events = await eventually(lambda: _topic_config(admin, REPORT_EVENTS), _has_retention)
        dead = await eventually(lambda: _topic_config(admin, DEAD_LETTER), _has_retention)
    finally:
        await admin.close()
    assert events.get("retention.ms") == "-1"
    assert dead.get("retention.ms") == "-1"


def _has_retention(config: dict[str, str]) -> bool:
    return "retention.ms" in config


async def test_topics_have_the_configured_partitions_and_creation_is_idempotent(
    infra: Infrastructure,
) -> None:
    settings = PlatformSettings()
    specs = platform_topics(settings)
    await ensure_topics(infra.kafka_bootstrap_servers, specs, 1)
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics([spec.name for spec in specs])
    finally:
        await admin.close()
    partitions = {topic["topic"]: len(topic["partitions"]) for topic in described}
    assert partitions == {spec.name: spec.partitions for spec in specs}
    assert partitions[REPORT_EVENTS] == settings.report_events_partitions


async def test_a_topic_the_broker_refuses_is_an_error_not_a_silent_success(
    infra: Infrastructure,
) -> None:
    """One broker cannot hold three replicas: the refusal is raised with the broker's reason."""
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap_servers)
    await admin.start()
    try:
        spec = TopicSpec(f"lapor.test-refused-{uuid.uuid4().hex[:8]}", 1, {})
        with pytest.raises(InvalidReplicationFactorError, match="creating topic"):
            await create_topic(admin, spec, replication=3)
        await create_topic(admin, TopicSpec(spec.name, 1, {}), replication=1)
        await create_topic(admin, TopicSpec(spec.name, 1, {}), replication=1)  # exists: fine
    finally:
        await admin.close()
