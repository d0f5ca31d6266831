"""Routing's settings (environment prefix ``ROUTING_``)."""

import tempfile
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lapor_common.settings import ServiceEndpoints


class RoutingSettings(ServiceEndpoints):
    model_config = SettingsConfigDict(env_prefix="ROUTING_", extra="ignore")

    http_port: int = Field(8002, description="Port of the HTTP API and health endpoints.")
    grpc_port: int = Field(50052, description="Port of the gRPC server.")
    database: str = Field("lapor_routing", description="Database of routing's own state.")
    stream_state_dir: Path = Field(
        Path(tempfile.gettempdir()) / "lapor-routing",
        description="Writable folder for the stream processor's local state.",
    )
