"""Fakes for intake's ports: in-memory, with the real adapters' semantics, no I/O.

They subclass the real ports only so that the writer's annotations hold; none
calls the real constructor, so no client is ever created.
"""

import asyncio
import hashlib
import hmac
import os
import uuid
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from intake.domain.model import ReportState, Sealed
from intake.domain.open311_input import RequestQuery
from intake.handlers import EventLog
from intake.identity import IdentityVault
from intake.store import INBOX_FIELDS, EventCopy, ReportStore, _to_document
from lapor.events.v1.envelope_pb2 import EventEnvelope
from lapor.report.v1.events_pb2 import ReporterIdentity
from lapor_common.envelope import Event, decode_event
from lapor_common.mongo import Document


class FakeReportStore(ReportStore):
    """One state per report; like the real store, a save never replaces a newer state."""

    def __init__(self) -> None:
        self.states: dict[str, ReportState] = {}
        self.saves = 0

    async def get(self, report_id: str) -> ReportState | None:
        await asyncio.sleep(0)  # a real store yields here: let other tasks interleave
        return self.states.get(report_id)

    async def many(self, report_ids: list[str]) -> dict[str, ReportState]:
        await asyncio.sleep(0)
        return {r: self.states[r] for r in report_ids if r in self.states}

    async def existing(self, report_ids: list[str]) -> set[str]:
        await asyncio.sleep(0)
        return {report_id for report_id in report_ids if report_id in self.states}

    async def save(self, state: ReportState, previous: int = 0) -> None:
        """Whatever ``previous`` says, the real store ends in the same place: the newer state."""
        await asyncio.sleep(0)
        self.saves += 1
        stored = self.states.get(state.report_id)
        if stored is None or stored.sequence < state.sequence:
            self.states[state.report_id] = state

    async def inbox(
        self,
        agency_code: str,
        statuses: list[str],
        limit: int,
        *,
        escalated: bool = False,
        oldest_first: bool = False,
    ) -> list[Document]:
        documents = [
            _to_document(s)
            for s in self.states.values()
            if s.agency_code == agency_code
            and (not statuses or s.status.value in statuses)
            and (not escalated or s.escalation_tier >= 1)
        ]
        documents.sort(key=lambda d: d["submitted_at"], reverse=not oldest_first)
        return [
            {"_id": d["_id"], **{name: d[name] for name in INBOX_FIELDS}} for d in documents[:limit]
        ]

    async def public(self, query: RequestQuery) -> list[ReportState]:
        await asyncio.sleep(0)
        found = [s for s in self.states.values() if _is_public_match(s, query)]
        found.sort(key=lambda s: s.submitted_at, reverse=True)
        return found[query.offset : query.offset + query.limit]

    async def updates(
        self, agency_code: str, after: tuple[datetime, str], limit: int
    ) -> list[ReportState]:
        found = [
            s
            for s in self.states.values()
            if agency_code in (s.agency_code, s.origin_agency_code)
            and s.updated_at is not None
            and (s.updated_at, s.report_id) > after
        ]
        found.sort(key=lambda s: (s.updated_at, s.report_id))
        return found[:limit]

    async def count_by_status(self, agency_code: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for state in self.states.values():
            if state.agency_code == agency_code:
                counts[state.status.value] = counts.get(state.status.value, 0) + 1
        return counts

    async def count_escalated(self, agency_code: str) -> int:
        at = [s for s in self.states.values() if s.agency_code == agency_code]
        return sum(1 for state in at if state.escalation_tier >= 1)


def _is_public_match(state: ReportState, query: RequestQuery) -> bool:
    text = query.text.casefold()
    return (
        not state.confidential
        and (query.start is None or query.start <= state.submitted_at)
        and (query.end is None or state.submitted_at <= query.end)
        and (not query.service_codes or state.category_code in query.service_codes)
        and (not query.statuses or state.status in query.statuses)
        and (not query.agency_code or state.agency_code == query.agency_code)
        and f"{state.region_code}.".startswith(f"{query.region_code}.".lstrip("."))
        and (text in state.title.casefold() or text in state.body.casefold())
    )


class FakeEventCopy(EventCopy):
    """Each report's events as the log holds them, written once (a replay is a no-op)."""

    def __init__(self) -> None:
        self.documents: dict[tuple[str, int], bytes] = {}

    async def add(self, envelope: EventEnvelope) -> None:
        await asyncio.sleep(0)
        self.documents.setdefault(
            (envelope.report_id, envelope.sequence), envelope.SerializeToString()
        )

    async def of_reports(self, report_ids: list[str]) -> dict[str, list[Event]]:
        await asyncio.sleep(0)
        return {
            report_id: [
                decode_event(raw)
                for (stored_id, _), raw in sorted(self.documents.items())
                if stored_id == report_id
            ]
            for report_id in report_ids
        }

    async def of(self, report_id: str, last: int, until: datetime | None = None) -> list[Event]:
        await asyncio.sleep(0)
        found = [self.documents.get((report_id, n)) for n in range(1, last + 1)]
        events = [decode_event(raw) for raw in found if raw is not None]
        if until is None:
            return events
        return [e for e in events if e.envelope.occurred_at.ToDatetime(UTC) <= until]


class FakeEventLog(EventLog):
    """Records every appended event, in order, as the topic would hold them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def append(self, events: list[Event]) -> None:
        await asyncio.sleep(0)  # a real append awaits Kafka's acknowledgement
        self.events.extend(events)

    def of(self, report_id: str) -> list[Event]:
        return [e for e in self.events if e.envelope.report_id == report_id]

    def sequences(self, report_id: str) -> list[int]:
        return [e.envelope.sequence for e in self.of(report_id)]

    def types(self, report_id: str) -> list[str]:
        return [e.envelope.event_type for e in self.of(report_id)]


class FakeIdentityVault(IdentityVault):
    """Real AES-256-GCM under one data key per reporter, the keys kept in a dict."""

    def __init__(self, secret: bytes = b"unit-test-derivation-key") -> None:
        self.keys: dict[str, bytes] = {}
        self.secrets: dict[str, str] = {}
        self._secret = secret

    async def seal(self, identity: ReporterIdentity, access_secret: str) -> Sealed:
        await asyncio.sleep(0)
        key_id = uuid.uuid4().hex
        self.keys[key_id] = AESGCM.generate_key(bit_length=256)
        self.secrets[key_id] = access_secret
        nonce = os.urandom(12)
        plain = identity.SerializeToString()
        ciphertext = AESGCM(self.keys[key_id]).encrypt(nonce, plain, key_id.encode())
        return Sealed(key_id=key_id, nonce=nonce, ciphertext=ciphertext)

    async def open_with_secret(self, sealed: Sealed) -> tuple[ReporterIdentity, str] | None:
        await asyncio.sleep(0)
        key = self.keys.get(sealed.key_id)
        if key is None:
            return None
        try:
            plain = AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, sealed.key_id.encode())
        except InvalidTag:
            return None
        return ReporterIdentity.FromString(plain), self.secrets[sealed.key_id]

    async def erase(self, key_id: str) -> None:
        await asyncio.sleep(0)
        self.keys.pop(key_id, None)
        self.secrets.pop(key_id, None)

    def derive(self, purpose: str, text: str) -> bytes:
        return hmac.new(self._secret, f"{purpose}\x00{text}".encode(), hashlib.sha256).digest()
