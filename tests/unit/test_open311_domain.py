"""Open311's pure parts: W3C datetimes in WIB, statuses, the expected moment from
escalation's clocks, addresses, API keys; and escalation's DeadlineService answer."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from escalation.domain.clocks import Clock, Report
from escalation.domain.policy import ClockKind
from escalation.rpc import report_deadlines
from intake.domain.model import Status
from intake.domain.open311 import address_of, expected_deadline, open311_status, w3c
from intake.domain.open311_input import ApiKeys
from lapor.report.v1.events_pb2 import CLOCK_KIND_COMPLETION, CLOCK_KIND_FIRST_RESPONSE
from tests.unit.open311_client import REGION_NAMES

AT = datetime(2026, 11, 23, 2, 4, 5, 678000, tzinfo=UTC)


def test_datetimes_are_w3c_in_wib_with_their_offset() -> None:
    assert w3c(AT) == "2026-11-23T09:04:05+07:00"
    assert w3c(datetime(2026, 12, 31, 20, tzinfo=UTC)) == "2027-01-01T03:00:00+07:00"


@pytest.mark.parametrize(
    ("status", "open311"),
    [
        (Status.MENUNGGU_VERIFIKASI, "open"),
        (Status.DITERUSKAN_KE_INSTANSI, "open"),
        (Status.DIPROSES, "open"),
        (Status.MENUNGGU_TANGGAPAN_PELAPOR, "open"),
        (Status.DITANGGAPI, "open"),
        (Status.BANDING, "open"),
        (Status.SELESAI, "closed"),
        (Status.DITOLAK, "closed"),
        (Status.DIARSIPKAN, "closed"),
        (Status.DIGABUNGKAN, "closed"),
    ],
)
def test_every_status_is_open_or_closed(status: Status, open311: str) -> None:
    assert open311_status(status) == open311


def test_the_expected_moment_is_the_running_completion_deadline() -> None:
    first, completion = AT + timedelta(days=7), AT + timedelta(days=20)
    clocks = [("first_response", first, False), ("completion", completion, False)]
    assert expected_deadline(clocks) == completion


def test_without_a_running_completion_clock_the_nearest_running_deadline_counts() -> None:
    verify, later = AT + timedelta(days=3), AT + timedelta(days=9)
    assert expected_deadline([("auto_close", later, False), ("verify", verify, False)]) == verify
    assert expected_deadline([("completion", verify, True), ("auto_close", later, False)]) == later
    assert expected_deadline([("completion", verify, True)]) is None
    assert expected_deadline([]) is None


def test_an_address_names_the_region_and_those_it_lies_in() -> None:
    assert address_of("32.04.05", REGION_NAMES) == "Soreang, Kabupaten Bandung, Jawa Barat"
    assert address_of("32", REGION_NAMES) == "Jawa Barat"
    assert address_of("", REGION_NAMES) == ""


def test_api_keys_are_known_by_their_hash_only() -> None:
    digest = hashlib.sha256(b"kunci-a").hexdigest()
    keys = ApiKeys(f" app-a:{digest}, app-b:{hashlib.sha256(b'kunci-b').hexdigest()} ")
    assert keys.client_of("kunci-a") == "app-a"
    assert keys.client_of("kunci-b") == "app-b"
    assert keys.client_of(digest) is None
    assert keys.client_of("") is None
    assert ApiKeys("").client_of("kunci-a") is None


@pytest.mark.parametrize("configured", ["app-a", "app-a:abc", f":{'0' * 64}", f"a:{'z' * 64}"])
def test_a_malformed_key_list_stops_the_service(configured: str) -> None:
    with pytest.raises(ValueError, match="sha256"):
        ApiKeys(configured)


def test_escalation_answers_every_clock_and_the_nearest_running_one() -> None:
    def clock(kind: ClockKind, days: int, paused: bool = False) -> Clock:
        deadline = AT + timedelta(days=days)
        return Clock(kind, "pemkab-3204", AT, deadline, "deadlines/1", AT if paused else None)

    report = Report(
        "7K3M-9QXD-2F8A",
        4,
        1,
        False,
        "infrastruktur.jalan",
        clocks=(clock(ClockKind.FIRST_RESPONSE, 2, paused=True), clock(ClockKind.COMPLETION, 9)),
    )
    answer = report_deadlines(report)
    assert answer.tracking_id == "7K3M-9QXD-2F8A"
    assert [(d.clock, d.paused) for d in answer.deadlines] == [
        (CLOCK_KIND_FIRST_RESPONSE, True),
        (CLOCK_KIND_COMPLETION, False),
    ]
    assert answer.deadlines[1].policy_version == "deadlines/1"
    assert answer.nearest.ToDatetime(UTC) == AT + timedelta(days=9)
    assert not report_deadlines(Report("7K3M-9QXD-2F8A", 1, 1, False, "")).HasField("nearest")
