"""The public search of reports: its parameters made the public query (pure), the database
filter it becomes, excerpts, and GET /api/v1/reports over the fake store (httpx over ASGI)."""

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from intake.api import build_app
from intake.domain.model import Invalid, Status
from intake.domain.search import Search, excerpt, search_query
from intake.search_api import search_router
from intake.store import literal, public_filter
from tests.contract.test_report_store import ROUTED
from tests.unit.api_client import MAX_BODY
from tests.unit.fakes import FakeReportStore
from tests.unit.reports import Harness

SEARCH = "/api/v1/reports"
LONG_BODY = (
    "Jalan utama di depan pasar Soreang berlubang besar sejak dua minggu lalu, dan setiap "
    "hujan lubangnya tergenang sehingga tidak terlihat oleh pengendara. Kemarin dua motor "
    "jatuh di sana; warga sudah memasang tanda seadanya dari ranting pohon dan ban bekas."
)


def test_a_search_becomes_the_public_query_with_one_report_more() -> None:
    search = Search("  jalan   berlubang ", (Status.DIPROSES,), "infrastruktur.jalan", "32.04")
    query = search_query(replace(search, agency_code="pemkab-3204", limit=10, offset=30))
    assert (query.text, query.limit, query.offset) == ("jalan berlubang", 11, 30)
    assert query.service_codes == ("infrastruktur.jalan",)
    assert (query.statuses, query.region_code, query.agency_code) == (
        (Status.DIPROSES,),
        "32.04",
        "pemkab-3204",
    )
    assert (query.start, query.end) == (None, None)


@pytest.mark.parametrize(
    ("changes", "word"),
    [
        ({"text": "j"}, "q"),
        ({"text": "x" * 101}, "q"),
        ({"category_code": "Jalan Rusak"}, "category"),
        ({"region_code": "32.4"}, "region"),
        ({"region_code": "32.04.05.20"}, "region"),
        ({"agency_code": "Pemkab 3204"}, "agency"),
        ({"limit": 51}, "limit"),
        ({"offset": 1001}, "offset"),
    ],
)
def test_a_bad_parameter_is_invalid_with_its_reason(changes: dict[str, object], word: str) -> None:
    with pytest.raises(Invalid) as refused:
        search_query(replace(Search(), **changes))  # type: ignore[arg-type]
    assert refused.value.problems[0].startswith(word)


def test_every_problem_is_told_at_once() -> None:
    with pytest.raises(Invalid) as refused:
        search_query(Search(text="j", region_code="x", agency_code="A B"))
    assert len(refused.value.problems) == 3


def test_an_excerpt_ends_at_a_word_within_its_length() -> None:
    cut = excerpt(LONG_BODY)
    assert cut.endswith("…")
    assert len(cut) <= 201
    assert LONG_BODY.startswith(cut.removesuffix("…"))
    assert LONG_BODY[len(cut) - 1] in " ,;."
    assert excerpt("Lampu  jalan\nmati.") == "Lampu jalan mati."
    assert excerpt("x" * 300) == "x" * 200 + "…"


@pytest.mark.parametrize(
    ("text", "near_miss"),
    [
        ("a.b (c)?", "axb "),
        ("[Jl.] raya*", "J raya"),
        ("x|y", "y"),
        ("ber\\lubang", "berlubang"),
        ("rusak ya+", "rusak yaaa"),
        ("Rp 5.000+", "Rp 55000"),
    ],
)
def test_a_literal_pattern_matches_the_text_and_nothing_else(text: str, near_miss: str) -> None:
    pattern = re.compile(literal(text))
    assert pattern.search(f"di sini {text} juga")
    assert not pattern.search(f"di sini {near_miss} juga")


def test_the_filter_searches_title_and_body_whatever_the_case() -> None:
    query = search_query(Search("lampu (PJU)", region_code="32.04"))
    where = public_filter(query)
    found = {"$regex": r"lampu \(PJU\)", "$options": "i"}
    assert where == {
        "confidential": False,
        "region_code": {"$regex": r"^32\.04(\.|$)"},
        "$or": [{"title": found}, {"body": found}],
    }


@pytest.fixture
async def search() -> AsyncIterator[tuple[FakeReportStore, httpx.AsyncClient]]:
    fx = Harness()
    app = build_app(
        fx.writer, fx.reader, fx.store, None, MAX_BODY, channels=[search_router(fx.store)]
    )
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield fx.store, client


async def _reports(store: FakeReportStore) -> list[str]:
    """Three public reports an hour apart (newest last) and a confidential one."""
    public = replace(ROUTED, confidential=False, body=LONG_BODY)
    states = [
        replace(public, report_id="AAAA-AAAA-AAAA", title="Lampu jalan padam"),
        replace(public, report_id="BBBB-BBBB-BBBB", status=Status.DIPROSES),
        replace(public, report_id="CCCC-CCCC-CCCC", agency_code="", agency_name=""),
        replace(ROUTED, report_id="DDDD-DDDD-DDDD", title="Lampu jalan rahasia"),
    ]
    for hour, state in enumerate(states):
        await store.save(replace(state, submitted_at=state.submitted_at + timedelta(hours=hour)))
    return [state.report_id for state in states]


async def test_the_search_lists_public_reports_newest_first(
    search: tuple[FakeReportStore, httpx.AsyncClient],
) -> None:
    store, client = search
    a, b, c, _ = await _reports(store)
    answer = (await client.get(SEARCH)).json()
    assert [r["tracking_id"] for r in answer["reports"]] == [c, b, a]
    assert (answer["offset"], answer["limit"], answer["has_more"]) == (0, 20, False)
    item = answer["reports"][1]
    assert item["status"] == {"code": "DIPROSES", "id": "Diproses", "en": "In progress"}
    assert item["agency"] == {"code": "pemkab-3204", "name": "Pemerintah Kabupaten Bandung"}
    assert item["excerpt"] == excerpt(LONG_BODY)
    assert item["type"] == "pengaduan"
    assert item["submitted_at"] == item["updated_at"]
    assert answer["reports"][0]["agency"] is None
    assert "reporter" not in item
    assert "body" not in item


async def test_the_search_pages_and_filters(
    search: tuple[FakeReportStore, httpx.AsyncClient],
) -> None:
    store, client = search
    a, b, _, _ = await _reports(store)
    page = (await client.get(SEARCH, params={"limit": 2, "offset": 1})).json()
    assert ([r["tracking_id"] for r in page["reports"]], page["has_more"]) == ([b, a], False)
    first = (await client.get(SEARCH, params={"limit": 2})).json()
    assert first["has_more"] is True
    lamps = (await client.get(SEARCH, params={"q": "LAMPU"})).json()
    assert [r["tracking_id"] for r in lamps["reports"]] == [a]
    statuses = {"status": ["DIPROSES", "SELESAI"], "agency": "pemkab-3204", "region": "32.04"}
    working = (await client.get(SEARCH, params=statuses)).json()
    assert [r["tracking_id"] for r in working["reports"]] == [b]


@pytest.mark.parametrize(
    "params",
    [{"q": "x"}, {"region": "32-04"}, {"status": "TIDAK_ADA"}, {"limit": 0}, {"offset": -1}],
)
async def test_bad_search_parameters_are_unprocessable(
    search: tuple[FakeReportStore, httpx.AsyncClient], params: dict[str, object]
) -> None:
    response = await search[1].get(SEARCH, params=params)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert response.json()["detail"]
