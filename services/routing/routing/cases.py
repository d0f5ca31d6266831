"""Routing's memory of each report (region, category, agencies that declined), in MongoDB."""

from pymongo.asynchronous.collection import AsyncCollection

from lapor_common.mongo import Document, save_if_newer
from routing.domain import Case


class Cases:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._cases = collection

    async def get(self, report_id: str) -> Case | None:
        document = await self._cases.find_one({"_id": report_id})
        if document is None:
            return None
        return Case(
            report_id=report_id,
            region_code=document["region_code"],
            category_code=document["category_code"],
            declined=tuple(document["declined"]),
        )

    async def save(self, case: Case, sequence: int) -> None:
        """Remember the case as of the report's event ``sequence`` (redelivery is a no-op)."""
        await save_if_newer(
            self._cases,
            {
                "_id": case.report_id,
                "sequence": sequence,
                "region_code": case.region_code,
                "category_code": case.category_code,
                "declined": list(case.declined),
            },
        )
