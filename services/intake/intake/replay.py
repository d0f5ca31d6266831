"""Rebuilds intake's read models (``reports``, ``events``) from the log into another database.

    python -m intake.replay --database NAME [--since ISO] [--until ISO] [--fresh]

Events go through ``intake.projection.project`` only: a replay never carries out effects and
never touches the reporters' key store, so it needs no identity key.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from pymongo.asynchronous.database import AsyncDatabase

from intake.projection import project
from intake.settings import IntakeSettings
from intake.store import EventCopy, ReportStore
from lapor_common.envelope import decode_event
from lapor_common.kafka_io import Handler, SourceRecord
from lapor_common.mongo import Document
from lapor_common.replay_cli import replay_command, through_handler


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


app = replay_command("intake", lambda: LiveDatabase().database, through_handler(read_models_in))

if __name__ == "__main__":
    app()
