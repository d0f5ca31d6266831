"""Escalation's composition root: settings are read and clients created here and nowhere else.

So far the service holds its connections and reports its health; deadlines,
reminders and escalation arrive with their own work item.
"""

import asyncio

from fastapi import FastAPI

from escalation.settings import EscalationSettings
from lapor_common.connections import connect
from lapor_common.logs import configure_logging
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings

NAME = "escalation"


def bootstrap(platform: PlatformSettings, settings: EscalationSettings) -> ServiceRuntime:
    clients = connect(platform, NAME, settings.database)
    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=FastAPI(title="LAPOR! escalation", version="1.0.0"),
        readiness=clients.readiness,
        on_start=[clients.start],
        on_stop=[clients.stop],
    )


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    await serve(bootstrap(platform, EscalationSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
