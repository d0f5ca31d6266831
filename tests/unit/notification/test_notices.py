"""The notice policy: who hears what about each event, what an erased reporter no longer
hears, and that no context carries the reporter's identity."""

from dataclasses import replace

import pytest
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st

from lapor.report.v1 import events_pb2 as e
from notification.domain.facts import Facts
from notification.domain.notices import (
    NATIONAL_ADMINISTRATOR,
    POLICY,
    Audience,
    Notice,
    crossing,
    notices,
    queue_alert,
)

R, A = Audience.REPORTER, Audience.AGENCY
DINAS_PU = ("pemkot-7371.dinas-pu", "Dinas Pekerjaan Umum Kota Makassar")
DINAS_PERKIM = ("pemkot-7371.dinas-perkim", "Dinas Perumahan dan Kawasan Permukiman Kota Makassar")
PEMPROV = ("pemprov-73.dinas-pu", "Dinas Pekerjaan Umum Provinsi Sulawesi Selatan")
DEADLINE = Timestamp(seconds=1796140799)  # 2026-12-01T15:59:59Z
DEADLINE_ISO = "2026-12-01T15:59:59Z"
KEY_ID = "reporter-key-4f2a9c"
CIPHERTEXT = b"\x8f\x11sealed identity of Siti Rahayu\x00"
SECRET_SHA256 = bytes(range(32))
ANSWER = "Di depan rumah saya, Jl. Melati 7, HP 081234567890"

AT_AGENCY = Facts(
    report_id="7K3M-9QXA-2B4C",
    sequence=5,
    title="Jalan berlubang",
    region_code="73.71",
    category_code="infrastruktur",
    secret_sha256=SECRET_SHA256,
    agency_code=DINAS_PU[0],
    agency_name=DINAS_PU[1],
)

# One realistic event of every type the policy knows, with every field filled in.
EVENTS: dict[type[Message], Message] = {
    e.ReportSubmitted: e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT,
        title="Jalan berlubang",
        body="Lubang besar di depan kampus.",
        region_code="73.71",
        channel=e.CHANNEL_WEB,
        anonymous=True,
        confidential=True,
        reporter=e.EncryptedIdentity(key_id=KEY_ID, nonce=b"\x01" * 12, ciphertext=CIPHERTEXT),
        access_secret_sha256=SECRET_SHA256,
        language="id",
    ),
    e.ReportVerified: e.ReportVerified(note="Lokasi jelas."),
    e.ReportRejected: e.ReportRejected(reason=e.REJECTION_REASON_INCOMPLETE, note="Tanpa lokasi."),
    e.ReportArchived: e.ReportArchived(reason="Sudah selesai ditangani."),
    e.ReportPostponed: e.ReportPostponed(reason="Menunggu kecamatan.", until=DEADLINE),
    e.ReportRouted: e.ReportRouted(
        agency_code=DINAS_PERKIM[0], agency_name=DINAS_PERKIM[1], category_code="perumahan"
    ),
    e.ReportForwarded: e.ReportForwarded(
        from_agency_code=DINAS_PU[0],
        to_agency_code=DINAS_PERKIM[0],
        to_agency_name=DINAS_PERKIM[1],
        reason="Wewenang dinas perumahan.",
        kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY,
    ),
    e.ReportEscalated: e.ReportEscalated(
        from_agency_code=DINAS_PU[0],
        to_agency_code=PEMPROV[0],
        to_agency_name=PEMPROV[1],
        tier=2,
        reason="batas waktu terlewati",
    ),
    e.ReportAcknowledged: e.ReportAcknowledged(note="Petugas meninjau lokasi."),
    e.InformationRequested: e.InformationRequested(question="Di RT berapa?"),
    e.InformationProvided: e.InformationProvided(answer=ANSWER),
    e.ReporterReplied: e.ReporterReplied(text=ANSWER),
    e.ReportResponded: e.ReportResponded(text="Perbaikan dijadwalkan.", final=True),
    e.ReportResolved: e.ReportResolved(summary="Lubang sudah ditambal."),
    e.ReportClosed: e.ReportClosed(reason=e.CLOSURE_REASON_AUTO_CLOSED),
    e.ReportRated: e.ReportRated(score=1, comment=ANSWER),
    e.ReportAppealed: e.ReportAppealed(reason=ANSWER),
    e.DuplicateLinked: e.DuplicateLinked(original_report_id="2F8A-7K3M-9QXD", similarity=0.9),
    e.DeadlineApproaching: e.DeadlineApproaching(
        clock=e.CLOCK_KIND_FIRST_RESPONSE, deadline=DEADLINE, agency_code=DINAS_PU[0]
    ),
    e.DeadlineMissed: e.DeadlineMissed(
        clock=e.CLOCK_KIND_COMPLETION, deadline=DEADLINE, agency_code=DINAS_PU[0]
    ),
}

Who = tuple[str, Audience, bool, str, bool]  # kind, audience, essential, agency, supervisors
WHO_HEARS: dict[type[Message], list[Who]] = {
    e.ReportSubmitted: [("received", R, True, "", False)],
    e.ReportVerified: [("verified", R, False, "", False)],
    e.ReportRejected: [("rejected", R, True, "", False)],
    e.ReportArchived: [("archived", R, True, "", False)],
    e.ReportPostponed: [("postponed", R, False, "", False)],
    e.ReportRouted: [
        ("routed", R, False, "", False),
        ("new_report", A, True, DINAS_PERKIM[0], False),
    ],
    e.ReportForwarded: [
        ("forwarded", R, False, "", False),
        ("new_report", A, True, DINAS_PERKIM[0], False),
    ],
    e.ReportEscalated: [
        ("escalated", R, False, "", False),
        ("escalated_in", A, True, PEMPROV[0], True),
    ],
    e.ReportAcknowledged: [("acknowledged", R, False, "", False)],
    e.InformationRequested: [("information_requested", R, True, "", False)],
    e.InformationProvided: [("reporter_replied", A, True, DINAS_PU[0], False)],
    e.ReporterReplied: [("reporter_replied", A, True, DINAS_PU[0], False)],
    e.ReportResponded: [("responded", R, True, "", False)],
    e.ReportResolved: [("resolved", R, True, "", False)],
    e.ReportClosed: [("closed", R, True, "", False)],
    e.ReportRated: [("rated_poorly", R, True, "", False)],
    e.ReportAppealed: [("appealed", A, True, DINAS_PU[0], True)],
    e.DuplicateLinked: [("duplicate", R, False, "", False)],
    e.DeadlineApproaching: [("deadline_approaching", A, True, DINAS_PU[0], False)],
    e.DeadlineMissed: [("warning", A, True, DINAS_PU[0], True)],
}
CONTEXTS: dict[type[Message], list[dict[str, object]]] = {
    e.ReportSubmitted: [{"anonymous": True, "confidential": True}],
    e.ReportVerified: [{"agency_name": DINAS_PU[1], "note": "Lokasi jelas."}],
    e.ReportRejected: [
        {
            "agency_name": DINAS_PU[1],
            "reason_code": e.REJECTION_REASON_INCOMPLETE,
            "note": "Tanpa lokasi.",
        }
    ],
    e.ReportArchived: [{"agency_name": DINAS_PU[1], "reason": "Sudah selesai ditangani."}],
    e.ReportPostponed: [{"until": DEADLINE_ISO, "reason": "Menunggu kecamatan."}],
    e.ReportRouted: [
        {"agency_name": DINAS_PERKIM[1]},
        {"via": "routed", "from_agency_name": ""},
    ],
    e.ReportEscalated: [
        {"agency_name": PEMPROV[1]},
        {"from_agency_name": DINAS_PU[1], "tier": 2},
    ],
    e.InformationRequested: [{"agency_name": DINAS_PU[1], "question": "Di RT berapa?"}],
    e.ReportResponded: [
        {"agency_name": DINAS_PU[1], "text": "Perbaikan dijadwalkan.", "final": True}
    ],
    e.ReportClosed: [{"auto_closed": True}],
    e.ReportRated: [{"score": 1}],
    e.DuplicateLinked: [{"agency_name": DINAS_PU[1], "original_id": "2F8A-7K3M-9QXD"}],
    e.DeadlineApproaching: [{"clock": "first_response", "deadline": DEADLINE_ISO}],
    e.DeadlineMissed: [{"clock": "completion", "deadline": DEADLINE_ISO, "missed_by": DINAS_PU[1]}],
}


def who(found: list[Notice]) -> list[Who]:
    return [(n.kind, n.audience, n.essential, n.agency_code, n.supervisors) for n in found]


def test_the_table_covers_every_event_the_policy_knows() -> None:
    assert set(EVENTS) == set(POLICY) == set(WHO_HEARS)


@pytest.mark.parametrize("event_type", list(WHO_HEARS), ids=lambda t: t.__name__)
def test_who_hears_what(event_type: type[Message]) -> None:
    assert who(notices(AT_AGENCY, EVENTS[event_type])) == WHO_HEARS[event_type]


@pytest.mark.parametrize("event_type", list(CONTEXTS), ids=lambda t: t.__name__)
def test_what_the_notices_say(event_type: type[Message]) -> None:
    found = notices(AT_AGENCY, EVENTS[event_type])
    assert [dict(n.context) for n in found] == CONTEXTS[event_type]


@pytest.mark.parametrize("event_type", list(WHO_HEARS), ids=lambda t: t.__name__)
def test_an_erased_reporter_hears_nothing_more_and_agencies_still_do(
    event_type: type[Message],
) -> None:
    erased = replace(AT_AGENCY, erased=True)
    expected = [w for w in WHO_HEARS[event_type] if w[1] is A]
    assert who(notices(erased, EVENTS[event_type])) == expected


def test_the_erasure_itself_tells_no_one() -> None:
    assert notices(AT_AGENCY, e.ReporterDataErased(key_id=KEY_ID, reason="permintaan")) == []


@pytest.mark.parametrize("score", [1, 2])
def test_a_poor_rating_tells_the_reporter_how_to_appeal(score: int) -> None:
    found = notices(AT_AGENCY, e.ReportRated(score=score, comment="lambat"))
    assert who(found) == [("rated_poorly", R, True, "", False)]
    assert dict(found[0].context) == {"score": score}


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_fair_or_good_rating_says_nothing(score: int) -> None:
    assert notices(AT_AGENCY, e.ReportRated(score=score, comment="baik")) == []


def test_a_forward_back_to_the_administrators_tells_no_one() -> None:
    back = e.ReportForwarded(
        from_agency_code=DINAS_PU[0],
        reason="bukan wewenang kami",
        kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY,
    )
    assert notices(AT_AGENCY, back) == []


def test_replies_and_appeals_without_an_agency_tell_no_one() -> None:
    queued = replace(AT_AGENCY, agency_code="", agency_name="", awaiting_verification=True)
    for event_type in (e.InformationProvided, e.ReporterReplied, e.ReportAppealed):
        assert notices(queued, EVENTS[event_type]) == []


def test_a_missed_deadline_warns_the_unit_that_missed_it_with_its_supervisors() -> None:
    # The report has since moved up; the unit that missed its clock is still the one warned.
    escalated = replace(AT_AGENCY, agency_code=PEMPROV[0], agency_name=PEMPROV[1])
    missed = e.DeadlineMissed(
        clock=e.CLOCK_KIND_FIRST_RESPONSE, deadline=DEADLINE, agency_code=DINAS_PU[0]
    )
    [notice] = notices(escalated, missed)
    assert (notice.kind, notice.agency_code, notice.supervisors) == ("warning", DINAS_PU[0], True)
    assert notice.context["missed_by"] == DINAS_PU[0]  # its name is not known here


@pytest.mark.parametrize(
    ("clock", "label"),
    [
        (e.CLOCK_KIND_VERIFY, "verify"),
        (e.CLOCK_KIND_FIRST_RESPONSE, "first_response"),
        (e.CLOCK_KIND_COMPLETION, "completion"),
        (e.CLOCK_KIND_AUTO_CLOSE, "auto_close"),
    ],
)
def test_deadlines_name_their_clock(clock: e.ClockKind.ValueType, label: str) -> None:
    reminder = e.DeadlineApproaching(clock=clock, deadline=DEADLINE, agency_code=DINAS_PU[0])
    missed = e.DeadlineMissed(clock=clock, deadline=DEADLINE, agency_code=DINAS_PU[0])
    for event in (reminder, missed):
        [notice] = notices(AT_AGENCY, event)
        assert notice.context["clock"] == label


def test_a_verification_deadline_goes_to_the_national_administrators() -> None:
    # Escalation's verification clock carries agency_code "" ("the national administrators",
    # as the proto says); the notices must still reach someone.
    queued = replace(AT_AGENCY, agency_code="", agency_name="", awaiting_verification=True)
    reminder = e.DeadlineApproaching(clock=e.CLOCK_KIND_VERIFY, deadline=DEADLINE)
    missed = e.DeadlineMissed(clock=e.CLOCK_KIND_VERIFY, deadline=DEADLINE)
    agencies = [n.agency_code for event in (reminder, missed) for n in notices(queued, event)]
    assert agencies == [NATIONAL_ADMINISTRATOR, NATIONAL_ADMINISTRATOR]


def test_contexts_never_carry_the_reporters_identity_or_words() -> None:
    before = [AT_AGENCY, replace(AT_AGENCY, agency_code="", agency_name="")]
    found = [n for facts in before for event in EVENTS.values() for n in notices(facts, event)]
    values = [value for n in found for value in n.context.values()]
    assert values  # the check below looks at something
    assert not [v for v in values if not isinstance(v, str | int | bool)]  # no bytes, no messages
    assert not [v for v in values if isinstance(v, str) and (KEY_ID in v or ANSWER in v)]
    assert not {key for n in found for key in n.context} & {
        "reporter",
        "name",
        "phone",
        "email",
        "access_secret_sha256",
        "answer",
        "comment",
    }


def test_the_queue_alert_goes_to_the_national_administrators() -> None:
    alert = queue_alert(205, 100)
    assert who([alert]) == [("queue_growing", A, True, NATIONAL_ADMINISTRATOR, False)]
    assert dict(alert.context) == {"count": 205, "threshold": 100}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (99, 100, True),  # reaches the threshold
        (100, 101, False),  # already past it
        (150, 199, False),
        (199, 200, True),  # the first doubling
        (250, 399, False),
        (399, 400, True),
        (10, 1000, True),
        (101, 100, False),  # shrinking
        (100, 100, False),
    ],
)
def test_the_queue_alert_at_the_threshold_and_its_doublings(
    before: int, after: int, expected: bool
) -> None:
    assert (crossing(before, after, 100) is not None) is expected


def test_no_threshold_means_no_alert() -> None:
    assert crossing(0, 1000, 0) is None
    assert crossing(0, 1000, -5) is None


@given(
    st.integers(min_value=0, max_value=5_000),
    st.integers(min_value=0, max_value=5_000),
    st.integers(min_value=1, max_value=600),
)
def test_a_crossing_is_found_iff_a_level_lies_in_the_growth(
    before: int, after: int, threshold: int
) -> None:
    levels = [threshold * 2**k for k in range(14)]  # beyond 5,000 for any threshold >= 1
    expected = any(before < level <= after for level in levels)
    assert (crossing(before, after, threshold) is not None) is expected
