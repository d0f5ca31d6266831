"""Names and classifications statistics show next to codes: categories and their national
programmes and agency names, asked of routing (``lapor_common.routing_reference``); region
names from the Kemendagri reference data."""

from pathlib import Path

from lapor_common.regions import region_names
from lapor_common.routing_reference import RoutingReference


class Reference:
    """Labels for codes. When routing cannot be reached, codes stand for themselves and
    programmes are unknown until it answers again."""

    def __init__(self, routing_target: str, regions_dir: Path) -> None:
        self._routing = RoutingReference(routing_target)
        self._regions = region_names(regions_dir, ("provinces", "regencies"))

    async def programme_of(self) -> dict[str, str]:
        return {code: c.programme for code, c in (await self._routing.categories()).items()}

    async def category_name(self, code: str) -> str:
        category = (await self._routing.categories()).get(code)
        return category.name if category else code

    def region_name(self, code: str) -> str:
        return self._regions.get(code, code)

    async def agency_names(self, codes: list[str]) -> dict[str, str]:
        return await self._routing.agency_names(codes)

    async def close(self) -> None:
        await self._routing.close()
