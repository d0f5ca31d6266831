"""Routing's composition root: settings are read and clients created here and nowhere else."""

import asyncio
from datetime import timedelta

from aiokafka.admin import AIOKafkaAdminClient

from lapor_common.connections import connect
from lapor_common.logs import configure_logging
from lapor_common.runtime import ServiceRuntime, serve
from lapor_common.settings import PlatformSettings
from routing.access import AgencyAccess
from routing.agents import attach_router, stream_app
from routing.api import routing_api, routing_http
from routing.cases import Cases, Lessons, OpenReports
from routing.classifier import Classifier, load_training
from routing.directory import load_directory
from routing.directory_log import DirectoryLog
from routing.domain import Router
from routing.duplicates import DuplicatePolicy
from routing.gazetteer import Gazetteer
from routing.handlers import NAME, Knowledge, RoutingHandler, Tuning
from routing.registry import Registry
from routing.rpc import registration
from routing.rules import load_rules
from routing.settings import RoutingSettings
from routing.taxonomy import Taxonomy, load_taxonomy


async def _nothing() -> None:
    """Nothing to undo."""


def _knowledge(
    platform: PlatformSettings, settings: RoutingSettings, taxonomy: Taxonomy
) -> Knowledge:
    data = settings.data_dir
    base = Classifier.train(load_training(data / "training.csv"), list(taxonomy.categories))
    router = Router(
        directory=load_directory(platform.regions_dir),
        gazetteer=Gazetteer.load(platform.regions_dir),
        rules=load_rules(data / "rules.toml"),
        classifier=base,
        registry=Registry(),
    )
    return Knowledge(router, base)


def _tuning(settings: RoutingSettings) -> Tuning:
    duplicates = DuplicatePolicy(
        threshold=settings.duplicate_similarity,
        window=timedelta(days=settings.duplicate_window_days),
        radius_m=settings.duplicate_radius_m,
    )
    return Tuning(settings.auto_route_confidence, settings.retrain_every, duplicates)


def bootstrap(platform: PlatformSettings, settings: RoutingSettings) -> ServiceRuntime:
    clients = connect(platform, NAME, settings.database)
    db = clients.database
    taxonomy = load_taxonomy(settings.data_dir / "taxonomy.toml")
    knowledge = _knowledge(platform, settings, taxonomy)
    open_reports = OpenReports(db["open_reports"])
    lessons = Lessons(db["lessons"], db["models"])
    handler = RoutingHandler(
        knowledge=knowledge,
        cases=Cases(db["cases"]),
        open_reports=open_reports,
        lessons=lessons,
        producer=clients.producer,
        tuning=_tuning(settings),
    )
    admin = AIOKafkaAdminClient(
        bootstrap_servers=platform.kafka_bootstrap_servers, client_id=f"{NAME}-admin"
    )
    access = AgencyAccess(
        admin,
        settings.agency_topic_partitions,
        platform.topic_replication_factor,
        platform.topic_min_insync_replicas,
    )
    log = DirectoryLog(platform.kafka_bootstrap_servers, clients.producer, knowledge, access)
    app = stream_app(platform.kafka_bootstrap_servers, settings.stream_state_dir)
    attach_router(app, clients.producer, handler)
    key = platform.jwt_signing_key.get_secret_value() if platform.jwt_signing_key else None
    return ServiceRuntime(
        name=NAME,
        endpoints=settings,
        http=routing_http(routing_api(knowledge, log, taxonomy, key)),
        readiness=clients.readiness,
        grpc_services=[registration(knowledge, taxonomy)],
        loops=[log.run],
        on_start=[
            clients.start,
            admin.start,
            open_reports.load,
            handler.retrain,
            log.start,
            app.start,
        ],
        on_stop=[clients.stop, admin.close, _nothing, _nothing, log.stop, app.stop],
    )


async def run() -> None:
    platform = PlatformSettings()
    configure_logging(NAME, platform.log_level)
    await serve(bootstrap(platform, RoutingSettings()))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
