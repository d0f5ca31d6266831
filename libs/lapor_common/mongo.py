"""MongoDB-wire access through PyMongo's async API (AsyncMongoClient), never motor."""

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

Document = dict[str, Any]


def mongo_client(uri: str, app_name: str) -> AsyncMongoClient[Document]:
    """A client that fails fast enough for readiness checks and waits for acknowledged writes."""
    return AsyncMongoClient(
        uri,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=5000,
        connectTimeoutMS=5000,
        w=1,
    )


async def ping(database: AsyncDatabase[Document]) -> None:
    await database.command("ping")


async def save_if_newer(collection: AsyncCollection[Document], document: Document) -> None:
    """Store a read-model document unless the stored one reflects as new a sequence or newer.

    Projections call this after folding the next event, so redelivery and replay are no-ops.
    """
    try:
        await collection.replace_one(
            {"_id": document["_id"], "sequence": {"$lt": document["sequence"]}},
            document,
            upsert=True,
        )
    except DuplicateKeyError:
        return
