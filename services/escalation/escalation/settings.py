"""Escalation's settings (environment prefix ``ESCALATION_``)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class EscalationSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="ESCALATION_", extra="ignore")

    http_port: int = Field(8003, description="Port of the HTTP API and health endpoints.")
    grpc_port: int = Field(50053, description="Port of the gRPC server.")
    database: str = Field("lapor_escalation", description="Database of clocks and timers.")
    routing_target: str = Field(
        "127.0.0.1:50052", description="routing's gRPC address, for escalation chains."
    )
    policies: Path = Field(
        Path(__file__).parent / "data" / "policies.toml",
        description="The versioned deadline policies.",
    )
    calendar_years: tuple[int, int] = Field(
        (2018, 2030), description="First and last year of the working-day calendar."
    )
    tick_seconds: float = Field(1.0, gt=0, description="How often due timers are fired.")
    clock_file: Path | None = Field(
        None, description="Tests only: read the current time from this file (ISO 8601)."
    )
