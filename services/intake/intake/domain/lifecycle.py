"""Every command on an existing report: who may issue it, in which statuses, and what it becomes.

``decide`` checks, in order: the report exists, the principal's role, an
officer's agency, the status, the content; then returns the events. Rules are
one table, so the whole state machine reads on one screen (docs/lifecycle.md).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.message import Message

from intake.domain.model import (
    AT_AGENCY,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Refused,
    ReportState,
    Role,
    Status,
)
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2 as e
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes

S = Status
Decision = Callable[[ReportState, Message, Principal, datetime], list[Message]]
POOR_RATING = 2
MAX_TEXT = 10_000


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    statuses: frozenset[Status]
    decide: Decision


def _text(value: str, field: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise Invalid([f"{field} is required"])
    if len(stripped) > MAX_TEXT:
        raise Invalid([f"{field} must have at most {MAX_TEXT} characters"])
    return stripped


def _verify(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.VerifyReport)
    if state.verified:
        raise Refused("the report is already verified")
    return [e.ReportVerified(note=cmd.note.strip())]


def _reject(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.RejectReport)
    if cmd.reason == e.REJECTION_REASON_UNSPECIFIED or cmd.reason not in e.RejectionReason.values():
        raise Invalid(["reason must be one of the rejection reasons"])
    return [e.ReportRejected(reason=cmd.reason, note=cmd.note.strip())]


def _archive(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.ArchiveReport)
    return [e.ReportArchived(reason=_text(cmd.reason, "reason"))]


def _postpone(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.PostponeReport)
    try:
        until = cmd.until.ToDatetime(UTC)
    except (ValueError, OverflowError) as exc:
        raise Invalid([f"until is not a date: {exc}"]) from exc
    if not cmd.HasField("until") or until <= now:
        raise Invalid(["until must be a moment in the future"])
    return [e.ReportPostponed(reason=_text(cmd.reason, "reason"), until=cmd.until)]


def _route(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    if isinstance(cmd, RouteReport):
        routed = e.ReportRouted(
            agency_code=cmd.agency_code,
            agency_name=cmd.agency_name,
            category_code=cmd.category_code,
            decided_by=cmd.decided_by,
            confidence=cmd.confidence,
            rule_version=cmd.rule_version,
            model_version=cmd.model_version,
            reason=cmd.reason,
        )
    else:
        assert isinstance(cmd, c.AssignAgency)
        routed = e.ReportRouted(
            agency_code=cmd.agency_code,
            agency_name=cmd.agency_name,
            category_code=cmd.category_code,
            decided_by=e.DECIDED_BY_ADMINISTRATOR,
            confidence=1.0,
            reason=cmd.reason.strip(),
        )
    if not routed.agency_code:
        raise Invalid(["agency_code is required"])
    if routed.agency_code in state.declined_by:
        raise Refused(f"{routed.agency_code} already declined this report as not its authority")
    return [routed]


def _suggest(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, SuggestRoutes)
    if any(not 0 <= s.confidence <= 1 or not s.agency_code for s in cmd.suggestions):
        raise Invalid(["every suggestion needs an agency_code and a confidence from 0 to 1"])
    return [
        e.RoutingSuggested(
            suggestions=cmd.suggestions,
            hints=cmd.hints,
            rule_version=cmd.rule_version,
            model_version=cmd.model_version,
            reason=cmd.reason,
        )
    ]


def _link(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, LinkDuplicate)
    if not cmd.original_report_id or cmd.original_report_id == state.report_id:
        raise Invalid(["original_report_id must name another report"])
    if not 0 < cmd.similarity <= 1:
        raise Invalid(["similarity must be above 0 and at most 1"])
    return [
        e.DuplicateLinked(
            original_report_id=cmd.original_report_id,
            similarity=cmd.similarity,
            reason=cmd.reason,
        )
    ]


def _forward(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.ForwardReport)
    if not cmd.to_agency_code:
        raise Invalid(["to_agency_code is required"])
    if cmd.to_agency_code == state.agency_code:
        raise Refused("the report is already at that agency")
    return [
        e.ReportForwarded(
            from_agency_code=state.agency_code,
            to_agency_code=cmd.to_agency_code,
            to_agency_name=cmd.to_agency_name,
            reason=_text(cmd.reason, "reason"),
            kind=e.FORWARD_KIND_ADMINISTRATOR,
        )
    ]


def _decline(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.DeclineReport)
    return [
        e.ReportForwarded(
            from_agency_code=state.agency_code,
            reason=_text(cmd.reason, "reason"),
            kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY,
        )
    ]


def _acknowledge(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.AcknowledgeReport)
    return [e.ReportAcknowledged(note=cmd.note.strip())]


def _ask(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.RequestInformation)
    return [e.InformationRequested(question=_text(cmd.question, "question"))]


def _answer(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.ProvideInformation)
    return [e.InformationProvided(answer=_text(cmd.answer, "answer"))]


def _respond(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.RespondToReport)
    return [e.ReportResponded(text=_text(cmd.text, "text"), final=cmd.final)]


def _resolve(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.ResolveReport)
    return [e.ReportResolved(summary=_text(cmd.summary, "summary"))]


def _reply(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.ReplyToReport)
    return [e.ReporterReplied(text=_text(cmd.text, "text"))]


def _rate(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.RateReport)
    if not 1 <= cmd.score <= 5:
        raise Invalid(["score must be 1 to 5"])
    if state.rating:
        raise Refused("the report is already rated")
    return [e.ReportRated(score=cmd.score, comment=cmd.comment.strip())]


def _appeal(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.AppealReport)
    if not state.rating or state.rating > POOR_RATING:
        raise Refused(f"an appeal follows a rating of {POOR_RATING} or less")
    if state.appealed:
        raise Refused("the report was already appealed")
    return [e.ReportAppealed(reason=_text(cmd.reason, "reason"))]


def _accept(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    return [e.ReportClosed(reason=e.CLOSURE_REASON_ACCEPTED)]


def _close(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.CloseReport)
    if cmd.reason == e.CLOSURE_REASON_UNSPECIFIED or cmd.reason not in e.ClosureReason.values():
        raise Invalid(["reason must be a closure reason"])
    return [e.ReportClosed(reason=cmd.reason)]


def _escalate(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.EscalateReport)
    if not cmd.to_agency_code or cmd.tier <= state.escalation_tier:
        raise Refused(f"escalation must go above tier {state.escalation_tier} to an agency")
    return [
        e.ReportEscalated(
            from_agency_code=state.agency_code,
            to_agency_code=cmd.to_agency_code,
            to_agency_name=cmd.to_agency_name,
            tier=cmd.tier,
            reason=_text(cmd.reason, "reason"),
        )
    ]


def _deadline(cmd: c.NoteDeadlineApproaching | c.RecordDeadlineMissed) -> None:
    if cmd.clock == e.CLOCK_KIND_UNSPECIFIED or cmd.clock not in e.ClockKind.values():
        raise Invalid(["clock must be a clock kind"])
    if not cmd.HasField("deadline") or not cmd.policy_version:
        raise Invalid(["deadline and policy_version are required"])


def _approaching(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.NoteDeadlineApproaching)
    _deadline(cmd)
    return [
        e.DeadlineApproaching(
            clock=cmd.clock,
            deadline=cmd.deadline,
            agency_code=cmd.agency_code,
            policy_version=cmd.policy_version,
        )
    ]


def _missed(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.RecordDeadlineMissed)
    _deadline(cmd)
    # Escalation sends it with the sequence its clock was computed at (expected_sequence), so a
    # report that has moved on since refuses it as stale.
    missed = e.DeadlineMissed(
        clock=cmd.clock,
        deadline=cmd.deadline,
        agency_code=cmd.agency_code,
        policy_version=cmd.policy_version,
    )
    if not cmd.escalate_to_agency_code:
        return [missed]
    if state.status not in AT_AGENCY:
        raise Refused("only a report at an agency is escalated")
    escalate = c.EscalateReport(
        to_agency_code=cmd.escalate_to_agency_code,
        to_agency_name=cmd.escalate_to_agency_name,
        tier=cmd.tier,
        reason=cmd.reason,
    )
    return [missed, *_escalate(state, escalate, who, now)]


def _erase(state: ReportState, cmd: Message, who: Principal, now: datetime) -> list[Message]:
    assert isinstance(cmd, c.EraseReporterData)
    if state.reporter is None or state.reporter_erased:
        raise Refused("the report holds no reporter data to erase")
    return [e.ReporterDataErased(key_id=state.reporter.key_id, reason=_text(cmd.reason, "reason"))]


R = Role
ADMIN = frozenset({R.ADMINISTRATOR})
OFFICER = frozenset({R.OFFICER})
REPORTER = frozenset({R.REPORTER})
SERVICE = frozenset({R.SERVICE})
WAITING = frozenset({S.MENUNGGU_VERIFIKASI})
# An administrator may still route, reject or archive a report linked as a duplicate.
QUEUED = WAITING | {S.DIGABUNGKAN}
WORKING = frozenset({S.DITERUSKAN_KE_INSTANSI, S.DIPROSES, S.BANDING})
RESPONDED = frozenset({S.DITANGGAPI, S.SELESAI})
ANY = frozenset(Status)
# Where a deadline can still run: not closed, not linked as a duplicate.
OPEN = frozenset(Status) - {S.SELESAI, S.DITOLAK, S.DIARSIPKAN, S.DIGABUNGKAN}

RULES: dict[type[Message], Rule] = {
    c.VerifyReport: Rule(ADMIN, WAITING, _verify),
    c.RejectReport: Rule(ADMIN, QUEUED, _reject),
    c.ArchiveReport: Rule(ADMIN, QUEUED, _archive),
    c.PostponeReport: Rule(ADMIN, WAITING, _postpone),
    c.AssignAgency: Rule(ADMIN, QUEUED, _route),
    RouteReport: Rule(SERVICE, WAITING, _route),
    SuggestRoutes: Rule(SERVICE, WAITING, _suggest),
    LinkDuplicate: Rule(SERVICE, WAITING, _link),
    c.ForwardReport: Rule(ADMIN, AT_AGENCY, _forward),
    c.DeclineReport: Rule(OFFICER, frozenset({S.DITERUSKAN_KE_INSTANSI, S.DIPROSES}), _decline),
    c.AcknowledgeReport: Rule(
        OFFICER, frozenset({S.DITERUSKAN_KE_INSTANSI, S.BANDING}), _acknowledge
    ),
    c.RequestInformation: Rule(OFFICER, WORKING, _ask),
    c.ProvideInformation: Rule(REPORTER, frozenset({S.MENUNGGU_TANGGAPAN_PELAPOR}), _answer),
    c.RespondToReport: Rule(OFFICER, WORKING, _respond),
    c.ResolveReport: Rule(OFFICER, WORKING, _resolve),
    c.ReplyToReport: Rule(REPORTER, AT_AGENCY | QUEUED | {S.DITANGGAPI}, _reply),
    c.RateReport: Rule(REPORTER, RESPONDED, _rate),
    c.AppealReport: Rule(REPORTER, RESPONDED, _appeal),
    c.AcceptOutcome: Rule(REPORTER, frozenset({S.DITANGGAPI}), _accept),
    c.CloseReport: Rule(SERVICE, frozenset({S.DITANGGAPI}), _close),
    c.EscalateReport: Rule(SERVICE, AT_AGENCY, _escalate),
    c.EraseReporterData: Rule(ADMIN, ANY, _erase),
    c.NoteDeadlineApproaching: Rule(SERVICE, OPEN, _approaching),
    c.RecordDeadlineMissed: Rule(SERVICE, OPEN, _missed),
}


def authorize(state: ReportState | None, command: Message, who: Principal) -> ReportState:
    """The report, if the principal may issue this command on it at all (whatever its status)."""
    rule = RULES.get(type(command))
    if rule is None:
        raise Invalid([f"{type(command).__name__} is not a command on a report"])
    if state is None:
        raise NotFound("no report with that tracking id")
    if who.role not in rule.roles:
        raise Forbidden(f"{type(command).__name__} is not for a {who.role.value}")
    if who.role is Role.OFFICER and who.agency_code != state.agency_code:
        raise Forbidden("the report is not at your agency")
    return state


def decide(
    state: ReportState | None, command: Message, who: Principal, now: datetime
) -> list[Message]:
    """The events a command on an existing report produces, or why it cannot."""
    state = authorize(state, command, who)
    rule = RULES[type(command)]
    if state.status not in rule.statuses:
        label = state.status.value
        raise Refused(f"{type(command).__name__} is not possible while the report is {label}")
    return rule.decide(state, command, who, now)
