"""Analytics' settings (environment prefix ``ANALYTICS_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class AnalyticsSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", extra="ignore")

    http_port: int = Field(8005, description="Port of the statistics API and health endpoints.")
    grpc_port: int = Field(50055, description="Port of the gRPC server.")
    database: str = Field("lapor_analytics", description="Database of the read models.")
