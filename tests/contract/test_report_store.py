"""One suite for intake's state-store port, run against the fake and the real adapter."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from intake.domain import ReportState, Status
from intake.store import ReportStore
from lapor.report.v1.events_pb2 import CHANNEL_WEB, REPORT_TYPE_COMPLAINT
from tests.conftest import scratch_database
from tests.infra import Infrastructure
from tests.unit.fakes import FakeReportStore

SUBMITTED = ReportState(
    report_id="7K3M-9QXD-2F8A",
    sequence=1,
    status=Status.MENUNGGU_VERIFIKASI,
    type=REPORT_TYPE_COMPLAINT,
    title="Jalan berlubang",
    region_code="32.04.05",
    channel=CHANNEL_WEB,
    anonymous=False,
    confidential=True,
    submitted_at=datetime(2026, 3, 20, 8, 30, 15, 123000, tzinfo=UTC),
)
ROUTED = replace(
    SUBMITTED,
    sequence=2,
    status=Status.DITERUSKAN_KE_INSTANSI,
    agency_code="pemkab-3204",
    agency_name="Pemerintah Kabupaten Bandung",
)


@pytest.fixture(params=["fake", "mongodb"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[ReportStore]:
    if request.param == "fake":
        yield FakeReportStore()
        return
    infra: Infrastructure = request.getfixturevalue("infra")
    async with scratch_database(infra) as database:
        yield ReportStore(database["reports"])


async def test_an_unknown_report_has_no_state(store: ReportStore) -> None:
    assert await store.get(SUBMITTED.report_id) is None


async def test_a_saved_state_reads_back_equal(store: ReportStore) -> None:
    await store.save(SUBMITTED)
    assert await store.get(SUBMITTED.report_id) == SUBMITTED


async def test_a_newer_state_replaces_an_older_one(store: ReportStore) -> None:
    await store.save(SUBMITTED)
    await store.save(ROUTED)
    assert await store.get(SUBMITTED.report_id) == ROUTED


async def test_an_older_or_equal_state_never_replaces_a_newer_one(store: ReportStore) -> None:
    await store.save(ROUTED)
    await store.save(SUBMITTED)
    await store.save(replace(ROUTED, agency_code="other"))
    assert await store.get(SUBMITTED.report_id) == ROUTED
