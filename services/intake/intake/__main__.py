"""Intake's composition root: settings are read and clients created here and nowhere else."""

import asyncio

from intake.agents import command_processing, state_projection
from intake.api import build_app
from intake.domain.open311_input import ApiKeys
from intake.handlers import EventLog, ReportWriter, command_handlers
from intake.identity import IdentityVault, master_key_from
from intake.open311_handlers import Open311
from intake.open311_ports import EscalationDeadlines, Open311Tokens
from intake.rpc import registration
from intake.settings import IntakeSettings
from intake.store import EventCopy, ReportStore
from intake.views import ReportReader
from lapor_common.connections import connect
from lapor_common.kafka_io import RecordProcessor, group_consumer
from lapor_common.logs import configure_logging
from lapor_common.regions import region_names
from lapor_common.routing_reference import RoutingReference
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_COMMANDS, REPORT_EVENTS

NAME = "intake"
STATE_GROUP = "intake-state"
COMMAND_GROUP = "intake-commands"


def bootstrap(platform: PlatformSettings, settings: IntakeSettings) -> ServiceRuntime:
    servers = platform.kafka_bootstrap_servers
    clients = connect(platform, NAME, settings.database)
    store = ReportStore(clients.database["reports"])
    copy = EventCopy(clients.database["events"])
    vault = IdentityVault(
        clients.database["reporter_keys"], master_key_from(settings.identity_key.get_secret_value())
    )
    regions = region_names(platform.regions_dir)
    writer = ReportWriter(
        store=store,
        copy=copy,
        events=EventLog(clients.producer),
        vault=vault,
        region_exists=regions.__contains__,
        caught_up=False,
    )
    reader = ReportReader(store, copy, vault)
    signing_key = platform.jwt_signing_key.get_secret_value() if platform.jwt_signing_key else None
    routing = RoutingReference(settings.routing_target)
    deadlines = EscalationDeadlines(settings.escalation_target)
    open311 = Open311(
        writer=writer,
        store=store,
        tokens=Open311Tokens(clients.database["open311_tokens"]),
        taxonomy=routing,
        deadlines=deadlines,
        vault=vault,
        keys=ApiKeys(settings.open311_api_keys.get_secret_value()),
        region_names=regions,
    )
    http = build_app(writer, reader, store, signing_key, settings.max_body_bytes, open311=open311)
    projector = RecordProcessor(
        group_consumer(servers, STATE_GROUP, [REPORT_EVENTS]),
        clients.producer,
        state_projection(writer),
        STATE_GROUP,
    )
    commands = RecordProcessor(
        group_consumer(servers, COMMAND_GROUP, [REPORT_COMMANDS]),
        clients.producer,
        command_processing(command_handlers(writer)),
        COMMAND_GROUP,
    )
    clients.readiness.add_gate("state-caught-up")

    async def start() -> None:
        await clients.start()
        await store.prepare()
        await copy.prepare()

    async def stop() -> None:
        await routing.close()
        await deadlines.close()
        await clients.stop()

    async def process_commands_once_caught_up() -> None:
        """Decide commands only against state that reflects the whole log."""
        await projector.caught_up.wait()
        writer.caught_up = True
        clients.readiness.open_gate("state-caught-up")
        await commands.run()

    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=http,
        readiness=clients.readiness,
        grpc_services=[registration(writer, reader, signing_key)],
        loops=[projector.run, process_commands_once_caught_up],
        on_start=[start, projector.start, commands.start],
        on_stop=[stop, projector.stop, commands.stop],
    )


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    await serve(bootstrap(platform, IntakeSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
