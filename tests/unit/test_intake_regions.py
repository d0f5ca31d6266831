"""The region picker: the index of Kemendagri regions (pure, and over the real reference data)
and its API (httpx over ASGI): children by name, a region's path, 404, 422 and caching."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from intake.api import build_app
from intake.domain.model import Invalid, NotFound
from intake.domain.regions import Region, RegionIndex
from intake.regions import region_types
from intake.regions_api import CACHE_CONTROL, regions_router
from lapor_common.regions import region_names
from tests.unit.api_client import MAX_BODY
from tests.unit.reports import Harness

REAL_REGIONS = Path(__file__).resolve().parents[2].parent / "shared/data/regions"
NAMES = {
    "32": "Jawa Barat",
    "11": "Aceh",
    "32.73": "Kota Bandung",
    "32.04": "Kabupaten Bandung",
    "32.04.05": "Soreang",
    "32.04.02": "Cileunyi",
    "32.04.05.2001": "Soreang",
    "32.04.05.1002": "Pamekaran",
}
TYPES = {
    "32.73": "kota",
    "32.04": "kabupaten",
    "32.04.05.2001": "desa",
    "32.04.05.1002": "kelurahan",
}
INDEX = RegionIndex(NAMES, TYPES)


def codes(regions: tuple[Region, ...] | list[Region]) -> list[str]:
    return [region.code for region in regions]


def test_the_top_level_is_the_provinces_by_name() -> None:
    assert codes(INDEX.children("")) == ["11", "32"]


def test_a_regions_children_are_those_directly_in_it_by_name() -> None:
    assert codes(INDEX.children("32")) == ["32.04", "32.73"]
    assert codes(INDEX.children("32.04")) == ["32.04.02", "32.04.05"]
    assert codes(INDEX.children("32.04.05")) == ["32.04.05.1002", "32.04.05.2001"]
    assert INDEX.children("32.04.05.2001") == ()


def test_a_path_runs_from_the_province_down_to_the_region() -> None:
    assert codes(INDEX.path("32.04.05.2001")) == ["32", "32.04", "32.04.05", "32.04.05.2001"]
    assert INDEX.path("32")[0] == Region("32", "Jawa Barat")
    assert INDEX.path("32.04.05.2001")[-1].json() == {
        "code": "32.04.05.2001",
        "name": "Soreang",
        "type": "desa",
    }


@pytest.mark.parametrize("code", ["3", "32.4", "32.04.05.201", "32-04", "x", "32.04.", ""])
def test_a_malformed_code_is_invalid(code: str) -> None:
    with pytest.raises(Invalid):
        INDEX.path(code)


def test_an_unknown_code_is_not_found() -> None:
    with pytest.raises(NotFound):
        INDEX.children("32.99")
    with pytest.raises(NotFound):
        INDEX.path("99")


def test_the_real_reference_data_makes_one_tree() -> None:
    index = RegionIndex(region_names(REAL_REGIONS), region_types(REAL_REGIONS))
    assert len(index.children("")) == 38
    districts = index.children("32.04")
    assert "Soreang" in [region.name for region in districts]
    assert {region.type for region in index.children("32")} == {"kabupaten", "kota"}
    villages = index.children(districts[0].code)
    assert {region.type for region in villages} <= {"desa", "kelurahan"}
    assert [step.name for step in index.path("32.04.05")] == [
        "Jawa Barat",
        "Kabupaten Bandung",
        "Cileunyi",
    ]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    fx = Harness()
    app = build_app(
        fx.writer, fx.reader, fx.store, None, MAX_BODY, channels=[regions_router(INDEX)]
    )
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as started:
        yield started


async def test_the_api_lists_provinces_and_children(client: httpx.AsyncClient) -> None:
    top = await client.get("/api/v1/regions")
    assert top.json() == {
        "parent": None,
        "regions": [{"code": "11", "name": "Aceh"}, {"code": "32", "name": "Jawa Barat"}],
    }
    assert top.headers["cache-control"] == CACHE_CONTROL
    regency = (await client.get("/api/v1/regions", params={"parent": "32"})).json()
    assert regency["parent"] == {"code": "32", "name": "Jawa Barat"}
    assert regency["regions"][0] == {
        "code": "32.04",
        "name": "Kabupaten Bandung",
        "type": "kabupaten",
    }


async def test_the_api_names_a_regions_path(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/regions/32.04.05")
    assert response.json() == {
        "code": "32.04.05",
        "name": "Soreang",
        "path": [
            {"code": "32", "name": "Jawa Barat"},
            {"code": "32.04", "name": "Kabupaten Bandung", "type": "kabupaten"},
            {"code": "32.04.05", "name": "Soreang"},
        ],
    }
    assert response.headers["cache-control"] == CACHE_CONTROL


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/regions?parent=32.99", 404),
        ("/api/v1/regions/32.99", 404),
        ("/api/v1/regions?parent=32.4", 422),
        ("/api/v1/regions/bandung", 422),
    ],
)
async def test_the_api_refuses_unknown_and_malformed_codes(
    client: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await client.get(path)
    assert response.status_code == status
    assert response.json()["detail"]
