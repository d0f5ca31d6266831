"""An integration key is issued only for an agency routing's directory has, and not for one
merged into another (lapor_common.routing_reference over RoutingService/GetAgency)."""

from collections.abc import Awaitable, Callable
from typing import Protocol

from intake.domain.model import Invalid
from intake.handlers import Unavailable
from lapor.routing.v1.routing_service_pb2 import Agency
from lapor_common.routing_reference import RoutingUnavailable


class Directory(Protocol):
    """``lapor_common.routing_reference.RoutingReference``."""

    async def agency(self, code: str) -> Agency | None: ...


def issuable_agency(reference: Directory) -> Callable[[str], Awaitable[str]]:
    async def name_of(code: str) -> str:
        """The agency's name; Invalid when the directory has no such agency (or it was merged),
        Unavailable when routing does not answer."""
        try:
            agency = await reference.agency(code)
        except RoutingUnavailable as exc:
            raise Unavailable(f"the agency directory does not answer: {exc}") from exc
        if agency is None:
            raise Invalid([f"agency_code {code!r} is not in the agency directory"])
        if agency.merged_into:
            raise Invalid([f"agency {code!r} was merged into {agency.merged_into!r}"])
        return agency.name or code

    return name_of
