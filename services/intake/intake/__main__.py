"""Intake's composition root: settings are read and clients created here and nowhere else."""

import asyncio

from intake.agencies import RoutingAgencies
from intake.agents import command_processing, state_projection
from intake.api import build_app, principals
from intake.credentials import Credentials
from intake.handlers import EventLog, ReportWriter, command_handlers, utc_now
from intake.identity import IdentityVault, master_key_from
from intake.integration import AgencyIntegration
from intake.integration_api import IMPORT_PATH, credentials_router, integration_router
from intake.integration_rpc import integration_registration
from intake.regions import load_region_codes
from intake.rpc import registration
from intake.settings import IntakeSettings
from intake.store import EventCopy, ReportStore
from intake.views import ReportReader
from lapor_common.connections import connect
from lapor_common.kafka_io import RecordProcessor, group_consumer
from lapor_common.logs import configure_logging
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
    regions = load_region_codes(platform.regions_dir)
    writer = ReportWriter(
        store=store,
        copy=copy,
        events=EventLog(clients.producer),
        vault=vault,
        region_exists=regions.__contains__,
        caught_up=False,
    )
    reader = ReportReader(store, copy, vault)
    credentials = Credentials(clients.database["integration_credentials"])
    agencies = RoutingAgencies(settings.routing_target)
    integration = AgencyIntegration(writer, store, copy, concurrency=settings.import_concurrency)
    signing_key = platform.jwt_signing_key.get_secret_value() if platform.jwt_signing_key else None
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
        await agencies.close()
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
        http=build_app(
            writer,
            reader,
            store,
            signing_key,
            settings.max_body_bytes,
            channels=[
                integration_router(integration, credentials),
                credentials_router(credentials, agencies.name_of, principals(signing_key), utc_now),
            ],
            larger_bodies={IMPORT_PATH: settings.import_max_body_bytes},
        ),
        readiness=clients.readiness,
        grpc_services=[
            registration(writer, reader, signing_key),
            integration_registration(integration, credentials),
        ],
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
