"""Reporters' contacts, asked of intake when a message is about to be sent
(lapor.report.v1.ReportService/GetReporterContact) and never stored here.

Notification proves itself with a service token it signs with the platform's JWT key
(``role: service``, ``sub: notification``), renewed before it expires.
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import grpc

from lapor.report.v1 import report_service_pb2 as pb
from lapor.report.v1 import report_service_pb2_grpc as pb_grpc
from lapor_common.tokens import issue

_TOKEN_LIFETIME = timedelta(hours=1)
# Intake cannot answer now; any other refusal (a wrong key, an unknown report) is the
# delivery's failure and spends its attempts, so a misconfiguration ends in dead letters.
_OUTAGES = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.ABORTED,
    grpc.StatusCode.CANCELLED,
}
_RENEW_AFTER_S = 45 * 60.0


@dataclass(frozen=True)
class Contact:
    email: str
    phone: str
    access_secret: str
    erased: bool
    language: str


class ContactSource(Protocol):
    async def get(self, report_id: str) -> Contact: ...


class ContactUnavailable(Exception):
    """Intake could not answer: ``outage`` when it is unreachable (wait, it is not the
    message's fault), else it does not know the report (yet)."""

    def __init__(self, reason: str, outage: bool) -> None:
        super().__init__(reason)
        self.outage = outage


class IntakeContacts:
    def __init__(self, target: str, signing_key: str) -> None:
        self._channel = grpc.aio.insecure_channel(target)
        self._intake = pb_grpc.ReportServiceStub(self._channel)
        self._key = signing_key
        self._token = ("", 0.0)

    def _authorization(self) -> tuple[tuple[str, str]]:
        token, made = self._token
        if not token or time.monotonic() - made > _RENEW_AFTER_S:
            token = issue(self._key, "service", "notification", "", _TOKEN_LIFETIME)
            self._token = (token, time.monotonic())
        return (("authorization", f"Bearer {token}"),)

    async def get(self, report_id: str) -> Contact:
        request = pb.GetReporterContactRequest(tracking_id=report_id)
        try:
            answer = await self._intake.GetReporterContact(
                request, metadata=self._authorization(), timeout=10
            )
        except grpc.aio.AioRpcError as exc:
            outage = exc.code() in _OUTAGES
            raise ContactUnavailable(f"intake: {exc.code().name}: {exc.details()}", outage) from exc
        return Contact(
            email=answer.contact.email,
            phone=answer.contact.phone,
            access_secret=answer.access_secret,
            erased=answer.erased,
            language=answer.language,
        )

    async def close(self) -> None:
        await self._channel.close()


class RecentContacts:
    """Contacts remembered in memory for a short while (a report's events come in bursts), so
    intake is asked once per burst; never written anywhere."""

    def __init__(self, source: ContactSource, keep_s: float = 30.0) -> None:
        self._source = source
        self._keep_s = keep_s
        self._known: dict[str, tuple[float, Contact]] = {}

    async def get(self, report_id: str) -> Contact:
        now = time.monotonic()
        known = self._known.get(report_id)
        if known and now - known[0] < self._keep_s:
            return known[1]
        contact = await self._source.get(report_id)
        self._known = {k: v for k, v in self._known.items() if now - v[0] < self._keep_s}
        self._known[report_id] = (now, contact)
        return contact

    def forget(self, report_id: str) -> None:
        """Drop a contact at once (the reporter's data was erased)."""
        self._known.pop(report_id, None)
