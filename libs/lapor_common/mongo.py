"""MongoDB-wire access through PyMongo's async API (AsyncMongoClient), never motor."""

from collections.abc import Callable
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
    Each document has a single writer (the consumer of its report's partition), so reading
    the stored sequence and then writing by ``_id`` alone is safe; and ``{_id: ...}`` is the
    only filter the MongoDB-wire server we run here (FerretDB on SQLite) hands to its storage
    instead of reading the whole collection.
    """
    stored = await collection.find_one({"_id": document["_id"]}, {"sequence": 1})
    if stored is None:
        try:
            await collection.insert_one(document)
        except DuplicateKeyError:
            await save_if_newer(collection, document)
    elif stored["sequence"] < document["sequence"]:
        await collection.replace_one({"_id": document["_id"]}, document)


async def apply_next(
    collection: AsyncCollection[Document],
    key: str,
    sequence: int,
    fold: Callable[[Document | None], Document],
) -> bool:
    """Fold event ``sequence`` into the document ``key`` if it is the next one it needs.

    Redelivered and replayed events change nothing. The document's single writer reads it
    once, then writes it by ``_id`` alone (see ``save_if_newer``).
    """
    stored = await collection.find_one({"_id": key})
    previous = stored["sequence"] if stored else 0
    if previous + 1 != sequence:
        return False
    document = fold(stored)
    if stored is None:
        await collection.insert_one(document)
    else:
        await collection.replace_one({"_id": key}, document)
    return True
