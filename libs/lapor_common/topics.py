"""Every Kafka topic of the platform, in one place, and their explicit creation.

Run ``python -m lapor_common.topics`` to create missing topics (idempotent):
``make up`` does, and in Kubernetes any service image can run it as a Job.
"""

import asyncio
import logging
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from lapor_common.logs import configure_logging
from lapor_common.settings import PlatformSettings

log = logging.getLogger(__name__)

REPORT_EVENTS = "lapor.report-events"
REPORT_COMMANDS = "lapor.report-commands"
DEAD_LETTER = "lapor.dead-letter"
DIRECTORY_EVENTS = "lapor.directory-events"
ANALYTICS_EVENTS = "lapor.analytics-events"
SMS_REPLIES = "lapor.sms-replies"

_FOREVER = "-1"
_ONE_WEEK_MS = str(7 * 24 * 3600 * 1000)
_READY_TIMEOUT_S = 60.0
_DELETE = {"cleanup.policy": "delete"}


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str]


def platform_topics(settings: PlatformSettings) -> list[TopicSpec]:
    """The topics the platform needs, sized by the settings."""
    durable = {"min.insync.replicas": str(settings.topic_min_insync_replicas)}
    partitions = settings.report_events_partitions
    return [
        # The report lifecycle log: kept forever so any read model can be rebuilt.
        TopicSpec(REPORT_EVENTS, partitions, {**durable, "retention.ms": _FOREVER}),
        # Requests to the report's single writer; decided commands live on as events.
        TopicSpec(REPORT_COMMANDS, partitions, {**durable, "retention.ms": _ONE_WEEK_MS}),
        # Poison messages with the reason they failed; kept until someone looks.
        TopicSpec(DEAD_LETTER, 3, {**durable, "retention.ms": _FOREVER}),
        # Changes to the agency directory: one partition, so one order for every reader.
        TopicSpec(DIRECTORY_EVENTS, 1, {**durable, "retention.ms": _FOREVER}),
        # What analytics observes across reports (spike alerts), for notification and replays.
        TopicSpec(ANALYTICS_EVENTS, 3, {**durable, "retention.ms": _FOREVER}),
        # Intake's SMS replies for notification to send: a transient outbox carrying phone
        # numbers, not history, so deleted after a week.
        TopicSpec(SMS_REPLIES, 3, {**durable, "retention.ms": _ONE_WEEK_MS, **_DELETE}),
    ]


async def ensure_topics(bootstrap_servers: str, specs: list[TopicSpec], replication: int) -> None:
    """Create the topics that do not exist yet, and return once every partition has a leader.

    Existing topics are left as they are.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        for spec in specs:
            if spec.name not in existing:
                await create_topic(admin, spec, replication)
        await asyncio.wait_for(until_led(admin, specs), _READY_TIMEOUT_S)
    finally:
        await admin.close()


async def create_topic(admin: AIOKafkaAdminClient, spec: TopicSpec, replication: int) -> None:
    """Create a topic; one created meanwhile is fine, any other refusal is raised with the
    broker's error (create_topics returns errors instead of raising them)."""
    new = NewTopic(spec.name, spec.partitions, replication, topic_configs=spec.config)
    response = await admin.create_topics([new])
    for _, error_code, message, *_ in response.topic_errors:
        if error_code == TopicAlreadyExistsError.errno:
            log.info("topic %s was created concurrently", spec.name)
            return
        if error_code:
            raise for_code(error_code)(f"creating topic {spec.name}: {error_code} {message}")
    log.info("created topic %s (%d partitions)", spec.name, spec.partitions)


async def until_led(admin: AIOKafkaAdminClient, specs: list[TopicSpec]) -> None:
    """Return once every partition of the topics has a leader (specs give the real counts)."""
    while True:
        described = await admin.describe_topics([spec.name for spec in specs])
        led = [p for topic in described for p in topic["partitions"] if p["leader"] >= 0]
        if len(led) == sum(spec.partitions for spec in specs):
            return
        await asyncio.sleep(0.2)


def main() -> None:
    settings = PlatformSettings()
    configure_logging("topics", settings.log_level)
    specs = platform_topics(settings)
    asyncio.run(
        ensure_topics(settings.kafka_bootstrap_servers, specs, settings.topic_replication_factor)
    )


if __name__ == "__main__":
    main()
