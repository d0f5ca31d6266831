"""The inbox with escalation's deadlines: the nearest running deadline and what is due (pure),
and GET /api/v1/inbox with deadlines, escalated=true, due_within_hours and the escalated count
over fakes (httpx over ASGI)."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from intake.domain.inbox import Deadline, due, nearest_deadline, open_statuses
from intake.domain.model import Invalid, Status
from tests.unit.api_client import INBOX, TOKENS, Api, bearer
from tests.unit.reports import AGENCY

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_the_nearest_deadline_is_that_of_a_running_clock() -> None:
    clocks = [
        ("first_response", NOW + 5 * HOUR, True),
        ("completion", NOW + 9 * HOUR, False),
        ("verify", NOW + 7 * HOUR, False),
    ]
    assert nearest_deadline(clocks) == Deadline(NOW + 7 * HOUR, "verify")
    assert nearest_deadline([("completion", NOW, True)]) is None
    assert nearest_deadline([]) is None


def test_due_reports_are_those_within_the_hours_or_overdue_nearest_first() -> None:
    deadlines = {
        "late": Deadline(NOW - 30 * HOUR, "first_response"),
        "soon": Deadline(NOW + 2 * HOUR, "completion"),
        "edge": Deadline(NOW + 24 * HOUR, "completion"),
        "later": Deadline(NOW + 25 * HOUR, "completion"),
    }
    assert due(deadlines, NOW, 24) == ["late", "soon", "edge"]
    assert due(deadlines, NOW, 1) == ["late"]


def test_due_lists_open_statuses_only() -> None:
    assert Status.SELESAI not in open_statuses([])
    assert Status.DIGABUNGKAN not in open_statuses([])
    assert open_statuses([Status.DIPROSES, Status.SELESAI]) == [Status.DIPROSES]
    with pytest.raises(Invalid):
        open_statuses([Status.SELESAI, Status.DITOLAK])


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    api = Api()
    async with api.client:
        yield api


async def _at_agency(api: Api, count: int) -> list[str]:
    """Reports assigned to AGENCY, oldest first."""
    ids = []
    for n in range(count):
        api.fx.now = NOW + n * timedelta(minutes=1)
        tracking_id = (await api.file(title=f"Laporan {n} tentang jalan"))["tracking_id"]
        body = {"agency_code": AGENCY, "agency_name": "Pemkab Bandung"}
        assert (await api.act(tracking_id, "assign", body, "admin")).status_code == 200
        ids.append(tracking_id)
    return ids


async def _inbox(api: Api, **params: Any) -> Any:
    response = await api.client.get(INBOX, params=params, headers=bearer(TOKENS["officer"]))
    assert response.status_code == 200, response.text
    return response.json()


def listed(inbox: Any) -> list[str]:
    return [item["tracking_id"] for item in inbox["reports"]]


async def test_each_item_carries_its_nearest_running_deadline(api: Api) -> None:
    first, second = await _at_agency(api, 2)
    api.deadlines.clocks_of[first] = [
        ("first_response", NOW + 5 * HOUR, False),
        ("completion", NOW + 90 * HOUR, False),
    ]
    inbox = await _inbox(api)
    assert inbox["deadlines_available"] is True
    items = {item["tracking_id"]: item for item in inbox["reports"]}
    assert items[first]["deadline"] == (NOW + 5 * HOUR).isoformat()
    assert items[first]["deadline_clock"] == "first_response"
    assert (items[second]["deadline"], items[second]["deadline_clock"]) == (None, None)


async def test_without_escalation_the_inbox_answers_without_deadlines(api: Api) -> None:
    await _at_agency(api, 1)
    api.deadlines.down = True
    inbox = await _inbox(api)
    assert inbox["deadlines_available"] is False
    assert inbox["reports"][0]["deadline"] is None
    response = await api.client.get(
        INBOX, params={"due_within_hours": 24}, headers=bearer(TOKENS["officer"])
    )
    assert response.status_code == 503
    assert response.json()["detail"]


async def test_escalated_reports_are_filtered_and_counted(api: Api) -> None:
    _, escalated, closed = await _at_agency(api, 3)
    states = api.fx.store.states
    states[escalated] = replace(states[escalated], escalation_tier=1)
    states[closed] = replace(states[closed], escalation_tier=2, status=Status.SELESAI)
    inbox = await _inbox(api, escalated="true")
    assert listed(inbox) == [closed, escalated]
    assert inbox["escalated"] == 2
    assert inbox["counts"] == {"DITERUSKAN_KE_INSTANSI": 2, "SELESAI": 1}
    assert len((await _inbox(api))["reports"]) == 3


async def test_due_within_hours_lists_open_reports_nearest_deadline_first(api: Api) -> None:
    overdue, soon, later, closed, _ = await _at_agency(api, 5)  # the last has no clock
    now = datetime.now(UTC)
    api.deadlines.clocks_of = {
        overdue: [("first_response", now - 30 * HOUR, False)],
        soon: [("completion", now + 3 * HOUR, False), ("auto_close", now - HOUR, True)],
        later: [("completion", now + 48 * HOUR, False)],
        closed: [("auto_close", now - 50 * HOUR, False)],
    }
    states = api.fx.store.states
    states[closed] = replace(states[closed], status=Status.SELESAI)
    inbox = await _inbox(api, due_within_hours=24)
    assert listed(inbox) == [overdue, soon]
    assert inbox["reports"][1]["deadline_clock"] == "completion"
    assert listed(await _inbox(api, due_within_hours=24, limit=1)) == [overdue]
    assert listed(await _inbox(api, due_within_hours=720)) == [overdue, soon, later]


@pytest.mark.parametrize(
    "params",
    [
        {"due_within_hours": 0},
        {"due_within_hours": 721},
        {"due_within_hours": "x"},
        {"escalated": "perhaps"},
        {"due_within_hours": 24, "status": "SELESAI"},
    ],
)
async def test_bad_deadline_parameters_are_unprocessable(api: Api, params: dict[str, Any]) -> None:
    response = await api.client.get(INBOX, params=params, headers=bearer(TOKENS["officer"]))
    assert response.status_code == 422
    assert response.json()["detail"]
