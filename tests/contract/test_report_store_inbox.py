"""Agencies' inboxes in intake's state store, run against the fake and the real adapter: the
reports now at an agency newest or oldest first, by status, those escalated to it, and the
counts."""

from dataclasses import replace
from datetime import timedelta

from intake.domain.model import Status
from intake.store import ReportStore
from tests.contract.test_report_store import ROUTED, store

__all__ = ["store"]  # the fixture, fake and real

AGENCY = ROUTED.agency_code


async def saved(store: ReportStore) -> list[str]:
    """At AGENCY a day apart (newest last): plain, escalated, escalated twice and closed; and
    an escalated report at another agency."""
    reports = [
        replace(ROUTED, report_id="AAAA-AAAA-AAAA"),
        replace(ROUTED, report_id="BBBB-BBBB-BBBB", escalation_tier=1),
        replace(ROUTED, report_id="CCCC-CCCC-CCCC", escalation_tier=2, status=Status.SELESAI),
        replace(ROUTED, report_id="DDDD-DDDD-DDDD", agency_code="pemprov-32", escalation_tier=1),
    ]
    for day, state in enumerate(reports):
        await store.save(replace(state, submitted_at=state.submitted_at + timedelta(days=day)), 0)
    return [state.report_id for state in reports[:3]]


async def listed(store: ReportStore, *statuses: Status, **options: bool) -> list[str]:
    found = await store.inbox(AGENCY, [s.value for s in statuses], 10, **options)
    return [document["_id"] for document in found]


async def test_the_inbox_lists_newest_or_oldest_first(store: ReportStore) -> None:
    a, b, c = await saved(store)
    assert await listed(store) == [c, b, a]
    assert await listed(store, oldest_first=True) == [a, b, c]
    assert await listed(store, Status.DITERUSKAN_KE_INSTANSI) == [b, a]


async def test_escalated_reports_are_those_escalated_to_the_agency(store: ReportStore) -> None:
    _, b, c = await saved(store)
    assert await listed(store, escalated=True) == [c, b]
    assert await listed(store, Status.SELESAI, escalated=True) == [c]
    assert await store.count_escalated(AGENCY) == 2
    assert await store.count_escalated("pemkot-3273") == 0


async def test_the_counts_by_status(store: ReportStore) -> None:
    await saved(store)
    assert await store.count_by_status(AGENCY) == {"DITERUSKAN_KE_INSTANSI": 2, "SELESAI": 1}
