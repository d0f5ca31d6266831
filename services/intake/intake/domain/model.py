"""A report's state, its statuses, who acts on it, and why a command can be refused."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lapor.report.v1.events_pb2 import Channel, ReportType


class Status(StrEnum):
    """Statuses shown to people, derived from the events."""

    MENUNGGU_VERIFIKASI = "MENUNGGU_VERIFIKASI"
    DITERUSKAN_KE_INSTANSI = "DITERUSKAN_KE_INSTANSI"
    DIPROSES = "DIPROSES"
    MENUNGGU_TANGGAPAN_PELAPOR = "MENUNGGU_TANGGAPAN_PELAPOR"
    DITANGGAPI = "DITANGGAPI"
    SELESAI = "SELESAI"
    DITOLAK = "DITOLAK"
    DIARSIPKAN = "DIARSIPKAN"
    BANDING = "BANDING"
    DIGABUNGKAN = "DIGABUNGKAN"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.MENUNGGU_VERIFIKASI: ("Menunggu Verifikasi", "Awaiting verification"),
    Status.DITERUSKAN_KE_INSTANSI: ("Diteruskan ke Instansi", "Forwarded to the agency"),
    Status.DIPROSES: ("Diproses", "In progress"),
    Status.MENUNGGU_TANGGAPAN_PELAPOR: ("Menunggu Tanggapan Pelapor", "Awaiting the reporter"),
    Status.DITANGGAPI: ("Ditanggapi", "Responded"),
    Status.SELESAI: ("Selesai", "Completed"),
    Status.DITOLAK: ("Ditolak", "Rejected"),
    Status.DIARSIPKAN: ("Diarsipkan", "Archived"),
    Status.BANDING: ("Banding", "Under appeal"),
    Status.DIGABUNGKAN: ("Digabungkan", "Linked to an earlier report"),
}

AT_AGENCY = frozenset(
    {
        Status.DITERUSKAN_KE_INSTANSI,
        Status.DIPROSES,
        Status.MENUNGGU_TANGGAPAN_PELAPOR,
        Status.BANDING,
    }
)
CLOSED = frozenset({Status.SELESAI, Status.DITOLAK, Status.DIARSIPKAN})
IDEMPOTENCY_MEMORY = 32


class Role(StrEnum):
    PUBLIC = "public"
    REPORTER = "reporter"
    OFFICER = "officer"
    ADMINISTRATOR = "administrator"
    SERVICE = "service"


@dataclass(frozen=True)
class Principal:
    """Who is asking: an officer carries the code of the agency they work for."""

    role: Role
    agency_code: str = ""
    subject: str = ""


PUBLIC = Principal(Role.PUBLIC)


class Refused(Exception):
    """The report's current state does not allow the command (409); nothing is appended."""


class NotFound(Refused):
    """No such report, or none the caller may see (404)."""


class Forbidden(Exception):
    """The principal may not issue the command on this report (403)."""


class Invalid(Exception):
    """The command's content is wrong whatever the state (422); carries every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Answered:
    """A command already decided under the same idempotency key: its first answer."""

    key: str
    digest: bytes
    sequence: int
    status: Status


@dataclass(frozen=True)
class Sealed:
    """The reporter's identity as it is on the log: encrypted under a key kept elsewhere."""

    key_id: str
    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class ReportState:
    report_id: str
    sequence: int
    status: Status
    type: ReportType.ValueType
    requires_examination: bool
    title: str
    body: str
    category_code: str
    region_code: str
    channel: Channel.ValueType
    anonymous: bool
    confidential: bool
    submitted_at: datetime
    language: str = "id"
    reporter: Sealed | None = None
    reporter_erased: bool = False
    access_secret_sha256: bytes = b""
    verified: bool = False
    postponed_until: datetime | None = None
    agency_code: str = ""
    agency_name: str = ""
    declined_by: tuple[str, ...] = ()
    escalation_tier: int = 0
    duplicate_of: str = ""
    rating: int = 0
    appealed: bool = False
    answered: tuple[Answered, ...] = ()
    # Where the reporter pointed (latitude, longitude), if they did.
    location: tuple[float, float] | None = None
    # When the latest event happened.
    updated_at: datetime | None = None
    # The agency's latest response or resolution, as the public timeline shows it.
    public_response: str = ""
    # Imported from an agency's own system: that agency and its id for the report.
    origin_agency_code: str = ""
    external_id: str = ""

    def answer_for(self, key: str) -> Answered | None:
        return next((a for a in self.answered if a.key == key), None)


def secret_digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def holds_secret(state: ReportState, secret: str) -> bool:
    """Whether the secret is the one handed out when the report was filed."""
    if not state.access_secret_sha256 or not secret:
        return False
    return hmac.compare_digest(state.access_secret_sha256, secret_digest(secret))


def acting_as(state: ReportState, who: Principal, secret: str) -> Principal:
    """The principal a request acts as: the reporter when it holds the report's access secret."""
    if not secret:
        return who
    if holds_secret(state, secret):
        return Principal(Role.REPORTER)
    raise Forbidden("the access secret does not match this report")


def audience(state: ReportState, who: Principal, secret: str) -> Role:
    """Which view of the report the caller is entitled to."""
    if who.role is Role.ADMINISTRATOR:
        return Role.ADMINISTRATOR
    if who.role is Role.OFFICER and who.agency_code == state.agency_code:
        return Role.OFFICER
    if acting_as(state, who, secret).role is Role.REPORTER:
        return Role.REPORTER
    if state.confidential:
        raise NotFound("no report with that tracking id")
    return Role.PUBLIC


def sees_identity(state: ReportState, role: Role) -> bool:
    """The reporter always sees their own identity; officers and administrators only when the
    report is not anonymous; the public never."""
    if role is Role.REPORTER:
        return True
    return role in (Role.OFFICER, Role.ADMINISTRATOR) and not state.anonymous
