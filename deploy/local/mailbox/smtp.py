"""The SMTP side: an aiosmtpd server that records each accepted message.

STARTTLS is always offered; with a user and password, AUTH (PLAIN, LOGIN) is required and
only offered after STARTTLS. Recipients at bounce.invalid are refused for good (550), those
at later.invalid for now (451), so senders' handling of both can be tested.
"""

import asyncio
import hmac
import logging
import ssl
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from .records import MessageLog, Record, received_now
from .settings import HOST, Settings

log = logging.getLogger(__name__)

REFUSED = {
    "@bounce.invalid": "550 5.1.1 mailbox unavailable",
    "@later.invalid": "451 4.3.0 try again later",
}


class Credentials:
    """An aiosmtpd authenticator accepting one login and password (PLAIN or LOGIN)."""

    def __init__(self, user: str, password: str) -> None:
        self._user = user.encode()
        self._password = password.encode()

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        accepted = (
            isinstance(data, LoginPassword)
            and hmac.compare_digest(data.login, self._user)
            and hmac.compare_digest(data.password, self._password)
        )
        if not accepted:
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=self._user.decode())


def _part(message: EmailMessage, subtype: str) -> str:
    """The decoded text/<subtype> body, its CRLF line ends (as SMTP carries them) made LF."""
    body = message.get_body(preferencelist=(subtype,))
    return "" if body is None else str(body.get_content()).replace("\r\n", "\n")


def _headers(message: EmailMessage) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers[name] = f"{headers[name]}\n{value}" if name in headers else str(value)
    return headers


def email_record(envelope: Envelope, session: Session) -> Record:
    message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
    return {
        "kind": "email",
        "received_at": received_now(),
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "subject": str(message.get("Subject", "")),
        "message_id": str(message.get("Message-ID", "")),
        "text": _part(message, "plain"),
        "html": _part(message, "html"),
        "headers": _headers(message),
        "tls": session.ssl is not None,
        "authenticated_as": session.auth_data if session.authenticated else "",
    }


class Recorder:
    """The aiosmtpd handler: refuses the test domains' recipients, records each message."""

    def __init__(self, messages: MessageLog) -> None:
        self._messages = messages

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        for domain, reply in REFUSED.items():
            if address.lower().endswith(domain):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        record = email_record(envelope, session)
        self._messages.add(record)
        log.info("e-mail to %s: %s", ", ".join(record["rcpt_tos"]), record["subject"])
        return "250 OK: recorded"


async def start_smtp(
    settings: Settings, messages: MessageLog, tls: ssl.SSLContext
) -> asyncio.Server:
    """Listen on 127.0.0.1 in the running event loop (one loop for SMTP and HTTP)."""
    loop = asyncio.get_running_loop()
    recorder = Recorder(messages)
    authenticator = (
        Credentials(settings.smtp_user, settings.smtp_password)
        if settings.smtp_auth_required
        else None
    )

    def protocol() -> SMTP:
        return SMTP(
            recorder,
            hostname="localhost",
            ident="LAPOR local mailbox",
            enable_SMTPUTF8=True,
            tls_context=tls,
            auth_required=settings.smtp_auth_required,
            auth_require_tls=True,
            authenticator=authenticator,
            loop=loop,
        )

    return await loop.create_server(protocol, HOST, settings.smtp_port)
