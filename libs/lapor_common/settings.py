"""Settings every service shares (environment prefix ``LAPOR_``)."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    """Where the platform's infrastructure is and how it behaves, shared by all services."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_", extra="ignore")

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="Comma-separated Kafka bootstrap servers."
    )
    mongo_uri: str = Field(
        "mongodb://127.0.0.1:27017/", description="MongoDB-wire connection string for read models."
    )
    log_level: str = Field("INFO", description="Root log level (DEBUG, INFO, WARNING, ERROR).")
    report_events_partitions: int = Field(
        12, ge=1, description="Partitions of the report-events and report-commands topics."
    )
    regions_dir: Path = Field(
        Path("../shared/data/regions"),
        description="Folder of the Kemendagri region reference CSVs (provinces ... villages).",
    )
    jwt_signing_key: SecretStr | None = Field(
        None,
        description="HMAC key (HS256) that signs officers' and administrators' bearer tokens.",
    )
    topic_replication_factor: int = Field(
        1, ge=1, description="Replication factor for topics the platform creates."
    )
    topic_min_insync_replicas: int = Field(
        1, ge=1, description="min.insync.replicas for topics the platform creates."
    )


class ServiceEndpoints(BaseSettings):
    """Where one service listens. Subclass it per service with that service's env prefix."""

    http_host: str = Field("127.0.0.1", description="Interface the HTTP server binds.")
    http_port: int = Field(description="Port of the HTTP server (API, /healthz, /readyz).")
    grpc_host: str = Field("127.0.0.1", description="Interface the gRPC server binds.")
    grpc_port: int = Field(description="Port of the gRPC server (services, health, reflection).")
