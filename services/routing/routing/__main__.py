"""Routing's composition root: settings are read and clients created here and nowhere else."""

import asyncio

from fastapi import FastAPI

from lapor_common.connections import connect
from lapor_common.logs import configure_logging
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from routing.agents import NAME, attach_router, routing_handler, stream_app
from routing.cases import Cases
from routing.directory import load_regional_governments
from routing.settings import RoutingSettings


def bootstrap(platform: PlatformSettings, settings: RoutingSettings) -> ServiceRuntime:
    clients = connect(platform, NAME, settings.database)
    governments = load_regional_governments(platform.regions_dir)
    app = stream_app(platform.kafka_bootstrap_servers, settings.stream_state_dir)
    cases = Cases(clients.database["cases"])
    attach_router(app, clients.producer, routing_handler(clients.producer, cases, governments))
    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=FastAPI(title="LAPOR! routing", version="1.0.0"),
        readiness=clients.readiness,
        on_start=[clients.start, app.start],
        on_stop=[clients.stop, app.stop],
    )


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    await serve(bootstrap(platform, RoutingSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
