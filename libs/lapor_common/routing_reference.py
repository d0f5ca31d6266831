"""Routing's reference data asked over gRPC (lapor.routing.v1.RoutingService) and remembered
for a while: the category taxonomy and agencies. Used by intake (Open311 services,
jurisdictions, integration keys' agencies) and analytics (labels for statistics)."""

import asyncio
import logging
import time
from dataclasses import dataclass

import grpc

from lapor.routing.v1 import routing_service_pb2 as pb
from lapor.routing.v1 import routing_service_pb2_grpc as pb_grpc

log = logging.getLogger(__name__)
_TIMEOUT_S = 5.0
_PARALLEL = 16


class RoutingUnavailable(Exception):
    """Routing did not answer, and nothing remembered can stand in for its answer."""


@dataclass(frozen=True)
class Category:
    code: str  # "<group>.<category>", e.g. "infrastruktur.jalan"
    name: str  # Bahasa Indonesia
    name_en: str
    group_code: str
    group_name: str
    group_name_en: str
    programme: str  # the national programme its rule tags, or ""


class RoutingReference:
    """The taxonomy and agency names, each kept ``keep_seconds`` after routing answered."""

    def __init__(self, routing_target: str, keep_seconds: float = 600.0) -> None:
        self._channel = grpc.aio.insecure_channel(routing_target)
        self._routing = pb_grpc.RoutingServiceStub(self._channel)
        self._keep_s = keep_seconds
        self._categories: tuple[float, dict[str, Category]] = (0.0, {})
        self._agencies: dict[str, tuple[float, pb.Agency | None]] = {}
        self._limit = asyncio.Semaphore(_PARALLEL)

    def _fresh(self, known_at: float) -> bool:
        return time.monotonic() - known_at < self._keep_s

    async def categories(self) -> dict[str, Category]:
        """Every category by code; when routing cannot be reached, the last answer (or none)."""
        known_at, known = self._categories
        if known and self._fresh(known_at):
            return known
        try:
            answer = await self._routing.ListCategories(
                pb.ListCategoriesRequest(), timeout=_TIMEOUT_S
            )
        except grpc.aio.AioRpcError as exc:
            log.warning("routing did not list its categories: %s", exc.code().name)
            return known
        fresh = {
            c.code: Category(
                c.code, c.name, c.name_en, c.group_code, c.group_name, c.group_name_en, c.programme
            )
            for c in answer.categories
        }
        self._categories = (time.monotonic(), fresh)
        return fresh

    async def agency(self, code: str) -> pb.Agency | None:
        """The directory's agency, None when it has no such agency; raises RoutingUnavailable
        when routing cannot be reached and the code was never seen."""
        known = self._agencies.get(code)
        if known and self._fresh(known[0]):
            return known[1]
        try:
            async with self._limit:
                answer = await self._routing.GetAgency(
                    pb.GetAgencyRequest(code=code), timeout=_TIMEOUT_S
                )
        except grpc.aio.AioRpcError as exc:
            if exc.code() is not grpc.StatusCode.NOT_FOUND:
                if known:
                    return known[1]
                raise RoutingUnavailable(f"routing did not answer: {exc.code().name}") from exc
            agency = None
        else:
            agency = answer.agency
        self._agencies[code] = (time.monotonic(), agency)
        return agency

    async def agency_name(self, code: str) -> str | None:
        """The agency's name (its code when it has none), None when the directory has no such
        agency; raises RoutingUnavailable as ``agency`` does."""
        agency = await self.agency(code)
        return None if agency is None else agency.name or code

    async def agency_names(self, codes: list[str]) -> dict[str, str]:
        """Names for codes; a code routing does not know, or cannot name now, stands for itself."""
        return dict(zip(codes, await asyncio.gather(*map(self._label, codes)), strict=True))

    async def _label(self, code: str) -> str:
        try:
            return await self.agency_name(code) or code
        except RoutingUnavailable:
            return code

    async def close(self) -> None:
        await self._channel.close()
