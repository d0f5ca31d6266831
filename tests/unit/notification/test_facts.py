"""The facts notification folds from a report's events: whether it waits in the
administrators' verification queue, which agency holds it, which contacts the reporter gave
(never what they are), and the sequence it reflects."""

from dataclasses import replace

import pytest
from google.protobuf.message import Message

from lapor.report.v1 import events_pb2 as e
from notification.domain.facts import Facts, evolve

REPORT_ID = "7K3M-9QXA-2B4C"
SECRET_SHA256 = bytes(range(32))
DINAS_PU = ("pemkot-7371.dinas-pu", "Dinas Pekerjaan Umum Kota Makassar")
DINAS_PERKIM = ("pemkot-7371.dinas-perkim", "Dinas Perumahan dan Kawasan Permukiman Kota Makassar")
PEMPROV = ("pemprov-73.dinas-pu", "Dinas Pekerjaan Umum Provinsi Sulawesi Selatan")

SUBMITTED = e.ReportSubmitted(
    type=e.REPORT_TYPE_COMPLAINT,
    title="Jalan berlubang di Jalan Perintis Kemerdekaan",
    body="Lubang besar di depan kampus, sudah tiga minggu.",
    category_code="infrastruktur",
    region_code="73.71.01",
    channel=e.CHANNEL_SMS,
    anonymous=True,
    confidential=False,
    reporter=e.EncryptedIdentity(key_id="k-1", nonce=b"\x01" * 12, ciphertext=b"\x02" * 40),
    access_secret_sha256=SECRET_SHA256,
    language="en",
    reporter_gave_email=False,
    reporter_gave_phone=True,
)


def submitted() -> Facts:
    return evolve(Facts(REPORT_ID), SUBMITTED, 1)


def at_agency(code: str, name: str, sequence: int) -> Facts:
    routed = e.ReportRouted(agency_code=code, agency_name=name, category_code="jalan")
    return evolve(submitted(), routed, sequence)


def test_a_submission_records_the_report_and_puts_it_in_the_verification_queue() -> None:
    assert submitted() == Facts(
        report_id=REPORT_ID,
        sequence=1,
        title="Jalan berlubang di Jalan Perintis Kemerdekaan",
        language="en",
        region_code="73.71.01",
        category_code="infrastruktur",
        came_by_sms=True,
        anonymous=True,
        confidential=False,
        secret_sha256=SECRET_SHA256,
        agency_code="",
        agency_name="",
        gave_email=False,
        gave_phone=True,
        awaiting_verification=True,
        erased=False,
    )


def test_a_submission_without_a_language_is_in_bahasa_indonesia_and_web_is_not_sms() -> None:
    web = e.ReportSubmitted(title="Lampu jalan mati", channel=e.CHANNEL_WEB)
    facts = evolve(Facts(REPORT_ID), web, 1)
    assert facts.language == "id"
    assert facts.came_by_sms is False
    assert (facts.gave_email, facts.gave_phone) == (False, False)  # nothing said: no contact


@pytest.mark.parametrize("gave_email", [True, False])
@pytest.mark.parametrize("gave_phone", [True, False])
def test_a_submission_records_which_contacts_were_given(gave_email: bool, gave_phone: bool) -> None:
    given = e.ReportSubmitted(
        title="Lampu jalan mati",
        channel=e.CHANNEL_WEB,
        reporter_gave_email=gave_email,
        reporter_gave_phone=gave_phone,
    )
    facts = evolve(Facts(REPORT_ID), given, 1)
    assert (facts.gave_email, facts.gave_phone) == (gave_email, gave_phone)


def test_the_whole_way_of_a_report_through_agencies() -> None:
    facts = submitted()

    facts = evolve(facts, e.RoutingSuggested(reason="low confidence"), 2)
    assert (facts.awaiting_verification, facts.agency_code, facts.sequence) == (True, "", 2)

    code, name = DINAS_PU
    facts = evolve(facts, e.ReportRouted(agency_code=code, agency_name=name), 3)
    assert (facts.agency_code, facts.agency_name) == DINAS_PU
    assert facts.awaiting_verification is False
    assert facts.category_code == "infrastruktur"  # routed without a category keeps it
    assert facts.sequence == 3

    back = e.ReportForwarded(
        from_agency_code=code, reason="bukan wewenang", kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY
    )
    facts = evolve(facts, back, 4)
    assert (facts.agency_code, facts.agency_name) == ("", "")
    assert facts.awaiting_verification is True
    assert facts.sequence == 4

    code, name = DINAS_PERKIM
    routed = e.ReportRouted(agency_code=code, agency_name=name, category_code="perumahan")
    facts = evolve(facts, routed, 5)
    assert (facts.agency_code, facts.agency_name) == DINAS_PERKIM
    assert facts.category_code == "perumahan"
    assert facts.awaiting_verification is False

    code, name = PEMPROV
    escalated = e.ReportEscalated(
        from_agency_code=DINAS_PERKIM[0], to_agency_code=code, to_agency_name=name, tier=2
    )
    facts = evolve(facts, escalated, 6)
    assert (facts.agency_code, facts.agency_name) == PEMPROV
    assert facts.awaiting_verification is False
    assert facts.sequence == 6

    facts = evolve(facts, e.ReporterDataErased(key_id="k-1", reason="permintaan pelapor"), 7)
    assert facts.erased is True
    assert (facts.agency_code, facts.sequence) == (PEMPROV[0], 7)
    # What the reporter's submission said is kept: it holds no personal data.
    assert (facts.title, facts.came_by_sms, facts.secret_sha256) == (
        SUBMITTED.title,
        True,
        SECRET_SHA256,
    )
    assert (facts.gave_email, facts.gave_phone) == (False, True)


def test_forwarding_to_another_agency_moves_the_report_there() -> None:
    code, name = DINAS_PERKIM
    forwarded = e.ReportForwarded(
        from_agency_code=DINAS_PU[0], to_agency_code=code, to_agency_name=name
    )
    facts = evolve(at_agency(*DINAS_PU, sequence=2), forwarded, 3)
    assert (facts.agency_code, facts.agency_name) == DINAS_PERKIM
    assert facts.awaiting_verification is False
    assert facts.category_code == "jalan"


@pytest.mark.parametrize(
    "leaving",
    [
        e.ReportRejected(reason=e.REJECTION_REASON_TOO_GENERAL, note="terlalu umum"),
        e.ReportArchived(reason="sudah ditangani"),
        e.DuplicateLinked(original_report_id="2F8A-7K3M-9QXD", similarity=0.93),
    ],
    ids=lambda m: type(m).__name__,
)
def test_leaving_the_verification_queue_changes_nothing_else(leaving: Message) -> None:
    facts = submitted()
    assert facts.awaiting_verification is True
    after = evolve(facts, leaving, 2)
    assert after == replace(facts, sequence=2, awaiting_verification=False)


UNRELATED: list[Message] = [
    e.RoutingSuggested(reason="low confidence"),
    e.ReportVerified(note="lokasi jelas"),
    e.ReportPostponed(reason="menunggu kecamatan"),
    e.ReportAcknowledged(note="ditinjau"),
    e.InformationRequested(question="Di RT berapa?"),
    e.InformationProvided(answer="RT 03"),
    e.ReportResponded(text="Dijadwalkan", final=True),
    e.ReportResolved(summary="Sudah ditambal"),
    e.ReporterReplied(text="Terima kasih"),
    e.ReportRated(score=2),
    e.ReportAppealed(reason="belum selesai"),
    e.ReportClosed(reason=e.CLOSURE_REASON_ACCEPTED),
    e.DeadlineApproaching(clock=e.CLOCK_KIND_COMPLETION, agency_code=DINAS_PU[0]),
    e.DeadlineMissed(clock=e.CLOCK_KIND_COMPLETION, agency_code=DINAS_PU[0]),
]


@pytest.mark.parametrize("event", UNRELATED, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("queued", [True, False], ids=["in the queue", "at an agency"])
def test_other_events_only_record_the_sequence(event: Message, queued: bool) -> None:
    facts = submitted() if queued else at_agency(*DINAS_PU, sequence=2)
    assert evolve(facts, event, 9) == replace(facts, sequence=9)


def test_the_sequence_is_the_one_given_even_for_an_unknown_payload() -> None:
    facts = evolve(submitted(), e.GeoPoint(latitude=-5.1, longitude=119.4), 4)
    assert facts == replace(submitted(), sequence=4)
