"""The directory's escalation chain of an agency, asked of routing over gRPC
(lapor.routing.v1.RoutingService/GetAgency) and remembered for an hour."""

import time
from collections.abc import Awaitable, Callable

import grpc

from escalation.domain.timers import Rung
from lapor.routing.v1 import routing_service_pb2 as pb
from lapor.routing.v1 import routing_service_pb2_grpc as pb_grpc

ChainLookup = Callable[[str, str], Awaitable[list[Rung]]]
_KEEP_S = 3600.0


class RoutingChains:
    def __init__(self, target: str) -> None:
        self._channel = grpc.aio.insecure_channel(target)
        self._routing = pb_grpc.RoutingServiceStub(self._channel)
        self._known: dict[tuple[str, str], tuple[float, list[Rung]]] = {}

    async def __call__(self, agency_code: str, category_code: str) -> list[Rung]:
        key = (agency_code, category_code)
        known = self._known.get(key)
        if known and time.monotonic() - known[0] < _KEEP_S:
            return known[1]
        chain = await self._ask(agency_code, category_code)
        self._known[key] = (time.monotonic(), chain)
        return chain

    async def _ask(self, agency_code: str, category_code: str) -> list[Rung]:
        """The chain; without the category's ministry when routing does not know the category;
        empty for an agency the directory does not have (the miss is still recorded)."""
        request = pb.GetAgencyRequest(code=agency_code, category_code=category_code)
        try:
            answer = await self._routing.GetAgency(request, timeout=10)
        except grpc.aio.AioRpcError as exc:
            if exc.code() is grpc.StatusCode.NOT_FOUND:
                return []
            if exc.code() is not grpc.StatusCode.INVALID_ARGUMENT or not category_code:
                raise
            return await self._ask(agency_code, "")
        return [Rung(a.code, a.name) for a in answer.escalation_chain]

    async def close(self) -> None:
        await self._channel.close()
