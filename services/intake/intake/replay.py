"""Rebuilds intake's read models (``reports``, ``events``) from the log into another database.

    python -m intake.replay --database NAME [--since ISO] [--until ISO] [--fresh]

Events go through ``intake.projection.project`` only: a replay never carries out effects and
never touches the reporters' key store, so it needs no identity key.
"""

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from pymongo.asynchronous.database import AsyncDatabase

from intake.projection import project
from intake.settings import IntakeSettings
from intake.store import EventCopy, ReportStore
from lapor_common.envelope import decode_event
from lapor_common.kafka_io import Handler, SourceRecord
from lapor_common.logs import configure_logging
from lapor_common.mongo import Document
from lapor_common.replay import moment, replay_into
from lapor_common.settings import PlatformSettings

Moment = Annotated[
    datetime | None,
    typer.Option(parser=moment, metavar="ISO", help="ISO 8601 time; without a zone, UTC."),
]
app = typer.Typer(add_completion=False)


class LiveDatabase(BaseSettings):
    """The one intake setting a replay reads (IntakeSettings would demand the identity key)."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    database: str = Field(
        IntakeSettings.model_fields["database"].default,
        description="Intake's live database, which a replay never writes to.",
    )


def read_models(store: ReportStore, copy: EventCopy) -> Handler:
    """The projection of intake's read models, and nothing else."""

    async def handle(record: SourceRecord) -> None:
        await project(store, copy, decode_event(record.value))

    return handle


async def read_models_in(database: AsyncDatabase[Document]) -> Handler:
    store, copy = ReportStore(database["reports"]), EventCopy(database["events"])
    await store.prepare()
    await copy.prepare()
    return read_models(store, copy)


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
    configure_logging("intake-replay", platform.log_level)
    if database == LiveDatabase().database:
        raise typer.BadParameter("that is intake's live database", param_hint="--database")
    result = asyncio.run(
        replay_into(platform, database, read_models_in, fresh=fresh, since=since, until=until)
    )
    if end_offsets is not None:
        result.save_end_offsets(end_offsets)
    typer.echo(f"intake: {result.summary()}")


if __name__ == "__main__":
    app()
