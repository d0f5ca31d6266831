"""Analytics' read models in MongoDB: the ``Models`` the live projections write through."""

from pymongo.asynchronous.database import AsyncDatabase

from lapor_common.mongo import Document
from lapor_common.replay import CANONICAL


class MongoModels:
    """Documents by collection and ``_id``, read back with UTC-aware times. Each document has
    one writer (its partition's consumer), so a read then a write by ``_id`` is safe."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._database = database

    async def load(self, collection: str, key: str) -> Document | None:
        found = self._database.get_collection(collection, codec_options=CANONICAL)
        return await found.find_one({"_id": key})

    async def save(self, collection: str, document: Document) -> None:
        await self._database[collection].replace_one(
            {"_id": document["_id"]}, document, upsert=True
        )
