"""Shared test data: a valid report, the principals, a valid instance of every command, and
reports brought to each status by the real decide and fold (no I/O)."""

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from intake.domain.fold import evolve
from intake.domain.lifecycle import decide
from intake.domain.model import PUBLIC, Principal, ReportState, Role, Sealed, Status
from intake.domain.submission import SubmitReport, decide_submit
from intake.handlers import Idempotency, Outcome, ReportWriter
from intake.views import ReportReader
from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_ADMINISTRATOR,
    ACTOR_KIND_CITIZEN,
    ACTOR_KIND_OFFICER,
    ACTOR_KIND_SERVICE,
    Actor,
)
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes
from lapor_common.envelope import Causation, Command, Event, new_command, new_event, service_actor
from tests.unit.fakes import FakeEventCopy, FakeEventLog, FakeIdentityVault, FakeReportStore

S = Status
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REPORT_ID = "7K3M-9QXD-2F8A"
AGENCY = "pemkab-3204"
AGENCY_NAME = "Pemerintah Kabupaten Bandung"
OTHER_AGENCY = "pemkot-3273"
THIRD_AGENCY = "pemprov-32"
REGIONS = frozenset({"32", "32.04", "32.04.05", "32.73"})

ADMIN = Principal(Role.ADMINISTRATOR, subject="admin")
OFFICER = Principal(Role.OFFICER, agency_code=AGENCY, subject="budi")
STRANGER = Principal(Role.OFFICER, agency_code=OTHER_AGENCY, subject="ani")
REPORTER = Principal(Role.REPORTER)
SERVICE = Principal(Role.SERVICE, subject="escalation")
EVERYONE = {
    Role.PUBLIC: PUBLIC,
    Role.REPORTER: REPORTER,
    Role.OFFICER: OFFICER,
    Role.ADMINISTRATOR: ADMIN,
    Role.SERVICE: SERVICE,
}
ACTOR_KINDS = {
    Role.PUBLIC: ACTOR_KIND_CITIZEN,
    Role.REPORTER: ACTOR_KIND_CITIZEN,
    Role.OFFICER: ACTOR_KIND_OFFICER,
    Role.ADMINISTRATOR: ACTOR_KIND_ADMINISTRATOR,
    Role.SERVICE: ACTOR_KIND_SERVICE,
}
CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "corr-1")

SUBMISSION = SubmitReport(
    type=e.REPORT_TYPE_COMPLAINT,
    requires_examination=True,
    title="Jalan berlubang di Soreang",
    body="Jalan utama di depan pasar berlubang besar sejak dua minggu lalu.",
    category_code="infrastruktur.jalan",
    region_code="32.04.05",
    location=(-7.0253, 107.5197),
    channel=e.CHANNEL_MOBILE,
    anonymous=False,
    confidential=False,
)
IDENTITY = e.ReporterIdentity(
    name="Dewi Lestari",
    phone="+6281234567890",
    email="dewi@contoh.id",
    id_number="3204050101900001",
)
SEALED = Sealed(key_id="key-dewi", nonce=b"n" * 12, ciphertext=b"sealed-identity")


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


SUGGESTION = e.RouteSuggestion(
    agency_code=AGENCY,
    agency_name=AGENCY_NAME,
    category_code="infrastruktur.jalan",
    confidence=0.45,
    reason="jalan kabupaten",
)
HINT = e.VerificationHint(
    reason=e.REJECTION_REASON_INCOMPLETE, explanation="Lokasi tidak ada / No location"
)
ORIGINAL = "ABCD-EFGH-JKMN"

# One valid instance of every command in RULES.
VALID: dict[type[Message], Message] = {
    c.VerifyReport: c.VerifyReport(note="lengkap"),
    c.RejectReport: c.RejectReport(
        reason=e.REJECTION_REASON_DUPLICATE, note="sama dengan yang lain"
    ),
    c.ArchiveReport: c.ArchiveReport(reason="sudah ditangani di luar LAPOR"),
    c.PostponeReport: c.PostponeReport(
        reason="menunggu data", until=timestamp(AT + timedelta(days=3))
    ),
    c.AssignAgency: c.AssignAgency(
        agency_code=AGENCY, agency_name=AGENCY_NAME, category_code="jalan", reason=" wilayah "
    ),
    RouteReport: RouteReport(
        agency_code=AGENCY,
        agency_name=AGENCY_NAME,
        category_code="jalan",
        decided_by=e.DECIDED_BY_RULE,
        confidence=1.0,
        rule_version="regional-government/1",
        reason="region 32.04.05 lies in Pemerintah Kabupaten Bandung",
    ),
    SuggestRoutes: SuggestRoutes(
        suggestions=[SUGGESTION],
        hints=[HINT],
        rule_version="rules/1",
        model_version="nb-1",
        reason="low confidence",
    ),
    LinkDuplicate: LinkDuplicate(
        original_report_id=ORIGINAL, similarity=0.8, reason="same road, same week"
    ),
    c.ForwardReport: c.ForwardReport(
        to_agency_code=THIRD_AGENCY, to_agency_name="Pemprov Jawa Barat", reason="jalan provinsi"
    ),
    c.DeclineReport: c.DeclineReport(reason=" jalan nasional, bukan wewenang kami "),
    c.AcknowledgeReport: c.AcknowledgeReport(note=" diterima "),
    c.RequestInformation: c.RequestInformation(question=" Di km berapa? "),
    c.ProvideInformation: c.ProvideInformation(answer=" Km 12 "),
    c.RespondToReport: c.RespondToReport(text="Sudah ditambal.", final=True),
    c.ResolveReport: c.ResolveReport(summary="Jalan sudah diperbaiki"),
    c.ReplyToReport: c.ReplyToReport(text="Terima kasih"),
    c.RateReport: c.RateReport(score=4, comment=" cepat "),
    c.AppealReport: c.AppealReport(reason="Lubang muncul lagi"),
    c.AcceptOutcome: c.AcceptOutcome(comment="oke"),
    c.CloseReport: c.CloseReport(reason=e.CLOSURE_REASON_AUTO_CLOSED),
    c.EscalateReport: c.EscalateReport(
        to_agency_code=THIRD_AGENCY, to_agency_name="Pemprov Jawa Barat", tier=1, reason="lewat"
    ),
    c.EraseReporterData: c.EraseReporterData(reason="atas permintaan pelapor"),
    c.NoteDeadlineApproaching: c.NoteDeadlineApproaching(
        clock=e.CLOCK_KIND_FIRST_RESPONSE,
        deadline=timestamp(AT + timedelta(days=7)),
        agency_code=AGENCY,
        policy_version="deadlines/1",
    ),
    c.RecordDeadlineMissed: c.RecordDeadlineMissed(
        clock=e.CLOCK_KIND_FIRST_RESPONSE,
        deadline=timestamp(AT + timedelta(days=7)),
        agency_code=AGENCY,
        policy_version="deadlines/1",
    ),
}


def cause_of(who: Principal) -> Causation:
    return Causation(Actor(kind=ACTOR_KINDS[who.role], id=who.agency_code), "corr-t")


@dataclass
class Pure:
    """A report driven by the pure domain alone: decide, wrap, fold."""

    events: list[Event] = field(default_factory=list)
    state: ReportState | None = None

    def submit(self, submission: SubmitReport = SUBMISSION, sealed: Sealed | None = SEALED) -> None:
        [payload] = decide_submit(replace(submission, reporter=sealed), REGIONS.__contains__)
        self._add([payload], CITIZEN)

    def act(self, command: Message, who: Principal) -> list[Message]:
        payloads = decide(self.state, command, who, AT)
        self._add(payloads, cause_of(who))
        return payloads

    def _add(self, payloads: list[Message], cause: Causation) -> None:
        for payload in payloads:
            event = new_event(REPORT_ID, len(self.events) + 1, payload, cause, AT)
            self.events.append(event)
            self.state = evolve(self.state, event.envelope, payload)

    def now(self) -> ReportState:
        assert self.state is not None
        return self.state


# The commands that bring a fresh report to each status, each by its rightful issuer.
Steps = list[tuple[type[Message], Principal]]
ROUTED: Steps = [(c.AssignAgency, ADMIN)]
WORKING: Steps = [*ROUTED, (c.AcknowledgeReport, OFFICER)]
RESPONDED: Steps = [*WORKING, (c.RespondToReport, OFFICER)]
PATHS: dict[Status, Steps] = {
    S.MENUNGGU_VERIFIKASI: [],
    S.DITERUSKAN_KE_INSTANSI: ROUTED,
    S.DIPROSES: WORKING,
    S.MENUNGGU_TANGGAPAN_PELAPOR: [*WORKING, (c.RequestInformation, OFFICER)],
    S.DITANGGAPI: RESPONDED,
    S.SELESAI: [*RESPONDED, (c.AcceptOutcome, REPORTER)],
    S.DITOLAK: [(c.RejectReport, ADMIN)],
    S.DIARSIPKAN: [(c.ArchiveReport, ADMIN)],
    S.BANDING: [*RESPONDED, (c.RateReport, REPORTER), (c.AppealReport, REPORTER)],
    S.DIGABUNGKAN: [(LinkDuplicate, SERVICE)],
}
POOR = c.RateReport(score=1, comment="buruk")


def report_at(status: Status, poorly_rated: bool = False) -> Pure:
    """A report in the status, reached through the real decide and fold."""
    report = Pure()
    report.submit()
    for command_type, who in PATHS[status]:
        command = POOR if command_type is c.RateReport else VALID[command_type]
        report.act(command, who)
    if poorly_rated:
        report.act(POOR, REPORTER)
    assert report.now().status is status
    return report


class Harness:
    """A ReportWriter and a ReportReader over fakes of every port."""

    def __init__(self, clock: datetime = AT, store: FakeReportStore | None = None) -> None:
        self.store = store or FakeReportStore()
        self.copy = FakeEventCopy()
        self.log = FakeEventLog()
        self.vault = FakeIdentityVault()
        self.now = clock
        self.writer = ReportWriter(
            store=self.store,
            copy=self.copy,
            events=self.log,
            vault=self.vault,
            region_exists=REGIONS.__contains__,
            clock=lambda: self.now,
        )
        self.reader = ReportReader(self.store, self.copy, self.vault)


def request_key(name: str, body: bytes = b"{}") -> Idempotency:
    """An idempotency key with the digest of a request body."""
    return Idempotency(name, hashlib.sha256(body).digest())


async def submitted(fx: Harness, idempotency: Idempotency | None = None) -> Outcome:
    """A new report with the reporter's identity, filed through the writer."""
    return await fx.writer.submit(SUBMISSION, IDENTITY, CITIZEN, idempotency)


async def routed(fx: Harness) -> Outcome:
    """A report at AGENCY, as the administrators assign it."""
    outcome = await submitted(fx)
    await fx.writer.act(outcome.report_id, VALID[c.AssignAgency], ADMIN, cause_of(ADMIN))
    return outcome


def route_command(report_id: str, agency: str = AGENCY, expected: int = 1) -> Command:
    """Routing's RouteReport, as it arrives on the report-commands topic."""
    payload = RouteReport(agency_code=agency, agency_name=f"Pemerintah {agency}")
    cause = Causation(service_actor("routing"), "corr-r", "event-1")
    return new_command(report_id, payload, cause, AT, expected_sequence=expected)
