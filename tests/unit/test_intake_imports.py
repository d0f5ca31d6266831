"""Reports imported from an agency's own system, decided by the pure domain: filed and at the
importing agency in one decision, declined onward like any other, read only within the
agency's scope; and routing leaves them alone."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from intake.domain.imports import (
    EXTERNAL_ID_LENGTH,
    Importer,
    decide_import,
    idempotency_text,
    in_scope,
)
from intake.domain.model import Invalid, Status
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from routing.handlers import needs_routing
from tests.unit.reports import (
    AGENCY,
    AGENCY_NAME,
    AT,
    OFFICER,
    OTHER_AGENCY,
    REGIONS,
    SUBMISSION,
    Pure,
    cause_of,
)

IMPORTER = Importer(AGENCY, AGENCY_NAME, "k1")
IMPORT = replace(SUBMISSION, external_id="SIPP-2026-000123", received_at=AT - timedelta(days=1))


def _imported() -> Pure:
    report = Pure()
    report._add(decide_import(IMPORT, IMPORTER, AT, REGIONS.__contains__), cause_of(OFFICER))
    return report


def test_an_import_is_filed_by_the_agency_system_and_routed_to_that_agency() -> None:
    submitted, routed = decide_import(IMPORT, IMPORTER, AT, REGIONS.__contains__)
    assert isinstance(submitted, e.ReportSubmitted)
    assert submitted.channel == e.CHANNEL_AGENCY_SYSTEM
    assert (submitted.origin_agency_code, submitted.external_id) == (AGENCY, "SIPP-2026-000123")
    assert submitted.received_at.ToDatetime().isoformat() == "2026-03-01T09:30:00"
    assert submitted.title == SUBMISSION.title
    assert routed == e.ReportRouted(
        agency_code=AGENCY,
        agency_name=AGENCY_NAME,
        category_code=SUBMISSION.category_code,
        decided_by=e.DECIDED_BY_ORIGIN_AGENCY,
        confidence=1.0,
        reason="Diterima langsung oleh instansi / Received at the agency's own desk",
    )


def test_an_import_names_the_importer_whatever_the_submission_claims() -> None:
    claimed = replace(IMPORT, origin_agency_code=OTHER_AGENCY, channel=e.CHANNEL_WEB)
    submitted, routed = decide_import(claimed, IMPORTER, AT, REGIONS.__contains__)
    assert isinstance(submitted, e.ReportSubmitted)
    assert isinstance(routed, e.ReportRouted)
    assert (submitted.origin_agency_code, routed.agency_code) == (AGENCY, AGENCY)
    assert submitted.channel == e.CHANNEL_AGENCY_SYSTEM


@pytest.mark.parametrize(
    ("external_id", "received_at", "problem"),
    [
        ("", None, "external_id is required"),
        ("   ", None, "external_id is required"),
        ("x" * (EXTERNAL_ID_LENGTH + 1), None, "external_id is required"),
        ("ok-1", AT + timedelta(minutes=6), "received_at must not be in the future"),
    ],
)
def test_an_import_without_a_usable_external_id_or_moment_is_refused(
    external_id: str, received_at: datetime | None, problem: str
) -> None:
    command = replace(IMPORT, external_id=external_id, received_at=received_at)
    with pytest.raises(Invalid) as refused:
        decide_import(command, IMPORTER, AT, REGIONS.__contains__)
    assert any(p.startswith(problem) for p in refused.value.problems)


def test_every_problem_of_an_import_is_named_at_once() -> None:
    command = replace(IMPORT, external_id="", title="", region_code="99.99")
    with pytest.raises(Invalid) as refused:
        decide_import(command, IMPORTER, AT, REGIONS.__contains__)
    assert len(refused.value.problems) == 3


def test_a_slightly_fast_agency_clock_is_tolerated() -> None:
    command = replace(IMPORT, received_at=AT + timedelta(minutes=4))
    assert len(decide_import(command, IMPORTER, AT, REGIONS.__contains__)) == 2


def test_an_imported_report_starts_at_the_agency_and_remembers_its_origin() -> None:
    state = _imported().now()
    assert (state.status, state.agency_code, state.agency_name) == (
        Status.DITERUSKAN_KE_INSTANSI,
        AGENCY,
        AGENCY_NAME,
    )
    assert (state.origin_agency_code, state.external_id, state.channel) == (
        AGENCY,
        "SIPP-2026-000123",
        e.CHANNEL_AGENCY_SYSTEM,
    )
    assert state.updated_at == AT


def test_an_import_that_is_not_the_agencys_authority_is_declined_back_to_routing() -> None:
    report = _imported()
    report.act(c.DeclineReport(reason="jalan nasional, bukan wewenang kami"), OFFICER)
    state = report.now()
    assert (state.status, state.agency_code, state.declined_by) == (
        Status.MENUNGGU_VERIFIKASI,
        "",
        (AGENCY,),
    )
    assert state.origin_agency_code == AGENCY


def test_an_agency_reads_what_it_imported_and_what_is_at_it_and_nothing_else() -> None:
    at_agency = _imported().now()
    moved_on = replace(at_agency, agency_code=OTHER_AGENCY)
    arrived = replace(at_agency, origin_agency_code="", external_id="")
    assert in_scope(at_agency, AGENCY)
    assert in_scope(moved_on, AGENCY)
    assert in_scope(moved_on, OTHER_AGENCY)
    assert in_scope(arrived, AGENCY)
    assert not in_scope(arrived, OTHER_AGENCY)
    assert not in_scope(replace(arrived, agency_code=""), "")


def test_an_imports_idempotency_key_names_the_agency_and_its_id() -> None:
    assert idempotency_text(AGENCY, "A-1") == f"agency:{AGENCY}:A-1"
    assert idempotency_text(AGENCY, "A-1") != idempotency_text(OTHER_AGENCY, "A-1")


def test_routing_routes_new_and_declined_reports_but_not_imported_ones() -> None:
    submitted, routed = decide_import(IMPORT, IMPORTER, AT, REGIONS.__contains__)
    assert not needs_routing(submitted)
    assert not needs_routing(routed)
    assert needs_routing(e.ReportSubmitted(title="dari web", channel=e.CHANNEL_WEB))
    declined = e.FORWARD_KIND_NOT_OUR_AUTHORITY
    assert needs_routing(e.ReportForwarded(from_agency_code=AGENCY, kind=declined))
    moved = e.ReportForwarded(from_agency_code=AGENCY, kind=declined, to_agency_code=OTHER_AGENCY)
    assert not needs_routing(moved)
