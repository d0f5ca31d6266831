"""Analytics' settings (environment prefix ``ANALYTICS_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class AnalyticsSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", extra="ignore")

    http_port: int = Field(8005, description="Port of the statistics API and health endpoints.")
    grpc_port: int = Field(50055, description="Port of the gRPC server.")
    database: str = Field("lapor_analytics", description="Database of the read models.")
    routing_target: str = Field(
        "127.0.0.1:50052", description="routing's gRPC address, for category and agency names."
    )
    cache_seconds: float = Field(
        5.0, ge=0, description="How long a period's daily documents are reused by queries."
    )
    spike_interval_seconds: float = Field(
        60.0, gt=0, description="How often today's reports are checked for spikes."
    )
