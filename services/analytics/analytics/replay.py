"""Rebuilds analytics' read models from the log into another database.

    python -m analytics.replay --database NAME [--since ISO] [--until ISO] [--fresh]
                               [--end-offsets FILE]

The records go through the handlers the live consumers run (``analytics.readmodels``), over
documents kept in memory; the documents are written once at the end, in ``_id`` order. It
reads lapor.report-events (the window applies to it), then the whole of
lapor.directory-events and lapor.analytics-events; another topic of report events (a sandbox)
is read alone.
"""

from datetime import datetime

import typer

from analytics.readmodels import InMemory, directory_handler, report_handler, spikes_handler
from analytics.settings import AnalyticsSettings
from lapor_common.mongo import Document, mongo_client
from lapor_common.replay import ReplayResult, replay
from lapor_common.replay_cli import replay_command
from lapor_common.settings import PlatformSettings
from lapor_common.topics import ANALYTICS_EVENTS, DIRECTORY_EVENTS, REPORT_EVENTS

_CHUNK = 1000


async def fold_log(
    bootstrap_servers: str,
    *,
    topic: str = REPORT_EVENTS,
    since: datetime | None = None,
    until: datetime | None = None,
    show_progress: bool = True,
) -> tuple[InMemory, ReplayResult]:
    """Every read model folded in memory from the log; the result is the report events'.

    The directory and the analytics events are read whole, and only with the platform's own
    report events: a sandbox topic has no companions."""
    models = InMemory()
    result = await replay(
        bootstrap_servers,
        report_handler(models),
        topic=topic,
        since=since,
        until=until,
        show_progress=show_progress,
    )
    if topic != REPORT_EVENTS:
        return models, result
    for other, handler in (
        (DIRECTORY_EVENTS, directory_handler(models)),
        (ANALYTICS_EVENTS, spikes_handler(models)),
    ):
        await replay(bootstrap_servers, handler, topic=other, show_progress=show_progress)
    return models, result


async def write_documents(
    platform: PlatformSettings, database: str, documents: dict[str, list[Document]], fresh: bool
) -> None:
    """Write the documents into ``database``, whose collections must not exist (or ``fresh``:
    the database is dropped first)."""
    client = mongo_client(platform.mongo_uri, "lapor-replay")
    try:
        if fresh:
            await client.drop_database(database)
        target = client[database]
        existing = set(await target.list_collection_names()) & set(documents)
        if existing:
            raise typer.BadParameter(
                f"{database} already has {', '.join(sorted(existing))}; use --fresh",
                param_hint="--database",
            )
        for name, batch in documents.items():
            for start in range(0, len(batch), _CHUNK):
                await target[name].insert_many(batch[start : start + _CHUNK])
    finally:
        await client.close()


async def rebuild(
    platform: PlatformSettings,
    database: str,
    fresh: bool,
    since: datetime | None,
    until: datetime | None,
) -> ReplayResult:
    """Fold the log in memory, then write the documents into ``database``."""
    models, result = await fold_log(platform.kafka_bootstrap_servers, since=since, until=until)
    await write_documents(platform, database, models.documents(), fresh)
    return result


app = replay_command("analytics", lambda: AnalyticsSettings().database, rebuild)

if __name__ == "__main__":
    app()
