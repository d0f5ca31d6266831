"""The public query of intake's state store (Open311's GET requests), run against the fake and
the real adapter: never a confidential report, the window, services, statuses, region prefixes,
the agency, newest first and the limit."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

from intake.domain.model import Status
from intake.domain.open311_input import RequestQuery
from intake.store import ReportStore
from tests.contract.test_report_store import SUBMITTED, store

__all__ = ["store"]  # the fixture, fake and real

START = SUBMITTED.submitted_at - timedelta(days=1)
QUERY = RequestQuery((), (), (), START, START + timedelta(days=90))
OPEN = replace(
    SUBMITTED,
    confidential=False,
    location=(-7.0253, 107.5197),
    updated_at=SUBMITTED.submitted_at + timedelta(hours=3),
    public_response="Sudah ditambal.",
)


async def saved(store: ReportStore) -> list[str]:
    """Four public reports a day apart (newest last) and a confidential one."""
    reports = [
        replace(OPEN, report_id="AAAA-AAAA-AAAA"),
        replace(OPEN, report_id="BBBB-BBBB-BBBB", region_code="32.040", category_code="sosial.pkh"),
        replace(OPEN, report_id="CCCC-CCCC-CCCC", region_code="32.04", status=Status.SELESAI),
        replace(OPEN, report_id="DDDD-DDDD-DDDD", region_code="73.71", agency_code="pemkot-7371"),
    ]
    for day, state in enumerate(reports):
        await store.save(replace(state, submitted_at=state.submitted_at + timedelta(days=day)), 0)
    await store.save(replace(SUBMITTED, report_id="EEEE-EEEE-EEEE"), 0)
    return [state.report_id for state in reports]


async def found(store: ReportStore, query: RequestQuery) -> list[str]:
    return [state.report_id for state in await store.public(query)]


async def test_the_open311_fields_read_back_equal(store: ReportStore) -> None:
    await store.save(OPEN, 0)
    assert await store.get(OPEN.report_id) == OPEN


async def test_public_reports_newest_first_never_a_confidential_one(store: ReportStore) -> None:
    a, b, c, d = await saved(store)
    assert await found(store, QUERY) == [d, c, b, a]
    assert await found(store, replace(QUERY, limit=2)) == [d, c]


async def test_the_window_services_and_statuses_filter(store: ReportStore) -> None:
    a, b, c, d = await saved(store)
    day = SUBMITTED.submitted_at
    assert await found(store, replace(QUERY, start=day + timedelta(days=1))) == [d, c, b]
    assert await found(store, replace(QUERY, end=day + timedelta(days=1))) == [b, a]
    assert await found(store, replace(QUERY, service_codes=("sosial.pkh",))) == [b]
    assert await found(store, replace(QUERY, statuses=(Status.SELESAI,))) == [c]


async def test_a_region_holds_its_own_regions_only(store: ReportStore) -> None:
    a, b, c, d = await saved(store)
    assert await found(store, replace(QUERY, region_code="32.04")) == [c, a]
    assert await found(store, replace(QUERY, region_code="32")) == [c, b, a]
    assert await found(store, replace(QUERY, agency_code="pemkot-7371")) == [d]


# the web's search: no window, text in the title or body whatever the case, an offset

SEARCH = replace(QUERY, start=None, end=None)


async def test_without_a_window_every_public_report_is_found(store: ReportStore) -> None:
    a, b, c, d = await saved(store)
    await store.save(replace(OPEN, report_id="FFFF-FFFF-FFFF", submitted_at=START.replace(2020)), 0)
    assert await found(store, SEARCH) == [d, c, b, a, "FFFF-FFFF-FFFF"]


async def changed(store: ReportStore, report_id: str, **changes: Any) -> None:
    state = await store.get(report_id)
    assert state is not None
    await store.save(replace(state, sequence=state.sequence + 1, **changes), state.sequence)


async def test_text_is_found_in_the_title_or_the_body_whatever_the_case(store: ReportStore) -> None:
    a, _, c, _ = await saved(store)
    await changed(store, a, title="Lampu PJU (Jl. Raya) padam")
    await changed(store, c, body="Lampu jalan mati total.")
    assert await found(store, replace(SEARCH, text="lampu")) == [c, a]
    assert await found(store, replace(SEARCH, text="pju (JL. raya)")) == [a]
    assert await found(store, replace(SEARCH, text="pju (jl raya)")) == []
    assert await found(store, replace(SEARCH, text="LAMPU", region_code="32.04")) == [c, a]


async def test_an_offset_passes_over_the_newest(store: ReportStore) -> None:
    _, b, c, _ = await saved(store)
    assert await found(store, replace(SEARCH, offset=1, limit=2)) == [c, b]
    assert await found(store, replace(SEARCH, offset=4)) == []
