"""Notification's settings (environment prefix ``NOTIFICATION_``)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class NotificationSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore")

    http_port: int = Field(8004, description="Port of the HTTP API and health endpoints.")
    grpc_port: int = Field(50054, description="Port of the gRPC server.")
    database: str = Field("lapor_notification", description="Database of the delivery log.")
    intake_target: str = Field(
        "127.0.0.1:50051", description="Intake's gRPC address, asked for reporters' contacts."
    )
    public_url: str = Field(
        "http://127.0.0.1:8080", description="Base URL of the web portal, for links in messages."
    )
    smtp_host: str = Field("127.0.0.1", description="SMTP relay host.")
    smtp_port: int = Field(587, description="SMTP relay port.")
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_username: str = Field("", description="SMTP AUTH user; empty means no authentication.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP AUTH password.")
    smtp_ca_file: str = Field(
        "", description="CA certificate(s) to trust for STARTTLS; empty means the system's."
    )
    mail_from: str = Field(
        "LAPOR! <no-reply@lapor.go.id>", description="Sender of the e-mails (From header)."
    )
    sms_gateway_url: str = Field(
        "http://127.0.0.1:8025/sms", description="Base URL of the SMS gateway's JSON API."
    )
    sms_gateway_key: SecretStr = Field(SecretStr(""), description="Bearer key of the gateway.")
    sms_sender: str = Field("1708", description="Sender id shown on SMS.")
    sms_max_parts: int = Field(3, ge=1, le=10, description="Most SMS parts one message may use.")
    quiet_hours: str = Field(
        "21:00-07:00",
        description="Local night when SMS wait until morning (HH:MM-HH:MM); empty disables.",
    )
    retry_base_seconds: float = Field(30.0, gt=0, description="First retry ceiling (doubles).")
    retry_cap_seconds: float = Field(3600.0, gt=0, description="Longest wait between tries.")
    max_attempts: int = Field(8, ge=1, description="Attempts before a delivery is dead.")
    digest_window_seconds: float = Field(
        600.0, ge=0, description="An agency desk's e-mails within this window form a digest."
    )
    queue_threshold: int = Field(
        100, ge=1, description="Verification queue size that alerts the administrators."
    )
    sweep_idle_seconds: float = Field(
        1.0, gt=0, description="Longest pause between two looks at the outbox."
    )
    webhook_allow_http: bool = Field(
        False, description="Accept plain-http webhook URLs (development only)."
    )
