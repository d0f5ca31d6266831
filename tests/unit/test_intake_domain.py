"""Intake's pure rules for filing a report and for who a caller is: submission problems, the
event a submission becomes, the reporter's contact details, access secrets and audiences."""

import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.domain.fold import evolve
from intake.domain.model import (
    PUBLIC,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Role,
    Status,
    acting_as,
    audience,
    holds_secret,
    secret_digest,
    sees_identity,
)
from intake.domain.submission import (
    decide_submit,
    identity_problems,
    submission_problems,
)
from intake.requests import identity_of
from lapor.report.v1.events_pb2 import (
    CHANNEL_MOBILE,
    CHANNEL_OPEN311,
    CHANNEL_SMS,
    CHANNEL_UNSPECIFIED,
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_INFORMATION_REQUEST,
    REPORT_TYPE_UNSPECIFIED,
    EncryptedIdentity,
    GeoPoint,
    ReporterIdentity,
    ReportSubmitted,
)
from lapor_common.envelope import new_event
from tests.unit.reports import (
    ADMIN,
    AGENCY,
    AT,
    CITIZEN,
    OFFICER,
    REGIONS,
    REPORT_ID,
    SEALED,
    STRANGER,
    SUBMISSION,
    report_at,
)

VALID = SUBMISSION


def _problems(**changes: object) -> list[str]:
    return submission_problems(replace(VALID, **changes), REGIONS.__contains__)  # type: ignore[arg-type]


# decide_submit


def test_a_valid_submission_gives_one_event_carrying_every_field() -> None:
    command = replace(VALID, reporter=SEALED, access_secret_sha256=b"h" * 32, language="en")
    assert decide_submit(command, REGIONS.__contains__) == [
        ReportSubmitted(
            type=REPORT_TYPE_COMPLAINT,
            requires_examination=True,
            title=VALID.title,
            body=VALID.body,
            category_code="infrastruktur.jalan",
            region_code="32.04.05",
            location=GeoPoint(latitude=-7.0253, longitude=107.5197),
            channel=CHANNEL_MOBILE,
            anonymous=False,
            confidential=False,
            reporter=EncryptedIdentity(
                key_id=SEALED.key_id, nonce=SEALED.nonce, ciphertext=SEALED.ciphertext
            ),
            access_secret_sha256=b"h" * 32,
            language="en",
        )
    ]


def test_a_submission_without_location_or_reporter_has_neither() -> None:
    [event] = decide_submit(replace(VALID, location=None), REGIONS.__contains__)
    assert isinstance(event, ReportSubmitted)
    assert not event.HasField("location")
    assert not event.HasField("reporter")
    assert event.language == "id"


def test_an_invalid_submission_is_refused_with_all_its_problems() -> None:
    with pytest.raises(Invalid) as caught:
        decide_submit(replace(VALID, title="", region_code="99"), REGIONS.__contains__)
    assert len(caught.value.problems) == 2
    assert "title" in str(caught.value)
    assert "'99'" in str(caught.value)


def test_a_submission_folds_into_a_report_awaiting_verification() -> None:
    command = replace(VALID, reporter=SEALED, access_secret_sha256=secret_digest("rahasia"))
    [payload] = decide_submit(command, REGIONS.__contains__)
    envelope = new_event(REPORT_ID, 1, payload, CITIZEN, AT).envelope
    state = evolve(None, envelope, payload)
    assert (state.report_id, state.sequence, state.status) == (
        REPORT_ID,
        1,
        Status.MENUNGGU_VERIFIKASI,
    )
    assert (state.title, state.body, state.region_code) == (VALID.title, VALID.body, "32.04.05")
    assert (state.submitted_at, state.language, state.reporter) == (AT, "id", SEALED)
    assert holds_secret(state, "rahasia")
    assert (state.agency_code, state.verified, state.rating, state.declined_by) == (
        "",
        False,
        0,
        (),
    )


# submission_problems


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


@given(st.integers(0, 260))
def test_a_title_is_fine_exactly_when_it_has_5_to_200_characters(length: int) -> None:
    assert (_problems(title="t" * length) == []) == (5 <= length <= 200)


@pytest.mark.parametrize("kind", [REPORT_TYPE_UNSPECIFIED, 42])
def test_an_unspecified_or_unknown_type_is_a_problem(kind: int) -> None:
    problems = _problems(type=kind, requires_examination=False)
    assert problems == ["type must be pengaduan, aspirasi or permintaan_informasi"]


@pytest.mark.parametrize("kind", [REPORT_TYPE_ASPIRATION, REPORT_TYPE_INFORMATION_REQUEST])
def test_only_a_complaint_can_require_examination(kind: int) -> None:
    assert _problems(type=kind) == [
        "only a complaint (pengaduan) can need examination (berkadar pengawasan)"
    ]
    assert _problems(type=kind, requires_examination=False) == []


def test_unknown_region_is_a_problem() -> None:
    assert _problems(region_code="32.99") == ["region_code '32.99' is not a Kemendagri region code"]


@pytest.mark.parametrize("channel", [CHANNEL_SMS, CHANNEL_OPEN311])
def test_sms_and_open311_reports_may_come_without_a_region_but_not_a_wrong_one(
    channel: int,
) -> None:
    assert _problems(channel=channel, region_code="") == []
    assert _problems(channel=channel, region_code="32.99") == [
        "region_code '32.99' is not a Kemendagri region code"
    ]
    assert _problems(channel=CHANNEL_MOBILE, region_code="") == [
        "region_code '' is not a Kemendagri region code"
    ]


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


@pytest.mark.parametrize("channel", [CHANNEL_UNSPECIFIED, 99])
def test_an_unspecified_or_unknown_channel_is_a_problem(channel: int) -> None:
    assert _problems(channel=channel) == ["channel is required"]


@pytest.mark.parametrize("language", ["", "jv", "ID", "en-US"])
def test_the_language_is_id_or_en(language: str) -> None:
    assert _problems(language=language) == ["language must be id or en"]
    assert _problems(language="en") == []


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems(
        title="",
        body="short",
        type=REPORT_TYPE_ASPIRATION,
        region_code="",
        location=(100.0, 0.0),
        channel=CHANNEL_UNSPECIFIED,
        language="fr",
    )
    assert len(problems) == 7
    for start in (
        "title",
        "body",
        "only a complaint",
        "region_code",
        "location",
        "channel",
        "lang",
    ):
        assert any(p.startswith(start) for p in problems), start


# identity_problems and identity_of: the reporter's contact details


def test_full_contact_details_have_no_problems() -> None:
    assert identity_problems("Dewi", "+62 812-3456-7890", "dewi@contoh.id", "3" * 16) == []
    assert identity_problems("", "", "", "") == []


@pytest.mark.parametrize("phone", ["+6281234567890", "081234567", "(022) 123-4567", "62 812 3456"])
def test_phone_numbers_as_people_write_them_are_accepted(phone: str) -> None:
    assert identity_problems("", phone, "", "") == []


@pytest.mark.parametrize("phone", ["1234567", "+62812345678901234", "0812-ABC-999", "++62812345"])
def test_what_is_not_a_phone_number_is_a_problem(phone: str) -> None:
    assert identity_problems("", phone, "", "") == [
        "reporter.phone must be a phone number, e.g. +6281234567890"
    ]


@pytest.mark.parametrize(
    "email", ["dewi", "dewi@contoh", "@contoh.id", "de wi@contoh.id", "a@b.c" + "c" * 250]
)
def test_what_is_not_an_email_address_is_a_problem(email: str) -> None:
    assert identity_problems("", "", email, "") == ["reporter.email must be an e-mail address"]


@pytest.mark.parametrize("nik", ["320405010190000", "32040501019000011", "3204O50101900001"])
def test_a_nik_has_sixteen_digits(nik: str) -> None:
    assert identity_problems("", "", "", nik) == ["reporter.id_number must be a 16-digit NIK"]


def test_a_name_has_at_most_200_characters() -> None:
    assert identity_problems("x" * 200, "", "", "") == []
    assert identity_problems("x" * 201, "", "", "") == [
        "reporter.name must have at most 200 characters"
    ]


def test_every_identity_problem_is_reported_at_once() -> None:
    assert len(identity_problems("x" * 201, "12", "no", "1")) == 4


def test_contact_details_are_tidied() -> None:
    identity = identity_of(" Dewi ", "+62 (812) 3456-7890", "Dewi@Contoh.ID", "3" * 16)
    assert identity == ReporterIdentity(
        name="Dewi", phone="+6281234567890", email="dewi@contoh.id", id_number="3" * 16
    )


def test_whitespace_around_an_email_or_nik_is_tidied_not_refused() -> None:
    """identity_of strips the e-mail address and the NIK, but only after checking them
    unstripped, so " dewi@contoh.id" (as a phone keyboard's autocomplete types it) is refused
    while the same padding around a phone number or a name is accepted."""
    identity = identity_of("Dewi", " 081234567 ", " dewi@contoh.id ", " " + "3" * 16 + " ")
    assert identity == ReporterIdentity(
        name="Dewi", phone="081234567", email="dewi@contoh.id", id_number="3" * 16
    )


def test_blank_contact_details_are_no_identity() -> None:
    assert identity_of("", " ", "\t", "") is None


def test_bad_contact_details_are_invalid() -> None:
    with pytest.raises(Invalid) as caught:
        identity_of("Dewi", "12", "", "")
    assert caught.value.problems == ["reporter.phone must be a phone number, e.g. +6281234567890"]


# access secrets, acting as the reporter, and audiences


def test_only_the_handed_out_secret_is_held() -> None:
    state = replace(report_at(Status.MENUNGGU_VERIFIKASI).now(), access_secret_sha256=b"")
    assert not holds_secret(state, "")
    assert not holds_secret(state, "anything")
    state = replace(state, access_secret_sha256=secret_digest("rahasia"))
    assert holds_secret(state, "rahasia")
    assert not holds_secret(state, "Rahasia")
    assert not holds_secret(state, "")


def test_the_secret_makes_any_caller_the_reporter_and_a_wrong_one_is_forbidden() -> None:
    state = replace(report_at(Status.DIPROSES).now(), access_secret_sha256=secret_digest("rahasia"))
    assert acting_as(state, PUBLIC, "") is PUBLIC
    assert acting_as(state, OFFICER, "rahasia") == Principal(Role.REPORTER)
    with pytest.raises(Forbidden):
        acting_as(state, PUBLIC, "tebakan")


@pytest.mark.parametrize(
    ("who", "secret", "expected"),
    [
        (PUBLIC, "", Role.PUBLIC),
        (PUBLIC, "rahasia", Role.REPORTER),
        (OFFICER, "", Role.OFFICER),
        (STRANGER, "", Role.PUBLIC),
        (ADMIN, "", Role.ADMINISTRATOR),
        (ADMIN, "wrong", Role.ADMINISTRATOR),
    ],
)
def test_the_audience_of_a_public_report(who: Principal, secret: str, expected: Role) -> None:
    state = replace(report_at(Status.DIPROSES).now(), access_secret_sha256=secret_digest("rahasia"))
    assert state.agency_code == AGENCY
    assert audience(state, who, secret) is expected


@pytest.mark.parametrize("who", [PUBLIC, STRANGER])
def test_a_confidential_report_is_not_found_for_the_public(who: Principal) -> None:
    state = replace(report_at(Status.DIPROSES).now(), confidential=True)
    with pytest.raises(NotFound):
        audience(state, who, "")
    assert audience(state, OFFICER, "") is Role.OFFICER


def test_a_wrong_secret_is_forbidden_for_a_view_too() -> None:
    state = report_at(Status.DIPROSES).now()
    with pytest.raises(Forbidden):
        audience(state, PUBLIC, "wrong")


@pytest.mark.parametrize("anonymous", [False, True])
def test_who_sees_the_identity(anonymous: bool) -> None:
    state = replace(report_at(Status.DIPROSES).now(), anonymous=anonymous)
    assert sees_identity(state, Role.REPORTER)
    assert sees_identity(state, Role.OFFICER) is not anonymous
    assert sees_identity(state, Role.ADMINISTRATOR) is not anonymous
    assert not sees_identity(state, Role.PUBLIC)
    assert not sees_identity(state, Role.SERVICE)
