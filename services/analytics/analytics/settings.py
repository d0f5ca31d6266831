"""Analytics' settings (environment prefix ``ANALYTICS_``)."""

from datetime import time
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints

# The shape of the read models' documents. Change it with any change to that shape: the
# service then builds them afresh from the log in a new database, under new consumer groups,
# while the old version keeps serving until it is retired.
READ_MODELS = "v2"


class AnalyticsSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", extra="ignore")

    http_port: int = Field(8005, description="Port of the statistics API and health endpoints.")
    grpc_port: int = Field(50055, description="Port of the gRPC server.")
    database: str = Field(
        f"lapor_analytics_{READ_MODELS}", description="Database of the read models."
    )
    routing_target: str = Field(
        "127.0.0.1:50052", description="routing's gRPC address, for category and agency names."
    )
    cache_seconds: float = Field(
        5.0, ge=0, description="How long a period's daily documents are reused by queries."
    )
    spike_interval_seconds: float = Field(
        60.0, gt=0, description="How often today's reports are checked for spikes."
    )
    open_data_dir: Path = Field(
        Path(".run/open-data"), description="Where the daily open-data files are kept and served."
    )
    open_data_at: time | None = Field(
        time(1, 0),
        description="Time of day (WIB) the open-data files of the day before are written; "
        "empty: never (a CronJob runs `lapor-data open-data` instead).",
    )
    open_data_keep: int = Field(7, ge=1, description="How many days of open-data files are kept.")

    @field_validator("open_data_at", mode="before")
    @classmethod
    def _empty_is_never(cls, value: object) -> object:
        return None if value == "" else value
