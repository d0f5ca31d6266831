"""Analytics' composition root: settings are read and clients created here and nowhere else."""

import asyncio

from analytics.api import build_app
from analytics.projections import report_facts
from analytics.settings import AnalyticsSettings
from lapor_common.connections import connect
from lapor_common.kafka_io import RecordProcessor, group_consumer
from lapor_common.logs import configure_logging
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_EVENTS

NAME = "analytics"


def bootstrap(platform: PlatformSettings, settings: AnalyticsSettings) -> ServiceRuntime:
    clients = connect(platform, NAME, settings.database)
    facts = clients.database["report_facts"]
    group = "analytics-report-facts"
    projector = RecordProcessor(
        group_consumer(platform.kafka_bootstrap_servers, group, [REPORT_EVENTS]),
        clients.producer,
        report_facts(facts),
        group,
    )
    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=build_app(facts),
        readiness=clients.readiness,
        loops=[projector.run],
        on_start=[clients.start, projector.start],
        on_stop=[clients.stop, projector.stop],
    )


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    await serve(bootstrap(platform, AnalyticsSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
