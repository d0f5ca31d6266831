"""The mailbox's settings, read from MAILBOX_* environment variables in one place."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Settings:
    smtp_port: int = 1025
    """MAILBOX_SMTP_PORT: the SMTP listener (STARTTLS always offered)."""
    http_port: int = 8025
    """MAILBOX_HTTP_PORT: the SMS gateway API, the webhook receiver, the API and the page."""
    directory: Path = Path(".run/mailbox")
    """MAILBOX_DIR: messages.jsonl and tls/cert.pem + tls/key.pem."""
    smtp_user: str = ""
    """MAILBOX_SMTP_USER: with MAILBOX_SMTP_PASSWORD, SMTP AUTH is required (after STARTTLS)."""
    smtp_password: str = ""
    """MAILBOX_SMTP_PASSWORD."""
    sms_key: str = "dev-sms-key"
    """MAILBOX_SMS_KEY: the bearer key the SMS gateway API expects."""
    sms_failing: frozenset[str] = frozenset()
    """MAILBOX_SMS_FAILING: numbers the gateway answers 503 (transient failure)."""
    sms_unreachable: frozenset[str] = frozenset()
    """MAILBOX_SMS_UNREACHABLE: numbers the gateway answers 422 (permanent failure)."""

    @property
    def smtp_auth_required(self) -> bool:
        return bool(self.smtp_user and self.smtp_password)

    @property
    def messages_file(self) -> Path:
        return self.directory / "messages.jsonl"

    @property
    def tls_directory(self) -> Path:
        return self.directory / "tls"


def _numbers(value: str) -> frozenset[str]:
    return frozenset(number.strip() for number in value.split(",") if number.strip())


def settings_from(environ: Mapping[str, str]) -> Settings:
    defaults = Settings()
    return Settings(
        smtp_port=int(environ.get("MAILBOX_SMTP_PORT", defaults.smtp_port)),
        http_port=int(environ.get("MAILBOX_HTTP_PORT", defaults.http_port)),
        directory=Path(environ.get("MAILBOX_DIR", defaults.directory)),
        smtp_user=environ.get("MAILBOX_SMTP_USER", ""),
        smtp_password=environ.get("MAILBOX_SMTP_PASSWORD", ""),
        sms_key=environ.get("MAILBOX_SMS_KEY") or defaults.sms_key,
        sms_failing=_numbers(environ.get("MAILBOX_SMS_FAILING", "")),
        sms_unreachable=_numbers(environ.get("MAILBOX_SMS_UNREACHABLE", "")),
    )
