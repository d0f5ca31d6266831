"""Filing a report: what a submission must contain, and the event it becomes."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from google.protobuf.message import Message

from intake.domain.model import Invalid, Sealed
from lapor.report.v1.events_pb2 import (
    CHANNEL_OPEN311,
    CHANNEL_SMS,
    CHANNEL_UNSPECIFIED,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_UNSPECIFIED,
    Channel,
    EncryptedIdentity,
    GeoPoint,
    ReportSubmitted,
    ReportType,
)

TITLE_LENGTH = (5, 200)
BODY_LENGTH = (20, 10_000)
LANGUAGES = ("id", "en")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NIK = re.compile(r"^[0-9]{16}$")
# Channels whose citizens do not type Kemendagri codes: a report may come without a region, and
# routing locates the place from its text (or an administrator assigns it).
REGION_OPTIONAL = frozenset({CHANNEL_SMS, CHANNEL_OPEN311})


@dataclass(frozen=True)
class SubmitReport:
    type: ReportType.ValueType
    requires_examination: bool
    title: str
    body: str
    category_code: str
    region_code: str
    location: tuple[float, float] | None
    channel: Channel.ValueType
    anonymous: bool
    confidential: bool
    language: str = "id"
    reporter: Sealed | None = None
    access_secret_sha256: bytes = b""
    gave_email: bool = False
    gave_phone: bool = False
    # Imports from an agency's own system: that agency, its id for the report, and when its
    # desk received it.
    origin_agency_code: str = ""
    external_id: str = ""
    received_at: datetime | None = None


def _length_problem(field: str, text: str, bounds: tuple[int, int]) -> list[str]:
    low, high = bounds
    length = len(text.strip())
    return [] if low <= length <= high else [f"{field} must have {low} to {high} characters"]


def identity_problems(name: str, phone: str, email: str, id_number: str) -> list[str]:
    """What is wrong with the contact details a reporter gave (all are optional)."""
    problems = [] if len(name) <= 200 else ["reporter.name must have at most 200 characters"]
    if phone and not _PHONE.match(re.sub(r"[\s()-]", "", phone)):
        problems.append("reporter.phone must be a phone number, e.g. +6281234567890")
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        problems.append("reporter.email must be an e-mail address")
    if id_number and not _NIK.match(id_number):
        problems.append("reporter.id_number must be a 16-digit NIK")
    return problems


def submission_problems(command: SubmitReport, region_exists: Callable[[str], bool]) -> list[str]:
    """Everything wrong with a submission, in words a form can show next to its fields."""
    problems = _length_problem("title", command.title, TITLE_LENGTH)
    problems += _length_problem("body", command.body, BODY_LENGTH)
    if command.type not in ReportType.values() or command.type == REPORT_TYPE_UNSPECIFIED:
        problems.append("type must be pengaduan, aspirasi or permintaan_informasi")
    if command.requires_examination and command.type != REPORT_TYPE_COMPLAINT:
        problems.append("only a complaint (pengaduan) can need examination (berkadar pengawasan)")
    region_needed = command.region_code or command.channel not in REGION_OPTIONAL
    if region_needed and not region_exists(command.region_code):
        problems.append(f"region_code {command.region_code!r} is not a Kemendagri region code")
    if command.location is not None:
        latitude, longitude = command.location
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            problems.append("location must have latitude -90..90 and longitude -180..180")
    if command.channel == CHANNEL_UNSPECIFIED or command.channel not in Channel.values():
        problems.append("channel is required")
    if command.language not in LANGUAGES:
        problems.append("language must be id or en")
    return problems


def decide_submit(command: SubmitReport, region_exists: Callable[[str], bool]) -> list[Message]:
    problems = submission_problems(command, region_exists)
    if problems:
        raise Invalid(problems)
    submitted = ReportSubmitted(
        type=command.type,
        requires_examination=command.requires_examination,
        title=command.title,
        body=command.body,
        category_code=command.category_code,
        region_code=command.region_code,
        channel=command.channel,
        anonymous=command.anonymous,
        confidential=command.confidential,
        access_secret_sha256=command.access_secret_sha256,
        language=command.language,
        reporter_gave_email=command.gave_email,
        reporter_gave_phone=command.gave_phone,
        origin_agency_code=command.origin_agency_code,
        external_id=command.external_id,
    )
    if command.received_at is not None:
        submitted.received_at.FromDatetime(command.received_at)
    if command.location is not None:
        latitude, longitude = command.location
        submitted.location.CopyFrom(GeoPoint(latitude=latitude, longitude=longitude))
    if command.reporter is not None:
        sealed = command.reporter
        submitted.reporter.CopyFrom(
            EncryptedIdentity(
                key_id=sealed.key_id, nonce=sealed.nonce, ciphertext=sealed.ciphertext
            )
        )
    return [submitted]
