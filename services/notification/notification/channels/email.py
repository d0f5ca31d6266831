"""E-mail over SMTP (aiosmtplib), with STARTTLS and authentication as configured.

Sessions are kept open and reused (a few at a time), so a burst does not pay a TLS
handshake and a login per message. A 5xx answer for a recipient is permanent (the address
does not exist); a 4xx answer, a refused connection or a timeout is transient.
"""

import asyncio
import contextlib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from notification.channels import Result, permanent, sent, transient

_PERMANENT_FROM = 500


class SmtpMailer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        starttls: bool,
        username: str = "",
        password: str = "",
        ca_file: str = "",
        timeout_s: float = 30.0,
        sessions: int = 4,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._starttls = starttls
        self._username, self._password = username, password
        self._tls = ssl.create_default_context(cafile=ca_file or None)
        self._timeout = timeout_s
        self._idle: list[aiosmtplib.SMTP] = []
        self._sessions = asyncio.Semaphore(sessions)

    def message(self, to: str, subject: str, text: str, delivery_id: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(idstring=_message_tag(delivery_id), domain="lapor")
        message["Auto-Submitted"] = "auto-generated"
        message["X-Lapor-Delivery"] = delivery_id
        message.set_content(text)
        return message

    async def _session(self) -> aiosmtplib.SMTP:
        while self._idle:
            session = self._idle.pop()
            if session.is_connected:
                return session
        session = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            start_tls=self._starttls,
            tls_context=self._tls if self._starttls else None,
            username=self._username or None,
            password=self._password or None,
            timeout=self._timeout,
        )
        await session.connect()
        return session

    async def send(self, to: str, subject: str, text: str, delivery_id: str) -> Result:
        message = self.message(to, subject, text, delivery_id)
        async with self._sessions:
            try:
                session = await self._session()
            except (aiosmtplib.SMTPException, OSError) as exc:
                return transient(f"SMTP server unreachable: {exc}")
            try:
                refused, answer = await session.send_message(message)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                self._idle.append(session)
                return _refused(exc.recipients[0].code, exc.recipients[0].message)
            except aiosmtplib.SMTPResponseException as exc:
                session.close()
                return _refused(exc.code, exc.message)
            except (aiosmtplib.SMTPException, OSError) as exc:
                session.close()
                return transient(f"SMTP session failed: {exc}")
            self._idle.append(session)
        if refused:
            code, text_ = next(iter(refused.values()))
            return _refused(code, text_)
        return sent(answer)

    async def close(self) -> None:
        while self._idle:
            session = self._idle.pop()
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await session.quit()


def _refused(code: int, message: str) -> Result:
    detail = f"SMTP {code}: {message}"
    return permanent(detail) if code >= _PERMANENT_FROM else transient(detail)


def _message_tag(delivery_id: str) -> str:
    return "".join(ch if ch.isalnum() else "." for ch in delivery_id)[:120]
