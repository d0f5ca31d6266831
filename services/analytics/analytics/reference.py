"""Names and classifications statistics show next to codes: categories and their national
programmes and agency names, asked of routing over gRPC (lapor.routing.v1.RoutingService)
and remembered for a while; region names from the Kemendagri reference data."""

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

from lapor.routing.v1 import routing_service_pb2 as pb
from lapor.routing.v1 import routing_service_pb2_grpc as pb_grpc
from lapor_common.regions import region_names

log = logging.getLogger(__name__)
_KEEP_S = 600.0
_TIMEOUT_S = 5.0
_PARALLEL = 16


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    programme: str


class Reference:
    """Labels for codes. When routing cannot be reached, codes stand for themselves and
    programmes are unknown until it answers again."""

    def __init__(self, routing_target: str, regions_dir: Path) -> None:
        self._channel = grpc.aio.insecure_channel(routing_target)
        self._routing = pb_grpc.RoutingServiceStub(self._channel)
        self._regions = region_names(regions_dir, ("provinces", "regencies"))
        self._categories: tuple[float, dict[str, Category]] = (0.0, {})
        self._agencies: dict[str, tuple[float, str]] = {}
        self._limit = asyncio.Semaphore(_PARALLEL)

    async def categories(self) -> dict[str, Category]:
        known_at, known = self._categories
        if known and time.monotonic() - known_at < _KEEP_S:
            return known
        try:
            answer = await self._routing.ListCategories(
                pb.ListCategoriesRequest(), timeout=_TIMEOUT_S
            )
        except grpc.aio.AioRpcError as exc:
            log.warning("routing did not list its categories: %s", exc.code().name)
            return known
        fresh = {c.code: Category(c.code, c.name, c.programme) for c in answer.categories}
        self._categories = (time.monotonic(), fresh)
        return fresh

    async def programme_of(self) -> dict[str, str]:
        return {code: c.programme for code, c in (await self.categories()).items()}

    async def category_name(self, code: str) -> str:
        category = (await self.categories()).get(code)
        return category.name if category else code

    def region_name(self, code: str) -> str:
        return self._regions.get(code, code)

    async def agency_names(self, codes: list[str]) -> dict[str, str]:
        return dict(zip(codes, await asyncio.gather(*map(self._agency_name, codes)), strict=True))

    async def _agency_name(self, code: str) -> str:
        known = self._agencies.get(code)
        if known and time.monotonic() - known[0] < _KEEP_S:
            return known[1]
        try:
            async with self._limit:
                answer = await self._routing.GetAgency(
                    pb.GetAgencyRequest(code=code), timeout=_TIMEOUT_S
                )
        except grpc.aio.AioRpcError as exc:
            if exc.code() is not grpc.StatusCode.NOT_FOUND:
                return known[1] if known else code
            name = code
        else:
            name = answer.agency.name or code
        self._agencies[code] = (time.monotonic(), name)
        return name

    async def close(self) -> None:
        await self._channel.close()
