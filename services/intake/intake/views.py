"""What a caller may read of a report: the view they are entitled to, now or as it was."""

from dataclasses import dataclass
from datetime import datetime

from intake.domain.fold import fold
from intake.domain.model import (
    Forbidden,
    NotFound,
    Principal,
    ReportState,
    Role,
    audience,
    sees_identity,
)
from intake.domain.timeline import Entry, entry
from intake.identity import IdentityVault
from intake.store import EventCopy, ReportStore
from lapor.report.v1.events_pb2 import ReporterIdentity, RoutingSuggested
from lapor_common.envelope import Event

# The one service entitled to reporters' contacts: it tells them what happened.
CONTACT_READER = "notification"


@dataclass(frozen=True)
class Contact:
    identity: ReporterIdentity | None
    access_secret: str
    erased: bool
    anonymous: bool
    language: str


@dataclass(frozen=True)
class View:
    state: ReportState
    audience: Role
    identity: ReporterIdentity | None
    timeline: list[Entry]
    # Administrators: routing's latest suggestions while the report waits for them.
    suggested: RoutingSuggested | None = None
    # A duplicate's reporter follows the original report: its status now.
    original: ReportState | None = None


def _latest_suggestion(
    events: list[Event], state: ReportState, role: Role
) -> RoutingSuggested | None:
    if role is not Role.ADMINISTRATOR or state.agency_code:
        return None
    found = [ev.payload for ev in events if isinstance(ev.payload, RoutingSuggested)]
    return found[-1] if found else None


class ReportReader:
    def __init__(self, store: ReportStore, copy: EventCopy, vault: IdentityVault) -> None:
        self._store = store
        self._copy = copy
        self._vault = vault

    async def view(
        self, report_id: str, who: Principal, secret: str, as_of: datetime | None = None
    ) -> View:
        """The report for this caller; with ``as_of``, folded from its events up to that moment."""
        state = await self._store.get(report_id)
        if state is None:
            raise NotFound("no report with that tracking id")
        events = await self._copy.of(report_id, state.sequence, as_of)
        if as_of is not None:
            state = fold([(event.envelope, event.payload) for event in events])
            if state is None:
                raise NotFound("the report did not exist yet at that moment")
        role = audience(state, who, secret)
        identity = None
        if state.reporter is not None and sees_identity(state, role):
            identity = await self._vault.open(state.reporter)
        timeline = [e for ev in events if (e := entry(ev.envelope, ev.payload, role)) is not None]
        original = None
        if state.duplicate_of and role is not Role.PUBLIC:
            original = await self._store.get(state.duplicate_of)
        suggested = _latest_suggestion(events, state, role)
        return View(state, role, identity, timeline, suggested, original)

    async def contact(self, report_id: str, who: Principal) -> Contact:
        """How to reach the reporter, for the notification service alone; never the identity
        number, which no message needs."""
        if who.role is not Role.SERVICE or who.subject != CONTACT_READER:
            raise Forbidden("only the notification service may read reporters' contacts")
        state = await self._store.get(report_id)
        if state is None:
            raise NotFound("no report with that tracking id")
        opened = await self._vault.open_with_secret(state.reporter) if state.reporter else None
        identity = None
        if opened is not None:
            identity = ReporterIdentity(
                name=opened[0].name, phone=opened[0].phone, email=opened[0].email
            )
        erased = state.reporter_erased or (state.reporter is not None and opened is None)
        secret = opened[1] if opened else ""
        return Contact(identity, secret, erased, state.anonymous, state.language)
