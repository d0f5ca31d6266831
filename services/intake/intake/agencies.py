"""The agency directory, asked of routing over gRPC (lapor.routing.v1.RoutingService/GetAgency):
an integration key is issued only for an agency the directory has."""

import grpc

from intake.domain.model import Invalid
from intake.handlers import Unavailable
from lapor.routing.v1 import routing_service_pb2 as pb
from lapor.routing.v1 import routing_service_pb2_grpc as pb_grpc

_TIMEOUT_S = 10.0


class RoutingAgencies:
    def __init__(self, target: str) -> None:
        self._channel = grpc.aio.insecure_channel(target)
        self._routing = pb_grpc.RoutingServiceStub(self._channel)

    async def name_of(self, code: str) -> str:
        """The agency's name; Invalid when the directory has no such agency (or it was merged),
        Unavailable when routing does not answer."""
        try:
            answer = await self._routing.GetAgency(
                pb.GetAgencyRequest(code=code), timeout=_TIMEOUT_S
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() is grpc.StatusCode.NOT_FOUND:
                raise Invalid([f"agency_code {code!r} is not in the agency directory"]) from exc
            raise Unavailable(f"the agency directory does not answer: {exc.details()}") from exc
        if answer.agency.merged_into:
            raise Invalid([f"agency {code!r} was merged into {answer.agency.merged_into!r}"])
        return answer.agency.name

    async def close(self) -> None:
        await self._channel.close()
