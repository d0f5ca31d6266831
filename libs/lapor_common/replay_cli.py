"""The data-team command every service's ``python -m <service>.replay`` is made of.

python -m <service>.replay --database NAME [--since ISO] [--until ISO] [--fresh]
                           [--end-offsets FILE]
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pymongo.asynchronous.database import AsyncDatabase

from lapor_common.kafka_io import Handler
from lapor_common.logs import configure_logging
from lapor_common.mongo import Document
from lapor_common.replay import ReplayResult, moment, replay_into
from lapor_common.settings import PlatformSettings

HandlerFor = Callable[[AsyncDatabase[Document]], Awaitable[Handler]]
# (platform, database, fresh, since, until) -> what the replay read.
Rebuild = Callable[
    [PlatformSettings, str, bool, datetime | None, datetime | None],
    Coroutine[Any, Any, ReplayResult],
]
Moment = Annotated[
    datetime | None,
    typer.Option(parser=moment, metavar="ISO", help="ISO 8601 time; without a zone, UTC."),
]


def through_handler(handler_for: HandlerFor) -> Rebuild:
    """A rebuild that runs ``handler_for``'s handler on each record, writing as it goes."""

    async def rebuild(
        platform: PlatformSettings,
        database: str,
        fresh: bool,
        since: datetime | None,
        until: datetime | None,
    ) -> ReplayResult:
        return await replay_into(
            platform, database, handler_for, fresh=fresh, since=since, until=until
        )

    return rebuild


def replay_command(service: str, live_database: Callable[[], str], rebuild: Rebuild) -> typer.Typer:
    """A command that folds the log into a named database with ``rebuild``, refusing the
    service's live database."""
    app = typer.Typer(add_completion=False)

    @app.command()
    def main(
        database: Annotated[str, typer.Option(help="Database to fold the log into.")],
        since: Moment = None,
        until: Moment = None,
        fresh: Annotated[bool, typer.Option(help="Drop the database first.")] = False,
        end_offsets: Annotated[
            Path | None, typer.Option(help="Write where the replay stopped (JSON) to this file.")
        ] = None,
    ) -> None:
        """Fold lapor.report-events, from offset 0 or --since up to its end or --until."""
        platform = PlatformSettings()
        configure_logging(f"{service}-replay", platform.log_level)
        if database == live_database():
            raise typer.BadParameter(f"that is {service}'s live database", param_hint="--database")
        result = asyncio.run(rebuild(platform, database, fresh, since, until))
        if end_offsets is not None:
            result.save_end_offsets(end_offsets)
        typer.echo(f"{service}: {result.summary()}")

    return app
