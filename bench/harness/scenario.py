"""What a scenario is and what it is given: the running stack, the load generator, the seed and
how much to do (a full run, or a smoke run of seconds that checks the harness works)."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

from bench.harness.load import Mix
from bench.harness.results import Goal, Outcome
from bench.harness.stack import Stack


@dataclass(frozen=True)
class Sizes:
    """How much each scenario does."""

    intake_seconds: float  # closed-loop throughput, intake and its ceiling each
    intake_concurrency: int
    latency_reports: int  # open loop at 100/s, intake and the ceiling each
    freshness_reports: int  # open loop at 100/s
    import_reports: int
    import_batch: int
    tool_records: int  # records Kafka's own producer and consumer tools move
    projection_reports: int  # four events each
    stream_events: int  # events each way (faust, plain consumer)
    escalation_reports: int  # writing 10^6 takes FerretDB about 11 minutes: --escalation-reports
    settle_seconds: float  # quiet before memory is read


# The log the platform scenarios leave (about 5,000 events) is what the replay rebuilds; on
# FerretDB every event's lookup by _id reads the whole collection, so a longer log would take
# the replay, and the run, far beyond 15 minutes.
FULL = Sizes(
    intake_seconds=5,
    intake_concurrency=64,
    latency_reports=1000,
    freshness_reports=600,
    import_reports=500,
    import_batch=100,
    tool_records=200_000,
    projection_reports=500,
    stream_events=2000,
    escalation_reports=100_000,
    settle_seconds=10,
)
SMOKE = Sizes(
    intake_seconds=1,
    intake_concurrency=4,
    latency_reports=20,
    freshness_reports=10,
    import_reports=20,
    import_batch=10,
    tool_records=2_000,
    projection_reports=10,
    stream_events=20,
    escalation_reports=200,
    settle_seconds=1,
)


@dataclass(frozen=True)
class Bench:
    stack: Stack
    mix: Mix
    seed: int
    sizes: Sizes


@dataclass(frozen=True)
class Scenario:
    """A measurement and its goals. ``needs``: the whole platform running, or only Kafka and
    the database server (the services stopped, so nothing else consumes or writes)."""

    name: str
    title: str
    needs: Literal["platform", "infrastructure"]
    goals: tuple[Goal, ...]
    measure: Callable[[Bench], Coroutine[Any, Any, Outcome]]
