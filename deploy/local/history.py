"""Writes a synthetic multi-year history of reports to a sandbox topic, for replays, data
teams and benchmarks (``make history``).

    PYTHONPATH=.:libs:services/intake:services/routing:services/escalation \\
        .venv/bin/python -m deploy.local.history --years 2 --per-day 331 --seed 7 \\
        --topic lapor.sandbox.report-events --start 2024-11-23 --bootstrap 127.0.0.1:9092

Every report's log is valid: its events are decided by intake's own domain (submission,
lifecycle, fold) on a simulated clock, deadlines fire from escalation's own clocks, agencies
are the ones routing's rules name for the category and village, and each event is wrapped
as intake's writer wraps it (gapless sequences, actors, correlation ids), keyed by report id
and timestamped with the moment it happened. The platform's own topics are refused; the
topic is created if missing (kept forever) and must be empty. Worker processes each simulate
the reports of their share of the partitions, so each partition is in time order. The same
arguments give the same history.
"""

import asyncio
import multiprocessing
import os
import queue
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.codec import has_lz4, has_zstd
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from deploy.local.history_sim import Simulation
from deploy.local.history_world import load_world
from lapor_common.envelope import Event
from lapor_common.replay import topic_partitions
from lapor_common.settings import PlatformSettings
from lapor_common.topics import TopicSpec, ensure_topics, platform_topics

ROOT = Path(__file__).resolve().parents[2]
BATCH_BYTES = 512 * 1024
SIGNAL_EVERY = 5000  # events between progress signals


@dataclass(frozen=True)
class Job:
    """One worker's share of the history: the partitions p with p % workers == worker."""

    bootstrap: str
    topic: str
    partitions: int
    seed: int
    first: date
    days: int
    per_day: int
    regions_dir: Path
    compression: str | None
    worker: int = 0
    workers: int = 1


@dataclass
class Written:
    events: int = 0
    reports: int = 0
    event_types: Counter[str] = field(default_factory=Counter)
    bursts: list[str] = field(default_factory=list)
    began: float = 0.0  # perf_counter when every worker had loaded the world and began
    cpu_seconds: float = 0.0  # the workers' processor time writing (after loading)


# (events written since the last signal, days simulated); days READY once the world is loaded.
Signal = Callable[[int, int], None]
READY = -1


class RefusedTopic(Exception):
    """The topic is one of the platform's, or already holds records."""


def window(start: date, years: int, days: int) -> int:
    """How many days the history covers: ``days`` if given, else ``years`` calendar years."""
    if days:
        return days
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return (end - start).days


def compression_of(choice: str) -> str | None:
    if choice == "auto":
        return "zstd" if has_zstd() else "lz4" if has_lz4() else None
    return None if choice == "none" else choice


def _millis(event: Event) -> int:
    at = event.envelope.occurred_at
    return at.seconds * 1000 + at.nanos // 1_000_000


async def produce(
    producer: AIOKafkaProducer, topic: str, pairs: Iterator[tuple[int, Event]], signal: Signal,
    today: Callable[[], int],
) -> int:  # fmt: skip
    """Append the events to their partitions in large batches; return how many."""
    builders: dict[int, Any] = {}
    delivered: list[asyncio.Future[Any]] = []
    count = signalled = 0
    for partition, event in pairs:
        value, key = event.envelope.SerializeToString(), event.envelope.report_id.encode()
        builder = builders.get(partition) or builders.setdefault(partition, producer.create_batch())
        if builder.append(timestamp=_millis(event), key=key, value=value) is None:
            delivered.append(await producer.send_batch(builder, topic, partition=partition))
            builder = builders[partition] = producer.create_batch()
            builder.append(timestamp=_millis(event), key=key, value=value)
            await asyncio.sleep(0)  # let the sender run
        count += 1
        if count - signalled >= SIGNAL_EVERY:
            signal(count - signalled, today())
            signalled = count
    for partition, builder in builders.items():
        if builder.record_count():
            delivered.append(await producer.send_batch(builder, topic, partition=partition))
    await asyncio.gather(*delivered)
    signal(count - signalled, today())
    return count


async def write(job: Job, signal: Signal) -> Written:
    """Simulate this job's reports and write their events; the whole work of one worker."""
    last = job.first + timedelta(days=job.days)
    world = load_world(job.regions_dir, job.first, last)
    simulation = Simulation(
        world, job.seed, job.first, job.days, job.per_day, job.partitions,
        owns=lambda partition: partition % job.workers == job.worker,
    )  # fmt: skip
    signal(0, READY)
    cpu = time.process_time()
    producer = AIOKafkaProducer(
        bootstrap_servers=job.bootstrap,
        client_id=f"lapor-history-{job.worker}",
        acks="all",
        enable_idempotence=True,
        linger_ms=50,
        max_batch_size=BATCH_BYTES,
        compression_type=job.compression,
        request_timeout_ms=120_000,
    )
    await producer.start()
    try:
        count = await produce(
            producer, job.topic, simulation.events(), signal, lambda: simulation.today
        )
    finally:
        await producer.stop()
    bursts = [burst.describe() for burst in simulation.bursts] if job.worker == 0 else []
    cpu = time.process_time() - cpu
    return Written(count, simulation.filed, simulation.event_types, bursts, cpu_seconds=cpu)


def _work(job: Job, signals: "multiprocessing.Queue[Any]") -> None:
    """A worker process: its signals and its result go to the parent through the queue."""
    written = asyncio.run(write(job, lambda n, day: signals.put(("progress", job.worker, n, day))))
    signals.put(("done", job.worker, written, 0))


async def prepare(bootstrap: str, topic: str, partitions: int) -> int:
    """Create the topic if it is missing; refuse the platform's topics and any topic that
    already holds records. Returns the topic's partition count."""
    settings = PlatformSettings()
    if topic in {spec.name for spec in platform_topics(settings)} or topic.startswith(
        "lapor.agency."
    ):
        raise RefusedTopic(f"{topic} is one of the platform's own topics; use a sandbox topic")
    config = {
        "retention.ms": "-1",
        "min.insync.replicas": str(settings.topic_min_insync_replicas),
    }
    spec = TopicSpec(topic, partitions, config)
    await ensure_topics(bootstrap, [spec], settings.topic_replication_factor)
    assignment = await topic_partitions(bootstrap, topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(assignment)
        starts = await consumer.beginning_offsets(assignment)
    finally:
        await consumer.stop()
    held = sum(ends[tp] - starts[tp] for tp in assignment)
    if held:
        raise RefusedTopic(f"{topic} already holds {held} records: use another --topic")
    return len(assignment)


def run(jobs: list[Job], progress: Progress) -> Written:
    """Every job, in this process when there is one, else in a process each."""
    task = progress.add_task("loading the world", total=jobs[0].days)
    events, ready = 0, [0.0] * len(jobs)

    def signal(number: int, n: int, day: int, days: list[int]) -> None:
        nonlocal events
        if day == READY:
            ready[number] = time.perf_counter()
            return
        days[number], events = day, events + n
        progress.update(task, completed=min(days), description=f"{events:,} events written")

    if len(jobs) == 1:
        alone = [0]
        written = asyncio.run(write(jobs[0], lambda n, day: signal(0, n, day, alone)))
        written.began = ready[0]
        return written
    context = multiprocessing.get_context("spawn")
    signals: multiprocessing.Queue[Any] = context.Queue()
    workers = [context.Process(target=_work, args=(job, signals), daemon=True) for job in jobs]
    for worker in workers:
        worker.start()
    days, total, done = [0] * len(jobs), Written(), 0
    while done < len(jobs):
        try:
            kind, number, value, day = signals.get(timeout=1)
        except queue.Empty:
            if any(w.exitcode not in (None, 0) for w in workers):
                raise RuntimeError("a worker failed; see its error above") from None
            continue
        if kind == "progress":
            signal(number, value, day, days)
        else:
            total.events += value.events
            total.reports += value.reports
            total.event_types.update(value.event_types)
            total.bursts += value.bursts
            total.cpu_seconds += value.cpu_seconds
            done += 1
    for worker in workers:
        worker.join()
    total.began = max(ready)
    return total


app = typer.Typer(add_completion=False)
REGIONS = Path(os.environ.get("LAPOR_REGIONS_DIR", ROOT.parent / "shared/data/regions"))


@app.command()
def main(
    *,
    years: Annotated[int, typer.Option(min=1, help="Calendar years from --start.")] = 2,
    days: Annotated[int, typer.Option(min=0, help="Days instead of --years (0: years).")] = 0,
    per_day: Annotated[int, typer.Option(min=1, help="Reports on an average day.")] = 331,
    seed: Annotated[int, typer.Option(help="The same seed, the same history.")] = 7,
    topic: Annotated[str, typer.Option(help="A sandbox topic.")] = "lapor.sandbox.report-events",
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD (WIB).")] = "2024-11-23",
    bootstrap: Annotated[str, typer.Option(help="Kafka; default LAPOR_KAFKA_...")] = "",
    partitions: Annotated[int, typer.Option(help="Default: report-events'.")] = 0,
    workers: Annotated[int, typer.Option(min=1, help="Processes.")] = os.cpu_count() or 1,
    regions: Annotated[Path, typer.Option(help="Kemendagri region CSVs.")] = REGIONS,
    compression: Annotated[str, typer.Option(help="auto, none, gzip, lz4, zstd.")] = "auto",
) -> None:
    """Write a synthetic history of valid report event logs to a sandbox topic."""
    settings = PlatformSettings()
    bootstrap = bootstrap or settings.kafka_bootstrap_servers
    console = Console(stderr=True)
    try:
        partitions = asyncio.run(
            prepare(bootstrap, topic, partitions or settings.report_events_partitions)
        )
    except RefusedTopic as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    first, codec = date.fromisoformat(start), compression_of(compression)
    span = window(first, years, days)
    jobs = [
        Job(bootstrap, topic, partitions, seed, first, span, per_day, regions, codec, n, workers)
        for n in range(workers)
    ]
    began = time.perf_counter()
    days_done = TextColumn("{task.completed}/{task.total} days")
    columns = (TextColumn("{task.description}"), BarColumn(), days_done)
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        written = run(jobs, progress)
    ended = time.perf_counter()
    rate = written.events / (ended - written.began)
    typer.echo(
        f"{written.events:,} events of {written.reports:,} reports ({first} + {span} days) "
        f"written to {topic} in {ended - began:.1f} s, {written.began - began:.1f} s of it "
        f"loading the world: {rate:,.0f} events/s generated and produced "
        f"({workers} workers, compression {codec or 'none'}; "
        f"{written.events / written.cpu_seconds:,.0f} events per processor-second of a worker)"
    )
    typer.echo(", ".join(f"{name} {n:,}" for name, n in written.event_types.most_common()))
    for burst in written.bursts:
        typer.echo(f"burst {burst}")


if __name__ == "__main__":
    app()
