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
    """Intake could not answer now (not reachable, or not yet aware of the report)."""


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
            raise ContactUnavailable(f"intake: {exc.code().name}: {exc.details()}") from exc
        return Contact(
            email=answer.contact.email,
            phone=answer.contact.phone,
            access_secret=answer.access_secret,
            erased=answer.erased,
            language=answer.language,
        )

    async def close(self) -> None:
        await self._channel.close()
