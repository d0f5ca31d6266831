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
    data_dir: Path = Field(
        Path(__file__).parent / "data",
        description="Taxonomy, rules, departments, national bodies and the training corpus.",
    )
    auto_route_confidence: float = Field(
        0.6, ge=0, le=1, description="Routes automatically at or above this confidence."
    )
    retrain_every: int = Field(
        10, ge=1, description="Lessons (corrections) collected before the model is rebuilt."
    )
    duplicate_similarity: float = Field(
        0.5, gt=0, le=1, description="Word overlap (Jaccard) at which a report is a duplicate."
    )
    duplicate_window_days: int = Field(
        30, ge=1, description="How far back an open report can be the original of a duplicate."
    )
    duplicate_radius_m: float = Field(
        300.0, gt=0, description="Two reports with map points farther apart are not duplicates."
    )
    agency_topic_partitions: int = Field(3, ge=1, description="Partitions of each agency topic.")
    stream_state_dir: Path = Field(
        Path(tempfile.gettempdir()) / "lapor-routing",
        description="Writable folder for the stream processor's local state.",
    )
