"""An integration key's agency must be in routing's directory and not merged into another."""

import pytest

from intake.agencies import issuable_agency
from intake.domain.model import Invalid
from intake.handlers import Unavailable
from lapor.routing.v1.routing_service_pb2 import Agency
from lapor_common.routing_reference import RoutingUnavailable


class Directory:
    def __init__(self, agencies: dict[str, Agency], reachable: bool = True) -> None:
        self.agencies, self.reachable = agencies, reachable

    async def agency(self, code: str) -> Agency | None:
        if not self.reachable:
            raise RoutingUnavailable("routing did not answer: UNAVAILABLE")
        return self.agencies.get(code)


DIRECTORY = {
    "pemkab-3204": Agency(code="pemkab-3204", name="Pemerintah Kabupaten Bandung"),
    "dinas-lama": Agency(code="dinas-lama", name="Dinas Lama", merged_into="dinas-baru"),
}


async def test_a_known_agency_gives_its_name() -> None:
    name_of = issuable_agency(Directory(DIRECTORY))
    assert await name_of("pemkab-3204") == "Pemerintah Kabupaten Bandung"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("pemkab-9999", "agency_code 'pemkab-9999' is not in the agency directory"),
        ("dinas-lama", "agency 'dinas-lama' was merged into 'dinas-baru'"),
    ],
)
async def test_an_unknown_or_merged_agency_is_refused(code: str, problem: str) -> None:
    with pytest.raises(Invalid) as refused:
        await issuable_agency(Directory(DIRECTORY))(code)
    assert refused.value.problems == [problem]


async def test_routing_not_answering_is_unavailable_not_invalid() -> None:
    with pytest.raises(Unavailable, match="does not answer"):
        await issuable_agency(Directory(DIRECTORY, reachable=False))("pemkab-3204")
