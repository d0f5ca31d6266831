"""Intake's pure domain: deciding submissions and routings, and folding events into state."""

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.domain import (
    Invalid,
    Refused,
    ReportState,
    Status,
    SubmitReport,
    decide_route,
    decide_submit,
    evolve,
    submission_problems,
)
from lapor.report.v1.events_pb2 import (
    CHANNEL_MOBILE,
    CHANNEL_UNSPECIFIED,
    DECIDED_BY_RULE,
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_INFORMATION_REQUEST,
    REPORT_TYPE_UNSPECIFIED,
    GeoPoint,
    ReportRouted,
    ReportSubmitted,
)
from lapor.routing.v1.commands_pb2 import RouteReport

REGIONS = frozenset({"32", "32.04", "32.04.05", "32.73"})
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REPORT_ID = "7K3M-9QXD-2F8A"

VALID = SubmitReport(
    type=REPORT_TYPE_COMPLAINT,
    requires_examination=True,
    title="Jalan berlubang di Soreang",
    body="Jalan utama di depan pasar berlubang besar sejak dua minggu lalu.",
    category_code="infrastruktur.jalan",
    region_code="32.04.05",
    location=(-7.0253, 107.5197),
    channel=CHANNEL_MOBILE,
    anonymous=True,
    confidential=False,
)

ROUTE = RouteReport(
    agency_code="pemkab-3204",
    agency_name="Pemerintah Kabupaten Bandung",
    category_code="infrastruktur.jalan",
    decided_by=DECIDED_BY_RULE,
    confidence=1.0,
    rule_version="regional-government/1",
    reason="region 32.04.05 lies in Pemerintah Kabupaten Bandung",
)

ROUTE_EVENT = ReportRouted(agency_code="pemkab-3204", agency_name="Pemerintah Kabupaten Bandung")


def _waiting() -> ReportState:
    return evolve(None, REPORT_ID, 1, AT, decide_submit(VALID, REGIONS.__contains__)[0])


def _problems(**changes: object) -> list[str]:
    return submission_problems(replace(VALID, **changes), REGIONS.__contains__)  # type: ignore[arg-type]


# decide_submit


def test_a_valid_submission_gives_one_event_carrying_every_field() -> None:
    events = decide_submit(VALID, REGIONS.__contains__)
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, ReportSubmitted)
    assert event == ReportSubmitted(
        type=REPORT_TYPE_COMPLAINT,
        requires_examination=True,
        title=VALID.title,
        body=VALID.body,
        category_code="infrastruktur.jalan",
        region_code="32.04.05",
        location=GeoPoint(latitude=-7.0253, longitude=107.5197),
        channel=CHANNEL_MOBILE,
        anonymous=True,
        confidential=False,
    )
    assert event.HasField("location")


def test_a_submission_without_location_has_none() -> None:
    event = decide_submit(replace(VALID, location=None), REGIONS.__contains__)[0]
    assert isinstance(event, ReportSubmitted)
    assert not event.HasField("location")


def test_an_invalid_submission_is_refused_with_its_problems() -> None:
    with pytest.raises(Invalid) as caught:
        decide_submit(replace(VALID, title="", region_code="99"), REGIONS.__contains__)
    assert len(caught.value.problems) == 2
    assert "title" in str(caught.value)
    assert "'99'" in str(caught.value)


def test_a_valid_submission_has_no_problems() -> None:
    assert _problems() == []


@pytest.mark.parametrize("title", ["abcd", "  abcd   ", "x" * 201])
def test_title_length_is_checked(title: str) -> None:
    assert _problems(title=title) == ["title must have 5 to 200 characters"]


@pytest.mark.parametrize("title", ["abcde", "x" * 200])
def test_title_bounds_are_inclusive(title: str) -> None:
    assert _problems(title=title) == []


@pytest.mark.parametrize("body", ["x" * 19, " " * 30, "x" * 10_001])
def test_body_length_is_checked(body: str) -> None:
    assert _problems(body=body) == ["body must have 20 to 10000 characters"]


@pytest.mark.parametrize("body", ["x" * 20, "x" * 10_000])
def test_body_bounds_are_inclusive(body: str) -> None:
    assert _problems(body=body) == []


def test_unspecified_type_is_a_problem() -> None:
    problems = _problems(type=REPORT_TYPE_UNSPECIFIED, requires_examination=False)
    assert problems == ["type must be pengaduan, aspirasi or permintaan_informasi"]


def test_unknown_type_number_is_a_problem() -> None:
    assert any(p.startswith("type must be") for p in _problems(type=42))


@pytest.mark.parametrize("kind", [REPORT_TYPE_ASPIRATION, REPORT_TYPE_INFORMATION_REQUEST])
def test_only_a_complaint_can_require_examination(kind: int) -> None:
    assert _problems(type=kind) == [
        "only a complaint (pengaduan) can need examination (berkadar pengawasan)"
    ]
    assert _problems(type=kind, requires_examination=False) == []


def test_unknown_region_is_a_problem() -> None:
    assert _problems(region_code="32.99") == ["region_code '32.99' is not a Kemendagri region code"]


@pytest.mark.parametrize(
    "location",
    [(90.1, 0.0), (-90.1, 0.0), (0.0, 180.5), (0.0, -180.5), (math.nan, 0.0), (0.0, math.inf)],
)
def test_out_of_range_location_is_a_problem(location: tuple[float, float]) -> None:
    assert _problems(location=location) == [
        "location must have latitude -90..90 and longitude -180..180"
    ]


@pytest.mark.parametrize("location", [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0)])
def test_location_bounds_are_inclusive(location: tuple[float, float]) -> None:
    assert _problems(location=location) == []


def test_unspecified_channel_is_a_problem() -> None:
    assert _problems(channel=CHANNEL_UNSPECIFIED) == ["channel is required"]


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems(
        title="",
        body="short",
        type=REPORT_TYPE_ASPIRATION,
        region_code="",
        location=(100.0, 0.0),
        channel=CHANNEL_UNSPECIFIED,
    )
    assert len(problems) == 6
    for start in ("title", "body", "only a complaint", "region_code", "location", "channel"):
        assert any(p.startswith(start) for p in problems), start


# decide_route


def test_an_unknown_report_cannot_be_routed() -> None:
    with pytest.raises(Refused, match="no such report"):
        decide_route(None, ROUTE)


def test_a_waiting_report_is_routed_with_every_field_of_the_decision() -> None:
    events = decide_route(_waiting(), ROUTE)
    assert events == [
        ReportRouted(
            agency_code="pemkab-3204",
            agency_name="Pemerintah Kabupaten Bandung",
            category_code="infrastruktur.jalan",
            decided_by=DECIDED_BY_RULE,
            confidence=1.0,
            rule_version="regional-government/1",
            reason="region 32.04.05 lies in Pemerintah Kabupaten Bandung",
        )
    ]


def test_routing_again_to_the_same_agency_changes_nothing() -> None:
    routed = evolve(_waiting(), REPORT_ID, 2, AT, decide_route(_waiting(), ROUTE)[0])
    assert decide_route(routed, ROUTE) == []


def test_routing_elsewhere_once_routed_is_refused() -> None:
    routed = evolve(_waiting(), REPORT_ID, 2, AT, decide_route(_waiting(), ROUTE)[0])
    elsewhere = RouteReport(agency_code="pemprov-32", agency_name="Pemerintah Provinsi Jawa Barat")
    with pytest.raises(Refused, match="DITERUSKAN_KE_INSTANSI"):
        decide_route(routed, elsewhere)


# evolve


def test_submitted_then_routed_folds_into_state() -> None:
    later = AT + timedelta(minutes=5)
    submitted = evolve(None, REPORT_ID, 1, AT, decide_submit(VALID, REGIONS.__contains__)[0])
    assert submitted == ReportState(
        report_id=REPORT_ID,
        sequence=1,
        status=Status.MENUNGGU_VERIFIKASI,
        type=REPORT_TYPE_COMPLAINT,
        title=VALID.title,
        region_code="32.04.05",
        channel=CHANNEL_MOBILE,
        anonymous=True,
        confidential=False,
        submitted_at=AT,
    )
    routed = evolve(submitted, REPORT_ID, 2, later, ROUTE_EVENT)
    assert routed == replace(
        submitted,
        sequence=2,
        status=Status.DITERUSKAN_KE_INSTANSI,
        agency_code="pemkab-3204",
        agency_name="Pemerintah Kabupaten Bandung",
    )
    assert routed.submitted_at == AT


def test_routed_without_a_report_cannot_be_folded() -> None:
    with pytest.raises(ValueError, match="ReportRouted before ReportSubmitted"):
        evolve(None, REPORT_ID, 1, AT, ROUTE_EVENT)


def test_an_event_intake_does_not_know_cannot_be_folded() -> None:
    with pytest.raises(ValueError, match="cannot fold"):
        evolve(_waiting(), REPORT_ID, 2, AT, GeoPoint())


agencies = st.tuples(st.text(min_size=1, max_size=12), st.text(max_size=30))


@given(st.lists(agencies, max_size=20))
def test_folding_keeps_sequence_equal_to_the_number_of_events(
    routings: list[tuple[str, str]],
) -> None:
    events = [decide_submit(VALID, REGIONS.__contains__)[0]] + [
        ReportRouted(agency_code=code, agency_name=name) for code, name in routings
    ]
    state: ReportState | None = None
    for sequence, event in enumerate(events, start=1):
        state = evolve(state, REPORT_ID, sequence, AT, event)
    assert state is not None
    assert state.sequence == len(events)
    assert state.report_id == REPORT_ID
    if routings:
        assert state.status is Status.DITERUSKAN_KE_INSTANSI
        assert (state.agency_code, state.agency_name) == routings[-1]
    else:
        assert state.status is Status.MENUNGGU_VERIFIKASI
        assert state.agency_code == ""
