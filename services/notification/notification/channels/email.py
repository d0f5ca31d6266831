"""E-mail over SMTP (aiosmtplib), with STARTTLS and authentication as configured.

A 5xx answer for a recipient is permanent (the address does not exist); a 4xx answer, a
refused connection or a timeout is transient.
"""

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
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._starttls = starttls
        self._username, self._password = username, password
        self._tls = ssl.create_default_context(cafile=ca_file or None)
        self._timeout = timeout_s

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

    async def send(self, to: str, subject: str, text: str, delivery_id: str) -> Result:
        message = self.message(to, subject, text, delivery_id)
        try:
            refused, answer = await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                start_tls=self._starttls,
                tls_context=self._tls if self._starttls else None,
                username=self._username or None,
                password=self._password or None,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            return _refused(exc.recipients[0].code, exc.recipients[0].message)
        except aiosmtplib.SMTPResponseException as exc:
            return _refused(exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return transient(f"SMTP server unreachable: {exc}")
        if refused:
            code, text_ = next(iter(refused.values()))
            return _refused(code, text_)
        return sent(answer)


def _refused(code: int, message: str) -> Result:
    detail = f"SMTP {code}: {message}"
    return permanent(detail) if code >= _PERMANENT_FROM else transient(detail)


def _message_tag(delivery_id: str) -> str:
    return "".join(ch if ch.isalnum() else "." for ch in delivery_id)[:120]
