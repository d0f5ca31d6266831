"""Escalation's composition root: settings are read and clients created here and nowhere else."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from escalation.api import deadlines_api
from escalation.chains import RoutingChains
from escalation.clock import Clock, FileClock, SystemClock
from escalation.domain.calendar import indonesian_calendar
from escalation.domain.clocks import Rules
from escalation.domain.policy import load_policies
from escalation.handlers import NAME, Escalation
from escalation.rpc import registration
from escalation.settings import EscalationSettings
from escalation.store import Reports, Timetable, Warnings
from lapor_common.connections import connect
from lapor_common.kafka_io import RecordProcessor, group_consumer
from lapor_common.logs import configure_logging
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_EVENTS

log = logging.getLogger(__name__)


def _clock(settings: EscalationSettings) -> Clock:
    return FileClock(settings.clock_file) if settings.clock_file else SystemClock()


def _ticking(
    escalation: Escalation, processor: RecordProcessor, seconds: float
) -> Callable[[], Coroutine[Any, Any, None]]:
    async def tick() -> None:
        while True:
            try:
                await escalation.tick(processor.partitions())
            except Exception:
                # E.g. routing unreachable for a chain: the cursor stays before that timer,
                # which fires at a later tick; the others already fired stay fired.
                log.exception("firing due timers failed; retrying")
            await asyncio.sleep(seconds)

    return tick


def bootstrap(platform: PlatformSettings, settings: EscalationSettings) -> ServiceRuntime:
    clients = connect(platform, NAME, settings.database)
    db = clients.database
    rules = Rules(load_policies(settings.policies), indonesian_calendar(*settings.calendar_years))
    chains = RoutingChains(settings.routing_target)
    reports, warnings = Reports(db["reports"]), Warnings(db["warnings"])
    clock = _clock(settings)
    escalation = Escalation(
        rules=rules,
        reports=reports,
        timetable=Timetable(db),
        warnings=warnings,
        producer=clients.producer,
        chains=chains,
        clock=clock,
    )
    consumer = group_consumer(platform.kafka_bootstrap_servers, NAME, [REPORT_EVENTS])
    processor = RecordProcessor(consumer, clients.producer, escalation.handle, NAME)
    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=deadlines_api(reports, warnings, rules, clock),
        readiness=clients.readiness,
        grpc_services=[registration(reports)],
        loops=[processor.run, _ticking(escalation, processor, settings.tick_seconds)],
        on_start=[clients.start, processor.start],
        on_stop=[clients.stop, _closing(chains, processor)],
    )


def _closing(
    chains: RoutingChains, processor: RecordProcessor
) -> Callable[[], Coroutine[Any, Any, None]]:
    async def close() -> None:
        await processor.stop()
        await chains.close()

    return close


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    await serve(bootstrap(platform, EscalationSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
