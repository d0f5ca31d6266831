"""Intake's composition root: settings are read and clients created here and nowhere else."""

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter

from intake.account_store import AccountStore
from intake.accounts_api import accounts_router, sessions_router
from intake.agencies import issuable_agency
from intake.agents import command_processing, state_projection
from intake.api import build_app, principals
from intake.credentials import Credentials
from intake.domain.accounts import hash_password
from intake.domain.open311_input import ApiKeys
from intake.domain.regions import RegionIndex
from intake.handlers import EventLog, ReportWriter, command_handlers, utc_now
from intake.identity import IdentityVault, master_key_from
from intake.integration import AgencyIntegration
from intake.integration_api import IMPORT_PATH, credentials_router, integration_router
from intake.integration_rpc import integration_registration
from intake.open311_api import open311_router
from intake.open311_handlers import Open311
from intake.open311_ports import EscalationDeadlines, Open311Tokens
from intake.regions import region_types
from intake.regions_api import regions_router
from intake.rpc import registration
from intake.search_api import search_router
from intake.sessions import SALT_BYTES, SignIn
from intake.settings import IntakeSettings
from intake.sms_api import sms_router
from intake.sms_desk import SmsDesk
from intake.sms_replies import SmsReplies
from intake.sms_store import SmsAnswers, SmsParts
from intake.store import EventCopy, ReportStore
from intake.views import ReportReader
from intake.web import ASSETS
from lapor_common.connections import Connections, connect
from lapor_common.kafka_io import RecordProcessor, group_consumer
from lapor_common.logs import configure_logging
from lapor_common.regions import region_names
from lapor_common.routing_reference import RoutingReference
from lapor_common.runtime import GrpcRegistration, ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_COMMANDS, REPORT_EVENTS

NAME = "intake"
log = logging.getLogger(__name__)
STATE_GROUP = "intake-state"
COMMAND_GROUP = "intake-commands"


@dataclass(frozen=True)
class Core:
    """What every way in shares: the single writer, its read models and the key vault."""

    clients: Connections
    store: ReportStore
    copy: EventCopy
    vault: IdentityVault
    writer: ReportWriter
    regions: dict[str, str]


def _core(platform: PlatformSettings, settings: IntakeSettings) -> Core:
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
    return Core(clients, store, copy, vault, writer, regions)


def _sms(core: Core, settings: IntakeSettings) -> tuple[APIRouter, SmsDesk, SmsParts]:
    parts = SmsParts(core.clients.database["sms_parts"], core.vault.derive("sms-parts", "key"))
    desk = SmsDesk(
        writer=core.writer,
        store=core.store,
        vault=core.vault,
        answers=SmsAnswers(core.clients.database["sms_messages"]),
        parts=parts,
        replies=SmsReplies(core.clients.producer),
        clock=utc_now,
    )
    return sms_router(desk, settings.sms_webhook_secret.get_secret_value()), desk, parts


def _open311(
    core: Core, settings: IntakeSettings, routing: RoutingReference, deadlines: EscalationDeadlines
) -> APIRouter:
    return open311_router(
        Open311(
            writer=core.writer,
            store=core.store,
            tokens=Open311Tokens(core.clients.database["open311_tokens"]),
            taxonomy=routing,
            deadlines=deadlines,
            vault=core.vault,
            keys=ApiKeys(settings.open311_api_keys.get_secret_value()),
            region_names=core.regions,
        )
    )


def _integration(
    core: Core, settings: IntakeSettings, routing: RoutingReference, signing_key: str | None
) -> tuple[list[APIRouter], GrpcRegistration]:
    """Agencies' own systems: bulk imports and their follow-up, with administrators' keys."""
    credentials = Credentials(core.clients.database["integration_credentials"])
    integration = AgencyIntegration(
        core.writer, core.store, core.copy, concurrency=settings.import_concurrency
    )
    routers = [
        integration_router(integration, credentials),
        credentials_router(credentials, issuable_agency(routing), principals(signing_key), utc_now),
    ]
    return routers, integration_registration(integration, credentials)


def _accounts(
    core: Core, settings: IntakeSettings, routing: RoutingReference, signing_key: str | None
) -> tuple[list[APIRouter], AccountStore]:
    """Officers' and administrators' accounts: signing in, and the administrators' management."""
    database = core.clients.database
    accounts = AccountStore(database["accounts"], database["sign_in_attempts"])
    stand_in = hash_password(secrets.token_urlsafe(16), secrets.token_bytes(SALT_BYTES))
    lifetime = timedelta(hours=settings.session_hours)
    sign_in = SignIn(accounts, signing_key, lifetime, utc_now, stand_in)
    names = issuable_agency(routing)
    routers = [
        sessions_router(sign_in),
        accounts_router(accounts, names, principals(signing_key), utc_now),
    ]
    return routers, accounts


def _web(core: Core, platform: PlatformSettings) -> list[APIRouter]:
    """What the web front end reads besides the reports API: the search and the region picker."""
    index = RegionIndex(core.regions, region_types(platform.regions_dir))
    return [search_router(core.store), regions_router(index)]


def bootstrap(platform: PlatformSettings, settings: IntakeSettings) -> ServiceRuntime:
    servers = platform.kafka_bootstrap_servers
    core = _core(platform, settings)
    clients, writer, store = core.clients, core.writer, core.store
    reader = ReportReader(store, core.copy, core.vault)
    signing_key = platform.jwt_signing_key.get_secret_value() if platform.jwt_signing_key else None
    routing = RoutingReference(settings.routing_target)
    deadlines = EscalationDeadlines(settings.escalation_target)
    sms_channel, sms, sms_parts = _sms(core, settings)
    integration_routers, integration_rpc = _integration(core, settings, routing, signing_key)
    account_routers, accounts = _accounts(core, settings, routing, signing_key)
    channels = [
        sms_channel,
        _open311(core, settings, routing, deadlines),
        *integration_routers,
        *account_routers,
        *_web(core, platform),
    ]
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
        await core.copy.prepare()
        await sms_parts.prepare()
        await accounts.prepare()

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

    async def finish_long_sms() -> None:
        """Act on long SMS whose missing parts never came (nothing a citizen sent is lost)."""
        wait = timedelta(seconds=settings.sms_part_wait_seconds)
        await projector.caught_up.wait()
        while True:
            await asyncio.sleep(min(settings.sms_part_wait_seconds / 4, 30.0))
            try:
                await sms.finish_overdue(wait)
            except Exception:
                log.exception("finishing overdue long SMS failed; trying again")

    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=build_app(
            writer,
            reader,
            store,
            signing_key,
            settings.max_body_bytes,
            channels=channels,
            larger_bodies={IMPORT_PATH: settings.import_max_body_bytes},
            deadlines=deadlines,
            web=ASSETS,
        ),
        readiness=clients.readiness,
        grpc_services=[registration(writer, reader, signing_key), integration_rpc],
        loops=[projector.run, process_commands_once_caught_up, finish_long_sms],
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
