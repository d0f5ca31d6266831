"""Rebuilds analytics' read model (``report_facts``) from the log into another database.

    python -m analytics.replay --database NAME [--since ISO] [--until ISO] [--fresh]

Events go through ``analytics.projections.report_facts``, the handler the live consumer uses.
"""

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pymongo.asynchronous.database import AsyncDatabase

from analytics.projections import report_facts
from analytics.settings import AnalyticsSettings
from lapor_common.kafka_io import Handler
from lapor_common.logs import configure_logging
from lapor_common.mongo import Document
from lapor_common.replay import moment, replay_into
from lapor_common.settings import PlatformSettings

Moment = Annotated[
    datetime | None,
    typer.Option(parser=moment, metavar="ISO", help="ISO 8601 time; without a zone, UTC."),
]
app = typer.Typer(add_completion=False)


async def report_facts_in(database: AsyncDatabase[Document]) -> Handler:
    return report_facts(database["report_facts"])


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
    configure_logging("analytics-replay", platform.log_level)
    if database == AnalyticsSettings().database:
        raise typer.BadParameter("that is analytics' live database", param_hint="--database")
    result = asyncio.run(
        replay_into(platform, database, report_facts_in, fresh=fresh, since=since, until=until)
    )
    if end_offsets is not None:
        result.save_end_offsets(end_offsets)
    typer.echo(f"analytics: {result.summary()}")


if __name__ == "__main__":
    app()
