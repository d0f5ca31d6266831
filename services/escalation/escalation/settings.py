"""Escalation's settings (environment prefix ``ESCALATION_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class EscalationSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="ESCALATION_", extra="ignore")

    http_port: int = Field(8003, description="Port of the HTTP API and health endpoints.")
    grpc_port: int = Field(50053, description="Port of the gRPC server.")
    database: str = Field("lapor_escalation", description="Database of clocks and timers.")
