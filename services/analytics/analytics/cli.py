"""lapor-data: the data teams' command line (also ``python -m analytics.cli``).

    lapor-data replay --database NAME [--model analytics|PATH.py] [--since] [--until] [--fresh]
    lapor-data export events|reports|collection ... --format parquet|csv|jsonl --out FILE
    lapor-data consume [--from-offset N [--partition P] | --from-time ISO] [--limit N] [--follow]
    lapor-data open-data --out DIR [--date YYYY-MM-DD]

It reads the shared ``LAPOR_*`` settings (Kafka, MongoDB). Progress bars go to stderr; the
``consume`` command's events go to stdout as JSON lines. services/analytics/README.md has an
example of each command.
"""

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pymongo.asynchronous.database import AsyncDatabase
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from analytics.analyst_events import json_line
from analytics.analyst_models import load_model
from analytics.exports import export_collection, export_reports, submitted_between
from analytics.log_reading import Start, Window, consume, export_events, fold_analyst_model
from analytics.opendata_files import export_open_data
from analytics.publishing import prune
from analytics.readmodels import FACTS
from analytics.replay import fold_log, write_documents
from analytics.settings import AnalyticsSettings
from lapor_common.logs import configure_logging
from lapor_common.mongo import Document, mongo_client
from lapor_common.replay import ReplayResult
from lapor_common.replay_cli import Moment
from lapor_common.settings import PlatformSettings
from lapor_common.topics import REPORT_EVENTS
from lapor_common.zones import WIB

T = TypeVar("T")


class FileFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


Topic = Annotated[str, typer.Option(help="Topic of report events to read.")]
Out = Annotated[Path, typer.Option(help="File to write (replaced whole, once complete).")]
Format = Annotated[FileFormat, typer.Option("--format", help="File format.")]
Database = Annotated[
    str | None, typer.Option(help="Database to read [default: analytics' (ANALYTICS_DATABASE)].")
]

app = typer.Typer(add_completion=False, help="LAPOR! data tools: replays, exports, open data.")
export_app = typer.Typer(help="Export events, report snapshots or a read model into a file.")
app.add_typer(export_app, name="export")


def _platform() -> PlatformSettings:
    platform = PlatformSettings()
    configure_logging("lapor-data", platform.log_level)
    return platform


@contextlib.contextmanager
def _bar(description: str) -> Iterator[Callable[[int], None]]:
    """Rows done so far and the time taken. No total: counting a collection on the
    MongoDB-wire server we run takes as long as reading it."""
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} rows"))
    with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task(description, total=None)
        yield lambda n: progress.advance(task, n)


async def _in_database(
    platform: PlatformSettings, name: str, work: Callable[[AsyncDatabase[Document]], Awaitable[T]]
) -> T:
    client = mongo_client(platform.mongo_uri, "lapor-data")
    try:
        return await work(client[name])
    finally:
        await client.close()


def _refuse_existing(platform: PlatformSettings, database: str, collection: str) -> None:
    """Refuse at once what ``write_documents`` would refuse after the whole fold."""

    async def names(db: AsyncDatabase[Document]) -> list[str]:
        return await db.list_collection_names()

    if collection in asyncio.run(_in_database(platform, database, names)):
        raise typer.BadParameter(
            f"{database} already has {collection}; use --fresh", param_hint="--database"
        )


def _summary(result: ReplayResult) -> str:
    return (
        f"{result.records} records ({result.undecodable} undecodable, {result.failed} failed) "
        f"in {result.seconds:.1f} s: {result.per_second:.0f} events/s"
    )


@app.command()
def replay(
    *,
    database: Annotated[str, typer.Option(help="Database to write the read model into.")],
    model: Annotated[
        str, typer.Option(help="'analytics' (the built-in read models) or an analyst's PATH.py.")
    ] = "analytics",
    since: Moment = None,
    until: Moment = None,
    fresh: Annotated[bool, typer.Option(help="Drop the database first.")] = False,
    topic: Topic = REPORT_EVENTS,
) -> None:
    """Fold the log (or a time window of it) through a read model into DATABASE."""
    platform = _platform()
    if database == AnalyticsSettings().database:
        raise typer.BadParameter("that is analytics' live database", param_hint="--database")
    servers = platform.kafka_bootstrap_servers
    if model == "analytics":
        if not fresh:
            _refuse_existing(platform, database, FACTS)
        models, result = asyncio.run(fold_log(servers, topic=topic, since=since, until=until))
        documents = models.documents()
    else:
        try:
            analyst = load_model(Path(model))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--model") from exc
        if not fresh:
            _refuse_existing(platform, database, analyst.collection)
        window = Window(servers, topic, since, until)
        folding, result = asyncio.run(fold_analyst_model(window, analyst))
        documents = {analyst.collection: folding.documents()}
    asyncio.run(write_documents(platform, database, documents, fresh))
    typer.echo(f"replay: {_summary(result)}")
    for name, written in documents.items():
        typer.echo(f"replay: {len(written)} documents in {database}.{name}")


@export_app.command("events")
def export_events_command(
    out: Out,
    file_format: Format = FileFormat.parquet,
    since: Moment = None,
    until: Moment = None,
    topic: Topic = REPORT_EVENTS,
) -> None:
    """The window's events, without personal data or free text (payload as JSON text)."""
    platform = _platform()
    window = Window(platform.kafka_bootstrap_servers, topic, since, until)
    exported, result = asyncio.run(export_events(window, out, file_format.value))
    typer.echo(f"export: {_summary(result)}")
    typer.echo(f"export: {exported.summary()} into {out}")


@export_app.command("reports")
def export_reports_command(
    out: Out,
    file_format: Format = FileFormat.parquet,
    since: Moment = None,
    until: Moment = None,
    database: Database = None,
) -> None:
    """Snapshots (report_facts) of the reports submitted in the window, confidential ones
    included and marked; never text or the reporter."""
    platform = _platform()
    query = submitted_between(since, until)

    async def work(db: AsyncDatabase[Document]) -> str:
        with _bar("exporting report snapshots") as advance:
            return (await export_reports(db, out, file_format.value, query, advance)).summary()

    name = database or AnalyticsSettings().database
    typer.echo(f"export: {asyncio.run(_in_database(platform, name, work))} into {out}")


@export_app.command("collection")
def export_collection_command(
    database: Annotated[str, typer.Option(help="Database of the read model.")],
    collection: Annotated[str, typer.Option(help="Collection to export.")],
    out: Out,
    file_format: Format = FileFormat.csv,
) -> None:
    """Every document of a read model (e.g. one an analyst replayed), one row each; nested
    values as JSON text."""
    platform = _platform()

    async def work(db: AsyncDatabase[Document]) -> str:
        with _bar(f"exporting {collection}") as advance:
            result = await export_collection(db, collection, out, file_format.value, advance)
            return result.summary()

    typer.echo(f"export: {asyncio.run(_in_database(platform, database, work))} into {out}")


@app.command("consume")
def consume_command(
    *,
    from_offset: Annotated[int | None, typer.Option(help="Start at this offset.")] = None,
    partition: Annotated[int | None, typer.Option(help="Read only this partition.")] = None,
    from_time: Moment = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many events.")] = None,
    follow: Annotated[bool, typer.Option(help="Go on reading as events come.")] = False,
    topic: Topic = REPORT_EVENTS,
) -> None:
    """Print events as JSON lines from the start, an offset or a time, to the end (or on)."""
    if from_offset is not None and from_time is not None:
        raise typer.BadParameter("give --from-offset or --from-time, not both")
    platform = _platform()
    start = Start(partition=partition, offset=from_offset, at=from_time)

    async def work() -> None:
        printed = 0
        events = consume(platform.kafka_bootstrap_servers, topic, start, follow=follow)
        async with contextlib.aclosing(events):
            async for event in events:
                sys.stdout.write(json_line(event) + "\n")
                printed += 1
                if printed == limit:
                    break
        sys.stdout.flush()

    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        asyncio.run(work())


def _yesterday() -> date:
    return datetime.now(WIB).date() - timedelta(days=1)


@app.command("open-data")
def open_data(
    out: Annotated[Path, typer.Option(help="Directory of the open-data files.")],
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Last day (WIB) [default: yesterday]."),
    ] = None,
    database: Database = None,
    keep: Annotated[
        int, typer.Option(min=0, help="Keep the files of this many newest days (0: all).")
    ] = 0,
) -> None:
    """Public reports (never confidential ones, never identities or text) submitted up to the
    end of the day, as CSV and Parquet, with schema.json (docs/open-data.md)."""
    platform = _platform()
    published = day.date() if day is not None else _yesterday()

    async def work(db: AsyncDatabase[Document]) -> str:
        with _bar(f"open data up to {published}") as advance:
            result = await export_open_data(db, out, published, advance)
        paths = ", ".join(str(p) for p in result.paths)
        pruned = await asyncio.to_thread(prune, out, keep) if keep else []
        gone = f"; removed the files of {', '.join(pruned)}" if pruned else ""
        return f"{result.rows} public reports in {result.seconds:.1f} s: {paths}{gone}"

    name = database or AnalyticsSettings().database
    typer.echo(f"open-data: {asyncio.run(_in_database(platform, name, work))}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
