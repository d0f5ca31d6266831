"""Escalation's REST API in-process (httpx over ASGI, an in-memory store, a set clock): each
running clock with its label and where it stands, and the deadline policies in force."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from escalation.api import deadlines_api
from escalation.domain.calendar import indonesian_calendar
from escalation.domain.clocks import AGENCY_CLOCKS, Report, Rules
from escalation.domain.policy import load_policies
from escalation.store import Reports, Warnings
from lapor.report.v1.events_pb2 import REPORT_TYPE_COMPLAINT
from lapor_common.zones import WITA

POLICIES = Path(__file__).resolve().parents[2] / "services/escalation/escalation/data/policies.toml"
CALENDAR = indonesian_calendar(2025, 2028)
DINKES_MAKASSAR = "pemkot-7371.dinkes"
ROUTED = datetime(2026, 3, 25, 9, tzinfo=WITA)
SECOND_POLICY = """
[[policy]]
version = "deadlines/2027.01-1"
effective_from = 2027-01-01T00:00:00+07:00
verify = 2
first_response = 3
auto_close = 10
remind_before = 1
[policy.completion]
aspiration = 5
information_request = 5
complaint = 10
complaint_examination = 60
"""


class FakeReports(Reports):
    def __init__(self, *reports: Report) -> None:
        self.reports = {r.report_id: r for r in reports}

    async def get(self, report_id: str) -> Report | None:
        return self.reports.get(report_id)


class FakeWarnings(Warnings):
    def __init__(self) -> None:
        pass


class SetClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def _routed_complaint(rules: Rules) -> Report:
    """A complaint routed to Makassar's health office on 25 March 2026: first response by
    1 April, completion by 15 April (WITA)."""
    report = Report("7K3M9QXD2F8A", 2, REPORT_TYPE_COMPLAINT, False, "", DINKES_MAKASSAR)
    clocks = tuple(rules.start(report, kind, DINKES_MAKASSAR, ROUTED) for kind in AGENCY_CLOCKS)
    return replace(report, clocks=clocks)


@pytest.fixture
async def client() -> AsyncIterator[tuple[httpx.AsyncClient, SetClock]]:
    rules = Rules(load_policies(POLICIES), CALENDAR)
    time = SetClock(datetime(2026, 3, 31, 10, tzinfo=WITA))
    app = deadlines_api(FakeReports(_routed_complaint(rules)), FakeWarnings(), rules, time)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://escalation") as http:
        yield http, time


async def _clocks(http: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    response = await http.get("/api/v1/deadlines/7k3m9qxd2f8a")
    assert response.status_code == 200, response.text
    return {c["clock"]: c for c in response.json()["clocks"]}


async def test_each_clock_has_its_label_and_the_working_days_left(
    client: tuple[httpx.AsyncClient, SetClock],
) -> None:
    clocks = await _clocks(client[0])
    first, completion = clocks["first_response"], clocks["completion"]
    assert first["kind_label"] == {"id": "Tanggapan pertama", "en": "First response"}
    assert completion["kind_label"] == {"id": "Penyelesaian", "en": "Completion"}
    assert (first["working_days_left"], first["overdue"]) == (1, False)
    assert datetime.fromisoformat(first["deadline_local"]).date() == date(2026, 4, 1)
    # 1, 2, 6-10, 13-15 April: Good Friday is off.
    assert (completion["working_days_left"], completion["overdue"]) == (10, False)


async def test_a_clock_past_its_deadline_is_overdue(
    client: tuple[httpx.AsyncClient, SetClock],
) -> None:
    http, time = client
    time.at = datetime(2026, 4, 2, 0, 0, 1, tzinfo=WITA)
    first = (await _clocks(http))["first_response"]
    assert (first["working_days_left"], first["overdue"]) == (-1, True)


async def test_a_report_without_clocks_is_not_found(
    client: tuple[httpx.AsyncClient, SetClock],
) -> None:
    response = await client[0].get("/api/v1/deadlines/AAAA-BBBB-CCCC")
    assert response.status_code == 404
    assert response.json() == {"detail": "no running clocks for that tracking id"}


async def test_the_policy_in_force_with_every_clock_and_the_chain(
    client: tuple[httpx.AsyncClient, SetClock],
) -> None:
    response = await client[0].get("/api/v1/deadlines/policy")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["in_force"] == "deadlines/2026.11-1"
    [policy] = answer["policies"]
    assert policy == {
        "version": "deadlines/2026.11-1",
        "effective_from": "2018-01-01T00:00:00+07:00",
        "verify": 3,
        "first_response": 5,
        "auto_close": 10,
        "remind_before": 1,
        "completion": {
            "aspiration": 5,
            "information_request": 5,
            "complaint": 14,
            "complaint_examination": 60,
        },
        "completion_by_category": {"pertanahan.sertifikat-tanah": 60},
    }
    assert answer["unit"] == "working days"
    assert [c["clock"] for c in answer["clocks"]] == [
        "verify",
        "first_response",
        "completion",
        "auto_close",
    ]
    assert answer["clocks"][3]["kind_label"] == {"id": "Tutup otomatis", "en": "Auto-close"}
    assert all(c["on_miss"]["id"] and c["on_miss"]["en"] for c in answer["clocks"])
    levels = [level["level"] for level in answer["escalation_levels"]]
    assert (levels[0], levels[-1]) == ("unit", "ombudsman")
    assert "62 Tahun 2018" in answer["legal_basis"]["id"]


@pytest.mark.parametrize(
    ("now", "in_force"),
    [
        (datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC), "deadlines/2026.11-1"),
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "deadlines/2027.01-1"),  # 00:00 WIB
    ],
)
async def test_the_policy_in_force_is_the_latest_to_take_effect(
    tmp_path: Path, now: datetime, in_force: str
) -> None:
    data = tmp_path / "policies.toml"
    data.write_text(POLICIES.read_text() + SECOND_POLICY)
    rules = Rules(load_policies(data), CALENDAR)
    app = deadlines_api(FakeReports(), FakeWarnings(), rules, SetClock(now))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://e") as h:
        answer = (await h.get("/api/v1/deadlines/policy")).json()
    assert answer["in_force"] == in_force
    assert [p["version"] for p in answer["policies"]] == [
        "deadlines/2026.11-1",
        "deadlines/2027.01-1",
    ]
