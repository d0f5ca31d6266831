"""Analytics' composition root: settings are read and clients created here and nowhere else."""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from analytics.api import build_app
from analytics.projections import BatchedModels, MongoModels
from analytics.publishing import OpenDataPublisher
from analytics.readmodels import directory_handler, report_handler, spikes_handler
from analytics.reference import Reference
from analytics.rpc import registration
from analytics.settings import READ_MODELS, AnalyticsSettings
from analytics.spiking import SpikeWatch
from analytics.statistics import Statistics
from analytics.store import StatisticsStore
from lapor_common.connections import connect
from lapor_common.kafka_io import Handler, RecordProcessor, group_consumer
from lapor_common.logs import configure_logging
from lapor_common.mongo import Document
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from lapor_common.topics import ANALYTICS_EVENTS, DIRECTORY_EVENTS, REPORT_EVENTS
from lapor_common.zones import WIB

NAME = "analytics"
Closer = Callable[[], Awaitable[None]]
Loop = Callable[[], Coroutine[Any, Any, None]]
# The projections' consumer groups, one consumer each.
REPORT_GROUP = f"analytics-{READ_MODELS}-report-facts"
AGENCIES_GROUP = f"analytics-{READ_MODELS}-agencies"
SPIKES_GROUP = f"analytics-{READ_MODELS}-spikes"


def today() -> date:
    return datetime.now(UTC).astimezone(WIB).date()


def publishing(database: AsyncDatabase[Document], settings: AnalyticsSettings) -> list[Loop]:
    """The daily open-data export, unless another job (a CronJob) does it."""
    if settings.open_data_at is None:
        return []
    publisher = OpenDataPublisher(
        database, settings.open_data_dir, settings.open_data_at, settings.open_data_keep
    )
    return [publisher.run]


def bootstrap(platform: PlatformSettings, settings: AnalyticsSettings) -> ServiceRuntime:
    clients = connect(platform, NAME, settings.database)
    models = MongoModels(clients.database)
    batched = BatchedModels(models)

    def projector(
        group: str, topic: str, handler: Handler, after_batch: Closer | None = None
    ) -> RecordProcessor:
        consumer = group_consumer(platform.kafka_bootstrap_servers, group, [topic])
        return RecordProcessor(consumer, clients.producer, handler, group, after_batch=after_batch)

    projectors = [
        projector(REPORT_GROUP, REPORT_EVENTS, report_handler(batched), batched.flush),
        projector(AGENCIES_GROUP, DIRECTORY_EVENTS, directory_handler(models)),
        projector(SPIKES_GROUP, ANALYTICS_EVENTS, spikes_handler(models)),
    ]
    store = StatisticsStore(clients.database, settings.cache_seconds)
    reference = Reference(settings.routing_target, platform.regions_dir)
    statistics = Statistics(store, reference, today)
    watch = SpikeWatch(store, reference, clients.producer, today, settings.spike_interval_seconds)
    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=build_app(statistics, settings.open_data_dir),
        grpc_services=[registration(statistics)],
        readiness=clients.readiness,
        loops=[*(p.run for p in projectors), watch.run, *publishing(clients.database, settings)],
        on_start=[clients.start, *(p.start for p in projectors)],
        on_stop=[_closing(reference, clients.stop), *(p.stop for p in projectors)],
    )


def _closing(reference: Reference, stop_clients: Callable[[], Awaitable[None]]) -> Closer:
    async def close() -> None:
        await reference.close()
        await stop_clients()

    return close


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    await serve(bootstrap(platform, AnalyticsSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
