"""A consumer's batch: each document read once and written once, day documents before facts."""

from analytics.projections import BatchedModels
from analytics.readmodels import FACTS
from lapor_common.mongo import Document


class Store:
    def __init__(self) -> None:
        self.documents: dict[tuple[str, str], Document] = {("daily_2026", "d"): {"_id": "d"}}
        self.reads: list[tuple[str, str]] = []
        self.writes: list[tuple[str, str]] = []

    async def load(self, collection: str, key: str) -> Document | None:
        self.reads.append((collection, key))
        return self.documents.get((collection, key))

    async def save(self, collection: str, document: Document) -> None:
        self.writes.append((collection, document["_id"]))
        self.documents[(collection, document["_id"])] = document


async def test_a_batch_reads_each_document_once_and_writes_it_once_facts_last() -> None:
    store = Store()
    batch = BatchedModels(store)  # type: ignore[arg-type]
    for sequence in (1, 2, 3):
        assert (await batch.load(FACTS, "R-1") or {}).get("sequence", 0) == sequence - 1
        await batch.save(FACTS, {"_id": "R-1", "sequence": sequence})
        await batch.save("daily_2026", {"_id": "d", "n": sequence})
    assert await batch.load("daily_2026", "d") == {"_id": "d", "n": 3}
    assert store.writes == []
    await batch.flush()
    assert store.reads == [(FACTS, "R-1")]
    assert store.writes == [("daily_2026", "d"), (FACTS, "R-1")]
    assert store.documents[(FACTS, "R-1")] == {"_id": "R-1", "sequence": 3}
    await batch.flush()
    assert len(store.writes) == 2
    assert await batch.load(FACTS, "R-1") == {"_id": "R-1", "sequence": 3}  # read afresh
