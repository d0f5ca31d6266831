"""Notification's settings (environment prefix ``NOTIFICATION_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class NotificationSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore")

    http_port: int = Field(8004, description="Port of the HTTP API and health endpoints.")
    grpc_port: int = Field(50054, description="Port of the gRPC server.")
    database: str = Field("lapor_notification", description="Database of the delivery log.")
