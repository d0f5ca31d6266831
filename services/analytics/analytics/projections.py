"""Analytics' read models in MongoDB: the ``Models`` the live projections write through."""

from pymongo.asynchronous.database import AsyncDatabase

from analytics.readmodels import FACTS
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


Key = tuple[str, str]


class BatchedModels:
    """A consumer's documents over one batch of records: read once, written once, at the end.

    A burst touches the same day documents and reports many times over; here each is read
    the first time it is needed and written once, by ``flush``, which the consumer runs
    after the batch and before it commits. The day documents are written before the facts:
    whatever part of a flush a crash cuts off, the redelivered batch repairs (see
    ``analytics.readmodels.fold_report_event``)."""

    def __init__(self, store: MongoModels) -> None:
        self._store = store
        self._read: dict[Key, Document | None] = {}
        self._written: dict[Key, Document] = {}

    async def load(self, collection: str, key: str) -> Document | None:
        where = (collection, key)
        if where in self._written:
            return self._written[where]
        if where not in self._read:
            self._read[where] = await self._store.load(collection, key)
        return self._read[where]

    async def save(self, collection: str, document: Document) -> None:
        self._written[(collection, document["_id"])] = document

    async def flush(self) -> None:
        facts_last = sorted(self._written, key=lambda where: where[0] == FACTS)
        for collection, key in facts_last:
            await self._store.save(collection, self._written[(collection, key)])
            del self._written[(collection, key)]
        self._read.clear()
