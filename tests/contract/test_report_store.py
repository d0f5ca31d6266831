"""One suite for intake's state-store port, run against the fake and the real adapter."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from intake.domain.model import Answered, ReportState, Sealed, Status
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
    requires_examination=False,
    title="Jalan berlubang",
    body="Jalan berlubang besar di depan pasar, sudah ada pengendara motor jatuh.",
    category_code="",
    region_code="32.04.05",
    channel=CHANNEL_WEB,
    anonymous=False,
    confidential=True,
    submitted_at=datetime(2026, 3, 20, 8, 30, 15, 123000, tzinfo=UTC),
    reporter=Sealed("k1", b"\x00nonce\xff", b"\x01ciphertext"),
    access_secret_sha256=b"\x02" * 32,
    answered=(Answered("idem-1", b"\x03" * 32, 1, Status.MENUNGGU_VERIFIKASI),),
)
ROUTED = replace(
    SUBMITTED,
    sequence=2,
    status=Status.DITERUSKAN_KE_INSTANSI,
    agency_code="pemkab-3204",
    agency_name="Pemerintah Kabupaten Bandung",
    declined_by=("pemkot-3273",),
    postponed_until=datetime(2026, 3, 25, 0, 0, tzinfo=UTC),
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
    await store.save(SUBMITTED, 0)
    assert await store.get(SUBMITTED.report_id) == SUBMITTED


async def test_a_newer_state_replaces_an_older_one(store: ReportStore) -> None:
    await store.save(SUBMITTED, 0)
    await store.save(ROUTED, 1)
    assert await store.get(SUBMITTED.report_id) == ROUTED


async def test_a_second_first_save_never_replaces_a_newer_state(store: ReportStore) -> None:
    """A redelivered first event after a crash: the stored, newer state stays."""
    await store.save(SUBMITTED, 0)
    await store.save(ROUTED, 1)
    await store.save(replace(SUBMITTED, title="stale"), 0)
    assert await store.get(SUBMITTED.report_id) == ROUTED
