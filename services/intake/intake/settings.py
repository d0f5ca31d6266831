"""Intake's settings (environment prefix ``INTAKE_``)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class IntakeSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    http_port: int = Field(8001, description="Port of the REST API and health endpoints.")
    grpc_port: int = Field(50051, description="Port of the ReportService gRPC API.")
    database: str = Field("lapor_intake", description="Database of intake's report state.")
    identity_key: SecretStr = Field(
        description=(
            "Base64 of 32 random bytes: the master key that wraps every reporter's data key "
            "(env INTAKE_IDENTITY_KEY)."
        )
    )
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest request body accepted, in bytes."
    )
    routing_target: str = Field(
        "127.0.0.1:50052",
        description=(
            "routing's gRPC address: Open311 services, jurisdictions and integration keys' "
            "agencies."
        ),
    )
    escalation_target: str = Field(
        "127.0.0.1:50053", description="escalation's gRPC address: Open311 expected_datetime."
    )
    open311_api_keys: SecretStr = Field(
        SecretStr(""),
        description=(
            "Open311 clients allowed to POST requests: '<client>:<sha256 hex of its key>', "
            "comma-separated (none: every POST is refused)."
        ),
    )
    sms_webhook_secret: SecretStr = Field(
        SecretStr(""),
        description="Shared secret the SMS gateway signs its webhook calls with; empty: off (503).",
    )
    sms_part_wait_seconds: float = Field(
        600.0, gt=0, description="How long a long SMS waits for its missing parts."
    )
    import_max_body_bytes: int = Field(
        8 * 1024 * 1024,
        ge=1024,
        description="Largest bulk import body (POST /api/v1/integration/reports), in bytes.",
    )
    import_concurrency: int = Field(
        32, ge=1, le=500, description="Reports of one bulk import written at the same time."
    )
    session_hours: float = Field(
        8.0, gt=0, le=168, description="How long a sign-in's bearer token is valid, in hours."
    )
